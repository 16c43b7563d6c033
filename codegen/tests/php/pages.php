<?php

/**
 * Renders the client area in every state a customer meets (with the traffic charts full,
 * partial, over the quota, unlimited and empty), in English and Chinese, for
 * the browser and language tests: `php pages.php MODULE_DIR SMARTY_BOOTSTRAP COMPILE_DIR
 * OUT_DIR`. The variables come from the module's own view code (FlvxViews) fed with
 * `user/package` answers; each page goes to OUT_DIR/STATE-LANGUAGE.html (the module's
 * HTML only: the test puts it into theme frames), and OUT_DIR/names.json lists the names
 * and addresses the pages hold (data, not text: the language test leaves them out).
 * Prints "PAGES OK" on success.
 */

require __DIR__ . '/bootstrap.php';

use WHMCS\Module\Server\Flvx\FlvxLang;
use WHMCS\Module\Server\Flvx\FlvxService;
use WHMCS\Module\Server\Flvx\FlvxViews;

list(, $moduleDir, $smartyBootstrap, $compileDir, $outDir) = $argv + array('', '', '', '', '');
flvx_test_assert(is_file($moduleDir . '/flvx.php') && is_file($smartyBootstrap) && $compileDir !== '' && is_dir($outDir), 'usage: php pages.php MODULE_DIR SMARTY_BOOTSTRAP COMPILE_DIR OUT_DIR');
require $moduleDir . '/flvx.php';
flvx_test_compiled_dir($compileDir);
require $smartyBootstrap;

const GIB = 1073741824;
const DAY_MS = 86400000;
$now = 1798675200000; // 2027-01-01T00:00Z
$hostile = '<script>alert(1)</script>{$smarty.now}"\'&';
$long = str_repeat('very-long-forward-name-without-any-space-', 3);

function flvx_pages_forward(int $id, string $name, string $tunnel, $ip, $port, string $target, int $gib, bool $running): array
{
    return array('id' => $id, 'name' => $name, 'tunnelId' => 1, 'tunnelName' => $tunnel, 'inIp' => $ip, 'inPort' => $port,
        'remoteAddr' => $target, 'inFlow' => $gib * GIB, 'outFlow' => 123456789, 'status' => $running ? 1 : 0);
}

$tunnels = array(
    array('id' => 1, 'tunnelId' => 1, 'tunnelName' => 'HK-SG', 'speed' => 100, 'speedId' => 1),
    array('id' => 2, 'tunnelId' => 2, 'tunnelName' => 'JP-US', 'speed' => null, 'speedId' => null),
);
$few = array(
    flvx_pages_forward(4, 'web', 'HK-SG', '203.0.113.10', 10000, '198.51.100.7:443', 3, true),
    flvx_pages_forward(5, 'ssh', 'JP-US', '2001:db8::10', 10001, '[2001:db8::7]:22', 0, false),
    flvx_pages_forward(6, 'game', 'JP-US', '', null, 'game.example.net:27015', 1, true),
);
$many = array();
for ($i = 1; $i <= 12; $i++) {
    $many[] = flvx_pages_forward(100 + $i, 'app-' . $i, $i % 2 ? 'HK-SG' : 'JP-US', '203.0.113.10', 20000 + $i, '198.51.100.' . $i . ':8443', $i, $i % 3 !== 0);
}
$longForwards = array(
    flvx_pages_forward(7, $long, str_repeat('Hong-Kong-to-Singapore-premium-', 2), '203.0.113.10,203.0.113.11,2001:db8::10', 10002,
        'backend-one.customer-example.com:443,backend-two.customer-example.com:443,[2001:db8:1234:5678::1]:443', 20, true),
);
$hostileForwards = array(flvx_pages_forward(8, $hostile, $hostile, $hostile, 10003, $hostile, 1, true));

/** A package: `used` GiB of `flow`, `status` 1/0, the expiry and the forwards. */
function flvx_pages_package(int $used, int $flow, int $status, int $exp, array $tunnels, array $forwards): array
{
    return array(
        'userInfo' => array('id' => 7, 'user' => 'flvx12', 'status' => $status, 'flow' => $flow, 'inFlow' => $used * GIB,
            'outFlow' => 0, 'num' => 20, 'expTime' => $exp, 'flowResetTime' => 1),
        'tunnelPermissions' => $tunnels,
        'forwards' => $forwards,
    );
}

/**
 * The panel's hourly rows: MiB per hour, the last one at 23:00 (a time text may be given
 * for the last row, to prove it is escaped).
 */
function flvx_pages_hours(array $mibs, string $lastTime = ''): array
{
    $rows = array();
    foreach (array_values($mibs) as $i => $mib) {
        $hour = (24 - count($mibs) + $i) % 24;
        $rows[] = array('id' => $i + 1, 'userId' => 7, 'flow' => $mib * 1048576, 'totalFlow' => 0, 'time' => sprintf('%02d:00', $hour));
    }
    if ($lastTime !== '' && count($rows) > 0) {
        $rows[count($rows) - 1]['time'] = $lastTime;
    }
    return $rows;
}

/** Daily samples ending today: GiB used at each day, null for a day without a sample. */
function flvx_pages_days(int $nowMs, array $gibs): array
{
    $today = intdiv($nowMs, DAY_MS);
    $samples = array();
    foreach (array_values($gibs) as $i => $gib) {
        if ($gib !== null) {
            $samples[] = array('day' => $today - count($gibs) + 1 + $i, 'used' => (int) round($gib * GIB));
        }
    }
    return $samples;
}

/** `$count` values rising evenly to `$last`, as a counter does over a month. */
function flvx_pages_rising(int $count, float $last): array
{
    $values = array();
    for ($i = 1; $i <= $count; $i++) {
        $values[] = $last * $i / $count;
    }
    return $values;
}

$hoursFull = array(5, 8, 3, 0, 1, 0, 0, 2, 12, 40, 55, 61, 48, 52, 70, 66, 90, 120, 150, 140, 110, 80, 30, 9);
$hoursFew = array(20, 0, 7, 1, 64);
$gaps = flvx_pages_rising(30, 30);
foreach (array(2, 3, 11, 20, 21, 22) as $missingDay) {
    $gaps[$missingDay] = null;
}
$charts = array(
    'active' => array(flvx_pages_hours($hoursFull), flvx_pages_days($now, flvx_pages_rising(30, 1))),
    'suspended' => array(array(), flvx_pages_days($now, flvx_pages_rising(12, 40))),
    'many' => array(flvx_pages_hours($hoursFew), flvx_pages_days($now, $gaps)),
    'nearly-used' => array(flvx_pages_hours($hoursFull), flvx_pages_days($now, flvx_pages_rising(30, 85))),
    'unlimited' => array(flvx_pages_hours($hoursFull), flvx_pages_days($now, flvx_pages_rising(30, 512))),
    'expired' => array(array(), flvx_pages_days($now, flvx_pages_rising(20, 20))),
    'over-quota' => array(array(), flvx_pages_days($now, array_merge(flvx_pages_rising(25, 99), array(100, 100, 103, 104, 104)))),
    'hostile' => array(flvx_pages_hours($hoursFew, $hostile), flvx_pages_days($now, array(1))),
);

$running = $now + 4 * DAY_MS + 30 * DAY_MS;
$states = array(
    'active' => array(flvx_pages_package(1, 100, 1, $running, $tunnels, $few), false),
    'suspended' => array(flvx_pages_package(40, 100, 0, $running, array(), $few), true),
    'no-forwards' => array(flvx_pages_package(0, 100, 1, $running, $tunnels, array()), false),
    'many' => array(flvx_pages_package(30, 100, 1, $running, $tunnels, $many), false),
    'nearly-used' => array(flvx_pages_package(85, 100, 1, $running, $tunnels, $few), false),
    'unlimited' => array(flvx_pages_package(512, 99999, 1, $running, $tunnels, $few), false),
    'expired' => array(flvx_pages_package(20, 100, 0, $now - DAY_MS, array(), $few), false),
    'over-quota' => array(flvx_pages_package(100, 100, 0, $running, array(), $few), false),
    'long-names' => array(flvx_pages_package(10, 100, 1, $running, $tunnels, $longForwards), false),
    'hostile' => array(flvx_pages_package(10, 100, 1, $running, array_merge($tunnels, array(
        array('id' => 3, 'tunnelId' => 3, 'tunnelName' => $hostile, 'speed' => 5, 'speedId' => 2),
    )), $hostileForwards), false),
);
$plan = array(
    'tunnels' => array(1, 2), 'traffic_quota' => 100, 'max_forwards' => 20, 'speed_limit' => 0, 'tunnel_group' => 0,
    'expiry_days' => 30, 'expiry_grace_days' => 3, 'traffic_reset' => 'billing_day', 'username_prefix' => 'flvx',
    'terminate_action' => 'delete', 'user_group' => 0, 'forward_traffic_reset' => 'yes',
);
$names = array('flvx12', 'https://panel.example.com', $hostile, $long);
foreach ($states as $state) {
    foreach ($state[0]['forwards'] as $forward) {
        $names[] = $forward['name'];
        $names[] = $forward['tunnelName'];
        $names[] = $forward['remoteAddr'];
        foreach (FlvxViews::entryAddresses($forward['inIp'], $forward['inPort']) as $entry) {
            $names[] = $entry;
        }
    }
    foreach ($state[0]['tunnelPermissions'] as $tunnel) {
        $names[] = $tunnel['tunnelName'];
    }
}
$GLOBALS['CONFIG']['DateFormat'] = 'DD/MM/YYYY';

foreach (array('english', 'chinese') as $language) {
    FlvxLang::setLanguage($language);
    foreach ($states as $name => $state) {
        list($package, $suspended) = $state;
        list($hours, $daily) = isset($charts[$name]) ? $charts[$name] : array(array(), array());
        $package['statisticsFlows'] = $hours;
        $service = new FlvxService(12, $plan, '2027-02-01', $name === 'hostile' ? $hostile : 'Customer-Pass-1', $now);
        $context = array('suspended' => $suspended, 'daily' => $daily) + FlvxViews::context($service, $suspended);
        $view = FlvxViews::serviceView($package, $context);
        $view['login'] = array('address' => 'https://panel.example.com', 'username' => 'flvx12', 'password' => $service->password);
        $record = array('bindings' => $suspended ? array() : array(1 => 1, 2 => 2), 'suspended' => $suspended);
        $smarty = new Smarty();
        $smarty->setCompileDir($compileDir);
        $smarty->setTemplateDir($moduleDir . '/templates');
        $policy = new Smarty_Security($smarty);
        $policy->php_functions = array();
        $policy->php_modifiers = array();
        $smarty->enableSecurity($policy);
        $smarty->assign(FlvxViews::clientAreaVariables($service, $view, $record));
        $smarty->assign('token', 'csrf-token');
        $smarty->assign('packagesupgrade', true);
        $html = $smarty->fetch('clientarea.tpl');
        flvx_test_assert(strpos($html, '<script>alert') === false, $name . ' printed markup unescaped');
        file_put_contents($outDir . '/' . $name . '-' . $language . '.html', $html);
    }
}
file_put_contents($outDir . '/names.json', json_encode(array_values(array_unique($names))));

flvx_test_assert(count($GLOBALS['flvx_test_diagnostics']) === 0, 'PHP diagnostics: ' . implode('; ', $GLOBALS['flvx_test_diagnostics']));
echo "PAGES OK\n";
