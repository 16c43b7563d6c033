<?php

namespace WHMCS\Module\Server\Flvx;

use WHMCS\Database\Capsule;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * One WHMCS service as the module sees it at the moment of an operation (the Rust
 * `Service`): its id, validated plan, due date, the customer's panel password and the
 * current time (passed in so that both runtimes compute the same expiry).
 */
final class FlvxService
{
    const MS_PER_DAY = 86400000;

    /** @var int */
    public $id;

    /** @var array the result of FlvxOptions::parsePlan() */
    public $plan;

    /** @var string|null the next due date as Y-m-d; null for free or one-time products */
    public $dueDate;

    /**
     * @var string the service password WHMCS shows the customer: the panel password when
     * the product gives panel access (FlvxEngineAccess::panelPassword)
     */
    public $password;

    /** @var int milliseconds since the epoch */
    public $nowMs;

    /**
     * @var string|null the registration date as Y-m-d: the validity of a product without a
     * due date counts from it, so its expiry never moves; null counts from now
     */
    public $registered;

    /**
     * @param string|null $dueDate Y-m-d, already validated
     * @param string|null $registered Y-m-d, already validated
     */
    public function __construct(int $id, array $plan, $dueDate, string $password, int $nowMs, $registered = null)
    {
        $this->id = $id;
        $this->plan = $plan;
        $this->dueDate = $dueDate;
        $this->password = $password;
        $this->nowMs = $nowMs;
        $this->registered = $registered;
    }

    /**
     * The service described by WHMCS module parameters. The options are validated first,
     * so a bad value is reported before anything else happens.
     */
    public static function fromParams(array $params): FlvxService
    {
        $plan = FlvxOptions::parsePlan($params);
        $id = isset($params['serviceid']) && is_numeric($params['serviceid']) ? (int) $params['serviceid'] : 0;
        $dueDate = self::parseDueDate(self::hostingDate($params, $id, 'nextduedate'));
        $password = isset($params['password']) && is_scalar($params['password']) ? (string) $params['password'] : '';
        return new self($id, $plan, $dueDate, $password, self::currentMs(), self::registered($params, $id));
    }

    /**
     * The module parameters of service `$id` as WHMCS builds them for a module action
     * (its loader `WHMCS\Module\Server`), for the daily cron, which has only the server's.
     *
     * @throws FlvxProvisionException when WHMCS cannot build them
     */
    public static function paramsOf(int $id): array
    {
        if (!class_exists('WHMCS\Module\Server')) {
            throw new FlvxProvisionException('whmcs_loader_missing');
        }
        $server = new \WHMCS\Module\Server();
        if (!$server->loadByServiceID($id)) {
            throw new FlvxProvisionException('not_provisioned');
        }
        $params = $server->buildParams();
        return is_array($params) ? $params : array();
    }

    /**
     * The registration date, or null when WHMCS has none that reads as a date (the Rust
     * `Date::parse_whmcs(..).ok().flatten()`).
     *
     * @return string|null
     */
    private static function registered(array $params, int $id)
    {
        try {
            return self::parseDueDate(self::hostingDate($params, $id, 'regdate'));
        } catch (FlvxProvisionException $e) {
            return null;
        }
    }

    /**
     * The current time in ms. A test harness may pin it with the constant FLVX_NOW_MS.
     */
    public static function currentMs(): int
    {
        if (defined('FLVX_NOW_MS')) {
            return (int) constant('FLVX_NOW_MS');
        }
        return (int) floor(microtime(true) * 1000);
    }

    /**
     * Parses a WHMCS date: `0000-00-00` and blanks mean "no due date".
     *
     * @return string|null
     */
    public static function parseDueDate(string $text)
    {
        // Unicode white space, as the Rust engine's `Date::parse_whmcs` trims it.
        $text = FlvxEngine::trimUnicode($text);
        if ($text === '' || $text === '0000-00-00') {
            return null;
        }
        if (preg_match('/^\+?([0-9]{1,10})-\+?([0-9]{1,10})-\+?([0-9]{1,10})$/', $text, $m) === 1) {
            $year = (int) $m[1];
            $month = (int) $m[2];
            $day = (int) $m[3];
            if ($year >= 1 && $year <= 9999 && checkdate($month, $day, $year)) {
                return sprintf('%04d-%02d-%02d', $year, $month, $day);
            }
        }
        throw new FlvxProvisionException('invalid_date', array('field' => 'next due date', 'value' => $text));
    }

    /**
     * A date column of the service (`nextduedate`, `regdate`) as WHMCS has it: the
     * parameter when given, else tblhosting (a plain string, so `0000-00-00` stays
     * recognisable), else the service model.
     */
    private static function hostingDate(array $params, int $id, string $column): string
    {
        if (array_key_exists($column, $params)) {
            return self::dateText($params[$column]);
        }
        if ($id > 0 && class_exists('WHMCS\Database\Capsule')) {
            try {
                $row = Capsule::table('tblhosting')->where('id', $id)->first(array($column));
                if ($row !== null) {
                    return isset($row->$column) ? self::dateText($row->$column) : '';
                }
            } catch (\Throwable $e) {
                // Fall back to the model below.
            }
        }
        if (isset($params['model']) && is_object($params['model']) && isset($params['model']->$column)) {
            return self::dateText($params['model']->$column);
        }
        return '';
    }

    /**
     * @param mixed $value a string or a date object
     */
    private static function dateText($value): string
    {
        if ($value instanceof \DateTimeInterface) {
            // A zero date read through Carbon comes out as -0001-11-30: no due date.
            return (int) $value->format('Y') < 1 ? '' : $value->format('Y-m-d');
        }
        if (is_scalar($value)) {
            $text = FlvxEngine::trimUnicode((string) $value);
            // A DATETIME column or a Carbon string: keep the date part.
            if (preg_match('/^([0-9]{4}-[0-9]{2}-[0-9]{2})[ T][0-9:.]+$/', $text, $m) === 1) {
                return $m[1];
            }
            return $text;
        }
        return '';
    }

    /**
     * The panel username: the prefix plus the service id.
     */
    public function username(): string
    {
        return $this->text('username_prefix') . $this->id;
    }

    /**
     * The panel expiry in ms: the end of the last grace day after the due date; for
     * products without one, `expiry_days` from now, or never when that is 0.
     */
    public function expiryMs(): int
    {
        if ($this->dueDate !== null) {
            return self::dateStartMs($this->dueDate) + ($this->number('expiry_grace_days') + 1) * self::MS_PER_DAY;
        }
        $days = $this->number('expiry_days');
        if ($days === 0) {
            return (int) FlvxConstants::FAR_FUTURE_MS;
        }
        if ($this->registered !== null) {
            return self::dateStartMs($this->registered) + ($days + 1) * self::MS_PER_DAY;
        }
        return $this->nowMs + $days * self::MS_PER_DAY;
    }

    /** Midnight UTC at the start of a Y-m-d date, in ms. */
    private static function dateStartMs(string $date): int
    {
        $parts = explode('-', $date);
        return self::daysFromCivil((int) $parts[0], (int) $parts[1], (int) $parts[2]) * self::MS_PER_DAY;
    }

    /**
     * Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
     * days_from_civil, as the Rust engine computes it). Not gmmktime(): it reads years
     * 0-100 as 1970-2069.
     */
    public static function daysFromCivil(int $year, int $month, int $day): int
    {
        $y = $year - ($month <= 2 ? 1 : 0);
        $era = intdiv($y >= 0 ? $y : $y - 399, 400);
        $yoe = $y - $era * 400;
        $doy = intdiv(153 * ($month > 2 ? $month - 3 : $month + 9) + 2, 5) + $day - 1;
        $doe = $yoe * 365 + intdiv($yoe, 4) - intdiv($yoe, 100) + $doy;
        return $era * 146097 + $doe - 719468;
    }

    /** Whether the customer may log in to the panel itself (option customer_panel_access). */
    public function hasPanelAccess(): bool
    {
        return $this->text('customer_panel_access') !== 'no';
    }

    /** Whether the service is within its paid time (its panel expiry is still ahead). */
    public function isCurrent(): bool
    {
        return $this->expiryMs() > $this->nowMs;
    }

    /**
     * The panel's monthly reset day (0 = never).
     */
    public function resetDay(): int
    {
        $reset = isset($this->plan['traffic_reset']) ? $this->plan['traffic_reset'] : 'billing_day';
        if ($reset === 'never') {
            return 0;
        }
        if (is_int($reset) || (is_string($reset) && ctype_digit($reset))) {
            $day = (int) $reset;
        } elseif ($this->dueDate !== null) {
            $day = (int) substr($this->dueDate, 8, 2);
        } else {
            $day = (int) gmdate('j', (int) floor($this->nowMs / 1000));
        }
        return ($day >= 1 && $day <= 31) ? $day : 0;
    }

    /**
     * An optional integer plan value: null when the option was left empty (the panel's
     * value is then kept).
     *
     * @return int|null
     */
    public function optional(string $key)
    {
        return isset($this->plan[$key]) && is_numeric($this->plan[$key]) ? (int) $this->plan[$key] : null;
    }

    /**
     * An integer plan value (0 when absent).
     */
    public function number(string $key): int
    {
        return isset($this->plan[$key]) && is_numeric($this->plan[$key]) ? (int) $this->plan[$key] : 0;
    }

    /**
     * A text plan value ('' when absent).
     */
    public function text(string $key): string
    {
        return isset($this->plan[$key]) && is_scalar($this->plan[$key]) ? (string) $this->plan[$key] : '';
    }

    /**
     * The plan's tunnel ids.
     *
     * @return int[]
     */
    public function planTunnels(): array
    {
        $ids = array();
        if (isset($this->plan['tunnels']) && is_array($this->plan['tunnels'])) {
            foreach ($this->plan['tunnels'] as $id) {
                if (is_numeric($id) && !in_array((int) $id, $ids, true)) {
                    $ids[] = (int) $id;
                }
            }
        }
        return $ids;
    }

    /**
     * The speed-limit id, or null for none.
     *
     * @return int|null
     */
    public function speedLimit()
    {
        $id = $this->number('speed_limit');
        return $id > 0 ? $id : null;
    }
}
