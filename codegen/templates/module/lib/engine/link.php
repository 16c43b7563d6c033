<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * The admin's link (engine/link.rs): a service bound to an existing panel user by hand
 * (the admin service tab), or unbound. The admin's decision is the proof of ownership
 * here, so the checks are the ones no decision can waive: the user exists and is no
 * panel admin, no other service holds it, and the service's own name is free for it to take. Used by
 * FlvxEngine, whose fields and helpers it relies on.
 */
trait FlvxEngineLink
{
    /**
     * A panel user as the admin names it: null when blank; digits are an id, anything
     * else an exact name.
     *
     * @return array{id: int}|array{name: string}|null
     */
    public static function panelUserRef(string $text)
    {
        $text = trim($text);
        if ($text === '') {
            return null;
        }
        if (ctype_digit($text) && strlen($text) <= 18 && (int) $text > 0) {
            return array('id' => (int) $text);
        }
        return array('name' => $text);
    }

    /**
     * Links the service to an existing panel user chosen by the admin, checked first with
     * nothing written if a check fails: the service has no user yet, the user exists, no
     * other service holds it, and no other panel user has this service's name (which the
     * user gets). Then the record is saved, the plan applied by Sync (renaming the user),
     * and the user gets the service password, so the customer logs in with what WHMCS
     * shows. Linking the user it is already linked to changes nothing. Calls: `user/list`
     * (one, or two by id), then Sync's, then `user/update` (the password).
     *
     * @param array{id: int}|array{name: string} $target
     * @return array{0: array, 1: string} the record, and the user's name before the link
     */
    public function link(FlvxService $service, array $target): array
    {
        $action = 'action_link';
        self::checkServicePassword($service);
        $record = $this->store->load($service->id);
        $found = isset($target['id'])
            ? $this->findUser((int) $target['id'], $action)
            : $this->findUserByName((string) $target['name'], $action);
        if ($record['user_id'] !== null) {
            if ($found !== null && (int) $found['id'] === (int) $record['user_id']) {
                return array($record, (string) $found['user']);
            }
            throw new FlvxProvisionException('link_already_linked', array('linked' => (string) $record['user_id']));
        }
        if ($found === null) {
            $label = isset($target['id']) ? '#' . $target['id'] : '"' . $target['name'] . '"';
            throw new FlvxProvisionException('link_user_missing', array('user' => $label));
        }
        $user = (int) $found['id'];
        if (!self::isCustomer($found)) {
            throw new FlvxProvisionException('link_admin_user', array('user' => (string) $user));
        }
        $other = $this->store->serviceOfUser($user);
        if ($other !== null && $other !== $service->id) {
            throw new FlvxProvisionException('link_user_taken', array('user' => (string) $user, 'other' => (string) $other));
        }
        $was = isset($found['user']) && is_scalar($found['user']) ? (string) $found['user'] : '';
        $name = $service->username();
        if ($was !== $name && $this->findUserByName($name, $action) !== null) {
            throw new FlvxProvisionException('link_name_taken', array('username' => $name));
        }
        $record['user_id'] = $user;
        $record['username'] = $name;
        $record['create_pending'] = false;
        $record['terminated'] = false;
        // A secret of an earlier user is not this one's password: Sync sets a new one.
        $record['panel_secret'] = null;
        $this->store->save($service->id, $record);
        $this->store->setServiceUsername($service->id, $name);
        $this->sync($service);
        return array($this->changePassword($service), $was);
    }

    /**
     * Unlinks the service from its panel user: the record is forgotten (WHMCS no longer
     * manages that user), and the panel is left exactly as it is. Calls: none.
     */
    public function unlink(FlvxService $service): array
    {
        $record = $this->store->load($service->id);
        if ($record['user_id'] === null && !$record['create_pending']) {
            throw new FlvxProvisionException('not_provisioned');
        }
        $fresh = FlvxStore::defaultRecord();
        $this->store->save($service->id, $fresh);
        return $record;
    }

    /**
     * Whether a listed user is an ordinary panel user (role 1): an admin must never be
     * taken over (Sync would rename it and give it a customer's password).
     */
    private static function isCustomer(array $user): bool
    {
        return isset($user['roleId']) && is_numeric($user['roleId']) && (int) $user['roleId'] === 1;
    }
}
