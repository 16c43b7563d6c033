<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Daily reconciliation: every service of a panel back to its plan (engine/reconcile.rs).
 * Customers with panel access rename themselves and add forwards the module never saw, and
 * the panel repairs nothing it paused, so once a day the whole server is read with one
 * `user/list` and one `forward/list` (plus `node/list` when there are forwards to check)
 * and only what drifted is written.
 */
trait FlvxEngineReconcile
{
    /**
     * Brings every given service back to its plan, as the daily cron does: renames users
     * back and rewrites drifted limits (one `user/update` each); pauses running forwards of
     * suspended services, forwards beyond max forwards (the oldest are kept) and forwards
     * with refused targets or entry ports; resumes what the panel paused once the service is
     * under quota, not expired, not suspended and the customer did not pause it. A service
     * whose product's customer panel access changed gets its new panel password with that
     * update, and its record is saved after it (the only record written). A service with
     * something to repair takes its lock and is judged again on its record as read there;
     * the others take no lock.
     *
     * @param FlvxService[] $services
     * @return array{usage: array, repairs: array[], missing: array<int, int>, failed: array<int, string>}
     *     repairs: list of array(service id, catalogue key, arguments)
     */
    public function reconcile(array $services): array
    {
        $action = 'action_reconcile';
        $report = array('usage' => array(), 'repairs' => array(), 'missing' => array(), 'failed' => array());
        $byId = array();
        foreach ($services as $service) {
            $byId[$service->id] = $service;
        }
        $owned = array();
        $records = $this->store->loadMany(array_keys($byId));
        foreach ($records as $serviceId => $record) {
            if ($record['user_id'] !== null && !$record['terminated']) {
                $owned[$serviceId] = (int) $record['user_id'];
            }
        }
        if (count($owned) === 0) {
            return $report;
        }
        $users = array();
        foreach ($this->listCall($this->api, 'user_list', array(), $action, array('id')) as $user) {
            $users[(int) $user['id']] = $user;
        }
        $report['usage'] = self::usageOf($users, $owned);
        $forwards = $this->listCall($this->api, 'forward_list', array(), $action, array('id', 'tunnelId'));
        $refused = $this->forwardChecks($byId, $owned, $forwards, $action);
        $version3 = $this->isVersion3($action);
        foreach ($owned as $serviceId => $userId) {
            if (!isset($users[$userId])) {
                $report['missing'][$serviceId] = $userId;
                continue;
            }
            $service = $byId[$serviceId];
            $theirs = self::forwardsByAge($forwards, $userId);
            $user = $users[$userId];
            if (!self::drifted(self::drift($service, $records[$serviceId], $user, $theirs, $refused, $version3))
                && !self::loginChanges($service, $records[$serviceId])
            ) {
                continue;
            }
            $repair = function () use ($service, $user, $theirs, $refused, $version3, &$report) {
                $record = $this->store->load($service->id);
                $drift = self::drift($service, $record, $user, $theirs, $refused, $version3);
                $drift['login'] = $this->loginChange($service, $record);
                $this->repair($service, $user, $record, $version3, $drift, $report);
            };
            try {
                FlvxServiceLock::run($serviceId, $repair);
            } catch (\Throwable $e) {
                $report['failed'][$serviceId] = FlvxEngine::failureMessage('UsageUpdate', array(), $e);
            }
        }
        return $report;
    }

    /**
     * Writes one service's repairs and notes each in `$report`.
     */
    private function repair(
        FlvxService $service,
        array $user,
        array $record,
        bool $version3,
        array $drift,
        array &$report
    ): void {
        $action = 'action_reconcile';
        $id = (string) $service->id;
        if ($drift['user'] !== null || $drift['login'] !== null) {
            $update = $drift['user'] !== null ? $drift['user'] : self::desiredOf($service, $record, $user, $version3);
            if ($drift['login'] !== null) {
                $update['pwd'] = $drift['login'];
            }
            $this->call($this->api, 'user_update', $update, $action);
            if ($drift['login'] !== null) {
                // After the panel took the password (engine/access.php loginChange).
                $this->store->save($service->id, $record);
                $key = $service->hasPanelAccess() ? 'repair_login_opened' : 'repair_login_closed';
                $report['repairs'][] = array($service->id, $key, array('service' => $id));
            }
        }
        if ($drift['user'] !== null) {
            $name = FlvxViews::textField($user, 'user');
            $report['repairs'][] = $name !== $drift['user']['user']
                ? array($service->id, 'repair_user_renamed', array('service' => $id, 'name' => $name))
                : array($service->id, 'repair_user', array('service' => $id));
        }
        $paused = $this->batch((int) $user['id'], array_keys($drift['pause']), self::PAUSE, $action);
        foreach ($drift['pause'] as $forward => $reason) {
            if (in_array($forward, $paused['done'], true)) {
                $report['repairs'][] = array($service->id, 'repair_paused', array(
                    'service' => $id,
                    'forward' => (string) $forward,
                    'reason' => FlvxLang::text($reason),
                ));
            }
        }
        $resumed = $this->batch((int) $user['id'], $drift['resume'], self::RESUME, $action);
        foreach ($resumed['done'] as $forward) {
            $report['repairs'][] = array(
                $service->id,
                'repair_resumed',
                array('service' => $id, 'forward' => (string) $forward),
            );
        }
        $this->throwIfFailed($paused, self::PAUSE);
        $this->throwIfFailed($resumed, self::RESUME);
    }

    /**
     * The forward policy's verdict on each forward of the services: forward id => reason
     * key. Reads `node/list` (the nodes' own addresses) only when there is a forward to check.
     *
     * @param FlvxService[] $services by id
     * @param array<int, int> $owned service id => user id
     */
    private function forwardChecks(array $services, array $owned, array $forwards, string $action): array
    {
        $plans = array();
        foreach ($owned as $serviceId => $userId) {
            $plans[$userId] = $services[$serviceId];
        }
        $theirs = array();
        foreach ($forwards as $forward) {
            $user = isset($forward['userId']) && is_numeric($forward['userId']) ? (int) $forward['userId'] : 0;
            if (isset($plans[$user])) {
                $theirs[] = array($forward, $plans[$user]);
            }
        }
        $refused = array();
        if (count($theirs) === 0) {
            return $refused;
        }
        $nodes = $this->listCall($this->api, 'node_list', array(), $action, array('id'));
        $own = array('panel' => $this->panelAddresses(), 'nodes' => self::nodeAddresses($nodes));
        $resolved = array();
        foreach ($theirs as $pair) {
            $reason = self::refusal($pair[0], $pair[1], $own, $resolved);
            if ($reason !== null) {
                $refused[(int) $pair[0]['id']] = $reason;
            }
        }
        return $refused;
    }

    /**
     * Why the policy refuses `$forward` today (a reason key), or null. A name that does not
     * resolve is not held against it (the resolver may be down for a moment).
     *
     * @return string|null
     */
    private static function refusal(array $forward, FlvxService $service, array $own, array &$resolved)
    {
        $range = FlvxForwardPolicy::parsePortRange($service->text('entry_port_range'));
        if (is_array($range) && isset($forward['inPort']) && is_numeric($forward['inPort'])
            && ((int) $forward['inPort'] < $range[0] || (int) $forward['inPort'] > $range[1])
        ) {
            return 'repair_reason_port';
        }
        $allowed = FlvxForwardPolicy::parseNetworkList($service->text('allowed_target_networks'));
        $allowed = $allowed === null ? array() : $allowed;
        try {
            foreach (FlvxForwardPolicy::parseTargets(FlvxViews::textField($forward, 'remoteAddr')) as $target) {
                if (!array_key_exists($target['text'], $resolved)) {
                    $found = FlvxForwardPolicy::targetAddresses($target);
                    $resolved[$target['text']] = $found === null ? array() : $found;
                }
                foreach ($resolved[$target['text']] as $address) {
                    FlvxForwardPolicy::checkAddress($target['text'], $address, $allowed, $own);
                }
            }
        } catch (FlvxProvisionException $e) {
            return 'repair_reason_target';
        }
        return null;
    }

    /**
     * What differs between the panel and the plan for one service: the user update (or
     * null), forwards to pause (id => reason key) and forwards to resume.
     */
    private static function drift(
        FlvxService $service,
        array $record,
        array $user,
        array $forwards,
        array $refused,
        bool $version3
    ): array {
        $resumable = !$record['suspended'] && self::underQuota($service, $user) && $service->isCurrent();
        $drift = array(
            'user' => self::userDrift($service, $record, $user, $version3),
            'pause' => array(),
            'resume' => array(),
            'login' => null,
        );
        $max = $service->number('max_forwards');
        foreach ($forwards as $age => $forward) {
            $id = (int) $forward['id'];
            if ($record['suspended']) {
                $reason = 'repair_reason_suspended';
            } elseif ($age >= $max) {
                $reason = 'repair_reason_beyond_max';
            } else {
                $reason = isset($refused[$id]) ? $refused[$id] : null;
            }
            $running = self::isRunning($forward);
            if ($running && $reason !== null) {
                $drift['pause'][$id] = $reason;
            } elseif (!$running && $reason === null && $resumable
                && !in_array($id, $record['customer_paused'], true)
            ) {
                $drift['resume'][] = $id;
            }
        }
        return $drift;
    }

    /**
     * The full update that puts the user back to the plan when anything differs: name,
     * quota, max forwards, expiry, reset day, status, the plan's connection cap or daily and
     * monthly quotas (3.0). The password is kept.
     *
     * @return array|null
     */
    private static function userDrift(FlvxService $service, array $record, array $user, bool $version3)
    {
        $cap = $service->optional('max_connections');
        $want = self::desiredOf($service, $record, $user, $version3);
        $drifted = FlvxViews::textField($user, 'user') !== $want['user'];
        foreach (array('flow', 'num', 'expTime', 'flowResetTime', 'status') as $key) {
            $drifted = $drifted || FlvxViews::intField($user, $key) !== $want[$key];
        }
        if ($cap !== null) {
            $drifted = $drifted || !isset($user['maxConn']) || FlvxViews::intField($user, 'maxConn') !== $cap;
        }
        foreach (self::quotaKeys($service) as $key => $gib) {
            $drifted = $drifted || !isset($user[$key]) || FlvxViews::intField($user, $key) !== $gib;
        }
        return $drifted ? $want : null;
    }

    /**
     * The user as the plan has it, the password kept; on 3.0 with the panel's connection
     * cap when the plan leaves it to the panel (the `user/list` already holds it).
     */
    private static function desiredOf(FlvxService $service, array $record, array $user, bool $version3): array
    {
        $cap = $service->optional('max_connections');
        $maxConn = $cap !== null ? $cap : ($version3 ? FlvxViews::intField($user, 'maxConn') : null);
        return self::desiredFields($service, (int) $user['id'], self::userStatus($record), $maxConn);
    }

    /** Whether `$drift` holds anything to write. */
    private static function drifted(array $drift): bool
    {
        return $drift['user'] !== null || count($drift['pause']) > 0 || count($drift['resume']) > 0;
    }

    /**
     * Whether the panel would let the user's forwards run on traffic: within the plan's
     * quota (the panel refuses only above it) and not blocked by a 3.0 quota window.
     */
    private static function underQuota(FlvxService $service, array $user): bool
    {
        if (FlvxViews::intField($user, 'disabledByQuota') !== 0) {
            return false;
        }
        $quota = $service->number('traffic_quota');
        if ($quota >= (int) FlvxConstants::UNLIMITED_GIB) {
            return true;
        }
        $bytes = $quota > intdiv(PHP_INT_MAX, (int) FlvxConstants::BYTES_PER_GIB)
            ? PHP_INT_MAX
            : $quota * (int) FlvxConstants::BYTES_PER_GIB;
        return FlvxViews::usedBytes($user) <= $bytes;
    }

    /**
     * The forwards of `$user`, oldest (lowest id) first.
     */
    private static function forwardsByAge(array $forwards, int $user): array
    {
        $theirs = array();
        foreach ($forwards as $forward) {
            if (isset($forward['userId']) && is_numeric($forward['userId']) && (int) $forward['userId'] === $user) {
                $theirs[] = $forward;
            }
        }
        usort($theirs, function (array $a, array $b) {
            return (int) $a['id'] <=> (int) $b['id'];
        });
        return $theirs;
    }
}
