<?php

namespace WHMCS\Module\Server\Flvx;

use WHMCS\Database\Capsule;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * The module's own tables (records, locks, daily usage): each created the first time it
 * is needed, so that installing the module needs no step of its own, and a process that
 * loses the race to create one uses the winner's. Every database failure becomes the
 * catalogue message `store_failed`.
 */
final class FlvxTable
{
    /** @var array<string, bool> the tables known to exist in this request */
    private static $ready = array();

    /**
     * Creates `$name` with `$define` (a Laravel schema blueprint callback) unless it exists.
     */
    public static function ensure(string $name, callable $define): void
    {
        if (isset(self::$ready[$name])) {
            return;
        }
        try {
            $schema = Capsule::schema();
            if (!$schema->hasTable($name)) {
                $schema->create($name, $define);
            }
        } catch (\Throwable $e) {
            if (!self::exists($name)) {
                throw self::failure('creating the table ' . $name, $e);
            }
        }
        self::$ready[$name] = true;
    }

    /**
     * The catalogue's `store_failed` for `$what`, with the database's own message.
     */
    public static function failure(string $what, \Throwable $e): FlvxProvisionException
    {
        return new FlvxProvisionException(
            'store_failed',
            array('detail' => $what . ' failed: ' . $e->getMessage()),
            $e
        );
    }

    private static function exists(string $name): bool
    {
        try {
            return Capsule::schema()->hasTable($name);
        } catch (\Throwable $e) {
            return false;
        }
    }
}
