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
     * The client-area view from a `user/package` answer.
     *
     * @return array username, status, used, quota, percent, expires, reset, forward_count,
     *     tunnels (id, name, speed), forwards (id, name, tunnel, entry, target, traffic,
     *     status, running)
     */
    public static function serviceView(array $package, int $maxForwards): array
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
        return array(
            'username' => self::textField($user, 'user'),
            'status' => self::statusLabel(self::intField($user, 'status')),
            'used' => self::humanBytes(self::usedBytes($user)),
            'quota' => self::quotaLabel($flow),
            'percent' => self::percent(self::usedBytes($user), $flow),
            'expires' => self::expiryLabel(self::intField($user, 'expTime')),
            'reset' => self::resetLabel(self::intField($user, 'flowResetTime')),
            'forward_count' => count($forwards) . ' / ' . $maxForwards,
            'tunnels' => $tunnelViews,
            'forwards' => $forwardViews,
        );
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
            $choices[0] = '(none)';
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
     * The variables of templates/clientarea.tpl: the view, the panel address, the
     * customer's own panel login (shown on purpose: it is theirs), what the add-forward
     * form may offer (the plan's tunnels, while not suspended and below the limit), and
     * the labels.
     */
    public static function clientAreaVariables(
        FlvxService $service,
        array $view,
        array $record,
        string $panelUrl
    ): array {
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
            'flvxServiceId' => $service->id,
            'flvxPanelUrl' => $panelUrl,
            'flvxUsername' => $service->username(),
            'flvxPassword' => $service->password,
            'flvxSuspended' => (bool) $record['suspended'],
            'flvxCanResetTraffic' => $service->text('forward_traffic_reset') === 'yes' && !$record['suspended'],
            'flvxSuspendedText' => $record['suspended'] ? FlvxLang::text('service_suspended') : '',
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
     * One forward: id, name, tunnel, entry (`ip:port`), target, traffic, status, running.
     */
    public static function forwardView(array $forward): array
    {
        $ip = isset($forward['inIp']) && is_scalar($forward['inIp']) ? (string) $forward['inIp'] : null;
        $port = isset($forward['inPort']) && is_numeric($forward['inPort']) ? (int) $forward['inPort'] : null;
        if ($ip !== null && strpos($ip, ':') !== false) {
            $entry = $ip;
        } elseif ($ip !== null && $ip !== '' && $port !== null) {
            $entry = $ip . ':' . $port;
        } elseif ($port !== null) {
            $entry = ':' . $port;
        } else {
            $entry = '';
        }
        $running = FlvxEngine::isRunning($forward);
        return array(
            'id' => self::intField($forward, 'id'),
            'name' => self::textField($forward, 'name'),
            'tunnel' => self::textField($forward, 'tunnelName'),
            'entry' => $entry,
            'target' => self::textField($forward, 'remoteAddr'),
            'traffic' => self::humanBytes(self::usedBytes($forward)),
            'status' => FlvxLang::text($running ? 'forward_running' : 'forward_paused'),
            'running' => $running,
        );
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
     * Active, or Disabled on the panel (any status but 1).
     */
    public static function statusLabel(int $status): string
    {
        return FlvxLang::text($status === 1 ? 'status_active' : 'status_disabled');
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
