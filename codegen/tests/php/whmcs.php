<?php

/**
 * One WHMCS action on the generated module, the way WHMCS runs it: `php whmcs.php
 * MODULE_DIR < request.json`, one process per action (as WHMCS serves each request in a
 * fresh PHP process), against the SQLite file named by FLVX_TEST_DB.
 *
 * The request (JSON on stdin) carries the WHMCS side of the world as WHMCS would have
 * written it before calling the module (the server, the products, the clients and the
 * services, with passwords encrypted the way WHMCS keeps them), and the call:
 *
 *     {"now_ms": 1795000000000, "timeout_ms": 1000,
 *      "servers": [{"id": 1, "hostname": "127.0.0.1", "port": "6365", "secure": "",
 *                   "username": "admin_user", "password": "…", "accesshash": ""}],
 *      "products": [{"id": 1, "name": "…", "configoptions": ["1,2", "250", …]}],
 *      "services": [{"id": 42, "userid": 3, "packageid": 1, "server": 1,
 *                    "domainstatus": "Active", "nextduedate": "2027-01-15",
 *                    "password": "…"}],
 *      "call": {"function": "CreateAccount", "serviceid": 42, "configoptions": {},
 *               "post": null, "extra": {}, "override": {}}}
 *
 * `$params` is then built from those rows with the keys and types WHMCS sends (see
 * whmcs-reference.md §1.4): the service, its product's configoption1..24, the client, the
 * server (password decrypted, `serversecure` a bool), `customfields` from
 * tblcustomfields/tblcustomfieldsvalues and `model`, a service model with
 * serviceProperties. UsageUpdate gets the server parameters only. `override` replaces
 * parameters after that (bad-input tests); a null value removes the key.
 *
 * The answer (JSON on stdout): the function's return value, every logModuleCall, every
 * PHP diagnostic, the module's stored record of the service, its tblhosting row and the
 * panel tokens the module has cached (decrypted, so the caller can look for them in logs).
 */

require __DIR__ . '/bootstrap.php';
require __DIR__ . '/whmcs_server.php';

use WHMCS\Database\Capsule;

$moduleDir = isset($argv[1]) ? rtrim($argv[1], '/') : '';
if ($moduleDir === '' || !is_file($moduleDir . '/flvx.php')) {
    fwrite(STDERR, "usage: php whmcs.php MODULE_DIR < request.json\n");
    exit(2);
}
$request = json_decode((string) stream_get_contents(STDIN), true);
if (!is_array($request) || !isset($request['call']['function'])) {
    fwrite(STDERR, "whmcs.php: the request on stdin is not a JSON object with call.function\n");
    exit(2);
}

if (isset($request['now_ms']) && is_int($request['now_ms'])) {
    define('FLVX_NOW_MS', $request['now_ms']);
}
if (isset($request['timeout_ms']) && is_int($request['timeout_ms'])) {
    define('FLVX_TIMEOUT_MS', $request['timeout_ms']);
}

/**
 * The module's resolver hook (FlvxForwardPolicy): answers like the Rust engine's
 * `policy::OfflineResolver`, so that tests never touch the network. `localhost` and
 * `*.localhost` are 127.0.0.1 and ::1, `*.invalid` does not resolve, `*.internal` is
 * 10.0.0.9, every other name is 192.0.2.1.
 *
 * @return string[]|false
 */
function flvx_test_resolve(string $host)
{
    $name = strtolower(rtrim($host, '.'));
    $under = function (string $zone) use ($name): bool {
        return $name === $zone || substr($name, -strlen($zone) - 1) === '.' . $zone;
    };
    if ($under('invalid')) {
        return false;
    }
    if ($under('localhost')) {
        return array('127.0.0.1', '::1');
    }
    if ($under('internal')) {
        return array('10.0.0.9');
    }
    return array('192.0.2.1');
}
define('FLVX_RESOLVER', 'flvx_test_resolve');
define('FLVX_SECRET_SOURCE', 'flvx_test_secret');

/** Panel secrets the Rust side makes alike (conformance_support/rust_side.rs). */
function flvx_test_secret(int $serviceId, int $nowMs): string
{
    return 'secret-' . $serviceId . '-' . $nowMs;
}

/** A WHMCS service model (the `model` parameter): the tblhosting row and serviceProperties. */
final class FlvxTestServiceModel
{
    /** @var FlvxTestServiceProperties */
    public $serviceProperties;

    /** @var array */
    private $row;

    public function __construct(array $row)
    {
        $this->row = $row;
        $this->serviceProperties = new FlvxTestServiceProperties((int) $row['id'], (int) $row['packageid']);
    }

    public function __get($name)
    {
        return array_key_exists($name, $this->row) ? $this->row[$name] : null;
    }

    public function __isset($name)
    {
        return isset($this->row[$name]);
    }
}

/**
 * `$params['model']->serviceProperties`: product custom fields of the service (created on
 * first save, as WHMCS does), with the names WHMCS maps onto tblhosting columns.
 */
final class FlvxTestServiceProperties
{
    const CORE = array(
        'username' => 'username',
        'password' => 'password',
        'domain' => 'domain',
        'dedicated ip' => 'dedicatedip',
        'bandwidth usage' => 'bwusage',
        'bandwidth limit' => 'bwlimit',
        'disk usage' => 'diskusage',
        'disk limit' => 'disklimit',
        'last update' => 'lastupdate',
    );

    /** @var int */
    private $serviceId;

    /** @var int */
    private $productId;

    public function __construct(int $serviceId, int $productId)
    {
        $this->serviceId = $serviceId;
        $this->productId = $productId;
    }

    public function get($name)
    {
        $core = strtolower(trim((string) $name));
        if (isset(self::CORE[$core])) {
            $row = Capsule::table('tblhosting')->where('id', $this->serviceId)->first();
            $value = $row === null ? null : $row->{self::CORE[$core]};
            return $core === 'password' ? decrypt((string) $value) : $value;
        }
        $field = $this->field((string) $name);
        if ($field === null) {
            return null;
        }
        $value = Capsule::table('tblcustomfieldsvalues')
            ->where('fieldid', $field->id)->where('relid', $this->serviceId)->first();
        return $value === null ? null : $value->value;
    }

    public function save(array $values)
    {
        foreach ($values as $name => $value) {
            $core = strtolower(trim((string) $name));
            if (isset(self::CORE[$core])) {
                $stored = $core === 'password' ? encrypt((string) $value) : $value;
                Capsule::table('tblhosting')->where('id', $this->serviceId)->update(array(self::CORE[$core] => $stored));
                continue;
            }
            $field = $this->field((string) $name);
            if ($field === null) {
                Capsule::table('tblcustomfields')->insert(array(
                    'type' => 'product', 'relid' => $this->productId, 'fieldname' => (string) $name,
                    'fieldtype' => 'text', 'adminonly' => 'on',
                ));
                $field = $this->field((string) $name);
            }
            Capsule::table('tblcustomfieldsvalues')->updateOrInsert(
                array('fieldid' => $field->id, 'relid' => $this->serviceId),
                array('value' => (string) $value)
            );
        }
        return true;
    }

    private function field(string $name)
    {
        foreach (Capsule::table('tblcustomfields')->where('type', 'product')->where('relid', $this->productId)->get() as $field) {
            $short = explode('|', (string) $field->fieldname, 2)[0];
            if ($short === $name || $field->fieldname === $name) {
                return $field;
            }
        }
        return null;
    }
}

/** Writes the WHMCS rows of the request, as WHMCS would have them before the call. */
function flvx_test_write_world(array $request)
{
    foreach (isset($request['servers']) ? $request['servers'] : array() as $server) {
        Capsule::table('tblservers')->updateOrInsert(array('id' => (int) $server['id']), array(
            'name' => 'FLVX ' . (int) $server['id'],
            'type' => 'flvx',
            'ipaddress' => isset($server['ipaddress']) ? (string) $server['ipaddress'] : '',
            'hostname' => (string) $server['hostname'],
            'port' => (string) $server['port'],
            'secure' => !empty($server['secure']) ? 'on' : '',
            'username' => (string) $server['username'],
            'password' => encrypt((string) $server['password']),
            'accesshash' => (string) (isset($server['accesshash']) ? $server['accesshash'] : ''),
        ));
    }
    foreach (isset($request['products']) ? $request['products'] : array() as $product) {
        $values = array('name' => (string) $product['name'], 'servertype' => 'flvx', 'type' => 'other');
        for ($i = 1; $i <= 24; $i++) {
            $options = $product['configoptions'];
            $values['configoption' . $i] = isset($options[$i - 1]) ? (string) $options[$i - 1] : '';
        }
        Capsule::table('tblproducts')->updateOrInsert(array('id' => (int) $product['id']), $values);
    }
    foreach (isset($request['services']) ? $request['services'] : array() as $service) {
        $id = (int) $service['id'];
        // The configurable options WHMCS would read from tblhostingconfigoptions.
        $GLOBALS['flvx_test_configoptions'][$id] = isset($service['configoptions']) ? (array) $service['configoptions'] : array();
        Capsule::table('tblclients')->updateOrInsert(array('id' => (int) $service['userid']), array(
            'firstname' => 'Test', 'lastname' => 'Client', 'email' => 'client' . (int) $service['userid'] . '@example.com',
        ));
        $values = array(
            'userid' => (int) $service['userid'],
            'packageid' => (int) $service['packageid'],
            'server' => (int) $service['server'],
            'domainstatus' => (string) $service['domainstatus'],
            'nextduedate' => (string) $service['nextduedate'],
            'nextinvoicedate' => (string) $service['nextduedate'],
            'regdate' => isset($service['regdate']) ? (string) $service['regdate'] : date('Y-m-d'),
            'password' => encrypt((string) $service['password']),
            'updated_at' => date('Y-m-d H:i:s'),
        );
        if (isset($service['username'])) {
            $values['username'] = (string) $service['username'];
        }
        if (!Capsule::table('tblhosting')->where('id', $id)->exists()) {
            $values['id'] = $id;
            $values['created_at'] = date('Y-m-d H:i:s');
            Capsule::table('tblhosting')->insert($values);
        } else {
            Capsule::table('tblhosting')->where('id', $id)->update($values);
        }
        $fields = isset($service['customfields']) && is_array($service['customfields']) ? $service['customfields'] : array();
        foreach ($fields as $name => $value) {
            flvx_test_write_customfield((int) $service['packageid'], $id, (string) $name, (string) $value);
        }
    }
}

/** A product custom field (created on first use) and its value for one service. */
function flvx_test_write_customfield(int $productId, int $serviceId, string $name, string $value)
{
    $field = Capsule::table('tblcustomfields')->where('type', 'product')->where('relid', $productId)
        ->where('fieldname', $name)->first();
    $fieldId = $field === null
        ? (int) Capsule::table('tblcustomfields')->insertGetId(array(
            'type' => 'product', 'relid' => $productId, 'fieldname' => $name, 'fieldtype' => 'text',
        ))
        : (int) $field->id;
    Capsule::table('tblcustomfieldsvalues')->updateOrInsert(
        array('fieldid' => $fieldId, 'relid' => $serviceId),
        array('value' => $value)
    );
}

/** The server part of `$params`, from tblservers. */
function flvx_test_server_params(int $serverId)
{
    $server = Capsule::table('tblservers')->where('id', $serverId)->first();
    if ($server === null) {
        return array('server' => false, 'serverid' => 0, 'serverip' => '', 'serverhostname' => '',
            'serverusername' => '', 'serverpassword' => '', 'serveraccesshash' => '', 'serversecure' => false,
            'serverport' => '', 'serverhttpprefix' => 'http');
    }
    $secure = $server->secure === 'on';
    return array(
        'server' => true,
        'serverid' => (int) $server->id,
        'serverip' => (string) $server->ipaddress,
        'serverhostname' => (string) $server->hostname,
        'serverusername' => (string) $server->username,
        'serverpassword' => decrypt((string) $server->password),
        'serveraccesshash' => (string) $server->accesshash,
        'serversecure' => $secure,
        'serverport' => (string) $server->port,
        'serverhttpprefix' => $secure ? 'https' : 'http',
    );
}

/** `$params` of a service, as WHMCS builds them. */
function flvx_test_service_params(int $serviceId, array $call)
{
    $service = Capsule::table('tblhosting')->where('id', $serviceId)->first();
    if ($service === null) {
        throw new RuntimeException('no tblhosting row ' . $serviceId);
    }
    $product = Capsule::table('tblproducts')->where('id', $service->packageid)->first();
    $client = Capsule::table('tblclients')->where('id', $service->userid)->first();
    $params = array(
        'accountid' => (int) $service->id,
        'serviceid' => (int) $service->id,
        'addonId' => 0,
        'userid' => (int) $service->userid,
        'pid' => (int) $service->packageid,
        'domain' => (string) $service->domain,
        'username' => (string) $service->username,
        'password' => decrypt((string) $service->password),
        'producttype' => 'other',
        'moduletype' => 'flvx',
        'status' => (string) $service->domainstatus,
    );
    for ($i = 1; $i <= 24; $i++) {
        $params['configoption' . $i] = $product === null ? '' : (string) $product->{'configoption' . $i};
    }
    $params['configoptions'] = isset($call['configoptions']) && is_array($call['configoptions']) ? $call['configoptions'] : array();
    $customfields = array();
    $fields = Capsule::table('tblcustomfields')->where('type', 'product')->where('relid', $service->packageid)->get();
    foreach ($fields as $field) {
        $value = Capsule::table('tblcustomfieldsvalues')->where('fieldid', $field->id)->where('relid', $service->id)->first();
        $customfields[explode('|', (string) $field->fieldname, 2)[0]] = $value === null ? '' : (string) $value->value;
    }
    $params['customfields'] = $customfields;
    $params['clientsdetails'] = $client === null ? array() : array(
        'id' => (int) $client->id, 'userid' => (int) $client->id, 'firstname' => $client->firstname,
        'lastname' => $client->lastname, 'email' => $client->email, 'country' => $client->country,
    );
    $params = array_merge($params, flvx_test_server_params((int) $service->server));
    $params['model'] = new FlvxTestServiceModel((array) $service);
    return $params;
}

/** The module's stored record of a service, decoded, or null. */
function flvx_test_record(int $serviceId)
{
    if (!Capsule::schema()->hasTable('mod_flvx_services')) {
        return null;
    }
    $row = Capsule::table('mod_flvx_services')->where('serviceid', $serviceId)->first();
    // Decoded as objects, so an empty map stays {} on the way back out.
    $record = $row === null ? null : json_decode((string) $row->record);
    if (is_object($record) && isset($record->panel_secret) && is_string($record->panel_secret)) {
        // Compared as the Rust record has it, once shown to be encrypted at rest.
        $secret = $record->panel_secret;
        $record->panel_secret = strpos($secret, 'enc:') === 0 ? decrypt($secret) : 'NOT ENCRYPTED: ' . $secret;
    }
    return $record;
}

/** Every panel token the module has cached, decrypted. */
function flvx_test_tokens()
{
    if (!Capsule::schema()->hasTable('mod_flvx_tokens')) {
        return array();
    }
    $tokens = array();
    foreach (Capsule::table('mod_flvx_tokens')->get() as $row) {
        $tokens[] = decrypt((string) $row->token);
    }
    return $tokens;
}

$call = $request['call'];
$function = (string) $call['function'];
$serviceId = isset($call['serviceid']) ? (int) $call['serviceid'] : 0;
$answer = array('result' => null, 'uncaught' => null);
try {
    flvx_test_write_world($request);
    require $moduleDir . '/flvx.php';
    if ($function === 'UsageUpdate') {
        $params = flvx_test_server_params(isset($call['serverid']) ? (int) $call['serverid'] : 1);
    } else {
        $params = flvx_test_service_params($serviceId, $call);
    }
    foreach (isset($call['extra']) && is_array($call['extra']) ? $call['extra'] : array() as $key => $value) {
        $params[$key] = $value;
    }
    foreach (isset($call['override']) && is_array($call['override']) ? $call['override'] : array() as $key => $value) {
        if ($value === null) {
            unset($params[$key]);
        } else {
            $params[$key] = $value;
        }
    }
    if (isset($call['post']) && is_array($call['post'])) {
        $_SERVER['REQUEST_METHOD'] = 'POST';
        // The client area's forms carry the session's CSRF token; a call may post its own.
        $_POST = $call['post'] + array('token' => FLVX_TEST_CSRF_TOKEN);
    } else {
        $_SERVER['REQUEST_METHOD'] = 'GET';
        $_POST = array();
    }
    $name = 'flvx_' . $function;
    if (!function_exists($name)) {
        throw new RuntimeException($name . ' does not exist');
    }
    $answer['result'] = $name($params);
} catch (\Throwable $e) {
    $answer['uncaught'] = get_class($e) . ': ' . $e->getMessage() . ' at ' . $e->getFile() . ':' . $e->getLine();
}

$answer['log'] = $GLOBALS['flvx_test_log'];
$answer['diagnostics'] = $GLOBALS['flvx_test_diagnostics'];
$answer['record'] = $serviceId > 0 ? flvx_test_record($serviceId) : null;
$hosting = $serviceId > 0 ? Capsule::table('tblhosting')->where('id', $serviceId)->first() : null;
$answer['hosting'] = $hosting === null ? null : (array) $hosting;
$answer['hostings'] = array();
foreach (Capsule::table('tblhosting')->orderBy('id')->get() as $row) {
    $answer['hostings'][] = (array) $row;
}
$answer['tokens'] = flvx_test_tokens();
$json = json_encode($answer, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE | JSON_PARTIAL_OUTPUT_ON_ERROR);
echo $json === false ? '{"uncaught":"the answer could not be encoded"}' : $json;
echo "\n";
