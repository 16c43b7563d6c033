<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * The client area's traffic charts as geometry (the Rust `views::chart`): the last 24
 * hours from the panel's hourly rows and the last 30 days from the module's daily
 * samples. Integer coordinates in a CHART_WIDTH x CHART_HEIGHT drawing, computed exactly
 * as in Rust, so the template only draws rectangles and a line.
 */
final class FlvxChart
{
    /**
     * The last 24 hours: one bar per hourly row (`statisticsFlows`), the newest in the
     * last slot.
     *
     * @param mixed $rows the panel's `statisticsFlows`
     * @return array the chart (see draw())
     */
    public static function hours($rows): array
    {
        $flows = array();
        foreach (is_array($rows) ? $rows : array() as $row) {
            if (is_array($row) && (count($row) === 0 || array_keys($row) !== range(0, count($row) - 1))) {
                $flows[] = array(
                    'flow' => max(0, FlvxViews::intField($row, 'flow')),
                    'time' => self::timeText($row),
                );
            }
        }
        $slots = (int) FlvxConstants::CHART_HOURS;
        $shown = array_slice($flows, max(0, count($flows) - $slots));
        $firstSlot = $slots - count($shown);
        $points = array();
        foreach ($shown as $i => $flow) {
            $points[] = array(
                'slot' => $firstSlot + $i,
                'value' => $flow['flow'],
                'title' => FlvxLang::text('chart_hour_bar', array(
                    'traffic' => FlvxViews::humanBytes($flow['flow']),
                    'time' => $flow['time'],
                )),
                'over' => false,
            );
        }
        $chart = self::draw($slots, $points, null);
        $chart['title'] = FlvxLang::text('chart_hours_title', array('hours' => (string) $slots));
        $chart['note'] = FlvxLang::text('chart_hours_note');
        if (count($shown) === 0) {
            $chart['empty'] = FlvxLang::text('chart_hours_empty');
        } else {
            $chart['start'] = $shown[0]['time'];
            $chart['end'] = $shown[count($shown) - 1]['time'];
        }
        return $chart;
    }

    /**
     * The last 30 days: the counter at each day's sample, today in the last slot, with
     * the quota line when there is a quota.
     *
     * @param array[] $samples each {day: int, used: int} (FlvxDailyUsage::since())
     * @param array $context now_ms (int), date_format (string)
     */
    public static function days(array $samples, int $quotaGib, array $context): array
    {
        $format = (string) $context['date_format'];
        $today = FlvxDailyUsage::dayOf((int) $context['now_ms']);
        $first = FlvxDailyUsage::firstKeptDay($today);
        $quota = $quotaGib >= (int) FlvxConstants::UNLIMITED_GIB ? null : max(0, $quotaGib);
        $limit = $quota === null ? null : $quota * (int) FlvxConstants::BYTES_PER_GIB;
        $points = array();
        foreach ($samples as $sample) {
            $day = (int) $sample['day'];
            if ($day < $first || $day > $today) {
                continue;
            }
            $used = max(0, (int) $sample['used']);
            $points[] = array(
                'slot' => $day - $first,
                'value' => $used,
                'title' => FlvxLang::text('chart_day_bar', array(
                    'used' => FlvxViews::humanBytes($used),
                    'date' => FlvxViews::formatDate($day, $format),
                )),
                'over' => $limit !== null && $used >= $limit,
            );
        }
        $chart = self::draw((int) FlvxConstants::DAILY_USAGE_DAYS, $points, $quota);
        $chart['title'] = FlvxLang::text('chart_days_title', array('days' => (string) FlvxConstants::DAILY_USAGE_DAYS));
        $chart['note'] = FlvxLang::text('chart_days_note');
        $chart['start'] = FlvxViews::formatDate($first, $format);
        $chart['end'] = FlvxViews::formatDate($today, $format);
        if (count($points) === 0) {
            $chart['empty'] = FlvxLang::text('chart_days_empty');
        }
        return $chart;
    }

    /**
     * `$value` of `$top` in `$span` units, rounded down; any traffic at all is at least 1.
     * Both numbers are halved until the product fits 63 bits (the Rust `scaled`).
     */
    public static function scaled(int $value, int $top, int $span): int
    {
        if ($top <= 0) {
            return 0;
        }
        $v = min(max(0, $value), $top);
        $t = $top;
        $safe = intdiv(PHP_INT_MAX, (int) FlvxConstants::CHART_HEIGHT);
        while ($t > $safe) {
            $v >>= 1;
            $t >>= 1;
        }
        $height = intdiv($v * $span, $t);
        return $height === 0 && $value > 0 ? 1 : $height;
    }

    /**
     * The geometry of `$points` in `$slots` equal slots, scaled to the largest value or
     * the quota (GiB, null for none), when higher.
     *
     * @return array title, note, empty, view_box, slot_width, bars (slot_x, x, y, width,
     *     height, title, over), top, quota, quota_y, quota_label, start, end
     */
    private static function draw(int $slots, array $points, $quotaGib): array
    {
        $width = (int) FlvxConstants::CHART_WIDTH;
        $height = (int) FlvxConstants::CHART_HEIGHT;
        $gap = (int) FlvxConstants::CHART_GAP;
        $slotWidth = intdiv($width, $slots);
        $limit = $quotaGib === null ? null : $quotaGib * (int) FlvxConstants::BYTES_PER_GIB;
        $top = $limit === null ? 0 : $limit;
        foreach ($points as $point) {
            $top = max($top, $point['value']);
        }
        $span = $height - (int) FlvxConstants::CHART_HEADROOM;
        $bars = array();
        foreach ($points as $point) {
            $barHeight = self::scaled($point['value'], $top, $span);
            $bars[] = array(
                'slot_x' => $point['slot'] * $slotWidth,
                'x' => $point['slot'] * $slotWidth + intdiv($gap, 2),
                'y' => $height - $barHeight,
                'width' => $slotWidth - $gap,
                'height' => $barHeight,
                'title' => $point['title'],
                'over' => $point['over'],
            );
        }
        return array(
            'title' => '',
            'note' => '',
            'empty' => '',
            'view_box' => '0 0 ' . $width . ' ' . $height,
            'slot_width' => $slotWidth,
            'bars' => $bars,
            'top' => FlvxViews::humanBytes($top),
            'quota' => $limit !== null,
            'quota_y' => $limit === null ? 0 : $height - self::scaled($limit, $top, $span),
            'quota_label' => $quotaGib === null ? '' : FlvxLang::text('chart_quota_line', array('quota' => $quotaGib . ' GiB')),
            'start' => '',
            'end' => '',
        );
    }

    /** The panel's `time` text: a string as sent, a number as its digits, else ''. */
    private static function timeText(array $row): string
    {
        if (!isset($row['time'])) {
            return '';
        }
        $time = $row['time'];
        if (is_string($time)) {
            return $time;
        }
        return is_int($time) || is_float($time) ? (string) json_encode($time) : '';
    }
}
