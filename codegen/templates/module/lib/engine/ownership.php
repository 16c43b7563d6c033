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
     * Whether the panel user named `$username` logs in with this service's password.
     * Calls: `user/login` and, when it succeeds, `user/package`. The probe's token is
     * neither taken from the cache nor left in it (as the Rust probe's own handle).
     */
    private function ownsUser(FlvxService $service, string $username, string $action): bool
    {
        $probe = $this->api->actingAs($username, $service->password);
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
}
