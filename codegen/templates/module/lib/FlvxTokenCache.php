<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

use WHMCS\Database\Capsule;

/**
 * Keeps panel tokens across WHMCS requests, so the module logs in once per token lifetime
 * (90 days) instead of once per action. Tokens are stored encrypted with WHMCS's own key
 * in `mod_flvx_tokens`; without a database they live for the request only.
 */
final class FlvxTokenCache
{
    const TABLE = 'mod_flvx_tokens';

    /** @var array<string, array{token: string, expires: int}> */
    private static $memory = array();

    /** @return string|null a token still valid for at least a minute */
    public static function get(string $key)
    {
        $entry = isset(self::$memory[$key]) ? self::$memory[$key] : self::read($key);
        if ($entry === null || $entry['expires'] - 60 <= time()) {
            return null;
        }
        self::$memory[$key] = $entry;
        return $entry['token'];
    }

    public static function put(string $key, string $token, int $expires): void
    {
        self::$memory[$key] = array('token' => $token, 'expires' => $expires);
        try {
            self::ensureTable();
            Capsule::table(self::TABLE)->updateOrInsert(
                array('cache_key' => $key),
                array('token' => self::seal($token), 'expires_at' => $expires)
            );
        } catch (\Throwable $e) {
            // The cache is an optimisation: without it the module logs in more often.
        }
    }

    /** Forgets `token` under `key`, unless a newer token has replaced it already. */
    public static function forget(string $key, string $token): void
    {
        if (isset(self::$memory[$key]) && self::$memory[$key]['token'] === $token) {
            unset(self::$memory[$key]);
        }
        try {
            if (self::hasDatabase() && Capsule::schema()->hasTable(self::TABLE)) {
                $row = Capsule::table(self::TABLE)->where('cache_key', $key)->first();
                if ($row !== null && self::unseal((string) $row->token) === $token) {
                    Capsule::table(self::TABLE)->where('cache_key', $key)->delete();
                }
            }
        } catch (\Throwable $e) {
            // Nothing cached, nothing to forget.
        }
    }

    /** Test hook: drops tokens held in memory. */
    public static function clearMemory(): void
    {
        self::$memory = array();
    }

    /** @return array{token: string, expires: int}|null */
    private static function read(string $key)
    {
        try {
            if (!self::hasDatabase() || !Capsule::schema()->hasTable(self::TABLE)) {
                return null;
            }
            $row = Capsule::table(self::TABLE)->where('cache_key', $key)->first();
            if ($row === null) {
                return null;
            }
            return array('token' => self::unseal((string) $row->token), 'expires' => (int) $row->expires_at);
        } catch (\Throwable $e) {
            return null;
        }
    }

    private static function ensureTable(): void
    {
        if (!self::hasDatabase() || Capsule::schema()->hasTable(self::TABLE)) {
            return;
        }
        Capsule::schema()->create(self::TABLE, function ($table) {
            $table->string('cache_key', 64)->primary();
            $table->text('token');
            $table->integer('expires_at');
        });
    }

    private static function hasDatabase(): bool
    {
        return class_exists('WHMCS\Database\Capsule');
    }

    private static function seal(string $token): string
    {
        return function_exists('encrypt') ? (string) encrypt($token) : $token;
    }

    private static function unseal(string $stored): string
    {
        return function_exists('decrypt') ? (string) decrypt($stored) : $stored;
    }
}
