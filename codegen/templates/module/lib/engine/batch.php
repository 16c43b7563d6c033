<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Pausing, resuming and deleting forwards in one call, with an honest account of what
 * happened when some fail (engine/batch.rs).
 */
trait FlvxEngineBatch
{
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
            return array('done' => array(), 'failed' => 0, 'reason' => null);
        }
        $endpoint = 'forward_batch_' . $op;
        $result = $this->call($this->api, $endpoint, array('ids' => $ids), $action);
        if (!is_array($result) || !isset($result['failCount']) || !is_numeric($result['failCount'])) {
            throw self::panelError($action, self::decodeError($endpoint, 'failCount', 'missing field `failCount`'));
        }
        if ((int) $result['failCount'] === 0) {
            return array('done' => $ids, 'failed' => 0, 'reason' => null);
        }
        if (isset($result['failures']) && is_array($result['failures']) && count($result['failures']) > 0) {
            return self::outcomeOfFailures($ids, $result['failures']);
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
        return array('done' => $done, 'failed' => count($ids) - count($done), 'reason' => null);
    }

    private function throwIfFailed(array $outcome, string $op): void
    {
        if ($outcome['failed'] <= 0) {
            return;
        }
        $verbs = array(self::PAUSE => 'verb_paused', self::RESUME => 'verb_resumed', self::DELETE => 'verb_deleted');
        if ($outcome['reason'] !== null) {
            $known = self::reasonFor($outcome['reason']);
            throw new FlvxProvisionException('forwards_refused', array(
                'failed' => (string) $outcome['failed'],
                'action' => FlvxLang::text($verbs[$op]),
                'reason' => $known !== null ? FlvxLang::text($known) : $outcome['reason'],
            ));
        }
        throw new FlvxProvisionException('forwards_failed', array(
            'failed' => (string) $outcome['failed'],
            'action' => FlvxLang::text($verbs[$op]),
        ));
    }

    /**
     * What a 3.0 batch achieved, from the failures it names: a forward that is gone is as
     * paused, resumed or deleted as it gets.
     *
     * @param int[] $ids
     * @return array{done: int[], failed: int, reason: string|null}
     */
    private static function outcomeOfFailures(array $ids, array $failures): array
    {
        $refused = array();
        $reason = null;
        foreach ($failures as $failure) {
            $why = is_array($failure) && isset($failure['reason']) ? (string) $failure['reason'] : '';
            if (!is_array($failure) || !isset($failure['id']) || $why === FlvxConstants::MSG_FORWARD_NOT_FOUND) {
                continue;
            }
            $refused[] = (int) $failure['id'];
            if ($reason === null) {
                $reason = $why;
            }
        }
        $done = array();
        foreach ($ids as $id) {
            if (!in_array($id, $refused, true)) {
                $done[] = $id;
            }
        }
        return array('done' => $done, 'failed' => count($ids) - count($done), 'reason' => $reason);
    }
}
