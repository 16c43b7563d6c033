<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Display models for the client area and the admin tab, the same as the Rust `views`
 * module: every value formatted and ready to print, so templates only escape and lay out.
 */
final class FlvxViews
{
    const UNITS = array('B', 'KiB', 'MiB', 'GiB', 'TiB');

    /**
     * The client-area view from a `user/package` answer (the Rust `service_view`; the
     * engine adds `login`).
     *
     * @param array $context max_forwards (int), suspended (bool), grace_days (int|null:
     *     null for a service without a due date), now_ms (int), date_format (string),
     *     daily (the service's daily usage samples, FlvxDailyUsage::since())
     * @return array username, state, status, notice, used, quota, usage, remaining,
     *     percent, unlimited, warning, expires, expiry_note, reset, forward_count, tunnels
     *     (id, name, speed), forwards (id, name, tunnel, entries, target, traffic, status,
     *     running), hours and days (FlvxChart), login (null here)
     */
    public static function serviceView(array $package, array $context): array
    {
        $user = isset($package['userInfo']) && is_array($package['userInfo']) ? $package['userInfo'] : array();
        $bindings = self::rows($package, 'tunnelPermissions');
        $forwards = self::rows($package, 'forwards');
        $tunnelViews = array();
        foreach ($bindings as $binding) {
            $tunnelViews[] = self::tunnelView($binding);
        }
        // The panel lists bindings in the order they were made, and the engine makes those
        // of several tunnels at once: tunnel order is what stays put.
        usort($tunnelViews, function (array $a, array $b) {
            return $a['id'] <=> $b['id'];
        });
        $forwardViews = array();
        foreach ($forwards as $forward) {
            $forwardViews[] = self::forwardView($forward);
        }
        $flow = self::intField($user, 'flow');
        $usedBytes = self::usedBytes($user);
        $used = self::humanBytes($usedBytes);
        $quota = self::quotaLabel($flow);
        // A quota of 0 is a real one (the panel stops at the first byte).
        $unlimited = $flow >= (int) FlvxConstants::UNLIMITED_GIB;
        $limit = $unlimited ? 0 : max(0, $flow) * (int) FlvxConstants::BYTES_PER_GIB;
        $percent = self::percent($usedBytes, $flow);
        $resetDay = self::intField($user, 'flowResetTime');
        $reset = self::resetLabel($resetDay);
        $exp = self::intField($user, 'expTime');
        $never = $exp >= (int) FlvxConstants::FAR_FUTURE_MS;
        // The panel expiry is the first instant the account is off: the day before is the
        // last one the forwards run.
        $lastDay = $never ? '' : self::formatDate(self::floorDiv(max(PHP_INT_MIN + 1, $exp) - 1, 86400000), (string) $context['date_format']);
        if ($context['suspended']) {
            $state = 'suspended';
        } elseif (!$never && $exp > 0 && $exp <= (int) $context['now_ms']) {
            $state = 'expired';
        } elseif (!$unlimited && $usedBytes >= $limit) {
            $state = 'over_quota';
        } elseif (self::intField($user, 'status') !== 1) {
            $state = 'disabled';
        } else {
            $state = 'active';
        }
        $notices = array(
            'active' => '',
            'suspended' => FlvxLang::text('notice_suspended'),
            'expired' => FlvxLang::text('notice_expired', array('date' => $lastDay)),
            'over_quota' => $resetDay > 0 && $resetDay <= 31
                ? FlvxLang::text('notice_over_quota_reset', array('quota' => $quota, 'reset' => $reset))
                : FlvxLang::text('notice_over_quota', array('quota' => $quota)),
            'disabled' => FlvxLang::text('notice_disabled'),
        );
        $statusKeys = array(
            'active' => 'status_active',
            'suspended' => 'status_suspended',
            'expired' => 'status_expired',
            'over_quota' => 'status_over_quota',
            'disabled' => 'status_disabled',
        );
        $left = $unlimited ? '' : self::humanBytes(max(0, $limit - $usedBytes));
        $warning = '';
        if ($state === 'active' && !$unlimited && $percent >= 80) {
            $warning = FlvxLang::text('notice_near_limit', array('percent' => (string) $percent, 'remaining' => $left));
        }
        $grace = $context['grace_days'];
        if ($never || $grace === null) {
            $expiryNote = '';
        } elseif ((int) $grace === 0) {
            $expiryNote = FlvxLang::text('expiry_on_due');
        } else {
            $expiryNote = FlvxLang::text('expiry_grace', array('days' => (string) (int) $grace));
        }
        return array(
            'username' => self::textField($user, 'user'),
            'state' => $state,
            'status' => FlvxLang::text($statusKeys[$state]),
            'notice' => $notices[$state],
            'used' => $used,
            'quota' => $quota,
            'usage' => $unlimited
                ? FlvxLang::text('usage_unlimited', array('used' => $used))
                : FlvxLang::text('usage_of_quota', array('used' => $used, 'quota' => $quota)),
            'remaining' => $unlimited ? '' : FlvxLang::text('usage_remaining', array('remaining' => $left)),
            'percent' => $percent,
            'unlimited' => $unlimited,
            'warning' => $warning,
            'expires' => $never ? FlvxLang::text('never_expires') : $lastDay,
            'expiry_note' => $expiryNote,
            'reset' => $reset,
            'forward_count' => count($forwards) . ' / ' . (int) $context['max_forwards'],
            'tunnels' => $tunnelViews,
            'forwards' => $forwardViews,
            'hours' => FlvxChart::hours(isset($package['statisticsFlows']) ? $package['statisticsFlows'] : array()),
            'days' => FlvxChart::days(isset($context['daily']) && is_array($context['daily']) ? $context['daily'] : array(), $flow, $context),
            'login' => null,
        );
    }

    /**
     * The view context of a service (the Rust `ViewContext::of`): WHMCS's date format
     * (`DateFormat`), the grace days when the service has a due date; no daily samples
     * (the engine adds them, as `ViewContext::with_daily`).
     */
    public static function context(FlvxService $service, bool $suspended): array
    {
        $config = isset($GLOBALS['CONFIG']) && is_array($GLOBALS['CONFIG']) ? $GLOBALS['CONFIG'] : array();
        return array(
            'max_forwards' => $service->number('max_forwards'),
            'suspended' => $suspended,
            'grace_days' => $service->dueDate === null ? null : $service->number('expiry_grace_days'),
            'now_ms' => $service->nowMs,
            'date_format' => isset($config['DateFormat']) && is_string($config['DateFormat']) ? $config['DateFormat'] : 'YYYY-MM-DD',
            'daily' => array(),
        );
    }

    /**
     * A day (days since 1970-01-01) in a WHMCS date format (the Rust `Date::formatted`):
     * only the six formats WHMCS offers are trusted as patterns, anything else gives
     * `YYYY-MM-DD`.
     */
    public static function formatDate(int $days, string $pattern): string
    {
        $known = array('DD/MM/YYYY', 'DD.MM.YYYY', 'DD-MM-YYYY', 'MM/DD/YYYY', 'YYYY/MM/DD', 'YYYY-MM-DD');
        $pattern = trim($pattern);
        if (!in_array($pattern, $known, true)) {
            $pattern = 'YYYY-MM-DD';
        }
        list($year, $month, $day) = self::civilFromDays($days);
        return strtr($pattern, array(
            'YYYY' => sprintf('%04d', $year),
            'MM' => sprintf('%02d', $month),
            'DD' => sprintf('%02d', $day),
        ));
    }

    /**
     * The login address from the server's IP Address field (the Rust `login_address`): an
     * `http://` or `https://` address without white space or markup characters, else ''
     * (a bare host or IP there is the API fallback, not a login page).
     */
    public static function loginAddress(array $params): string
    {
        $text = isset($params['serverip']) && is_scalar($params['serverip']) ? trim((string) $params['serverip']) : '';
        $scheme = preg_match('~^https?://~i', $text) === 1;
        $clean = preg_match('~[\s\x00-\x1f\x7f<>"\'`]~u', $text) === 0;
        return $scheme && $clean && strlen($text) <= 255 ? $text : '';
    }

    /** Integer division rounding down, like Rust's `div_euclid` for a positive divisor. */
    private static function floorDiv(int $a, int $b): int
    {
        $q = intdiv($a, $b);
        return ($a % $b !== 0 && $a < 0) ? $q - 1 : $q;
    }

    /**
     * Year, month and day of a day count (Howard Hinnant's civil_from_days, as dates.rs).
     *
     * @return int[] year, month, day
     */
    private static function civilFromDays(int $days): array
    {
        $z = $days + 719468;
        $era = intdiv($z >= 0 ? $z : $z - 146096, 146097);
        $doe = $z - $era * 146097;
        $yoe = intdiv($doe - intdiv($doe, 1460) + intdiv($doe, 36524) - intdiv($doe, 146096), 365);
        $doy = $doe - (365 * $yoe + intdiv($yoe, 4) - intdiv($yoe, 100));
        $mp = intdiv(5 * $doy + 2, 153);
        $day = $doy - intdiv(153 * $mp + 2, 5) + 1;
        $month = $mp < 10 ? $mp + 3 : $mp - 9;
        return array($yoe + $era * 400 + ($month <= 2 ? 1 : 0), $month, $day);
    }

    /**
     * Every label the templates use, by key: the catalogue in the current language.
     *
     * @return array<string, string>
     */
    public static function labels(): array
    {
        return FlvxLang::all();
    }

    /**
     * One label (see labels()).
     */
    public static function label(string $key): string
    {
        $labels = self::labels();
        return isset($labels[$key]) ? (string) $labels[$key] : $key;
    }

    /**
     * Loader choices: `id => "name (#id)"`, with `0 => (none)` first for optional ones.
     *
     * @param mixed $rows a panel list
     * @return array<int, string>
     */
    public static function choices($rows, bool $optional): array
    {
        $choices = array();
        if ($optional) {
            $choices[0] = '(' . FlvxLang::text('label_none') . ')';
        }
        if (is_array($rows)) {
            foreach ($rows as $row) {
                if (!is_array($row) || !isset($row['id']) || !is_numeric($row['id'])) {
                    continue;
                }
                $id = (int) $row['id'];
                $choices[$id] = self::textField($row, 'name') . ' (#' . $id . ')';
            }
        }
        // By id, as 2.1 lists them (3.0 lists newest first); "(none)" (0) stays first.
        ksort($choices);
        return $choices;
    }

    /**
     * The variables of templates/clientarea.tpl: the view (login included), what the
     * add-forward form may offer (the plan's tunnels, while not suspended and below the
     * limit), the two charts by name, and the labels. The page's own `$packagesupgrade`
     * decides the upgrade link.
     */
    public static function clientAreaVariables(FlvxService $service, array $view, array $record): array
    {
        $addTunnels = array();
        foreach ($view['tunnels'] as $tunnel) {
            if (array_key_exists($tunnel['id'], $record['bindings'])) {
                $addTunnels[] = $tunnel;
            }
        }
        $count = count($view['forwards']);
        $max = $service->number('max_forwards');
        $atLimit = $count >= $max;
        return array(
            'flvx' => $view,
            // The two charts in the order they are shown, so the template draws both alike.
            'flvxCharts' => array('hours' => $view['hours'], 'days' => $view['days']),
            'flvxServiceId' => $service->id,
            'flvxSuspended' => (bool) $record['suspended'],
            'flvxCanResetTraffic' => $service->text('forward_traffic_reset') === 'yes' && !$record['suspended'],
            'flvxAddTunnels' => $addTunnels,
            'flvxCanAdd' => !$record['suspended'] && !$atLimit && count($addTunnels) > 0,
            'flvxLimitText' => $atLimit
                ? FlvxLang::text('forward_limit', array('count' => (string) $count, 'max' => (string) $max))
                : '',
            'flvxLang' => self::labels(),
        );
    }

    /**
     * One tunnel of the plan: id, name, speed (`100 Mbps` or Unlimited).
     */
    public static function tunnelView(array $binding): array
    {
        $speed = isset($binding['speed']) && is_numeric($binding['speed']) ? (int) $binding['speed'] : null;
        return array(
            'id' => self::intField($binding, 'tunnelId'),
            'name' => self::textField($binding, 'tunnelName'),
            'speed' => $speed === null ? FlvxLang::text('unlimited') : $speed . ' Mbps',
        );
    }

    /**
     * One forward: id, name, tunnel, entries, target, traffic, status, running.
     */
    public static function forwardView(array $forward): array
    {
        $ip = isset($forward['inIp']) && is_scalar($forward['inIp']) ? (string) $forward['inIp'] : null;
        $port = isset($forward['inPort']) && is_numeric($forward['inPort']) ? self::intField($forward, 'inPort') : null;
        $running = FlvxEngine::isRunning($forward);
        return array(
            'id' => self::intField($forward, 'id'),
            'name' => self::textField($forward, 'name'),
            'tunnel' => self::textField($forward, 'tunnelName'),
            'entries' => self::entryAddresses($ip, $port),
            'target' => self::textField($forward, 'remoteAddr'),
            'traffic' => self::humanBytes(self::usedBytes($forward)),
            'status' => FlvxLang::text($running ? 'forward_running' : 'forward_paused'),
            'running' => $running,
        );
    }

    /**
     * The entry addresses (the Rust `entry_addresses`): the panel gives a comma-joined
     * list, of `ip:port` (3.0) or of bare IPs with the port apart (2.1). A bare IPv6
     * address gets brackets before its port.
     *
     * @return string[]
     */
    public static function entryAddresses(?string $ip, ?int $port): array
    {
        $items = array();
        foreach (explode(',', (string) $ip) as $item) {
            $item = FlvxEngine::trimUnicode($item);
            if ($item !== '') {
                $items[] = $item;
            }
        }
        if (count($items) === 0) {
            return $port === null ? array() : array(':' . $port);
        }
        $entries = array();
        foreach ($items as $item) {
            $bareV6 = filter_var($item, FILTER_VALIDATE_IP, FILTER_FLAG_IPV6) !== false;
            if ($port !== null && $bareV6) {
                $entries[] = '[' . $item . ']:' . $port;
            } elseif ($port !== null && strpos($item, ':') === false) {
                $entries[] = $item . ':' . $port;
            } else {
                $entries[] = $item;
            }
        }
        return $entries;
    }

    /**
     * Bytes in binary units with one decimal, e.g. `1.5 GiB`; plain bytes below 1 KiB.
     * Computed on integers and rounded half to even, exactly like Rust's `{:.1}` on the
     * (exact) quotient.
     */
    public static function humanBytes(int $bytes): string
    {
        $bytes = max(0, $bytes);
        $unit = 0;
        $divisor = 1;
        while ($unit < count(self::UNITS) - 1 && intdiv($bytes, $divisor) >= 1024) {
            $divisor *= 1024;
            $unit++;
        }
        if ($unit === 0) {
            return $bytes . ' B';
        }
        $rest = $bytes % $divisor;
        $tenths = intdiv($bytes, $divisor) * 10 + intdiv($rest * 10, $divisor);
        $twice = 2 * (($rest * 10) % $divisor);
        if ($twice > $divisor || ($twice === $divisor && $tenths % 2 === 1)) {
            $tenths++;
        }
        return intdiv($tenths, 10) . '.' . ($tenths % 10) . ' ' . self::UNITS[$unit];
    }

    /**
     * Percent of the quota used, rounded down, capped at 100; 0 for unlimited.
     */
    public static function percent(int $used, int $quotaGib): int
    {
        if ($quotaGib >= (int) FlvxConstants::UNLIMITED_GIB || $quotaGib <= 0) {
            return 0;
        }
        $limit = $quotaGib * (int) FlvxConstants::BYTES_PER_GIB;
        if ($used >= $limit) {
            return 100;
        }
        return intdiv(max(0, $used) * 100, $limit);
    }

    /**
     * The quota, `100 GiB` or Unlimited.
     */
    public static function quotaLabel(int $flow): string
    {
        if ($flow >= (int) FlvxConstants::UNLIMITED_GIB) {
            return FlvxLang::text('unlimited');
        }
        return max(0, $flow) . ' GiB';
    }

    /**
     * The expiry date (UTC, Y-m-d), or Never for the far-future expiry.
     */
    public static function expiryLabel(int $expMs): string
    {
        if ($expMs >= (int) FlvxConstants::FAR_FUTURE_MS) {
            return FlvxLang::text('never_expires');
        }
        return gmdate('Y-m-d', (int) floor($expMs / 1000));
    }

    /**
     * The reset schedule: Never, or Day N of each month (days outside 0-31 never match).
     */
    public static function resetLabel(int $day): string
    {
        if ($day <= 0 || $day > 31) {
            return FlvxLang::text('reset_never');
        }
        return FlvxLang::text('reset_on_day', array('day' => (string) $day));
    }

    /**
     * Traffic counted against the quota: both directions (a negative counter reads as 0).
     */
    public static function usedBytes(array $row): int
    {
        $in = max(0, self::intField($row, 'inFlow'));
        $out = max(0, self::intField($row, 'outFlow'));
        return $in > PHP_INT_MAX - $out ? PHP_INT_MAX : $in + $out;
    }

    /**
     * An integer field, 0 when absent or not a number.
     */
    public static function intField(array $row, string $key): int
    {
        if (!isset($row[$key]) || !is_numeric($row[$key])) {
            return 0;
        }
        $value = $row[$key];
        if (is_float($value) || (is_string($value) && !preg_match('/^-?[0-9]+$/', $value))) {
            $float = (float) $value;
            if ($float >= (float) PHP_INT_MAX) {
                return PHP_INT_MAX;
            }
            if ($float <= (float) PHP_INT_MIN) {
                return PHP_INT_MIN;
            }
            return (int) $float;
        }
        return (int) $value;
    }

    /**
     * A text field, '' when absent or null.
     */
    public static function textField(array $row, string $key): string
    {
        return isset($row[$key]) && is_scalar($row[$key]) ? (string) $row[$key] : '';
    }

    private static function rows(array $data, string $key): array
    {
        $rows = array();
        if (isset($data[$key]) && is_array($data[$key])) {
            foreach ($data[$key] as $row) {
                if (is_array($row)) {
                    $rows[] = $row;
                }
            }
        }
        return $rows;
    }
}
