<?php

/**
 * A minimal WHMCS for running the generated module under real PHP: the WHMCS constant,
 * logModuleCall (captured), add_hook, localAPI, encrypt/decrypt, and
 * WHMCS\Database\Capsule as Illuminate's Capsule over SQLite (in memory, or the file named
 * by the environment variable FLVX_TEST_DB) holding the WHMCS tables the module touches
 * with their real column names.
 *
 * Every PHP deprecation, notice or warning is told apart by the file that raised it (see
 * flvx_test_origin): one raised in the module or in this harness becomes a failure (the
 * module must be E_ALL clean on every PHP version); one raised in a third-party library is
 * reported on stderr, one line starting with "flvx-third-party: ", and the run goes on as
 * it would in production. The Rust tests take those lines out of stderr and print each
 * distinct one.
 */

error_reporting(E_ALL);
ini_set('display_errors', 'stderr');

define('WHMCS', true);

/** @var array[] every logModuleCall, in order */
$GLOBALS['flvx_test_log'] = array();
/** @var string[] every PHP diagnostic raised in the module or the harness: "[origin] message at file:line" */
$GLOBALS['flvx_test_diagnostics'] = array();
/** @var string[] every third-party notice reported so far, as keys */
$GLOBALS['flvx_test_third_party'] = array();
/** @var string[] folders of Smarty's compiled templates (see flvx_test_compiled_dir) */
$GLOBALS['flvx_test_compiled_dirs'] = array();

/**
 * Where `$file` is: 'module' (the generated module: a modules/servers/flvx/ folder),
 * 'third-party' (a library under /usr/share/php/, or under a folder named in the
 * colon-separated FLVX_TEST_THIRD_PARTY), 'compiled' (Smarty's compiled code of the
 * module's templates) or 'harness' (these scripts, and anything else).
 */
function flvx_test_origin($file)
{
    $file = (string) $file;
    $roots = array('/usr/share/php/');
    $extra = getenv('FLVX_TEST_THIRD_PARTY');
    foreach (is_string($extra) && $extra !== '' ? explode(':', $extra) : array() as $root) {
        $roots[] = rtrim($root, '/') . '/';
    }
    foreach ($GLOBALS['flvx_test_compiled_dirs'] as $dir) {
        if (strpos($file, $dir) === 0) {
            return 'compiled';
        }
    }
    if (strpos($file, '/modules/servers/flvx/') !== false) {
        return 'module';
    }
    foreach ($roots as $root) {
        if (strpos($file, $root) === 0) {
            return 'third-party';
        }
    }
    return 'harness';
}

/**
 * Registers a folder where Smarty writes the compiled templates. Their code is Smarty's:
 * a deprecation there is Smarty's (Smarty 3.1 on PHP 8.2), but any other diagnostic comes
 * from the module's template and fails.
 */
function flvx_test_compiled_dir($dir)
{
    $GLOBALS['flvx_test_compiled_dirs'][] = rtrim((string) $dir, '/') . '/';
}

/** The name PHP prints for a diagnostic's severity. */
function flvx_test_severity($severity)
{
    $names = array(
        E_DEPRECATED => 'Deprecated', E_USER_DEPRECATED => 'User deprecated', E_NOTICE => 'Notice',
        E_USER_NOTICE => 'User notice', E_WARNING => 'Warning', E_USER_WARNING => 'User warning',
        E_RECOVERABLE_ERROR => 'Recoverable error', E_USER_ERROR => 'User error',
    );
    return isset($names[$severity]) ? $names[$severity] : 'Error ' . $severity;
}

/** The error handler: fails on the module's and the harness's diagnostics, reports the rest. */
function flvx_test_error_handler($severity, $message, $file, $line)
{
    $origin = flvx_test_origin($file);
    $deprecation = ($severity & (E_DEPRECATED | E_USER_DEPRECATED)) !== 0;
    // A compiled template is named without its folder (one per test), so that the same
    // notice reads the same wherever the template was compiled.
    $where = $origin === 'compiled' ? 'compiled template ' . basename((string) $file) : $file;
    $text = flvx_test_severity($severity) . ': ' . $message . ' at ' . $where . ':' . $line;
    if ($origin === 'third-party' || ($origin === 'compiled' && $deprecation)) {
        if (!isset($GLOBALS['flvx_test_third_party'][$text])) {
            $GLOBALS['flvx_test_third_party'][$text] = true;
            fwrite(STDERR, 'flvx-third-party: ' . $text . "\n");
        }
        return true;
    }
    $GLOBALS['flvx_test_diagnostics'][] = '[' . $origin . '] ' . $text;
    throw new ErrorException($message, 0, $severity, $file, $line);
}

set_error_handler('flvx_test_error_handler');

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

// FLVX_TEST_DB names an SQLite file shared by the processes of one test (one process per
// WHMCS action); without it the database lives in memory for this process only.
$database = getenv('FLVX_TEST_DB');
$database = is_string($database) && $database !== '' ? $database : ':memory:';
if ($database !== ':memory:' && !is_file($database)) {
    touch($database);
}
$capsule = new Illuminate\Database\Capsule\Manager();
$capsule->addConnection(array('driver' => 'sqlite', 'database' => $database, 'prefix' => ''));
$capsule->setAsGlobal();
class_alias('Illuminate\Database\Capsule\Manager', 'WHMCS\Database\Capsule');
if ($database !== ':memory:') {
    // Several test processes may share the file: wait for a lock instead of failing.
    Illuminate\Database\Capsule\Manager::connection()->getPdo()->exec('PRAGMA busy_timeout = 10000');
}

flvx_test_create_tables();

/**
 * The WHMCS tables the module reads and writes, with WHMCS's real column names (a subset
 * of their columns): services, products, servers, clients and product custom fields.
 */
function flvx_test_create_tables()
{
    $schema = Illuminate\Database\Capsule\Manager::schema();
    $tables = array(
        'tblhosting' => function ($table) {
            $table->increments('id');
            $table->integer('userid')->default(0);
            $table->integer('orderid')->default(0);
            $table->integer('packageid')->default(0);
            $table->integer('server')->default(0);
            $table->date('regdate')->nullable();
            $table->string('domain')->default('');
            $table->string('paymentmethod')->default('');
            $table->decimal('firstpaymentamount', 16, 2)->default(0);
            $table->decimal('amount', 16, 2)->default(0);
            $table->string('billingcycle')->default('Monthly');
            $table->date('nextduedate')->nullable();
            $table->date('nextinvoicedate')->nullable();
            $table->date('termination_date')->nullable();
            $table->string('domainstatus')->default('Pending');
            $table->string('username')->default('');
            $table->text('password')->nullable();
            $table->text('notes')->nullable();
            $table->string('suspendreason')->default('');
            $table->string('dedicatedip')->default('');
            $table->text('assignedips')->nullable();
            $table->integer('diskusage')->default(0);
            $table->integer('disklimit')->default(0);
            $table->integer('bwusage')->default(0);
            $table->integer('bwlimit')->default(0);
            $table->dateTime('lastupdate')->nullable();
            $table->timestamps();
        },
        'tblproducts' => function ($table) {
            $table->increments('id');
            $table->string('type')->default('other');
            $table->integer('gid')->default(0);
            $table->string('name')->default('');
            $table->text('description')->nullable();
            $table->string('paytype')->default('recurring');
            $table->string('autosetup')->default('payment');
            $table->string('servertype')->default('');
            $table->integer('servergroup')->default(0);
            for ($i = 1; $i <= 24; $i++) {
                $table->text('configoption' . $i)->nullable();
            }
            $table->boolean('retired')->default(false);
            $table->timestamps();
        },
        'tblservers' => function ($table) {
            $table->increments('id');
            $table->string('name')->default('');
            $table->string('ipaddress')->default('');
            $table->text('assignedips')->nullable();
            $table->string('hostname')->default('');
            $table->integer('maxaccounts')->default(0);
            $table->string('type')->default('');
            $table->string('username')->default('');
            $table->text('password')->nullable();
            $table->text('accesshash')->nullable();
            $table->string('secure')->default('');
            $table->string('port')->default('');
            $table->integer('active')->default(1);
            $table->integer('disabled')->default(0);
        },
        'tblclients' => function ($table) {
            $table->increments('id');
            $table->string('firstname')->default('');
            $table->string('lastname')->default('');
            $table->string('companyname')->default('');
            $table->string('email')->default('');
            $table->string('country')->default('');
            $table->string('language')->default('');
            $table->string('status')->default('Active');
        },
        'tblcustomfields' => function ($table) {
            $table->increments('id');
            $table->string('type')->default('product');
            $table->integer('relid')->default(0);
            $table->text('fieldname');
            $table->string('fieldtype')->default('text');
            $table->text('description')->nullable();
            $table->text('fieldoptions')->nullable();
            $table->text('regexpr')->nullable();
            $table->string('adminonly')->default('');
            $table->string('required')->default('');
            $table->string('showorder')->default('');
            $table->string('showinvoice')->default('');
            $table->integer('sortorder')->default(0);
            $table->timestamps();
        },
        'tblcustomfieldsvalues' => function ($table) {
            $table->increments('id');
            $table->integer('fieldid');
            $table->integer('relid');
            $table->text('value');
            $table->timestamps();
        },
    );
    foreach ($tables as $name => $definition) {
        if (!$schema->hasTable($name)) {
            $schema->create($name, $definition);
        }
    }
}

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

/** The CSRF token of the stub's client-area session (WHMCS's `$token`). */
const FLVX_TEST_CSRF_TOKEN = 'flvx-test-csrf-token';

/**
 * WHMCS's `check_token()`: a POST without the session's token ends the request (WHMCS
 * prints its own error page and exits; the stub throws, which the module must not hide as
 * success).
 */
function check_token($scope = 'WHMCS.default')
{
    $given = isset($_POST['token']) && is_string($_POST['token']) ? $_POST['token'] : '';
    if (!hash_equals(FLVX_TEST_CSRF_TOKEN, $given)) {
        throw new RuntimeException('Invalid CSRF Protection Token (' . $scope . ')');
    }
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
