<?php

/**
 * Renders what a module ClientArea call returned, as WHMCS does: `php render_vars.php
 * MODULE_DIR SMARTY_BOOTSTRAP COMPILE_DIR RESULT_JSON`. RESULT_JSON holds the array the
 * module returned (`tabOverviewModuleOutputTemplate` and `templateVariables`); the template
 * named there is rendered with that Smarty (3.1 or 4) under a WHMCS-like security policy,
 * with the CSRF `token` WHMCS adds. Prints the HTML; any PHP diagnostic outside the vendor
 * code fails the run (exit 1).
 */

require __DIR__ . '/bootstrap.php';

list(, $moduleDir, $smartyBootstrap, $compileDir, $resultFile) = $argv + array('', '', '', '', '');
flvx_test_assert(
    is_file($moduleDir . '/flvx.php') && is_file($smartyBootstrap) && $compileDir !== '' && is_file($resultFile),
    'usage: php render_vars.php MODULE_DIR SMARTY_BOOTSTRAP COMPILE_DIR RESULT_JSON'
);

// Smarty 3.1's own generated code is not clean on PHP 8.2 (dynamic properties, the
// mbstring HTML-ENTITIES call): its deprecations in the compiled templates are reported as
// third-party, like those in Smarty itself.
flvx_test_compiled_dir($compileDir);

require $smartyBootstrap;

$result = json_decode((string) file_get_contents($resultFile), true);
flvx_test_assert(
    is_array($result) && isset($result['tabOverviewModuleOutputTemplate'], $result['templateVariables']),
    'RESULT_JSON is not a ClientArea result: ' . substr((string) file_get_contents($resultFile), 0, 300)
);
$template = (string) $result['tabOverviewModuleOutputTemplate'];
flvx_test_assert(is_file($moduleDir . '/' . $template), 'the module names a template that does not exist: ' . $template);

$smarty = new Smarty();
$smarty->setCompileDir($compileDir);
$smarty->setTemplateDir($moduleDir);
$policy = new Smarty_Security($smarty);
$policy->php_functions = array();
$policy->php_modifiers = array();
$smarty->enableSecurity($policy);
$smarty->assign($result['templateVariables']);
$smarty->assign('token', 'csrf-token');
$html = $smarty->fetch($template);

flvx_test_assert(count($GLOBALS['flvx_test_diagnostics']) === 0, 'PHP diagnostics: ' . implode('; ', $GLOBALS['flvx_test_diagnostics']));
echo $html;
