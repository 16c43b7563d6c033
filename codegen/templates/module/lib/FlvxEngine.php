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

    /** @var string the service password, which is the customer's panel password */
    public $password;

    /** @var int milliseconds since the epoch */
    public $nowMs;

    /**
     * @param string|null $dueDate Y-m-d, already validated
     */
    public function __construct(int $id, array $plan, $dueDate, string $password, int $nowMs)
    {
        $this->id = $id;
        $this->plan = $plan;
        $this->dueDate = $dueDate;
        $this->password = $password;
        $this->nowMs = $nowMs;
    }

    /**
     * The service described by WHMCS module parameters. The options are validated first,
     * so a bad value is reported before anything else happens.
     */
    public static function fromParams(array $params): FlvxService
    {
        $plan = FlvxOptions::parsePlan($params);
        $id = isset($params['serviceid']) && is_numeric($params['serviceid']) ? (int) $params['serviceid'] : 0;
        $dueDate = self::parseDueDate(self::dueDateText($params, $id));
        $password = isset($params['password']) && is_scalar($params['password']) ? (string) $params['password'] : '';
        return new self($id, $plan, $dueDate, $password, self::currentMs());
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
     * The next due date as WHMCS has it: the parameter when given, else tblhosting (a plain
     * string, so `0000-00-00` stays recognisable), else the service model.
     */
    private static function dueDateText(array $params, int $id): string
    {
        if (array_key_exists('nextduedate', $params)) {
            return self::dateText($params['nextduedate']);
        }
        if ($id > 0 && class_exists('WHMCS\Database\Capsule')) {
            try {
                $row = Capsule::table('tblhosting')->where('id', $id)->first(array('nextduedate'));
                if ($row !== null) {
                    return isset($row->nextduedate) ? self::dateText($row->nextduedate) : '';
                }
            } catch (\Throwable $e) {
                // Fall back to the model below.
            }
        }
        if (isset($params['model']) && is_object($params['model']) && isset($params['model']->nextduedate)) {
            return self::dateText($params['model']->nextduedate);
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
            $parts = explode('-', $this->dueDate);
            $start = self::daysFromCivil((int) $parts[0], (int) $parts[1], (int) $parts[2]) * self::MS_PER_DAY;
            return $start + ($this->number('expiry_grace_days') + 1) * self::MS_PER_DAY;
        }
        $days = $this->number('expiry_days');
        if ($days === 0) {
            return (int) FlvxConstants::FAR_FUTURE_MS;
        }
        return $this->nowMs + $days * self::MS_PER_DAY;
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

/**
 * The lifecycle engine, step for step the Rust `flvx_provision::Engine`: the same panel
 * calls in the same order with the same values, the same catalogue errors, and the
 * service record saved at the same points (only after the panel confirmed).
 *
 * Updates on the panel are full replaces, so every write is computed from the plan and
 * the service's own state; the panel is read only for what the plan cannot know.
 */
final class FlvxEngine
{
    const PAUSE = 'pause';
    const RESUME = 'resume';
    const DELETE = 'delete';

    /** @var FlvxApiClient */
    private $api;

    /** @var FlvxStore */
    private $store;

    /** @var array<string, FlvxApiClient> customer handles by username, so tokens are reused */
    private $customers = array();

    public function __construct(FlvxApiClient $api, FlvxStore $store)
    {
        $this->api = $api;
        $this->store = $store;
    }

    /**
     * An engine on the server of these module parameters.
     */
    public static function fromParams(array $params): FlvxEngine
    {
        return new self(FlvxApiClient::fromParams($params), new FlvxStore());
    }

    public function api(): FlvxApiClient
    {
        return $this->api;
    }

    public function store(): FlvxStore
    {
        return $this->store;
    }

    // ------------------------------------------------------------------ create

    /**
     * Brings back a service terminated with the `disable` action: unsuspend (status 1, the
     * paused forwards resumed), then the plan re-applied by sync. The terminated flag is
     * cleared last, so a retry after any failure starts over and converges.
     */
    private function reactivate(FlvxService $service): array
    {
        $this->unsuspend($service);
        $record = $this->sync($service);
        $record['terminated'] = false;
        $this->store->save($service->id, $record);
        return $record;
    }

    /**
     * Creates the panel account. Calls: `user/create`, `user/list` (the id; creates return
     * none), one `tunnel/user/assign` per tunnel, one `tunnel/user/list` (binding ids). A
     * retry after any failure converges; a same-named user this service did not create is
     * refused. On an already provisioned service this re-applies the plan (sync).
     *
     * A service whose record says suspended (a re-create by sync) gets a disabled user.
     *
     * Before `user/create` the record gets the create-pending marker and the expiry the
     * create sends. Every attempt sends that same expiry, so a user found under the name
     * later is this service's only if the marker is set and its `expTime` matches to the
     * millisecond: a fingerprint that costs no extra call.
     */
    public function create(FlvxService $service): array
    {
        $action = 'action_create';
        self::checkServicePassword($service);
        $original = $this->store->load($service->id);
        if ($original['user_id'] !== null && !$original['create_pending']) {
            return $original['terminated'] ? $this->reactivate($service) : $this->sync($service);
        }
        $tunnels = $this->tunnels($service, $action);
        $fingerprint = ($original['create_pending'] && $original['pushed_expiry'] !== null)
            ? (int) $original['pushed_expiry']
            : $service->expiryMs();
        $record = $original;
        $record['username'] = $service->username();
        $record['create_pending'] = true;
        $record['pushed_expiry'] = $fingerprint;
        $this->store->save($service->id, $record);
        try {
            $user = $this->createOrAdopt($service, $original, $fingerprint);
        } catch (FlvxProvisionException $e) {
            if ($e->getKey() === 'user_not_ours') {
                // The name was someone else's all along: none of our creates took effect.
                $cleared = $original;
                $cleared['create_pending'] = false;
                $cleared['pushed_expiry'] = null;
                $this->store->save($service->id, $cleared);
            }
            throw $e;
        }
        $record['pushed_expiry'] = $service->expiryMs();
        $userId = (int) $user['id'];
        foreach ($tunnels as $tunnel) {
            $this->call($this->api, 'binding_assign', $this->desiredBinding($service, $userId, $tunnel), $action);
        }
        $bindings = $this->bindingsOf($userId, $action);
        $record['user_id'] = $userId;
        $record['bindings'] = $this->bindingMap($bindings, $tunnels);
        $record['create_pending'] = false;
        $this->store->setServiceUsername($service->id, $service->username());
        $this->store->save($service->id, $record);
        return $record;
    }

    /**
     * `user/create`; if the name is taken, adopt the user only when it bears this
     * service's fingerprint, and bring it up to the plan. A user created on a retry with
     * an older fingerprint (products without a due date) gets the current expiry too.
     */
    private function createOrAdopt(FlvxService $service, array $original, int $fingerprint): array
    {
        $action = 'action_create';
        $username = $service->username();
        $adopting = false;
        try {
            $this->api->call(
                'user_create',
                $this->newUserBody($service, $fingerprint, self::userStatus($original), $action)
            );
        } catch (FlvxApiException $e) {
            if ($e->getPanelMessage() === FlvxConstants::MSG_NAME_TAKEN && $original['create_pending']) {
                $adopting = true;
            } elseif ($e->getPanelMessage() === FlvxConstants::MSG_NAME_TAKEN) {
                throw new FlvxProvisionException('user_not_ours', array('username' => $username), $e);
            } else {
                throw self::panelError($action, $e);
            }
        }
        $user = $this->findUserByName($username, $action);
        if ($user === null) {
            throw self::panelErrorText($action, 'user "' . $username . '" just created was not found on the panel');
        }
        if ($adopting && FlvxViews::intField($user, 'expTime') !== $fingerprint) {
            throw new FlvxProvisionException('user_not_ours', array('username' => $username));
        }
        if ($adopting || $fingerprint !== $service->expiryMs()) {
            $status = self::userStatus($original);
            $update = $this->desiredUser($service, (int) $user['id'], $status, $service->password, $action);
            $this->call($this->api, 'user_update', $update, $action);
        }
        return $user;
    }

    /**
     * The panel trims passwords before storing them but not at login, so a blank or
     * space-padded password could never log in: refused before any call.
     */
    private static function checkServicePassword(FlvxService $service): void
    {
        $trimmed = self::trimUnicode($service->password);
        if ($trimmed === '' || $trimmed !== $service->password) {
            throw new FlvxProvisionException('invalid_password');
        }
    }

    // ---------------------------------------------------------- suspend, unsuspend

    /**
     * Suspends the service. Calls: `user/update` (status 0, every field), `forward/list`,
     * and `forward/batch-pause` when something runs. Remembers the forwards it pauses and
     * those the panel had already paused (expiry, quota) but the customer had not, so that
     * unsuspend brings all of them back.
     */
    public function suspend(FlvxService $service): array
    {
        $action = 'action_suspend';
        $record = $this->provisioned($service->id);
        $user = (int) $record['user_id'];
        $update = $this->desiredUser($service, $user, 0, null, $action);
        $this->call($this->api, 'user_update', $update, $action);
        $record['suspended'] = true;
        $record['pushed_expiry'] = $update['expTime'];
        $forwards = $this->forwardsOf($user, $action);
        $running = self::idsWhere($forwards, true);
        $panelPaused = array();
        foreach ($forwards as $forward) {
            $id = (int) $forward['id'];
            if (!self::isRunning($forward) && !in_array($id, $record['customer_paused'], true)) {
                $panelPaused[] = $id;
            }
        }
        $record['suspended_forwards'] = self::mergeIds($record['suspended_forwards'], $running);
        $record['suspended_forwards'] = self::mergeIds($record['suspended_forwards'], $panelPaused);
        // Saved before the pause: if its answer is lost, the retry finds them paused.
        $this->store->save($service->id, $record);
        $outcome = $this->batch($user, $running, self::PAUSE, $action);
        $this->throwIfFailed($outcome, self::PAUSE);
        return $record;
    }

    /**
     * Unsuspends the service. Calls: `user/update` (status 1, every field) and
     * `forward/batch-resume` of the remembered forwards, when there are any. If the pushed
     * expiry passed meanwhile, also one `tunnel/user/assign` per binding (re-enabling what
     * the daily job disabled), `forward/list` and `forward/batch-pause` for the forwards
     * that must stay paused (the re-push restarted them on the node).
     */
    public function unsuspend(FlvxService $service): array
    {
        $action = 'action_unsuspend';
        $record = $this->provisioned($service->id);
        $user = (int) $record['user_id'];
        $expired = self::expiryPassed($record, $service);
        $update = $this->desiredUser($service, $user, 1, null, $action);
        $this->call($this->api, 'user_update', $update, $action);
        $repushed = $expired ? $this->reenableBindings($service, $record, $user, $action) : array();
        $paused = $record['suspended_forwards'];
        $outcome = $this->batch($user, $paused, self::RESUME, $action);
        $this->repause($user, $repushed, $action);
        // Saved last: until every step is done, a retry must still see the old expiry.
        $record['suspended'] = false;
        $kept = array();
        foreach ($record['suspended_forwards'] as $id) {
            if (!in_array($id, $outcome['done'], true)) {
                $kept[] = $id;
            }
        }
        $record['suspended_forwards'] = $kept;
        $record['pushed_expiry'] = $update['expTime'];
        $this->store->save($service->id, $record);
        $this->throwIfFailed($outcome, self::RESUME);
        return $record;
    }

    // ------------------------------------------------------- renew, reset traffic

    /**
     * Renews: pushes the new expiry (every field, status per suspension), then resumes
     * what expiry or quota paused. Calls: `user/update`, then (not for a suspended
     * service) `forward/list` and `forward/batch-resume` when something is paused. If the
     * previously pushed expiry has passed, also one `tunnel/user/assign` per binding (the
     * daily job disabled them), `forward/list` and `forward/batch-pause` of the forwards
     * that must stay paused, which that re-push restarted on the node.
     */
    public function renew(FlvxService $service): array
    {
        $action = 'action_renew';
        $record = $this->provisioned($service->id);
        $user = (int) $record['user_id'];
        $expired = self::expiryPassed($record, $service);
        $update = $this->desiredUser($service, $user, self::userStatus($record), null, $action);
        $this->call($this->api, 'user_update', $update, $action);
        $repushed = $expired ? $this->reenableBindings($service, $record, $user, $action) : array();
        $resumed = array('done' => array(), 'failed' => 0);
        if (!$record['suspended'] || $expired) {
            $forwards = $this->forwardsOf($user, $action);
            $resumed = $this->resumePanelPaused($record, $user, $forwards, $action);
            $this->pauseStillPaused($user, $forwards, $repushed, $resumed, $action);
        }
        // Saved last: until every step is done, a retry must still see the old expiry.
        $record['pushed_expiry'] = $update['expTime'];
        $this->store->save($service->id, $record);
        $this->throwIfFailed($resumed, self::RESUME);
        return $record;
    }

    /**
     * Zeroes the user's traffic (and every binding's), then resumes what the quota paused.
     * Calls: `user/reset` (type 1), `forward/list`, and `forward/batch-resume` if needed.
     */
    public function resetTraffic(FlvxService $service): array
    {
        $action = 'action_reset_traffic';
        $record = $this->provisioned($service->id);
        $user = (int) $record['user_id'];
        $this->call($this->api, 'user_reset', array('id' => $user, 'type' => 1), $action);
        if ($record['suspended']) {
            return $record;
        }
        $forwards = $this->forwardsOf($user, $action);
        $resumed = $this->resumePanelPaused($record, $user, $forwards, $action);
        $this->throwIfFailed($resumed, self::RESUME);
        return $record;
    }

    /**
     * Resumes the paused forwards the customer did not pause, unless suspended.
     *
     * @return array{done: int[], failed: int}
     */
    private function resumePanelPaused(array $record, int $user, array $forwards, string $action): array
    {
        if ($record['suspended']) {
            return array('done' => array(), 'failed' => 0);
        }
        $paused = array();
        foreach ($forwards as $forward) {
            $id = (int) $forward['id'];
            if (!self::isRunning($forward) && !in_array($id, $record['customer_paused'], true)) {
                $paused[] = $id;
            }
        }
        return $this->batch($user, $paused, self::RESUME, $action);
    }

    /**
     * After a re-push of `$tunnels`, pauses on the node what the panel still shows paused:
     * the forwards of `$forwards` that were paused there and were not just resumed.
     *
     * @param int[] $tunnels
     */
    private function pauseStillPaused(int $user, array $forwards, array $tunnels, array $resumed, string $action): void
    {
        $stillPaused = array();
        foreach ($forwards as $forward) {
            $id = (int) $forward['id'];
            if (!self::isRunning($forward) && in_array((int) $forward['tunnelId'], $tunnels, true)
                && !in_array($id, $resumed['done'], true)) {
                $stillPaused[] = $id;
            }
        }
        $outcome = $this->batch($user, $stillPaused, self::PAUSE, $action);
        $this->throwIfFailed($outcome, self::PAUSE);
    }

    // ------------------------------------------------------- re-enable, re-pause

    /**
     * Writes every stored binding with status 1: the only way to undo the daily expiry
     * job's binding disable. One `tunnel/user/assign` per binding.
     *
     * @return int[] the re-pushed tunnels
     */
    private function reenableBindings(FlvxService $service, array $record, int $user, string $action): array
    {
        $tunnels = array_map('intval', array_keys($record['bindings']));
        foreach ($tunnels as $tunnel) {
            $this->call($this->api, 'binding_assign', $this->desiredBinding($service, $user, $tunnel), $action);
        }
        return $tunnels;
    }

    /**
     * Pauses again, on the node, every forward the panel shows as paused on `$tunnels`
     * (a binding write re-pushed and so restarted them). Calls: `forward/list`, and
     * `forward/batch-pause` when any is paused there.
     *
     * @param int[] $tunnels
     */
    private function repause(int $user, array $tunnels, string $action): void
    {
        if (count($tunnels) === 0) {
            return;
        }
        $paused = array();
        foreach ($this->forwardsOf($user, $action) as $forward) {
            if (!self::isRunning($forward) && in_array((int) $forward['tunnelId'], $tunnels, true)) {
                $paused[] = (int) $forward['id'];
            }
        }
        $outcome = $this->batch($user, $paused, self::PAUSE, $action);
        $this->throwIfFailed($outcome, self::PAUSE);
    }

    /**
     * Whether the expiry last pushed to the panel has passed, so the daily job may have
     * disabled the bindings.
     */
    private static function expiryPassed(array $record, FlvxService $service): bool
    {
        return $record['pushed_expiry'] !== null && (int) $record['pushed_expiry'] <= $service->nowMs;
    }

    // --------------------------------------------------------------- terminate

    /**
     * Terminates per the plan's terminate action. Delete: `forward/list`,
     * `forward/batch-delete` when there are forwards, `user/delete` ("already gone" is
     * success). Disable: `user/update` (status 0), `forward/list`, `forward/batch-pause`.
     */
    public function terminate(FlvxService $service): array
    {
        $action = 'action_terminate';
        $record = $this->store->load($service->id);
        $user = $this->terminateTarget($service, $record, $action);
        if ($user === null) {
            $cleared = FlvxStore::defaultRecord();
            $this->store->save($service->id, $cleared);
            return $cleared;
        }
        if ($service->text('terminate_action') === 'disable') {
            return $this->disableAccount($service, $record, $user, $action);
        }
        return $this->deleteAccount($service, $user, $action);
    }

    /**
     * The user to act on: the stored one, or one a half-finished create left behind (it
     * carries the create's expiry fingerprint).
     *
     * @return int|null
     */
    private function terminateTarget(FlvxService $service, array $record, string $action)
    {
        if ($record['user_id'] !== null) {
            return (int) $record['user_id'];
        }
        if (!$record['create_pending']) {
            return null;
        }
        $found = $this->findUserByName($service->username(), $action);
        // Only a user bearing this service's create fingerprint is ours to delete.
        if ($found === null || $record['pushed_expiry'] === null
            || FlvxViews::intField($found, 'expTime') !== (int) $record['pushed_expiry']) {
            return null;
        }
        return (int) $found['id'];
    }

    private function deleteAccount(FlvxService $service, int $user, string $action): array
    {
        $forwards = $this->forwardsOf($user, $action);
        $ids = self::idsWhere($forwards, null);
        $outcome = $this->batch($user, $ids, self::DELETE, $action);
        $this->throwIfFailed($outcome, self::DELETE);
        try {
            $this->api->call('user_delete', array('id' => $user));
        } catch (FlvxApiException $e) {
            if (!$e->isNotFound()) {
                throw self::panelError($action, $e);
            }
        }
        $this->forgetCustomer($service->username());
        $cleared = FlvxStore::defaultRecord();
        $this->store->save($service->id, $cleared);
        return $cleared;
    }

    private function disableAccount(FlvxService $service, array $record, int $user, string $action): array
    {
        $update = $this->desiredUser($service, $user, 0, null, $action);
        $this->call($this->api, 'user_update', $update, $action);
        $record['suspended'] = true;
        $record['terminated'] = true;
        $record['user_id'] = $user;
        $record['create_pending'] = false;
        $record['pushed_expiry'] = $update['expTime'];
        $forwards = $this->forwardsOf($user, $action);
        $running = self::idsWhere($forwards, true);
        $record['suspended_forwards'] = self::mergeIds($record['suspended_forwards'], $running);
        // Saved before the pause: if its answer is lost, the retry finds them paused.
        $this->store->save($service->id, $record);
        $outcome = $this->batch($user, $running, self::PAUSE, $action);
        $this->throwIfFailed($outcome, self::PAUSE);
        return $record;
    }

    // ----------------------------------------------- change package, password, sync

    /**
     * Applies a new plan: quota, limits, speed and tunnels; the expiry is kept (it comes
     * from the due date). Calls: `user/update`, `tunnel/user/list`, a `tunnel/user/assign`
     * per new tunnel or changed speed limit; when tunnels were dropped, one `forward/list`,
     * a `forward/batch-delete` if they carry forwards, and a `tunnel/user/remove` each; a
     * second `tunnel/user/list` only when a binding was created; and when an existing
     * binding was re-assigned, `forward/list` and `forward/batch-pause` of the paused
     * forwards on it (the re-push restarted them on the node).
     */
    public function changePackage(FlvxService $service): array
    {
        $action = 'action_change_package';
        $record = $this->provisioned($service->id);
        $user = (int) $record['user_id'];
        $update = $this->desiredUser($service, $user, self::userStatus($record), null, $action);
        $this->call($this->api, 'user_update', $update, $action);
        $record['pushed_expiry'] = $update['expTime'];
        list($record, $repushed) = $this->applyBindings($service, $record, $user, $action);
        $this->repause($user, $repushed, $action);
        $record['repause_tunnels'] = array();
        $this->store->save($service->id, $record);
        return $record;
    }

    /**
     * Sets a new panel password; everything else is written unchanged. Calls: `user/update`.
     */
    public function changePassword(FlvxService $service): array
    {
        $action = 'action_change_password';
        self::checkServicePassword($service);
        $record = $this->provisioned($service->id);
        $user = (int) $record['user_id'];
        $update = $this->desiredUser($service, $user, self::userStatus($record), $service->password, $action);
        $this->call($this->api, 'user_update', $update, $action);
        $this->forgetCustomer($service->username());
        $record['pushed_expiry'] = $update['expTime'];
        $this->store->save($service->id, $record);
        return $record;
    }

    /**
     * Repairs drift: re-creates a user deleted by hand (created disabled if the service is
     * suspended), re-applies every field and binding (all of them if the pushed expiry
     * passed), re-pauses what the re-push restarted, and pauses running forwards of a
     * suspended service (customers keep their 90-day tokens).
     */
    public function sync(FlvxService $service): array
    {
        $action = 'action_sync';
        $record = $this->store->load($service->id);
        if ($record['user_id'] === null) {
            if ($record['create_pending']) {
                return $this->create($service);
            }
            throw new FlvxProvisionException('not_provisioned');
        }
        $user = (int) $record['user_id'];
        if ($this->findUser($user, $action) === null) {
            return $this->recreate($service, $record['suspended']);
        }
        $expired = self::expiryPassed($record, $service);
        $update = $this->desiredUser($service, $user, self::userStatus($record), null, $action);
        $this->call($this->api, 'user_update', $update, $action);
        $record['pushed_expiry'] = $update['expTime'];
        $repushed = $expired ? $this->reenableBindings($service, $record, $user, $action) : array();
        list($record, $reassigned) = $this->applyBindings($service, $record, $user, $action);
        foreach ($reassigned as $tunnel) {
            if (!in_array($tunnel, $repushed, true)) {
                $repushed[] = $tunnel;
            }
        }
        $this->repause($user, $repushed, $action);
        $record['repause_tunnels'] = array();
        if (!$record['suspended']) {
            $this->store->save($service->id, $record);
            return $record;
        }
        $forwards = $this->forwardsOf($user, $action);
        $running = self::idsWhere($forwards, true);
        $record['suspended_forwards'] = self::mergeIds($record['suspended_forwards'], $running);
        $this->store->save($service->id, $record);
        $outcome = $this->batch($user, $running, self::PAUSE, $action);
        $this->throwIfFailed($outcome, self::PAUSE);
        return $record;
    }

    /**
     * Re-creates the account of a service whose panel user was deleted by hand. The
     * suspension is kept in the record throughout, so the user is created disabled and a
     * retry after any failure still knows the service is suspended.
     */
    private function recreate(FlvxService $service, bool $suspended): array
    {
        $this->forgetCustomer($service->username());
        $fresh = FlvxStore::defaultRecord();
        $fresh['suspended'] = $suspended;
        $this->store->save($service->id, $fresh);
        return $this->create($service);
    }

    /**
     * Brings the user's bindings to the plan: assigns missing ones and those whose speed
     * limit differs, removes tunnels this service granted that the plan dropped (their
     * forwards first: a removed binding leaves forwards running). Tunnels about to be
     * re-assigned are first added to the record's `repause_tunnels` and saved, so a retry
     * after a failure before the re-pause still re-pauses them.
     *
     * @return array{0: array, 1: int[]} the updated record, and the tunnels whose existing
     *     binding was re-assigned, now or by an earlier attempt that failed before
     *     re-pausing (their forwards were re-pushed)
     */
    private function applyBindings(FlvxService $service, array $record, int $user, string $action): array
    {
        $tunnels = $this->tunnels($service, $action);
        $bindings = $this->bindingsOf($user, $action);
        $speed = $service->speedLimit();
        $missing = array();
        $reassign = array();
        foreach ($tunnels as $tunnel) {
            $existing = null;
            foreach ($bindings as $binding) {
                if ((int) $binding['tunnelId'] === $tunnel) {
                    $existing = $binding;
                    break;
                }
            }
            if ($existing === null) {
                $missing[] = $tunnel;
            } elseif (self::speedOf($existing) !== $speed) {
                $reassign[] = $tunnel;
            }
        }
        if (count($reassign) > 0) {
            $record['repause_tunnels'] = self::mergeIds($record['repause_tunnels'], $reassign);
            $this->store->save($service->id, $record);
        }
        foreach (array_merge($missing, $reassign) as $tunnel) {
            $this->call($this->api, 'binding_assign', $this->desiredBinding($service, $user, $tunnel), $action);
        }
        $dropped = array();
        foreach (array_keys($record['bindings']) as $tunnel) {
            if (!in_array((int) $tunnel, $tunnels, true)) {
                $dropped[] = (int) $tunnel;
            }
        }
        $this->dropTunnels($user, $dropped, $bindings, $action);
        if (count($missing) > 0) {
            $bindings = $this->bindingsOf($user, $action);
        }
        $record['bindings'] = $this->bindingMap($bindings, $tunnels);
        return array($record, $record['repause_tunnels']);
    }

    /**
     * @param int[] $dropped
     */
    private function dropTunnels(int $user, array $dropped, array $bindings, string $action): void
    {
        if (count($dropped) === 0) {
            return;
        }
        $forwards = $this->forwardsOf($user, $action);
        $doomed = array();
        foreach ($forwards as $forward) {
            if (in_array((int) $forward['tunnelId'], $dropped, true)) {
                $doomed[] = (int) $forward['id'];
            }
        }
        $outcome = $this->batch($user, $doomed, self::DELETE, $action);
        $this->throwIfFailed($outcome, self::DELETE);
        foreach ($bindings as $binding) {
            if (in_array((int) $binding['tunnelId'], $dropped, true)) {
                $this->call($this->api, 'binding_remove', array('id' => (int) $binding['id']), $action);
            }
        }
    }

    // --------------------------------------------------- the customer's forwards

    /**
     * The customer's forwards. Calls (as the customer): `forward/list`.
     */
    public function forwards(FlvxService $service): array
    {
        $this->provisioned($service->id);
        $customer = $this->customer($service);
        return $this->listCall($customer, 'forward_list', array(), 'action_forwards', array('id', 'tunnelId'));
    }

    /**
     * Adds a forward after checking the input, the tunnel and the forward limit. Calls
     * (as the customer): `forward/list`, `forward/create`, `forward/list` (the new id).
     *
     * @param array $request from forwardRequest(): tunnel, name, target, port (int|null)
     */
    public function addForward(FlvxService $service, array $request): array
    {
        $action = 'action_forwards';
        self::checkRequest($request);
        $record = $this->provisioned($service->id);
        if ($record['suspended']) {
            throw new FlvxProvisionException('service_suspended');
        }
        $tunnel = (int) $request['tunnel'];
        if (!array_key_exists($tunnel, $record['bindings'])) {
            throw new FlvxProvisionException('tunnel_not_in_plan', array('tunnel' => (string) $tunnel));
        }
        $customer = $this->customer($service);
        $count = count($this->listCall($customer, 'forward_list', array(), $action, array('id', 'tunnelId')));
        $max = $service->number('max_forwards');
        if ($count >= $max) {
            throw new FlvxProvisionException(
                'forward_limit',
                array('count' => (string) $count, 'max' => (string) $max)
            );
        }
        $body = array(
            'tunnelId' => $tunnel,
            'name' => self::trimUnicode((string) $request['name']),
            'remoteAddr' => self::trimUnicode((string) $request['target']),
        );
        if ($request['port'] !== null) {
            $body['inPort'] = (int) $request['port'];
        }
        $this->call($customer, 'forward_create', $body, $action);
        $newest = null;
        foreach ($this->listCall($customer, 'forward_list', array(), $action, array('id', 'tunnelId')) as $forward) {
            $name = isset($forward['name']) && is_scalar($forward['name']) ? (string) $forward['name'] : '';
            if ($name === $body['name'] && (int) $forward['tunnelId'] === $tunnel) {
                if ($newest === null || (int) $forward['id'] > (int) $newest['id']) {
                    $newest = $forward;
                }
            }
        }
        if ($newest === null) {
            throw self::panelErrorText(
                $action,
                'forward ' . self::quoted($body['name']) . ' just created was not found on the panel'
            );
        }
        return $newest;
    }

    /**
     * Deletes one of the customer's forwards. Calls (as the customer): `forward/delete`.
     */
    public function deleteForward(FlvxService $service, int $forward): void
    {
        $record = $this->provisioned($service->id);
        $this->customerCall($service, 'forward_delete', $forward);
        $record['customer_paused'] = self::withoutId($record['customer_paused'], $forward);
        $record['suspended_forwards'] = self::withoutId($record['suspended_forwards'], $forward);
        $this->store->save($service->id, $record);
    }

    /**
     * Pauses one of the customer's forwards and remembers that the customer chose to, so
     * renewals do not resume it. Calls (as the customer): `forward/pause`.
     */
    public function pauseForward(FlvxService $service, int $forward): void
    {
        $record = $this->provisioned($service->id);
        $this->customerCall($service, 'forward_pause', $forward);
        if (!in_array($forward, $record['customer_paused'], true)) {
            $record['customer_paused'][] = $forward;
        }
        $this->store->save($service->id, $record);
    }

    /**
     * Resumes one of the customer's forwards; refused while the service is suspended.
     * Calls (as the customer): `forward/resume`.
     */
    public function resumeForward(FlvxService $service, int $forward): void
    {
        $record = $this->provisioned($service->id);
        if ($record['suspended']) {
            throw new FlvxProvisionException('service_suspended');
        }
        $this->customerCall($service, 'forward_resume', $forward);
        $record['customer_paused'] = self::withoutId($record['customer_paused'], $forward);
        $this->store->save($service->id, $record);
    }

    /**
     * `forward/delete|pause|resume` as the customer; "does not exist" (which the panel
     * also says for another user's forward) becomes `forward_not_found`.
     */
    private function customerCall(FlvxService $service, string $endpoint, int $forward): void
    {
        $customer = $this->customer($service);
        try {
            $customer->call($endpoint, array('id' => $forward));
        } catch (FlvxApiException $e) {
            if ($e->isNotFound()) {
                throw new FlvxProvisionException('forward_not_found', array('forward' => (string) $forward), $e);
            }
            throw self::panelError('action_forwards', $e);
        }
    }

    /**
     * A forward request from form input (strings), with the port parsed: empty means
     * "any", otherwise a whole number 0-65535 (0 is then refused by checkRequest()).
     */
    public static function forwardRequest(array $input): array
    {
        $text = function ($key) use ($input) {
            return isset($input[$key]) && is_string($input[$key]) ? $input[$key] : '';
        };
        $tunnel = trim($text('tunnel_id'));
        $port = trim($text('port'));
        $parsedPort = null;
        if ($port !== '') {
            if (!ctype_digit($port) || strlen(ltrim($port, '0')) > 5 || (int) $port > 65535) {
                throw new FlvxProvisionException('invalid_forward', array(
                    'field' => 'port',
                    'reason' => '1 to 65535, or empty for any',
                ));
            }
            $parsedPort = (int) $port;
        }
        return array(
            'tunnel' => (ctype_digit($tunnel) && strlen($tunnel) <= 18) ? (int) $tunnel : 0,
            'name' => $text('name'),
            'target' => $text('target'),
            'port' => $parsedPort,
        );
    }

    /**
     * The same checks as the Rust `check_request`: a name of 1 to 100 characters, targets
     * `host:port[,host:port...]`, and no port 0.
     */
    public static function checkRequest(array $request): void
    {
        $name = self::trimUnicode(isset($request['name']) ? (string) $request['name'] : '');
        $length = preg_match_all('/./su', $name);
        if ($name === '' || $length === false || $length > 100) {
            throw new FlvxProvisionException(
                'invalid_forward',
                array('field' => 'name', 'reason' => '1 to 100 characters')
            );
        }
        $badTarget = array('field' => 'target', 'reason' => 'host:port, such as 198.51.100.7:443');
        foreach (explode(',', isset($request['target']) ? (string) $request['target'] : '') as $target) {
            $target = self::trimUnicode($target);
            $colon = strrpos($target, ':');
            if ($colon === false) {
                throw new FlvxProvisionException('invalid_forward', $badTarget);
            }
            $host = substr($target, 0, $colon);
            $port = (string) substr($target, $colon + 1);
            $digits = ltrim(strpos($port, '+') === 0 ? substr($port, 1) : $port, '0');
            $portOk = preg_match('/^\+?[0-9]+$/', $port) === 1 && strlen($digits) <= 5
                && (int) $digits > 0 && (int) $digits <= 65535;
            $blank = preg_match('/[\s\p{Z}\x{85}]/u', $host);
            if ($host === '' || !$portOk || $blank !== 0) {
                throw new FlvxProvisionException('invalid_forward', $badTarget);
            }
        }
        if (array_key_exists('port', $request) && $request['port'] !== null && (int) $request['port'] === 0) {
            throw new FlvxProvisionException('invalid_forward', array(
                'field' => 'port',
                'reason' => '1 to 65535, or empty for any',
            ));
        }
    }

    // ------------------------------------------------------------- views, usage

    /**
     * The client-area view from the customer's own package. Calls (as the customer):
     * `user/package` (plus a login when the customer's token is not cached).
     */
    public function clientView(FlvxService $service): array
    {
        $this->provisioned($service->id);
        $customer = $this->customer($service);
        $action = 'action_usage';
        $package = $this->call($customer, 'user_package', array(), $action);
        if (!is_array($package) || !isset($package['userInfo']) || !is_array($package['userInfo'])) {
            throw self::panelError($action, self::decodeError('user_package', 'userInfo', 'missing field `userInfo`'));
        }
        return FlvxViews::serviceView($package, $service->number('max_forwards'));
    }

    /**
     * Traffic of every listed service that has a panel user, from ONE `user/list` call
     * (never one per service). Services whose user is missing on the panel are left out.
     *
     * @param int[] $serviceIds
     * @return array<int, array> by service id: username, user_id, used (bytes), quota
     *     (GiB), usage_mb and limit_mb (0 for unlimited) as WHMCS bwusage/bwlimit want them
     */
    public function usage(array $serviceIds): array
    {
        $pairs = array();
        foreach ($this->store->loadMany($serviceIds) as $serviceId => $record) {
            if ($record['user_id'] !== null) {
                $pairs[$serviceId] = (int) $record['user_id'];
            }
        }
        if (count($pairs) === 0) {
            return array();
        }
        $users = $this->listCall($this->api, 'user_list', array(), 'action_usage', array('id'));
        $byId = array();
        foreach ($users as $user) {
            $byId[(int) $user['id']] = $user;
        }
        $mbPerGib = intdiv((int) FlvxConstants::BYTES_PER_GIB, (int) FlvxConstants::BYTES_PER_MB);
        $usage = array();
        foreach ($pairs as $serviceId => $userId) {
            if (!isset($byId[$userId])) {
                continue;
            }
            $user = $byId[$userId];
            $used = FlvxViews::usedBytes($user);
            $quota = FlvxViews::intField($user, 'flow');
            $unlimited = $quota >= (int) FlvxConstants::UNLIMITED_GIB;
            $usage[$serviceId] = array(
                'username' => isset($user['user']) && is_scalar($user['user']) ? (string) $user['user'] : '',
                'user_id' => $userId,
                'used' => $used,
                'quota' => $quota,
                'usage_mb' => intdiv($used, (int) FlvxConstants::BYTES_PER_MB),
                'limit_mb' => $unlimited ? 0 : max(0, $quota) * $mbPerGib,
            );
        }
        return $usage;
    }

    /**
     * Every non-admin panel user (one `user/list`).
     */
    public function panelUsers(string $action): array
    {
        return $this->listCall($this->api, 'user_list', array(), $action, array('id'));
    }

    // ------------------------------------------------------- module-function glue

    /**
     * The message a module function returns for a failure. Catalogue and panel errors
     * are returned as they are (already in the admin's or client's language, naming the
     * cause and the fix; panel requests are logged by the client); anything unexpected is
     * logged with secrets masked and described (to clients only in general terms).
     */
    public static function failureMessage(
        string $function,
        array $params,
        \Throwable $e,
        bool $forClient = false
    ): string {
        if ($e instanceof FlvxProvisionException || $e instanceof FlvxApiException) {
            return $e->getMessage();
        }
        $detail = self::logUnexpected($function, $params, $e);
        if ($forClient) {
            return 'An unexpected error occurred. Please contact support; the details are in the WHMCS module log.';
        }
        return 'Unexpected error in flvx_' . $function . ': ' . $detail
            . ' Enable Module Debug Logging and see the module log for details.';
    }

    /**
     * Logs an unexpected failure to the WHMCS module log, secrets masked by value.
     *
     * @return string the masked description
     */
    public static function logUnexpected(string $function, array $params, \Throwable $e): string
    {
        $secrets = array();
        foreach (array('password', 'serverpassword', 'serveraccesshash') as $key) {
            if (isset($params[$key]) && is_string($params[$key]) && strlen($params[$key]) >= 4) {
                $secrets[] = $params[$key];
            }
        }
        $detail = get_class($e) . ': ' . $e->getMessage() . ' (' . basename($e->getFile()) . ':' . $e->getLine() . ')';
        foreach ($secrets as $secret) {
            $detail = str_replace($secret, '********', $detail);
        }
        if (function_exists('logModuleCall')) {
            $request = array(
                'serviceid' => isset($params['serviceid']) && is_scalar($params['serviceid'])
                    ? $params['serviceid']
                    : null,
                'serverid' => isset($params['serverid']) && is_scalar($params['serverid'])
                    ? $params['serverid']
                    : null,
            );
            logModuleCall('flvx', $function, $request, $detail, '', $secrets);
        }
        return $detail;
    }

    /**
     * Whether this request is a POST: the customer's forward actions change things, so they
     * only come from the product page's forms (which carry WHMCS's CSRF token).
     */
    public static function isPostRequest(): bool
    {
        $method = isset($_SERVER['REQUEST_METHOD']) && is_string($_SERVER['REQUEST_METHOD'])
            ? strtoupper($_SERVER['REQUEST_METHOD'])
            : '';
        return $method === 'POST';
    }

    /**
     * A forward id from form input: a positive whole number, else `forward_not_found`.
     *
     * @param mixed $value
     */
    public static function forwardId($value): int
    {
        $text = is_string($value) || is_int($value) ? trim((string) $value) : '';
        if ($text === '' || !ctype_digit($text) || strlen($text) > 18 || (int) $text <= 0) {
            throw new FlvxProvisionException('forward_not_found', array('forward' => '0'));
        }
        return (int) $text;
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The stored record of a provisioned service; `not_provisioned` otherwise.
     */
    public function provisioned(int $serviceId): array
    {
        $record = $this->store->load($serviceId);
        if ($record['user_id'] === null) {
            throw new FlvxProvisionException('not_provisioned');
        }
        return $record;
    }

    /**
     * The plan's tunnels, plus those of its tunnel group (one extra call only if set).
     *
     * @return int[]
     */
    private function tunnels(FlvxService $service, string $action): array
    {
        $tunnels = $service->planTunnels();
        $group = $service->number('tunnel_group');
        if ($group > 0) {
            $groups = $this->listCall($this->api, 'tunnel_group_list', array(), $action, array('id'));
            foreach ($groups as $candidate) {
                if ((int) $candidate['id'] !== $group) {
                    continue;
                }
                $members = isset($candidate['tunnelIds']) && is_array($candidate['tunnelIds'])
                    ? $candidate['tunnelIds']
                    : array();
                foreach ($members as $tunnel) {
                    if (is_numeric($tunnel) && !in_array((int) $tunnel, $tunnels, true)) {
                        $tunnels[] = (int) $tunnel;
                    }
                }
                break;
            }
        }
        return $tunnels;
    }

    /**
     * The user's forwards, from the admin list of all forwards.
     */
    private function forwardsOf(int $user, string $action): array
    {
        $mine = array();
        foreach ($this->listCall($this->api, 'forward_list', array(), $action, array('id', 'tunnelId')) as $forward) {
            if (isset($forward['userId']) && is_numeric($forward['userId']) && (int) $forward['userId'] === $user) {
                $mine[] = $forward;
            }
        }
        return $mine;
    }

    private function bindingsOf(int $user, string $action): array
    {
        return $this->listCall($this->api, 'binding_list', array('userId' => $user), $action, array('id', 'tunnelId'));
    }

    /**
     * The user whose name is exactly `$name` (the keyword search is a substring match).
     *
     * @return array|null
     */
    public function findUserByName(string $name, string $action)
    {
        foreach ($this->listCall($this->api, 'user_list', array('keyword' => $name), $action, array('id')) as $user) {
            if (isset($user['user']) && is_scalar($user['user']) && (string) $user['user'] === $name) {
                return $user;
            }
        }
        return null;
    }

    /**
     * The user with this id (there is no get-by-id endpoint, so this lists every user).
     *
     * @return array|null
     */
    private function findUser(int $id, string $action)
    {
        foreach ($this->listCall($this->api, 'user_list', array(), $action, array('id')) as $user) {
            if ((int) $user['id'] === $id) {
                return $user;
            }
        }
        return null;
    }

    /**
     * A handle acting as the service's customer, kept so its token is reused.
     */
    private function customer(FlvxService $service): FlvxApiClient
    {
        $username = $service->username();
        if (!isset($this->customers[$username])) {
            $this->customers[$username] = $this->api->actingAs($username, $service->password);
        }
        return $this->customers[$username];
    }

    /**
     * Drops the customer's handle and its cached token (the cache outlives the request
     * here, and a token of a deleted user would outlive the user: the panel keeps
     * accepting it, scoped to the old user id, for up to 90 days).
     */
    private function forgetCustomer(string $username): void
    {
        unset($this->customers[$username]);
        // Cached customer tokens outlive the request: drop it with the old password.
        $this->api->actingAs($username, '')->forgetCachedToken();
    }

    /**
     * Every user field, from the plan and the service's state (full replace).
     *
     * @param string|null $password a new password, or null to keep the current one
     */
    private function desiredUser(FlvxService $service, int $user, int $status, $password, string $action): array
    {
        $body = array('id' => $user, 'user' => $service->username());
        if ($password !== null) {
            self::checkPassword((string) $password, $action);
            $body['pwd'] = (string) $password;
        }
        $body['flow'] = $service->number('traffic_quota');
        $body['num'] = $service->number('max_forwards');
        $body['expTime'] = $service->expiryMs();
        $body['flowResetTime'] = $service->resetDay();
        $body['status'] = $status;
        $group = $service->number('user_group');
        if ($group > 0) {
            $body['groupIds'] = array($group);
        }
        return $body;
    }

    /**
     * The `user/create` body: every field the panel would otherwise default, with the
     * create's expiry fingerprint and the status the record calls for (0 when suspended).
     */
    private function newUserBody(FlvxService $service, int $fingerprint, int $status, string $action): array
    {
        self::checkPassword($service->password, $action);
        $body = array(
            'user' => $service->username(),
            'pwd' => $service->password,
            'flow' => $service->number('traffic_quota'),
            'num' => $service->number('max_forwards'),
            'expTime' => $fingerprint,
            'flowResetTime' => $service->resetDay(),
            'status' => $status,
        );
        $group = $service->number('user_group');
        if ($group > 0) {
            $body['groupIds'] = array($group);
        }
        return $body;
    }

    /**
     * Every binding field for one tunnel. Bindings always stay enabled: suspension is done
     * on the user and its forwards, because a binding update restarts paused forwards.
     */
    private function desiredBinding(FlvxService $service, int $user, int $tunnel): array
    {
        return array(
            'userId' => $user,
            'tunnelId' => $tunnel,
            'flow' => $service->number('traffic_quota'),
            'num' => $service->number('max_forwards'),
            'expTime' => $service->expiryMs(),
            'flowResetTime' => $service->resetDay(),
            'status' => 1,
            'speedId' => $service->speedLimit(),
        );
    }

    /**
     * The panel trims passwords before storing them but not at login, so a blank or
     * padded password could never log in; refused before sending (as the SDK does).
     */
    private static function checkPassword(string $password, string $action): void
    {
        if (self::trimUnicode($password) === '') {
            throw self::panelErrorText($action, 'invalid pwd: the password must not be blank');
        }
        if (self::trimUnicode($password) !== $password) {
            throw self::panelErrorText(
                $action,
                'invalid pwd: the password must not start or end with spaces (the panel could never log it in)'
            );
        }
    }

    /**
     * Tunnel id => binding id for the plan's tunnels, sorted by tunnel id.
     *
     * @param int[] $tunnels
     */
    private function bindingMap(array $bindings, array $tunnels): array
    {
        $map = array();
        foreach ($bindings as $binding) {
            $tunnel = (int) $binding['tunnelId'];
            if (in_array($tunnel, $tunnels, true)) {
                $map[$tunnel] = (int) $binding['id'];
            }
        }
        ksort($map);
        return $map;
    }

    /**
     * Applies `$op` to `$ids` (forwards of `$user`). No call when `$ids` is empty. The panel
     * only returns counts, so when some fail the forwards are listed again to learn which
     * ids reached the wanted state.
     *
     * @param int[] $ids
     * @return array{done: int[], failed: int}
     */
    private function batch(int $user, array $ids, string $op, string $action): array
    {
        $ids = array_values($ids);
        if (count($ids) === 0) {
            return array('done' => array(), 'failed' => 0);
        }
        $endpoint = 'forward_batch_' . $op;
        $result = $this->call($this->api, $endpoint, array('ids' => $ids), $action);
        if (!is_array($result) || !isset($result['failCount']) || !is_numeric($result['failCount'])) {
            throw self::panelError($action, self::decodeError($endpoint, 'failCount', 'missing field `failCount`'));
        }
        if ((int) $result['failCount'] === 0) {
            return array('done' => $ids, 'failed' => 0);
        }
        $now = array();
        foreach ($this->forwardsOf($user, $action) as $forward) {
            $now[(int) $forward['id']] = $forward;
        }
        $done = array();
        foreach ($ids as $id) {
            if (!isset($now[$id])) {
                $done[] = $id;
            } elseif ($op === self::PAUSE && !self::isRunning($now[$id])) {
                $done[] = $id;
            } elseif ($op === self::RESUME && self::isRunning($now[$id])) {
                $done[] = $id;
            }
        }
        return array('done' => $done, 'failed' => count($ids) - count($done));
    }

    private function throwIfFailed(array $outcome, string $op): void
    {
        if ($outcome['failed'] <= 0) {
            return;
        }
        $verbs = array(self::PAUSE => 'verb_paused', self::RESUME => 'verb_resumed', self::DELETE => 'verb_deleted');
        throw new FlvxProvisionException('forwards_failed', array(
            'failed' => (string) $outcome['failed'],
            'action' => FlvxLang::text($verbs[$op]),
        ));
    }

    /**
     * A panel call whose failure becomes `panel_error` naming the action.
     *
     * @return mixed the call's data
     */
    private function call(FlvxApiClient $api, string $endpoint, array $body, string $action)
    {
        try {
            return $api->call($endpoint, $body);
        } catch (FlvxApiException $e) {
            throw self::panelError($action, $e);
        }
    }

    /**
     * A list call: every row must be an object carrying the given integer fields.
     *
     * @param string[] $required
     */
    private function listCall(FlvxApiClient $api, string $endpoint, array $body, string $action, array $required): array
    {
        $data = $this->call($api, $endpoint, $body, $action);
        if (!is_array($data)) {
            throw self::panelError($action, self::decodeError($endpoint, '', 'expected a list'));
        }
        $rows = array();
        foreach (array_values($data) as $i => $row) {
            if (!is_array($row)) {
                throw self::panelError($action, self::decodeError($endpoint, '[' . $i . ']', 'expected an object'));
            }
            foreach ($required as $field) {
                if (!isset($row[$field]) || !is_numeric($row[$field])) {
                    throw self::panelError(
                        $action,
                        self::decodeError(
                            $endpoint,
                            '[' . $i . '].' . $field,
                            'missing or non-numeric field `' . $field . '`'
                        )
                    );
                }
            }
            $rows[] = $row;
        }
        return $rows;
    }

    /**
     * `panel_error` for a failed call, in the admin's or client's language.
     */
    public static function panelError(string $action, FlvxApiException $e): FlvxProvisionException
    {
        return new FlvxProvisionException(
            'panel_error',
            array('action' => FlvxLang::text($action), 'detail' => $e->getMessage()),
            $e
        );
    }

    private static function panelErrorText(string $action, string $detail): FlvxProvisionException
    {
        return new FlvxProvisionException(
            'panel_error',
            array('action' => FlvxLang::text($action), 'detail' => $detail)
        );
    }

    private static function decodeError(string $endpoint, string $where, string $what): FlvxApiException
    {
        $path = isset(FlvxApiClient::ENDPOINTS[$endpoint]) ? FlvxApiClient::ENDPOINTS[$endpoint]['path'] : $endpoint;
        return new FlvxApiException(
            FlvxApiException::DECODE,
            'could not decode ' . $path . ' data at `' . $where . '`: ' . $what,
            $path
        );
    }

    /**
     * Whether the panel records the forward as running (status 1).
     */
    public static function isRunning(array $forward): bool
    {
        return isset($forward['status']) && is_numeric($forward['status']) && (int) $forward['status'] === 1;
    }

    /**
     * Ids of the forwards that run (`true`), are paused (`false`) or all (`null`).
     *
     * @param bool|null $running
     * @return int[]
     */
    private static function idsWhere(array $forwards, $running): array
    {
        $ids = array();
        foreach ($forwards as $forward) {
            if ($running === null || self::isRunning($forward) === $running) {
                $ids[] = (int) $forward['id'];
            }
        }
        return $ids;
    }

    /**
     * `$list` plus the ids of `$more` it lacks, in order.
     */
    private static function mergeIds(array $list, array $more): array
    {
        foreach ($more as $id) {
            if (!in_array($id, $list, true)) {
                $list[] = $id;
            }
        }
        return $list;
    }

    private static function withoutId(array $list, int $id): array
    {
        $kept = array();
        foreach ($list as $item) {
            if ($item !== $id) {
                $kept[] = $item;
            }
        }
        return $kept;
    }

    /**
     * The binding's speed-limit id, or null.
     *
     * @return int|null
     */
    private static function speedOf(array $binding)
    {
        return isset($binding['speedId']) && is_numeric($binding['speedId']) ? (int) $binding['speedId'] : null;
    }

    /**
     * 1 unless the service is suspended.
     */
    private static function userStatus(array $record): int
    {
        return $record['suspended'] ? 0 : 1;
    }

    /**
     * Trims Unicode white space like Rust's `str::trim` (PHP's trim() knows only ASCII).
     */
    public static function trimUnicode(string $text): string
    {
        $trimmed = preg_replace('/^[\s\p{Z}\x{85}]+|[\s\p{Z}\x{85}]+$/u', '', $text);
        return is_string($trimmed) ? $trimmed : trim($text);
    }

    /**
     * A string in double quotes, as Rust's `{:?}` prints simple ones.
     */
    private static function quoted(string $text): string
    {
        return '"' . addcslashes($text, "\"\\\n\r\t") . '"';
    }
}
