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
     * create sends (every attempt sends that same one). A user found under the name later
     * is adopted only if the marker is set and the user logs in with this service's
     * password (`user/login`, `user/package`): a name or an expiry is no proof.
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
        $sentExpiry = ($original['create_pending'] && $original['pushed_expiry'] !== null)
            ? (int) $original['pushed_expiry']
            : $service->expiryMs();
        $record = $original;
        $record['username'] = $service->username();
        $record['create_pending'] = true;
        $record['pushed_expiry'] = $sentExpiry;
        // Without panel access the secret is saved before the create, like the marker:
        // every attempt sends the same one, and it proves an adopted user is ours.
        $this->loginChange($service, $record);
        $this->store->save($service->id, $record);
        try {
            $user = $this->createOrAdopt($service, $original, $sentExpiry, self::panelPassword($service, $record));
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
     * The name is taken: by this service's own user, made by an attempt whose answer was
     * lost (adopted when this service's password logs in as it: returns true), or by
     * another service's user renamed to it (that one gets its name back, then the create
     * is sent again: returns false). Otherwise the name is someone else's.
     */
    private function takeName(FlvxService $service, array $original, array $body, FlvxApiException $taken): bool
    {
        $action = 'action_create';
        $username = $service->username();
        if ($original['create_pending'] && $this->ownsUser($username, (string) $body['pwd'], $action)) {
            return true;
        }
        if ($this->reclaimName($service)) {
            $this->call($this->api, 'user_create', $body, $action);
            return false;
        }
        throw new FlvxProvisionException('user_not_ours', array('username' => $username), $taken);
    }

    /**
     * A customer can rename its own panel user (`user/updatePassword` takes a new name),
     * also to the name this service is about to get, to block it. If the user holding the
     * name is bound to another service, it gets that service's name back and the name is
     * free again. Calls: `user/list`, and `user/update` (every field as the panel has it,
     * only the name changed) when the holder is another service's.
     */
    private function reclaimName(FlvxService $service): bool
    {
        $action = 'action_create';
        $username = $service->username();
        $holder = $this->findUserByName($username, $action);
        if ($holder === null) {
            return false;
        }
        $owner = $this->store->serviceOfUser((int) $holder['id']);
        if ($owner === null || $owner === $service->id) {
            return false;
        }
        $ownName = $this->store->load($owner)['username'];
        if ($ownName === null || $ownName === $username) {
            return false;
        }
        $update = self::unchangedUser($holder);
        $update['user'] = $ownName;
        $this->call($this->api, 'user_update', $update, $action);
        return true;
    }

    /**
     * An update that changes nothing (the SDK's `UserUpdate::from_user`): the user's
     * current values as listed, password and groups kept.
     */
    private static function unchangedUser(array $user): array
    {
        $body = array('id' => (int) $user['id'], 'user' => (string) $user['user']);
        foreach (array('flow', 'num', 'expTime', 'flowResetTime', 'status') as $key) {
            $body[$key] = FlvxViews::intField($user, $key);
        }
        if (isset($user['maxConn'])) {
            $body['maxConn'] = (int) $user['maxConn'];
        }
        return $body;
    }

    /**
     * `user/create` with the panel `$password`; if the name is taken, adopt the user only
     * when that password logs in as it (or free the name from another service's user
     * renamed to it), and bring it up to the plan. A user created on a retry with
     * an older sent expiry (products without a due date) gets the current expiry too.
     */
    private function createOrAdopt(FlvxService $service, array $original, int $sentExpiry, string $password): array
    {
        $action = 'action_create';
        $username = $service->username();
        $adopting = false;
        $body = $this->newUserBody($service, $sentExpiry, self::userStatus($original), $password, $action);
        try {
            $this->api->call('user_create', $body);
        } catch (FlvxApiException $e) {
            if ($e->getPanelMessage() !== FlvxConstants::MSG_NAME_TAKEN) {
                throw self::panelError($action, $e);
            }
            $adopting = $this->takeName($service, $original, $body, $e);
        }
        $user = $this->findUserByName($username, $action);
        if ($user === null) {
            throw self::panelErrorText($action, 'user "' . $username . '" just created was not found on the panel');
        }
        // No two services may ever share one panel user.
        $other = $this->store->serviceOfUser((int) $user['id']);
        if ($other !== null && $other !== $service->id) {
            throw new FlvxProvisionException('user_not_ours', array('username' => $username));
        }
        if ($adopting || $sentExpiry !== $service->expiryMs()) {
            $status = self::userStatus($original);
            $maxConn = $service->optional('max_connections');
            if ($maxConn === null && isset($user['maxConn'])) {
                $maxConn = (int) $user['maxConn'];
            }
            $update = $this->desiredUser($service, (int) $user['id'], $status, $password, $action, $maxConn);
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
        if (!$service->hasPanelAccess()) {
            // Without panel access the service password never reaches the panel.
            return;
        }
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
