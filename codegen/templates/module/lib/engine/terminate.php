<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Terminate: delete the forwards, then the user; or disable both (engine/terminate.rs).
 * Used by FlvxEngine, whose fields and helpers it relies on.
 */
trait FlvxEngineTerminate
{
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
     * The user to act on: the stored one, or one a half-finished create left behind,
     * which must log in with this service's password: Terminate never deletes a user it
     * cannot prove is this service's.
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
        $password = self::panelPassword($service, $record);
        if ($found === null || !$this->ownsUser((string) $found['user'], $password, $action)) {
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
        $update = $this->userUpdate($service, $user, 0, null, $action);
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
}
