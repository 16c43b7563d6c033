<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * The message catalogue in the current WHMCS language (client session, admin session or
 * system default), falling back to English. The files in lang/ are generated from the
 * Rust catalogue, so both runtimes say the same thing.
 */
final class FlvxLang
{
    /** @var string|null forced language, for tests */
    private static $forced = null;

    /** @var array<string, array<string, string>> */
    private static $loaded = array();

    /** Forces a language (`english`, `chinese`), or null to follow WHMCS again. */
    public static function setLanguage($language): void
    {
        self::$forced = $language === null ? null : (string) $language;
    }

    /** The message `key` with `{name}` placeholders filled from `args`. */
    public static function text(string $key, array $args = array()): string
    {
        $messages = self::all();
        $text = isset($messages[$key]) ? $messages[$key] : $key;
        $pairs = array();
        foreach ($args as $name => $value) {
            $pairs['{' . $name . '}'] = is_scalar($value) ? (string) $value : '';
        }
        return strtr($text, $pairs);
    }

    /** Every message of the current language, by key. */
    public static function all(): array
    {
        $language = self::language();
        if (!isset(self::$loaded[$language])) {
            $file = dirname(__DIR__) . '/lang/' . $language . '.php';
            $messages = is_file($file) ? include $file : array();
            self::$loaded[$language] = is_array($messages) ? $messages : array();
        }
        if ($language !== 'english') {
            return self::$loaded[$language] + self::englishFallback();
        }
        return self::$loaded[$language];
    }

    private static function englishFallback(): array
    {
        $current = self::$forced;
        self::$forced = 'english';
        $english = self::all();
        self::$forced = $current;
        return $english;
    }

    /** A language with a file in lang/, never a path: names are checked, not trusted. */
    private static function language(): string
    {
        $candidates = array(self::$forced);
        if (isset($_SESSION) && is_array($_SESSION)) {
            $candidates[] = isset($_SESSION['Language']) ? $_SESSION['Language'] : null;
            $candidates[] = isset($_SESSION['adminlang']) ? $_SESSION['adminlang'] : null;
        }
        $config = isset($GLOBALS['CONFIG']) && is_array($GLOBALS['CONFIG']) ? $GLOBALS['CONFIG'] : array();
        $candidates[] = isset($config['Language']) ? $config['Language'] : null;
        foreach ($candidates as $candidate) {
            $name = strtolower(trim((string) $candidate));
            if (preg_match('/^[a-z]+$/', $name) === 1 && is_file(dirname(__DIR__) . '/lang/' . $name . '.php')) {
                return $name;
            }
        }
        return 'english';
    }
}
