<?php

namespace WHMCS\Module\Server\Flvx;

use WHMCS\Database\Capsule;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * The daily usage samples behind the client area's 30-day chart (the Rust
 * `store::UsageHistory`): the panel keeps only 48 hours of hourly figures, so UsageUpdate
 * notes each service's counter once a day in the module's table `mod_flvx_daily_usage`,
 * one row per service and UTC day (days since 1970-01-01), and deletes rows older than
 * DAILY_USAGE_DAYS. Every database failure becomes the catalogue message `store_failed`.
 */
final class FlvxDailyUsage
{
    const TABLE = 'mod_flvx_daily_usage';

    /** The UTC day of a time in ms, in days since 1970-01-01. */
    public static function dayOf(int $ms): int
    {
        $day = intdiv($ms, 86400000);
        return ($ms % 86400000 !== 0 && $ms < 0) ? $day - 1 : $day;
    }

    /** The first day the chart shows on `$today`; older samples are pruned. */
    public static function firstKeptDay(int $today): int
    {
        return $today - ((int) FlvxConstants::DAILY_USAGE_DAYS - 1);
    }

    /**
     * Keeps each service's bytes used as `$day`'s sample (a later sample of the same day
     * replaces the earlier) and deletes the samples before firstKeptDay($day), in one
     * transaction.
     *
     * @param array<int, array> $usage by service id, with `used` in bytes (engine usage())
     */
    public static function record(array $usage, int $day): void
    {
        self::ensureTable();
        try {
            Capsule::connection()->transaction(function () use ($usage, $day) {
                foreach ($usage as $serviceId => $u) {
                    $used = isset($u['used']) && is_int($u['used']) ? max(0, $u['used']) : 0;
                    $key = array('serviceid' => (int) $serviceId, 'day' => $day);
                    Capsule::table(self::TABLE)->updateOrInsert($key, array('used' => $used));
                }
                Capsule::table(self::TABLE)->where('day', '<', self::firstKeptDay($day))->delete();
            });
        } catch (\Throwable $e) {
            throw FlvxTable::failure('recording the daily usage', $e);
        }
    }

    /**
     * The samples of a service from `$fromDay` on, oldest first.
     *
     * @return array[] each {day: int, used: int}
     */
    public static function since(int $serviceId, int $fromDay): array
    {
        self::ensureTable();
        try {
            $rows = Capsule::table(self::TABLE)->where('serviceid', $serviceId)
                ->where('day', '>=', $fromDay)->orderBy('day')->get();
        } catch (\Throwable $e) {
            throw FlvxTable::failure('reading the daily usage of service ' . $serviceId, $e);
        }
        $samples = array();
        foreach ($rows as $row) {
            $samples[] = array('day' => (int) $row->day, 'used' => max(0, (int) $row->used));
        }
        return $samples;
    }

    /**
     * Creates the table the first time it is needed; a process that loses the race to
     * create it uses the winner's.
     */
    private static function ensureTable(): void
    {
        FlvxTable::ensure(self::TABLE, function ($table) {
            $table->unsignedInteger('serviceid');
            $table->integer('day');
            $table->bigInteger('used');
            $table->primary(array('serviceid', 'day'));
            $table->index('day');
        });
    }
}
