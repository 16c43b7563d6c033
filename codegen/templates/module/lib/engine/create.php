<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Create: a user named after the service, with its password, then one binding per tunnel (engine/create.rs).
 * Used by FlvxEngine, whose fields and helpers it relies on.
 */
trait FlvxEngineCreate
{
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
     * none), one `tunnel/user/assign` per tunnel (all at once), one `tunnel/user/list` (binding ids). A
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
        $this->checkPanelSupports($service, $action);
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
        $assigns = array();
        foreach ($tunnels as $tunnel) {
            $assigns[] = $this->desiredBinding($service, $userId, $tunnel);
        }
        $this->assignBindings($assigns, $action);
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
            $maxConn = $service->optional('max_connections');
            if ($maxConn === null && isset($user['maxConn'])) {
                $maxConn = (int) $user['maxConn'];
            }
            $update = $this->desiredUser($service, (int) $user['id'], $status, $service->password, $action, $maxConn);
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
        // 3.0's bcrypt refuses longer passwords (refused on 2.1 too, for a later upgrade).
        if (strlen($service->password) > FlvxConstants::MAX_PASSWORD_BYTES) {
            throw new FlvxProvisionException('password_too_long');
        }
    }
}
