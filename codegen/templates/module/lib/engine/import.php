<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Import from the hand-written 1.0 module (engine/import.rs): a service it provisioned
 * keeps its panel user. 1.0 kept per service the product custom fields flvx_user_id,
 * flvx_username and flvx_password; its usernames came from the domain or the e-mail, so a
 * name proves nothing, and the proof is the one adoption uses: the password 1.0 gave logs
 * in as that user. Used by FlvxEngine, whose fields and helpers it relies on.
 */
trait FlvxEngineImport
{
    /**
     * The 1.0 account in a service's custom fields (`$params['customfields']`), or null
     * when flvx_user_id is missing or blank (never provisioned by 1.0, or terminated: 1.0
     * cleared the fields). The other two must then be filled in.
     *
     * @return array{user_id: int, username: string, password: string, suspended: bool}|null
     */
    public static function legacyAccount(array $params)
    {
        $fields = isset($params['customfields']) && is_array($params['customfields']) ? $params['customfields'] : array();
        $field = function (string $name) use ($fields): string {
            return isset($fields[$name]) && is_scalar($fields[$name]) ? (string) $fields[$name] : '';
        };
        $id = trim($field(FlvxConstants::LEGACY_FIELD_USER_ID));
        if ($id === '') {
            return null;
        }
        if (!ctype_digit($id) || strlen($id) > 18 || (int) $id <= 0) {
            throw new FlvxProvisionException('legacy_field_invalid', array(
                'field' => FlvxConstants::LEGACY_FIELD_USER_ID,
                'value' => $id,
                'allowed' => FlvxLang::text('legacy_allowed_user_id'),
            ));
        }
        $username = trim($field(FlvxConstants::LEGACY_FIELD_USERNAME));
        // The password as 1.0 wrote it: the panel compares it untrimmed.
        $password = $field(FlvxConstants::LEGACY_FIELD_PASSWORD);
        foreach (array(FlvxConstants::LEGACY_FIELD_USERNAME => $username, FlvxConstants::LEGACY_FIELD_PASSWORD => $password) as $name => $value) {
            if ($value === '') {
                throw new FlvxProvisionException('legacy_field_invalid', array(
                    'field' => $name,
                    'value' => '',
                    'allowed' => FlvxLang::text('legacy_allowed_text'),
                ));
            }
        }
        $status = isset($params['status']) && is_string($params['status']) ? $params['status'] : '';
        return array(
            'user_id' => (int) $id,
            'username' => $username,
            'password' => $password,
            'suspended' => $status === 'Suspended',
        );
    }

    /**
     * The automatic import, run before every action on a service: when the service has no
     * record of its own yet (no user, no create under way) and its custom fields carry a
     * 1.0 account, takes that account over; otherwise does nothing (no call, and the
     * fields are not even read). Returns the account it imported, or null: the service
     * then acts with that password, which the import wrote to the WHMCS service.
     *
     * @return array|null
     */
    public function adoptLegacy(FlvxService $service, array $params, bool $keepServicePassword = false)
    {
        $record = $this->store->load($service->id);
        if ($record['user_id'] !== null || $record['create_pending']) {
            return null;
        }
        $legacy = self::legacyAccount($params);
        if ($legacy === null) {
            return null;
        }
        $this->importLegacy($service, $legacy, $keepServicePassword);
        return $legacy;
    }

    /**
     * Takes over the panel user the 1.0 module made for the service, checked first with
     * nothing written if a check fails: the user is no other service's, exists, carries
     * the name 1.0 recorded, and logs in with the 1.0 password. Then the WHMCS service
     * gets this module's username and the 1.0 password (the customer keeps it), the
     * bindings on the plan's tunnels are re-written from the plan (1.0 suspended by
     * disabling them, and set their expiry itself), the record is saved and Sync applies
     * the plan, renaming the user. Calls: `user/list`, `user/login` and `user/package`
     * (as the user), `tunnel/user/list`, a `tunnel/user/assign` per binding on the plan's
     * tunnels (all at once), then Sync's. A service already linked to that user only gets
     * the Sync (a retry converges). `$keepServicePassword` (ChangePassword) leaves the
     * password WHMCS just saved on the service, which the action then sets on the panel.
     */
    public function importLegacy(FlvxService $service, array $legacy, bool $keepServicePassword = false): array
    {
        $action = 'action_import_legacy';
        $record = $this->store->load($service->id);
        $user = (int) $legacy['user_id'];
        if ($record['user_id'] !== null) {
            if ((int) $record['user_id'] === $user) {
                return $this->sync($service);
            }
            throw new FlvxProvisionException('legacy_already_linked', array(
                'linked' => (string) $record['user_id'],
                'user_id' => (string) $user,
            ));
        }
        $this->checkPanelSupports($service, $action);
        $this->checkLegacy($service, $legacy, $action);
        return $this->takeOver($service, $legacy, $record, $action, $keepServicePassword);
    }

    /**
     * The automatic take-over of a service WHMCS Server Sync imported from ListAccounts
     * (a panel user made by hand): run before every action on an Active or Suspended
     * service without a record of its own, when the service's username (WHMCS
     * `tblhosting.username`) names an ordinary panel user that no service holds and the
     * service password logs in as it. A name alone proves nothing (customers choose
     * usernames on order forms), so anything short of that login leaves the service as it
     * is. Returns the account it took over, or null; then as an import from 1.0. Calls:
     * `user/list` (by name), `user/login` and `user/package` (as the user), then the
     * import's `tunnel/user/list`, assigns and Sync.
     *
     * @return array|null
     */
    public function adoptListed(FlvxService $service, string $username, bool $suspended)
    {
        $action = 'action_import_listed';
        $username = trim($username);
        $record = $this->store->load($service->id);
        if ($record['user_id'] !== null || $record['create_pending'] || $username === ''
            || $username === $service->username()) {
            return null;
        }
        $user = $this->findUserByName($username, $action);
        if ($user === null || !self::isCustomer($user)) {
            return null;
        }
        if ($this->store->serviceOfUser((int) $user['id']) !== null
            || !$this->ownsUser($username, $service->password, $action)) {
            return null;
        }
        $this->checkPanelSupports($service, $action);
        $account = array(
            'user_id' => (int) $user['id'],
            'username' => $username,
            'password' => $service->password,
            'suspended' => $suspended,
        );
        $this->takeOver($service, $account, $record, $action, false);
        return $account;
    }

    /**
     * Binds a checked account to the service: the WHMCS login written, its bindings on the
     * plan's tunnels re-written, the record saved, then Sync.
     */
    private function takeOver(FlvxService $service, array $legacy, array $record, string $action, bool $keepServicePassword): array
    {
        $user = (int) $legacy['user_id'];
        $tunnels = $this->tunnels($service, $action);
        $kept = $this->bindingMap($this->bindingsOf($user, $action), $tunnels);
        // Written before the record: a failure here leaves nothing to undo, and the retry
        // passes the same checks (the user is renamed only by the Sync below).
        $assigns = array();
        foreach (array_keys($kept) as $tunnel) {
            $assigns[] = $this->desiredBinding($service, $user, (int) $tunnel);
        }
        $this->assignBindings($assigns, $action);
        $password = $keepServicePassword ? $service->password : (string) $legacy['password'];
        $this->store->setServiceLogin($service->id, $service->username(), $password);
        $record['user_id'] = $user;
        $record['username'] = $service->username();
        $record['bindings'] = $kept;
        $record['suspended'] = (bool) $legacy['suspended'];
        $record['create_pending'] = false;
        // The assigns re-pushed the forwards on those tunnels: Sync pauses them again.
        $record['repause_tunnels'] = array_map('intval', array_keys($kept));
        $this->store->save($service->id, $record);
        return $this->sync($service);
    }

    /**
     * The checks of an import, in the order both runtimes make them: the store first (a
     * user another service holds was most likely renamed by it, and saying so is the
     * useful message), then the panel.
     */
    private function checkLegacy(FlvxService $service, array $legacy, string $action): void
    {
        $user = (int) $legacy['user_id'];
        $username = (string) $legacy['username'];
        $other = $this->store->serviceOfUser($user);
        if ($other !== null && $other !== $service->id) {
            throw new FlvxProvisionException('legacy_user_taken', array(
                'user_id' => (string) $user,
                'username' => $username,
                'other' => (string) $other,
            ));
        }
        $found = $this->findUser($user, $action);
        if ($found === null) {
            throw new FlvxProvisionException('legacy_user_missing', array('user_id' => (string) $user));
        }
        $name = isset($found['user']) && is_scalar($found['user']) ? (string) $found['user'] : '';
        if ($name !== $username) {
            throw new FlvxProvisionException('legacy_name_mismatch', array(
                'user_id' => (string) $user,
                'username' => $username,
                'found' => $name,
            ));
        }
        if (!$this->ownsUser($username, (string) $legacy['password'], $action)) {
            throw new FlvxProvisionException('legacy_password_mismatch', array('username' => $username));
        }
    }
}
