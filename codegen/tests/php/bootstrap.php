<?php

/**
 * A minimal WHMCS for running the generated module under real PHP: the WHMCS constant,
 * logModuleCall (captured), add_hook, localAPI, encrypt/decrypt, and
 * WHMCS\Database\Capsule as Illuminate's Capsule over in-memory SQLite holding the
 * tblhosting columns the module reads and writes.
 *
 * Every PHP warning, notice or deprecation raised outside Illuminate becomes a failure:
 * the module must be E_ALL clean.
 */

error_reporting(E_ALL);
ini_set('display_errors', 'stderr');

define('WHMCS', true);

/** @var array[] every logModuleCall, in order */
$GLOBALS['flvx_test_log'] = array();
/** @var string[] every PHP diagnostic raised by non-vendor code */
$GLOBALS['flvx_test_diagnostics'] = array();

set_error_handler(function ($severity, $message, $file, $line) {
    // Debian's Illuminate 8 is not clean on PHP 8.2; only its own deprecations are tolerated.
    if (($severity & (E_DEPRECATED | E_USER_DEPRECATED)) && strpos((string) $file, '/usr/share/php/') === 0) {
        return true;
    }
    $GLOBALS['flvx_test_diagnostics'][] = $message . ' at ' . $file . ':' . $line;
    throw new ErrorException($message, 0, $severity, $file, $line);
});

function logModuleCall($module, $action, $request, $response, $processed = '', $replaceVars = array())
{
    $GLOBALS['flvx_test_log'][] = array(
        'module' => $module,
        'action' => $action,
        'request' => $request,
        'response' => $response,
        'processed' => $processed,
        'replaceVars' => $replaceVars,
    );
}

function add_hook($hookPoint, $priority, $function)
{
    $GLOBALS['flvx_test_hooks'][] = array($hookPoint, $priority);
}

function localAPI($command, $values = array(), $adminUser = '')
{
    return array('result' => 'error', 'message' => 'localAPI is not available in the test harness');
}

function encrypt($value)
{
    return 'enc:' . base64_encode((string) $value);
}

function decrypt($value)
{
    $value = (string) $value;
    return strpos($value, 'enc:') === 0 ? (string) base64_decode(substr($value, 4)) : $value;
}

$illuminate = '/usr/share/php/Illuminate/Database/autoload.php';
if (!is_file($illuminate)) {
    fwrite(STDERR, "php-illuminate-database is not installed (apt-get install php-illuminate-database)\n");
    exit(4);
}
require_once $illuminate;

$capsule = new Illuminate\Database\Capsule\Manager();
$capsule->addConnection(array('driver' => 'sqlite', 'database' => ':memory:', 'prefix' => ''));
$capsule->setAsGlobal();
class_alias('Illuminate\Database\Capsule\Manager', 'WHMCS\Database\Capsule');

Illuminate\Database\Capsule\Manager::schema()->create('tblhosting', function ($table) {
    $table->increments('id');
    $table->integer('userid')->default(0);
    $table->integer('packageid')->default(0);
    $table->integer('server')->default(0);
    $table->string('domain')->default('');
    $table->string('username')->default('');
    $table->text('password')->nullable();
    $table->string('domainstatus')->default('Pending');
    $table->date('regdate')->nullable();
    $table->date('nextduedate')->nullable();
    $table->integer('diskusage')->default(0);
    $table->integer('disklimit')->default(0);
    $table->integer('bwusage')->default(0);
    $table->integer('bwlimit')->default(0);
    $table->dateTime('lastupdate')->nullable();
});

/**
 * Module parameters of a service as WHMCS passes them (server + service + product
 * settings); `$overrides` replaces any key.
 */
function flvx_test_params(array $overrides = array())
{
    return array_merge(array(
        'serviceid' => 12,
        'userid' => 3,
        'pid' => 1,
        'serverid' => 1,
        'domain' => '',
        'username' => '',
        'password' => 'Secret-pass-1',
        'status' => 'Active',
        'producttype' => 'other',
        'moduletype' => 'flvx',
        'server' => true,
        'serverip' => '',
        'serverhostname' => '127.0.0.1',
        'serverport' => '9',
        'serversecure' => false,
        'serverusername' => 'admin_user',
        'serverpassword' => 'admin_pass',
        'serveraccesshash' => '',
        'configoption1' => '1',
        'configoption2' => '100',
        'configoption3' => '5',
        'configoption4' => '0',
        'configoption5' => '0',
        'configoption6' => '30',
        'configoption7' => '3',
        'configoption8' => 'billing_day',
        'configoption9' => 'flvx',
        'configoption10' => 'delete',
        'configoption11' => '0',
        'configoptions' => array(),
        'customfields' => array(),
        'nextduedate' => '2027-02-15',
    ), $overrides);
}

/** Fails the script with a message. */
function flvx_test_fail($message)
{
    fwrite(STDERR, 'FAIL: ' . $message . "\n");
    exit(1);
}

/** Asserts a condition. */
function flvx_test_assert($condition, $message)
{
    if (!$condition) {
        flvx_test_fail($message);
    }
}
