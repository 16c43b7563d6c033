<?php

/**
 * Renders the module's templates with real data: `php render.php MODULE_DIR SMARTY_BOOTSTRAP
 * COMPILE_DIR`. The variables come from the module's own view code (FlvxViews) fed with a
 * sample `user/package` full of markup and Smarty syntax, so the test proves that every
 * variable the templates use exists, that nothing is printed unescaped, and that rendering
 * raises no PHP diagnostic. Prints "RENDER OK" on success.
 */

require __DIR__ . '/bootstrap.php';

use WHMCS\Module\Server\Flvx\FlvxService;
use WHMCS\Module\Server\Flvx\FlvxViews;

list(, $moduleDir, $smartyBootstrap, $compileDir) = $argv + array('', '', '', '');
flvx_test_assert(is_file($moduleDir . '/flvx.php') && is_file($smartyBootstrap) && $compileDir !== '', 'usage: php render.php MODULE_DIR SMARTY_BOOTSTRAP COMPILE_DIR');
require $moduleDir . '/flvx.php';

// Smarty 3.1's own generated code is not clean on PHP 8.2 (dynamic properties, the
// mbstring HTML-ENTITIES call): its deprecations in the compiled templates are reported as
// third-party, like those in Smarty itself.
flvx_test_compiled_dir($compileDir);

require $smartyBootstrap;

$hostile = '<script>alert(1)</script>{$smarty.now}"\'&';
$package = array(
    'userInfo' => array(
        'id' => 7, 'user' => 'flvx12', 'status' => 1, 'flow' => 100, 'inFlow' => 3 << 29, 'outFlow' => 1 << 28,
        'num' => 5, 'expTime' => 1802995200000, 'flowResetTime' => 15,
    ),
    'tunnelPermissions' => array(
        array('id' => 1, 'tunnelId' => 1, 'tunnelName' => $hostile, 'speed' => 100, 'speedId' => 1),
        array('id' => 2, 'tunnelId' => 2, 'tunnelName' => 'JP-US', 'speed' => null, 'speedId' => null),
    ),
    'forwards' => array(
        array('id' => 4, 'name' => $hostile, 'tunnelId' => 1, 'tunnelName' => $hostile, 'inIp' => '203.0.113.10', 'inPort' => 10000,
            'remoteAddr' => $hostile, 'inFlow' => 1280, 'outFlow' => 0, 'status' => 1),
        array('id' => 5, 'name' => 'ssh', 'tunnelId' => 2, 'tunnelName' => 'JP-US', 'inIp' => null, 'inPort' => null,
            'remoteAddr' => '198.51.100.7:22', 'inFlow' => 0, 'outFlow' => 0, 'status' => 0),
    ),
);
$plan = array(
    'tunnels' => array(1, 2), 'traffic_quota' => 100, 'max_forwards' => 5, 'speed_limit' => 0, 'tunnel_group' => 0,
    'expiry_days' => 30, 'expiry_grace_days' => 3, 'traffic_reset' => 'billing_day', 'username_prefix' => 'flvx',
    'terminate_action' => 'delete', 'user_group' => 0,
);
$service = new FlvxService(12, $plan, '2027-02-15', $hostile, 1790000000000);
$context = array('max_forwards' => 5, 'suspended' => false, 'grace_days' => 3, 'now_ms' => 1790000000000, 'date_format' => 'DD/MM/YYYY');
$view = FlvxViews::serviceView($package, $context);
$view['login'] = array('address' => 'https://panel.example', 'username' => 'flvx12', 'password' => $hostile);
flvx_test_assert($view['used'] === '1.8 GiB' && $view['percent'] === 1, 'unexpected view figures: ' . json_encode($view));
flvx_test_assert($view['forwards'][0]['traffic'] === '1.2 KiB', '1280 B must read 1.2 KiB (half to even like Rust)');

$records = array(
    'active' => array('bindings' => array(1 => 1, 2 => 2), 'suspended' => false),
    'suspended' => array('bindings' => array(1 => 1), 'suspended' => true),
);
$pages = array();
foreach ($records as $name => $record) {
    $recordView = FlvxViews::serviceView($package, array('suspended' => $record['suspended']) + $context);
    $recordView['login'] = $view['login'];
    $pages['clientarea.tpl ' . $name] = array('clientarea.tpl', FlvxViews::clientAreaVariables($service, $recordView, $record));
}
$pages['error.tpl'] = array('error.tpl', array('flvxError' => $hostile, 'flvxLang' => FlvxViews::labels()));

foreach ($pages as $label => $page) {
    list($template, $variables) = $page;
    $smarty = new Smarty();
    $smarty->setCompileDir($compileDir);
    $smarty->setTemplateDir($moduleDir . '/templates');
    $policy = new Smarty_Security($smarty);
    $policy->php_functions = array();
    $policy->php_modifiers = array();
    $smarty->enableSecurity($policy);
    $smarty->assign($variables);
    $smarty->assign('token', 'csrf-token');
    $html = $smarty->fetch($template);
    flvx_test_assert(strpos($html, '<script>') === false, $label . ' printed markup unescaped');
    flvx_test_assert(strpos($html, '&lt;script&gt;') !== false, $label . ' lost the escaped value');
    if ($template === 'clientarea.tpl') {
        flvx_test_assert(strpos($html, 'name="token" value="csrf-token"') !== false, $label . ' has no CSRF token');
        flvx_test_assert(strpos($html, 'a=DeleteForward') !== false, $label . ' has no delete button');
        $canAdd = strpos($html, 'a=AddForward') !== false;
        flvx_test_assert($canAdd === ($label === 'clientarea.tpl active'), $label . ': the add form must show only when allowed');
    }
}

flvx_test_assert(count($GLOBALS['flvx_test_diagnostics']) === 0, 'PHP diagnostics: ' . implode('; ', $GLOBALS['flvx_test_diagnostics']));
echo "RENDER OK\n";
