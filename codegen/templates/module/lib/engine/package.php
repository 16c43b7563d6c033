<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Change package, change password and sync: the plan re-applied as full writes (engine/package.rs).
 * Used by FlvxEngine, whose fields and helpers it relies on.
 */
trait FlvxEnginePackage
{
    /**
     * Applies a new plan: quota, limits, speed and tunnels; the expiry is kept (it comes
     * from the due date). Calls: `user/update`, `tunnel/user/list`, a `tunnel/user/assign`
     * per new tunnel or changed speed limit (all at once); when tunnels were dropped, one
     * `forward/list`, a `forward/batch-delete` if they carry forwards, and a
     * `tunnel/user/remove` each (all at once); a
     * second `tunnel/user/list` only when a binding was created; and when an existing
     * binding was re-assigned, `forward/list` and `forward/batch-pause` of the paused
     * forwards on it (the re-push restarted them on the node). Last, unless suspended or
     * expired: `forward/list`, and when the panel paused forwards the customer did not,
     * `user/list` and `forward/batch-resume` if the user is now under its quota.
     */
    public function changePackage(FlvxService $service): array
    {
        $action = 'action_change_package';
        $record = $this->provisioned($service->id);
        $this->checkPanelSupports($service, $action);
        $user = (int) $record['user_id'];
        $password = $this->loginChange($service, $record);
        $update = $this->userUpdate($service, $user, self::userStatus($record), $password, $action);
        $this->call($this->api, 'user_update', $update, $action);
        $record['pushed_expiry'] = $update['expTime'];
        list($record, $repushed) = $this->applyBindings($service, $record, $user, $action);
        $this->repause($user, $repushed, $action);
        // A higher quota or a later expiry lifts what the panel paused, which it never
        // resumes by itself (panel behaviour §4.4). Before the save, so that a failure
        // leaves the record as it was and the retry resumes them.
        $this->resumeWithinPlan($service, $record, $user, $action);
        $record['repause_tunnels'] = array();
        $this->store->save($service->id, $record);
        return $record;
    }

    /**
     * Sets a new panel password; everything else is written unchanged. Calls: `user/update`.
     * Without customer panel access the service password is not the panel's: nothing is
     * called, unless the option changed and the panel password changes with it.
     */
    public function changePassword(FlvxService $service): array
    {
        $action = 'action_change_password';
        self::checkServicePassword($service);
        $record = $this->provisioned($service->id);
        $change = $this->loginChange($service, $record);
        if ($change === null && !$service->hasPanelAccess()) {
            return $record;
        }
        $user = (int) $record['user_id'];
        $password = self::panelPassword($service, $record);
        $update = $this->userUpdate($service, $user, self::userStatus($record), $password, $action);
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
        $found = $this->findUser($user, $action);
        if ($found === null) {
            return $this->recreate($service, $record['suspended']);
        }
        $expired = self::expiryPassed($record, $service);
        // The read above already holds the panel's connection cap (3.0): no second read.
        $maxConn = $service->optional('max_connections');
        if ($maxConn === null && isset($found['maxConn'])) {
            $maxConn = (int) $found['maxConn'];
        }
        $password = $this->loginChange($service, $record);
        $update = $this->desiredUser($service, $user, self::userStatus($record), $password, $action, $maxConn);
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
        $assigns = array();
        foreach (array_merge($missing, $reassign) as $tunnel) {
            $assigns[] = $this->desiredBinding($service, $user, $tunnel);
        }
        $this->assignBindings($assigns, $action);
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
        $removed = array();
        foreach ($bindings as $binding) {
            if (in_array((int) $binding['tunnelId'], $dropped, true)) {
                $removed[] = (int) $binding['id'];
            }
        }
        $this->removeBindings($removed, $action);
    }
}
