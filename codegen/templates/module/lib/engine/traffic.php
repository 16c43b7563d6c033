<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Renew and reset traffic: both resume what expiry or quota paused, except what the customer paused (engine/traffic.rs).
 * Used by FlvxEngine, whose fields and helpers it relies on.
 */
trait FlvxEngineTraffic
{
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
        $update = $this->userUpdate($service, $user, self::userStatus($record), null, $action);
        $this->call($this->api, 'user_update', $update, $action);
        $repushed = $expired ? $this->reenableBindings($service, $record, $user, $action) : array();
        $resumed = array('done' => array(), 'failed' => 0, 'reason' => null);
        // A suspended service resumes nothing; it only re-pauses what a re-push restarted,
        // which 3.0 does by itself.
        $repause = $expired && $this->repushRestartsPaused($action);
        if (!$record['suspended'] || $repause) {
            $forwards = $this->forwardsOf($user, $action);
            $resumed = $this->resumePanelPaused($service, $record, $user, $forwards, $action);
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
        if (count(self::quotaKeys($service)) > 0) {
            // Sold daily/monthly quotas are windows of their own (3.0), which `user/reset`
            // leaves alone; their reset also lifts a quota block.
            $this->call($this->api, 'user_quota_reset', array('userId' => $user, 'scope' => 'all'), $action);
        }
        if ($record['suspended'] || !$service->isCurrent()) {
            return $record;
        }
        $forwards = $this->forwardsOf($user, $action);
        $resumed = $this->resumePanelPaused($service, $record, $user, $forwards, $action);
        $this->throwIfFailed($resumed, self::RESUME);
        return $record;
    }

    /**
     * Resumes the paused forwards the customer did not pause, unless suspended or expired
     * (the rule of the daily reconciliation).
     *
     * @return array{done: int[], failed: int}
     */
    private function resumePanelPaused(
        FlvxService $service,
        array $record,
        int $user,
        array $forwards,
        string $action
    ): array
    {
        if ($record['suspended'] || !$service->isCurrent()) {
            return array('done' => array(), 'failed' => 0, 'reason' => null);
        }
        return $this->batch($user, self::resumable($service, $record, $forwards), self::RESUME, $action);
    }

    /**
     * The paused forwards the resume rule may resume: those the customer did not pause,
     * among the oldest `max_forwards` (the daily reconciliation pauses the newer ones, and
     * they stay paused until the plan allows them).
     *
     * @return int[]
     */
    private static function resumable(FlvxService $service, array $record, array $forwards): array
    {
        usort($forwards, function (array $a, array $b) {
            return (int) $a['id'] <=> (int) $b['id'];
        });
        $paused = array();
        foreach (array_slice($forwards, 0, max(0, $service->number('max_forwards'))) as $forward) {
            $id = (int) $forward['id'];
            if (!self::isRunning($forward) && !in_array($id, $record['customer_paused'], true)) {
                $paused[] = $id;
            }
        }
        return $paused;
    }

    /**
     * After a new plan: resumes what the panel paused (quota, expiry) when the plan now
     * allows it: not suspended, not expired, under the new quota, and not paused by the
     * customer. Calls: `forward/list`; only when such a forward is paused, `user/list` (the
     * usage) and `forward/batch-resume`.
     */
    private function resumeWithinPlan(FlvxService $service, array $record, int $user, string $action): void
    {
        if ($record['suspended'] || !$service->isCurrent()) {
            return;
        }
        $paused = self::resumable($service, $record, $this->forwardsOf($user, $action));
        if (count($paused) === 0) {
            return;
        }
        $current = $this->currentUser($service, $user, $action);
        if ($current === null || !self::underQuota($service, $current)) {
            return;
        }
        $outcome = $this->batch($user, $paused, self::RESUME, $action);
        $this->throwIfFailed($outcome, self::RESUME);
    }

    /**
     * After a re-push of `$tunnels`, pauses on the node what the panel still shows paused:
     * the forwards of `$forwards` that were paused there and were not just resumed.
     *
     * @param int[] $tunnels
     */
    private function pauseStillPaused(int $user, array $forwards, array $tunnels, array $resumed, string $action): void
    {
        if (!$this->repushRestartsPaused($action)) {
            return;
        }
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
}
