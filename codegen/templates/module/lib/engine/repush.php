<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Re-enabling bindings after an expiry, and the re-pause a binding write needs on FLVX 2.1 (engine/repush.rs).
 * Used by FlvxEngine, whose fields and helpers it relies on.
 */
trait FlvxEngineRepush
{
    /**
     * Writes every stored binding with status 1: the only way to undo the daily expiry
     * job's binding disable. One `tunnel/user/assign` per binding, all at once.
     *
     * @return int[] the re-pushed tunnels
     */
    private function reenableBindings(FlvxService $service, array $record, int $user, string $action): array
    {
        $tunnels = array_map('intval', array_keys($record['bindings']));
        $assigns = array();
        foreach ($tunnels as $tunnel) {
            $assigns[] = $this->desiredBinding($service, $user, $tunnel);
        }
        $this->assignBindings($assigns, $action);
        return $tunnels;
    }

    /**
     * Whether a binding write restarts paused forwards on the node (2.1), so that they must
     * be paused again; 3.0 re-pauses them itself.
     */
    private function repushRestartsPaused(string $action): bool
    {
        return !$this->isVersion3($action);
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
        if (count($tunnels) === 0 || !$this->repushRestartsPaused($action)) {
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
}
