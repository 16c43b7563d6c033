<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Suspend and unsuspend: the user status plus an explicit pause of the running forwards, remembered so unsuspend resumes exactly those (engine/suspend.rs).
 * Used by FlvxEngine, whose fields and helpers it relies on.
 */
trait FlvxEngineSuspend
{
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
        $update = $this->userUpdate($service, $user, 0, null, $action);
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
        $update = $this->userUpdate($service, $user, 1, null, $action);
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
}
