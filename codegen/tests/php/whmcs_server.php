<?php

namespace WHMCS\Module;

/**
 * WHMCS's own server-module loader, as far as the module uses it: the daily cron has only
 * the server's parameters, and the module builds each service's `$params` with
 * `loadByServiceID()` and `buildParams()`, as WHMCS does for a module action. Here they are
 * built from the test database like every other call's (whmcs.php).
 */
final class Server
{
    /** @var int */
    private $serviceId = 0;

    public function loadByServiceID($serviceId)
    {
        $this->serviceId = (int) $serviceId;
        return \WHMCS\Database\Capsule::table('tblhosting')->where('id', $this->serviceId)->exists();
    }

    public function buildParams()
    {
        $chosen = isset($GLOBALS['flvx_test_configoptions'][$this->serviceId])
            ? $GLOBALS['flvx_test_configoptions'][$this->serviceId]
            : array();
        return \flvx_test_service_params($this->serviceId, array('configoptions' => $chosen));
    }
}
