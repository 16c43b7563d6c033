<?php

/**
 * Smoke test of the generated module: `php smoke.php MODULE_DIR`.
 *
 * Loads the module under the WHMCS stub harness with E_ALL and every diagnostic turned
 * into a failure, checks that every module function exists, that MetaData and
 * ConfigOptions have the expected shape, and that CreateAccount with bad option values
 * names the option and sends nothing to the panel. Prints "SMOKE OK" on success.
 */

require __DIR__ . '/bootstrap.php';

$moduleDir = isset($argv[1]) ? rtrim($argv[1], '/') : '';
flvx_test_assert($moduleDir !== '' && is_file($moduleDir . '/flvx.php'), 'usage: php smoke.php MODULE_DIR');

require $moduleDir . '/flvx.php';
require $moduleDir . '/hooks.php';

$functions = array(
    'MetaData', 'ConfigOptions', 'LoadTunnels', 'LoadSpeedLimits', 'LoadTunnelGroups', 'LoadUserGroups',
    'TestConnection', 'CreateAccount', 'SuspendAccount', 'UnsuspendAccount', 'TerminateAccount', 'Renew',
    'ChangePackage', 'ChangePassword', 'ClientArea', 'AdminServicesTabFields', 'AdminCustomButtonArray',
    'ResetTraffic', 'Sync', 'ClientAreaAllowedFunctions', 'AddForward', 'DeleteForward', 'PauseForward',
    'ResumeForward', 'UsageUpdate', 'MetricProvider', 'ListAccounts',
);
foreach ($functions as $name) {
    flvx_test_assert(function_exists('flvx_' . $name), 'flvx_' . $name . ' is missing');
}
foreach (array('ServiceSingleSignOn', 'AdminSingleSignOn') as $name) {
    flvx_test_assert(!function_exists('flvx_' . $name), 'flvx_' . $name . ' exists, but the panel has no SSO');
}

// MetaData.
$meta = flvx_MetaData();
flvx_test_assert(is_array($meta), 'MetaData is not an array');
$expected = array(
    'APIVersion' => '1.1',
    'RequiresServer' => true,
    'DefaultNonSSLPort' => '6365',
    'DefaultSSLPort' => '443',
    'ServiceSingleSignOnLabel' => false,
    'AdminSingleSignOnLabel' => false,
    'ListAccountsUniqueIdentifierField' => 'username',
);
foreach ($expected as $key => $value) {
    flvx_test_assert(array_key_exists($key, $meta) && $meta[$key] === $value, 'MetaData ' . $key . ' is not ' . var_export($value, true));
}
flvx_test_assert(is_string($meta['DisplayName']) && $meta['DisplayName'] !== '', 'MetaData has no DisplayName');

// ConfigOptions: every field has a label and a WHMCS type; loaders exist.
$options = flvx_ConfigOptions();
flvx_test_assert(is_array($options) && count($options) > 0 && count($options) <= 24, 'ConfigOptions must hold 1 to 24 fields');
foreach ($options as $key => $field) {
    flvx_test_assert(is_array($field) && isset($field['FriendlyName'], $field['Type']), 'option ' . $key . ' lacks FriendlyName or Type');
    flvx_test_assert(in_array($field['Type'], array('text', 'password', 'yesno', 'dropdown', 'radio', 'textarea'), true), 'option ' . $key . ' has type ' . $field['Type']);
    if (isset($field['Loader'])) {
        flvx_test_assert(function_exists($field['Loader']), 'loader ' . $field['Loader'] . ' of ' . $key . ' is missing');
    }
}
flvx_test_assert(array_keys($options)[0] === 'tunnels', 'configoption1 must stay the tunnels');

// Small array-returning functions.
flvx_test_assert(is_array(flvx_AdminCustomButtonArray()) && in_array('ResetTraffic', flvx_AdminCustomButtonArray(), true), 'AdminCustomButtonArray lacks ResetTraffic');
$allowed = flvx_ClientAreaAllowedFunctions();
foreach (array('AddForward', 'DeleteForward', 'PauseForward', 'ResumeForward') as $name) {
    flvx_test_assert(in_array($name, $allowed, true), 'ClientAreaAllowedFunctions lacks ' . $name);
}

// CreateAccount with bad option values: a message naming the option, and no request.
$cases = array(
    'configoption2' => array('-5', 'Traffic quota (GiB)'),
    'configoption3' => array('0', 'Max forwards'),
    'configoption1' => array('abc', 'Tunnels'),
    'configoption9' => array('1bad', 'Username prefix'),
    'configoption10' => array('purge', 'On termination'),
);
foreach ($cases as $option => $case) {
    list($value, $label) = $case;
    $result = flvx_CreateAccount(flvx_test_params(array($option => $value)));
    flvx_test_assert(is_string($result) && $result !== 'success', 'CreateAccount accepted ' . $option . '=' . $value);
    flvx_test_assert(strpos($result, $label) !== false && strpos($result, $value) !== false, 'the message does not name ' . $label . ' and ' . $value . ': ' . $result);
}
$override = flvx_CreateAccount(flvx_test_params(array('configoptions' => array('Traffic quota (GiB)' => '0'))));
flvx_test_assert(strpos($override, 'Traffic quota (GiB)') !== false, 'a configurable option override was not validated: ' . $override);
flvx_test_assert(count($GLOBALS['flvx_test_log']) === 0, 'a request was sent (or logged) for bad options: ' . json_encode($GLOBALS['flvx_test_log']));

// A service without a server gets a message, not a warning.
$noServer = flvx_CreateAccount(flvx_test_params(array('serverhostname' => '', 'serverip' => '')));
flvx_test_assert(is_string($noServer) && $noServer !== 'success' && $noServer !== '', 'CreateAccount without a server: ' . var_export($noServer, true));
flvx_test_assert(flvx_AdminServicesTabFields(array()) !== null, 'AdminServicesTabFields returned null');

// Server addresses: IPv6 literals, bracketed hosts, ports in the hostname, paths.
$urls = array(
    array('panel.example.com', '6365', false, 'http://panel.example.com:6365'),
    array('https://panel.example.com/', '443', true, 'https://panel.example.com:443'),
    array('panel.example.com:7000', '6365', false, 'http://panel.example.com:7000'),
    array('panel.example.com/flvx/', '6365', false, 'http://panel.example.com:6365/flvx'),
    array('[::1]', '6365', false, 'http://[::1]:6365'),
    array('[::1]:7000', '6365', false, 'http://[::1]:7000'),
    array('2001:db8::5', '6365', true, 'https://[2001:db8::5]:6365'),
    array('[2001:db8::5]/api-root', '', false, 'http://[2001:db8::5]/api-root'),
    array('203.0.113.9', '', false, 'http://203.0.113.9'),
);
foreach ($urls as $case) {
    $url = \WHMCS\Module\Server\Flvx\FlvxApiClient::panelUrl($case[0], $case[1], $case[2]);
    flvx_test_assert($url === $case[3], 'server ' . $case[0] . ' port ' . $case[1] . ' gave ' . $url . ', not ' . $case[3]);
}

// One service's actions, one at a time: a second taker waits and then gives up with
// service_busy while the lock is held, takes it once released, and takes over a lease a
// crashed process left behind.
define('FLVX_LOCK_WAIT_MS', 150);
$lock = '\\WHMCS\\Module\\Server\\Flvx\\FlvxServiceLock';
$inner = $lock::run(7, function () use ($lock) {
    try {
        $lock::run(7, function () {
            return 'ran twice';
        });
        return 'not refused';
    } catch (\WHMCS\Module\Server\Flvx\FlvxProvisionException $e) {
        return $e->getKey();
    }
});
flvx_test_assert($inner === 'service_busy', 'a held lock was taken again: ' . var_export($inner, true));
flvx_test_assert($lock::run(8, function () {
    return 'other service';
}) === 'other service', 'another service was blocked');
flvx_test_assert($lock::run(7, function () {
    return 'after release';
}) === 'after release', 'the released lock was not free');
\WHMCS\Database\Capsule::table('mod_flvx_locks')->insert(array('serviceid' => 9, 'owner' => 'crashed', 'expires_at' => time() - 1));
flvx_test_assert($lock::run(9, function () {
    return 'taken over';
}) === 'taken over', 'an expired lease still blocked');
flvx_test_assert(\WHMCS\Database\Capsule::table('mod_flvx_locks')->count() === 0, 'a lock row was left behind');

// Daily usage samples: kept by day, the later sample of a day replaces the earlier, only
// the last DAILY_USAGE_DAYS are kept (the Rust store contract's case).
$daily = '\\WHMCS\\Module\\Server\\Flvx\\FlvxDailyUsage';
$keep = (int) \WHMCS\Module\Server\Flvx\FlvxConstants::DAILY_USAGE_DAYS;
$daily::record(array(61 => array('used' => 100), 62 => array('used' => 7)), 20600);
$daily::record(array(61 => array('used' => 150)), 20600);
$daily::record(array(61 => array('used' => PHP_INT_MAX), 63 => array('used' => -5)), 20601);
flvx_test_assert($daily::since(61, 0) === array(array('day' => 20600, 'used' => 150), array('day' => 20601, 'used' => PHP_INT_MAX)), 'daily samples of 61: ' . json_encode($daily::since(61, 0)));
flvx_test_assert($daily::since(63, 0) === array(array('day' => 20601, 'used' => 0)), 'a negative counter was kept: ' . json_encode($daily::since(63, 0)));
$daily::record(array(62 => array('used' => 9)), 20600 + $keep);
flvx_test_assert($daily::since(61, 0) === array(array('day' => 20601, 'used' => PHP_INT_MAX)), 'day 20600 was not pruned: ' . json_encode($daily::since(61, 0)));
flvx_test_assert($daily::since(62, 0) === array(array('day' => 20600 + $keep, 'used' => 9)), 'daily samples of 62: ' . json_encode($daily::since(62, 0)));
flvx_test_assert($daily::dayOf(-1) === -1 && $daily::dayOf(86400000) === 1, 'dayOf rounds toward zero');

flvx_test_assert(count($GLOBALS['flvx_test_diagnostics']) === 0, 'PHP diagnostics: ' . implode('; ', $GLOBALS['flvx_test_diagnostics']));

echo "SMOKE OK\n";
