<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Proof that a panel user is this service's own (engine/ownership.rs). A name proves
 * nothing: customers can rename themselves, and an expiry is shared by every service due
 * the same day. Only this service's password logs in as the user: the panel checks the
 * password before the account's status, so a disabled user answers "账号被停用" only to
 * the right password. Used by FlvxEngine, whose fields and helpers it relies on.
 */
trait FlvxEngineOwnership
{
    /**
     * Whether the panel user named `$username` logs in with this service's panel
     * `$password`. Calls: `user/login` and, when it succeeds, `user/package`. The probe's
     * token is neither taken from the cache nor left in it (as the Rust probe's own handle).
     */
    private function ownsUser(string $username, string $password, string $action): bool
    {
        $probe = $this->api->actingAs($username, $password);
        $probe->forgetCachedToken();
        try {
            $probe->call('user_package');
            return true;
        } catch (FlvxApiException $e) {
            if ($e->getPanelMessage() === FlvxConstants::MSG_LOGIN_DISABLED) {
                return true;
            }
            if ($e->getPanelMessage() === FlvxConstants::MSG_BAD_CREDENTIALS) {
                return false;
            }
            throw self::panelError($action, $e);
        } finally {
            $probe->forgetCachedToken();
        }
    }

    /**
     * Runs `$call` with the customer's handle. When the panel refuses the customer's login
     * with the service's name and panel password (the customer renamed its user or changed
     * its password on the panel), the user is put back first, by id: its name, the plan and
     * the panel password (the one WHMCS shows, or the module's secret without panel access:
     * a new one if none is kept yet, then saved), with one `user/update` (after one
     * `user/list` on 3.0 when the plan leaves the connection cap to the panel), and `$call`
     * runs once more with a fresh login.
     *
     * @param callable $call function (FlvxApiClient $customer)
     * @return mixed what `$call` returns
     */
    private function withCustomer(FlvxService $service, int $user, array &$record, callable $call)
    {
        try {
            return $call($this->customer($service, $record));
        } catch (FlvxApiException | FlvxProvisionException $e) {
            // The engine's calls wrap the client's exception in its catalogue message.
            $api = $e instanceof FlvxApiException ? $e : $e->getPrevious();
            if (!$api instanceof FlvxApiException || $api->getKind() !== FlvxApiException::LOGIN
                || $api->getPanelMessage() !== FlvxConstants::MSG_BAD_CREDENTIALS
            ) {
                throw $e;
            }
        }
        $action = 'action_forwards';
        $change = $this->loginChange($service, $record);
        $password = self::panelPassword($service, $record);
        $update = $this->userUpdate($service, $user, self::userStatus($record), $password, $action);
        $this->call($this->api, 'user_update', $update, $action);
        if ($change !== null) {
            $this->store->save($service->id, $record);
        }
        $this->forgetCustomer($service->username());
        return $call($this->customer($service, $record));
    }
}
