<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Customer panel access, the product option `customer_panel_access` (engine/access.rs).
 * With it, the panel password is the service password WHMCS shows the customer. Without
 * it, the panel password is a secret only the module knows, kept in the record (encrypted
 * by FlvxStore with WHMCS's encrypt()): the customer cannot log in to the panel, so the
 * client area is its only interface and every limit the module enforces holds at once.
 * Used by FlvxEngine, whose fields and helpers it relies on.
 *
 * Test hook: when the constant FLVX_SECRET_SOURCE names a function, new secrets come from
 * it (called with the service id and the service's now in ms), so a test can know them.
 */
trait FlvxEngineAccess
{
    /**
     * The password the panel user has: the service password, or without panel access the
     * record's secret (the service password until the first secret is set).
     */
    private static function panelPassword(FlvxService $service, array $record): string
    {
        if (!$service->hasPanelAccess() && $record['panel_secret'] !== null) {
            return (string) $record['panel_secret'];
        }
        return $service->password;
    }

    /**
     * The password to send with the next `user/update` when the option changed since the
     * panel password was last set, and `$record` changed to match: without panel access
     * and no secret yet, a new secret; with access and a secret still kept, the service
     * password (the secret is dropped). Null when the panel password stays.
     *
     * The caller saves `$record` only after the panel took the password. A save lost after
     * that leaves a record without the secret the panel has: the customer still cannot log
     * in, and the next change sets a new one (never the service password).
     *
     * @return string|null
     */
    private function loginChange(FlvxService $service, array &$record)
    {
        if (!self::loginChanges($service, $record)) {
            return null;
        }
        if ($service->hasPanelAccess()) {
            $record['panel_secret'] = null;
            $password = $service->password;
        } else {
            $record['panel_secret'] = self::newSecret($service);
            $password = $record['panel_secret'];
        }
        $this->forgetCustomer($service->username());
        return $password;
    }

    /**
     * Whether the option changed since the panel password was last set: no access and no
     * secret yet, or access and a secret still kept.
     */
    private static function loginChanges(FlvxService $service, array $record): bool
    {
        return $service->hasPanelAccess() === ($record['panel_secret'] !== null);
    }

    /** 24 random bytes as 48 hex digits (the Rust `RandomSecrets`). */
    private static function newSecret(FlvxService $service): string
    {
        if (defined('FLVX_SECRET_SOURCE')) {
            return (string) call_user_func(constant('FLVX_SECRET_SOURCE'), $service->id, $service->nowMs);
        }
        return bin2hex(random_bytes(24));
    }
}
