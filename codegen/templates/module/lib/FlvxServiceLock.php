<?php

namespace WHMCS\Module\Server\Flvx;

use WHMCS\Database\Capsule;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * One service's operations, one at a time across PHP processes. WHMCS can run two actions
 * on one service at once (an admin's Suspend and a customer's click, the cron and a
 * renewal), and each reads the service record, calls the panel and writes the record
 * back: without this the slower one writes over the other's record.
 *
 * The lock is a row in `mod_flvx_locks` keyed by the service id: inserting it succeeds for
 * one process only (primary key), on MySQL, MariaDB and SQLite alike, and needs no
 * transaction held open across the panel calls. Each holder writes a random owner and an
 * expiry: a process that died holding the lock stops blocking once its lease ran out, and
 * a release deletes only its own row. The record is read after the lock is taken.
 */
class FlvxServiceLock
{
    const TABLE = 'mod_flvx_locks';

    /** Longer than any one action can take (its panel calls each time out sooner). */
    const LEASE_SECONDS = 600;

    /** How long an action waits for the one before it. */
    const WAIT_MS = 30000;

    /**
     * Runs `$operation` holding the lock of `$serviceId`, and returns what it returns.
     *
     * @throws FlvxProvisionException `service_busy` when another action kept the lock
     *   longer than WAIT_MS, `store_failed` when the database fails
     */
    public static function run(int $serviceId, callable $operation)
    {
        $owner = bin2hex(random_bytes(16));
        self::acquire($serviceId, $owner);
        try {
            return $operation();
        } finally {
            self::release($serviceId, $owner);
        }
    }

    private static function acquire(int $serviceId, string $owner): void
    {
        self::ensureTable();
        $deadline = microtime(true) + self::waitMs() / 1000;
        $pause = 20000;
        while (true) {
            if (self::tryInsert($serviceId, $owner)) {
                return;
            }
            self::dropExpired($serviceId);
            if (microtime(true) >= $deadline) {
                throw new FlvxProvisionException('service_busy');
            }
            usleep($pause);
            $pause = min($pause * 2, 250000);
        }
    }

    private static function tryInsert(int $serviceId, string $owner): bool
    {
        try {
            Capsule::table(self::TABLE)->insert(array(
                'serviceid' => $serviceId,
                'owner' => $owner,
                'expires_at' => time() + self::LEASE_SECONDS,
            ));
            return true;
        } catch (\Throwable $e) {
            if (self::held($serviceId)) {
                return false;
            }
            throw FlvxTable::failure('taking the lock of service ' . $serviceId, $e);
        }
    }

    /** Whether some process holds the lock (so the insert failed on the key). */
    private static function held(int $serviceId): bool
    {
        try {
            return Capsule::table(self::TABLE)->where('serviceid', $serviceId)->exists();
        } catch (\Throwable $e) {
            return false;
        }
    }

    private static function dropExpired(int $serviceId): void
    {
        try {
            Capsule::table(self::TABLE)
                ->where('serviceid', $serviceId)
                ->where('expires_at', '<', time())
                ->delete();
        } catch (\Throwable $e) {
            // The next insert attempt reports a database that fails.
        }
    }

    private static function release(int $serviceId, string $owner): void
    {
        try {
            Capsule::table(self::TABLE)->where('serviceid', $serviceId)->where('owner', $owner)->delete();
        } catch (\Throwable $e) {
            // The lease runs out by itself.
        }
    }

    /** Creates the table once; a process that loses the race to create it uses the winner's. */
    private static function ensureTable(): void
    {
        FlvxTable::ensure(self::TABLE, function ($table) {
            $table->unsignedInteger('serviceid')->primary();
            $table->string('owner', 32);
            $table->integer('expires_at');
        });
    }

    /** WAIT_MS, or what the test harness sets in FLVX_LOCK_WAIT_MS. */
    private static function waitMs(): int
    {
        return defined('FLVX_LOCK_WAIT_MS') ? (int) constant('FLVX_LOCK_WAIT_MS') : self::WAIT_MS;
    }
}
