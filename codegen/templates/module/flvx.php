<?php

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/*
 * The WHMCS provisioning module for the FLVX traffic-forwarding panel (the version is
 * FlvxConstants::MODULE_VERSION).
 *
 * Every function below catches everything and returns 'success' or a message (arrays for
 * the array-returning ones); the work itself is done by the classes in lib/, the same
 * logic as the Rust engine this file is generated with.
 */

use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Flvx\FlvxApiClient;
use WHMCS\Module\Server\Flvx\FlvxApiException;
use WHMCS\Module\Server\Flvx\FlvxConstants;
use WHMCS\Module\Server\Flvx\FlvxEngine;
use WHMCS\Module\Server\Flvx\FlvxLang;
use WHMCS\Module\Server\Flvx\FlvxMetricProvider;
use WHMCS\Module\Server\Flvx\FlvxOptions;
use WHMCS\Module\Server\Flvx\FlvxProvisionException;
use WHMCS\Module\Server\Flvx\FlvxReconcileJob;
use WHMCS\Module\Server\Flvx\FlvxService;
use WHMCS\Module\Server\Flvx\FlvxServiceLock;
use WHMCS\Module\Server\Flvx\FlvxStore;
use WHMCS\Module\Server\Flvx\FlvxViews;

// WHMCS autoloads lib/ for this namespace; loading the files here keeps the module working
// without that autoloader (older WHMCS, tests).
require_once __DIR__ . '/lib/FlvxConstants.php';
require_once __DIR__ . '/lib/FlvxApiException.php';
require_once __DIR__ . '/lib/FlvxProvisionException.php';
require_once __DIR__ . '/lib/FlvxLang.php';
require_once __DIR__ . '/lib/FlvxOptions.php';
require_once __DIR__ . '/lib/FlvxTokenCache.php';
require_once __DIR__ . '/lib/FlvxHttp.php';
require_once __DIR__ . '/lib/FlvxApiClient.php';
require_once __DIR__ . '/lib/FlvxTable.php';
require_once __DIR__ . '/lib/FlvxStore.php';
require_once __DIR__ . '/lib/FlvxReconcileJob.php';
require_once __DIR__ . '/lib/FlvxServiceLock.php';
require_once __DIR__ . '/lib/FlvxDailyUsage.php';
require_once __DIR__ . '/lib/FlvxChart.php';
require_once __DIR__ . '/lib/FlvxViews.php';
require_once __DIR__ . '/lib/FlvxService.php';
require_once __DIR__ . '/lib/FlvxForwardPolicy.php';
// The engine, one file per operation as in the Rust engine/ folder (traits of FlvxEngine).
require_once __DIR__ . '/lib/engine/access.php';
require_once __DIR__ . '/lib/engine/batch.php';
require_once __DIR__ . '/lib/engine/create.php';
require_once __DIR__ . '/lib/engine/customer.php';
require_once __DIR__ . '/lib/engine/import.php';
require_once __DIR__ . '/lib/engine/link.php';
require_once __DIR__ . '/lib/engine/ownership.php';
require_once __DIR__ . '/lib/engine/package.php';
require_once __DIR__ . '/lib/engine/parallel.php';
require_once __DIR__ . '/lib/engine/reconcile.php';
require_once __DIR__ . '/lib/engine/repush.php';
require_once __DIR__ . '/lib/engine/suspend.php';
require_once __DIR__ . '/lib/engine/terminate.php';
require_once __DIR__ . '/lib/engine/traffic.php';
require_once __DIR__ . '/lib/engine/usage.php';
require_once __DIR__ . '/lib/engine/views.php';
require_once __DIR__ . '/lib/FlvxEngine.php';
require_once __DIR__ . '/lib/FlvxMetricProvider.php';

/**
 * Module metadata. No single sign-on: the panel cannot take an external login.
 */
function flvx_MetaData()
{
    return array(
        'DisplayName' => '{{ ir.display_name }}',
        'APIVersion' => '1.1',
        'RequiresServer' => true,
        'DefaultNonSSLPort' => '6365',
        'DefaultSSLPort' => '443',
        'ServiceSingleSignOnLabel' => false,
        'AdminSingleSignOnLabel' => false,
        'ListAccountsUniqueIdentifierDisplayName' => 'Panel username',
        'ListAccountsUniqueIdentifierField' => 'username',
    );
}

/**
 * The product's Module Settings, in configoptionN order (append-only).
 */
function flvx_ConfigOptions()
{
    try {
        return FlvxOptions::configOptions();
    } catch (\Throwable $e) {
        FlvxEngine::logUnexpected('ConfigOptions', array(), $e);
        return array();
    }
}

/**
 * Loader: the panel's tunnels, `id => "name (#id)"`.
 */
function flvx_LoadTunnels(array $params)
{
    try {
        $rows = FlvxApiClient::fromParams($params)->call('tunnel_list');
    } catch (\Throwable $e) {
        throw new \Exception('Could not load the tunnels from the FLVX panel: ' . $e->getMessage()
            . ' Fix the server (System Settings > Servers, then Test Connection) or type the tunnel ids by hand.');
    }
    $choices = FlvxViews::choices($rows, false);
    if (count($choices) === 0) {
        throw new \Exception('The FLVX panel has no tunnels yet: create one in the panel, then reload this page.');
    }
    return $choices;
}

/**
 * Loader: the panel's speed limits, `(none)` first.
 */
function flvx_LoadSpeedLimits(array $params)
{
    try {
        $rows = FlvxApiClient::fromParams($params)->call('speed_limit_list');
    } catch (\Throwable $e) {
        throw new \Exception('Could not load the speed limits from the FLVX panel: ' . $e->getMessage()
            . ' Fix the server (System Settings > Servers, then Test Connection) or type the id by hand (0 for none).');
    }
    return FlvxViews::choices($rows, true);
}

/**
 * Loader: the panel's tunnel groups, `(none)` first.
 */
function flvx_LoadTunnelGroups(array $params)
{
    try {
        $rows = FlvxApiClient::fromParams($params)->call('tunnel_group_list');
    } catch (\Throwable $e) {
        throw new \Exception('Could not load the tunnel groups from the FLVX panel: ' . $e->getMessage()
            . ' Fix the server (System Settings > Servers, then Test Connection) or type the id by hand (0 for none).');
    }
    return FlvxViews::choices($rows, true);
}

/**
 * Loader: the panel's user groups, `(none)` first.
 */
function flvx_LoadUserGroups(array $params)
{
    try {
        $rows = FlvxApiClient::fromParams($params)->call('user_group_list');
    } catch (\Throwable $e) {
        throw new \Exception('Could not load the user groups from the FLVX panel: ' . $e->getMessage()
            . ' Fix the server (System Settings > Servers, then Test Connection) or type the id by hand (0 for none).');
    }
    return FlvxViews::choices($rows, true);
}

/**
 * Test Connection: reachability, login (with the billing-module header that passes the
 * captcha on FLVX 3.0), admin role, panel version, licence, at least one tunnel, and no
 * product setting options the panel's version lacks; each failure says what to fix. A
 * success is reported in the module log.
 */
function flvx_TestConnection(array $params)
{
    try {
        $api = FlvxApiClient::fromParams($params);
        $where = $api->baseUrl();
        try {
            $captcha = $api->call('captcha_check');
        } catch (FlvxApiException $e) {
            return array('success' => false, 'error' => 'Could not reach the FLVX panel at ' . $where . ': '
                . $e->getMessage() . '. Check the hostname, the port (6365 for the panel backend, 6366 for its'
                . ' web front end) and the Secure tick (ticked = https).');
        }
        $usesToken = isset($params['serveraccesshash']) && trim((string) $params['serveraccesshash']) !== '';
        try {
            // Admin-only: proves the login and the admin role at once.
            $api->call('user_list');
        } catch (FlvxApiException $e) {
            return array('success' => false, 'error' => flvx_loginFailureHint($e, $usesToken));
        }
        $version = $api->panelVersion();
        try {
            $tunnels = $api->call('tunnel_list');
        } catch (FlvxApiException $e) {
            if ($e->getKind() === FlvxApiException::LICENCE) {
                return array('success' => false, 'error' => FlvxLang::text('test_licence_inactive'));
            }
            throw $e;
        }
        if (!is_array($tunnels) || count($tunnels) === 0) {
            return array('success' => false, 'error' => 'Connected and logged in, but the FLVX panel has no tunnels:'
                . ' create at least one tunnel in the panel before selling services.');
        }
        $needing = $version === FlvxConstants::VERSION_3_0 ? array() : FlvxOptions::productsNeedingVersion3();
        if (!empty($needing)) {
            return array('success' => false, 'error' => FlvxLang::text('test_products_need_newer_panel', array(
                'version' => $version,
                'products' => implode(', ', $needing),
            )));
        }
        $captchaState = 'captcha_off';
        if (is_numeric($captcha) && (int) $captcha !== 0) {
            $captchaState = $usesToken ? 'captcha_token_used' : 'captcha_passed_by_header';
        }
        $report = FlvxLang::text('test_report', array('version' => $version, 'captcha' => FlvxLang::text($captchaState)));
        if (function_exists('logModuleCall')) {
            logModuleCall('flvx', 'TestConnection', $where, $report, '', array());
        }
        return array('success' => true, 'error' => '');
    } catch (\Throwable $e) {
        return array('success' => false, 'error' => FlvxEngine::failureMessage('TestConnection', $params, $e));
    }
}

/**
 * What to fix when the admin login failed, by the kind of refusal.
 */
function flvx_loginFailureHint(FlvxApiException $e, bool $usesToken): string
{
    switch ($e->getKind()) {
        case FlvxApiException::LOGIN:
            return $e->getMessage() . '. Check the Username and Password of this server: they must be'
                . ' the FLVX panel admin login.';
        case FlvxApiException::UNAUTHORIZED:
            return $e->getMessage() . ($usesToken
                ? '. The token in Access Hash was refused: issue a new admin token, or clear Access Hash'
                    . ' to log in with the username and password.'
                : '.');
        case FlvxApiException::FORBIDDEN:
            return 'The account is not the FLVX panel admin (user/list answered 403): ' . $e->getMessage()
                . '. Use the admin account (role 0) or an admin token.';
        case FlvxApiException::CAPTCHA:
            // The login carried the billing-module header, so this panel predates it.
            return FlvxLang::text('test_captcha_blocked');
        default:
            return 'The FLVX panel answered, but listing users failed: ' . $e->getMessage() . '.';
    }
}

/**
 * Runs `$operation(FlvxEngine, FlvxService)` under the service's lock, after the automatic
 * import from 1.0: a service the 1.0 module provisioned that this module has no record of
 * yet is taken over first (FlvxEngine::adoptLegacy), so that no action ever makes it a
 * second panel user, and then acts with the password 1.0 gave, which the import wrote to
 * the service. `$keepPassword` (ChangePassword) keeps the one WHMCS just saved instead.
 * An Active or Suspended service WHMCS Server Sync imported is taken over the same way
 * when its password logs in as the panel user its username names (FlvxEngine::adoptListed).
 */
function flvx_onService(array $params, callable $operation, bool $keepPassword = false)
{
    $service = FlvxService::fromParams($params);
    return FlvxServiceLock::run($service->id, function () use ($params, $service, $operation, $keepPassword) {
        $engine = FlvxEngine::fromParams($params);
        $legacy = $engine->adoptLegacy($service, $params, $keepPassword);
        if ($legacy !== null) {
            flvx_logLegacyImport($service, $legacy, 'legacy_imported');
            if (!$keepPassword) {
                $service->password = (string) $legacy['password'];
            }
            return $operation($engine, $service);
        }
        // A service Server Sync imported (ListAccounts) carries the panel username.
        $status = isset($params['status']) && is_string($params['status']) ? $params['status'] : '';
        $username = isset($params['username']) && is_scalar($params['username']) ? (string) $params['username'] : '';
        if ($status === 'Active' || $status === 'Suspended') {
            $listed = $engine->adoptListed($service, $username, $status === 'Suspended');
            if ($listed !== null) {
                flvx_logLegacyImport($service, $listed, 'listed_imported');
            }
        }
        return $operation($engine, $service);
    });
}

/**
 * Puts a take-over (from 1.0, or of a Server Sync import) in the module log: which panel
 * user, under which names (the password is masked). `$message` is the catalogue key.
 */
function flvx_logLegacyImport(FlvxService $service, array $legacy, string $message)
{
    if (!function_exists('logModuleCall')) {
        return;
    }
    $request = array(
        'serviceid' => $service->id,
        'user_id' => $legacy['user_id'],
        'username' => $legacy['username'],
    );
    $report = FlvxLang::text($message, array(
        'user_id' => (string) $legacy['user_id'],
        'username' => (string) $legacy['username'],
        'new_username' => $service->username(),
    ));
    $function = $message === 'legacy_imported' ? 'ImportLegacy' : 'ImportListed';
    logModuleCall('flvx', $function, $request, $report, '', array((string) $legacy['password']));
}

/**
 * Create: the panel user named after the service, with the service password, and its tunnels.
 */
function flvx_CreateAccount(array $params)
{
    try {
        flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) {
            $engine->create($service);
        });
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('CreateAccount', $params, $e);
    }
}

/**
 * Suspend: user disabled and its running forwards paused now.
 */
function flvx_SuspendAccount(array $params)
{
    try {
        flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) {
            $engine->suspend($service);
        });
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('SuspendAccount', $params, $e);
    }
}

/**
 * Unsuspend: user enabled and exactly the forwards suspend paused resumed.
 */
function flvx_UnsuspendAccount(array $params)
{
    try {
        flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) {
            $engine->unsuspend($service);
        });
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('UnsuspendAccount', $params, $e);
    }
}

/**
 * Terminate: delete (forwards first) or disable, per the product's On termination setting.
 */
function flvx_TerminateAccount(array $params)
{
    try {
        flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) {
            $engine->terminate($service);
        });
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('TerminateAccount', $params, $e);
    }
}

/**
 * Renew: the new expiry, and forwards the panel paused on expiry resumed.
 */
function flvx_Renew(array $params)
{
    try {
        flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) {
            $engine->renew($service);
        });
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('Renew', $params, $e);
    }
}

/**
 * Upgrade or downgrade (product or configurable options): quota, limits, speed, tunnels.
 */
function flvx_ChangePackage(array $params)
{
    try {
        flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) {
            $engine->changePackage($service);
        });
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('ChangePackage', $params, $e);
    }
}

/**
 * Change password: `password` holds the new one; clients see the message on failure.
 */
function flvx_ChangePassword(array $params)
{
    try {
        flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) {
            $engine->changePassword($service);
        }, true);
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('ChangePassword', $params, $e, true);
    }
}

/**
 * Admin button: zero the traffic counters and resume what the quota paused.
 */
function flvx_ResetTraffic(array $params)
{
    try {
        flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) {
            $engine->resetTraffic($service);
        });
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('ResetTraffic', $params, $e);
    }
}

/**
 * Admin button: repair drift (re-create a user deleted by hand, re-apply every field).
 */
function flvx_Sync(array $params)
{
    try {
        flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) {
            $engine->sync($service);
        });
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('Sync', $params, $e);
    }
}

/**
 * Admin button: take over the service's FLVX 1.0 account now (the same import every
 * action runs first on a service without a record); on a service already linked to that
 * user it runs Sync.
 */
function flvx_ImportLegacy(array $params)
{
    try {
        $service = FlvxService::fromParams($params);
        FlvxServiceLock::run($service->id, function () use ($params, $service) {
            $legacy = FlvxEngine::legacyAccount($params);
            if ($legacy === null) {
                throw new FlvxProvisionException('no_legacy_account');
            }
            FlvxEngine::fromParams($params)->importLegacy($service, $legacy);
            flvx_logLegacyImport($service, $legacy, 'legacy_imported');
        });
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('ImportLegacy', $params, $e);
    }
}

/**
 * The admin service page's buttons.
 */
function flvx_AdminCustomButtonArray()
{
    try {
        return array(
            FlvxLang::text('button_reset_traffic') => 'ResetTraffic',
            FlvxLang::text('button_sync') => 'Sync',
            FlvxLang::text('button_reconcile') => 'Reconcile',
            FlvxLang::text('button_import_legacy') => 'ImportLegacy',
        );
    } catch (\Throwable $e) {
        FlvxEngine::logUnexpected('AdminCustomButtonArray', array(), $e);
        return array(
            'Reset traffic' => 'ResetTraffic',
            'Sync from panel' => 'Sync',
            'Reconcile server now' => 'Reconcile',
            'Import from 1.0' => 'ImportLegacy',
        );
    }
}

/**
 * The customer's forward actions (forms on the product page, not buttons).
 */
function flvx_ClientAreaAllowedFunctions()
{
    return array('AddForward', 'DeleteForward', 'PauseForward', 'ResumeForward', 'ResetForwardTraffic');
}

/**
 * Client action: add a forward (POST tunnel_id, name, target, port).
 */
function flvx_AddForward(array $params)
{
    try {
        if (!FlvxEngine::isPostRequest()) {
            return FlvxViews::label('post_required');
        }
        FlvxEngine::checkCsrfToken();
        $request = FlvxEngine::forwardRequest($_POST);
        flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) use ($request) {
            $engine->addForward($service, $request);
        });
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('AddForward', $params, $e, true);
    }
}

/**
 * Client action: delete a forward (POST forward_id).
 */
function flvx_DeleteForward(array $params)
{
    try {
        if (!FlvxEngine::isPostRequest()) {
            return FlvxViews::label('post_required');
        }
        FlvxEngine::checkCsrfToken();
        $forward = FlvxEngine::forwardId(isset($_POST['forward_id']) ? $_POST['forward_id'] : '');
        flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) use ($forward) {
            $engine->deleteForward($service, $forward);
        });
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('DeleteForward', $params, $e, true);
    }
}

/**
 * Client action: pause a forward (POST forward_id); renewals will not resume it.
 */
function flvx_PauseForward(array $params)
{
    try {
        if (!FlvxEngine::isPostRequest()) {
            return FlvxViews::label('post_required');
        }
        FlvxEngine::checkCsrfToken();
        $forward = FlvxEngine::forwardId(isset($_POST['forward_id']) ? $_POST['forward_id'] : '');
        flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) use ($forward) {
            $engine->pauseForward($service, $forward);
        });
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('PauseForward', $params, $e, true);
    }
}

/**
 * Client action: zero a forward's own traffic counter (POST forward_id), where the product
 * offers it (FLVX 3.0 builds since July 2026).
 */
function flvx_ResetForwardTraffic(array $params)
{
    try {
        if (!FlvxEngine::isPostRequest()) {
            return FlvxViews::label('post_required');
        }
        FlvxEngine::checkCsrfToken();
        $forward = FlvxEngine::forwardId(isset($_POST['forward_id']) ? $_POST['forward_id'] : '');
        flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) use ($forward) {
            $engine->resetForwardTraffic($service, $forward);
        });
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('ResetForwardTraffic', $params, $e, true);
    }
}

/**
 * Client action: resume a forward (POST forward_id); refused while suspended.
 */
function flvx_ResumeForward(array $params)
{
    try {
        if (!FlvxEngine::isPostRequest()) {
            return FlvxViews::label('post_required');
        }
        FlvxEngine::checkCsrfToken();
        $forward = FlvxEngine::forwardId(isset($_POST['forward_id']) ? $_POST['forward_id'] : '');
        flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) use ($forward) {
            $engine->resumeForward($service, $forward);
        });
        return 'success';
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('ResumeForward', $params, $e, true);
    }
}

/**
 * The client area's overview section.
 */
function flvx_ClientArea(array $params)
{
    $status = isset($params['status']) && is_string($params['status']) ? $params['status'] : '';
    if ($status !== '' && $status !== 'Active' && $status !== 'Suspended') {
        return '';
    }
    try {
        // The automatic import from 1.0 runs under the lock; the view itself only reads.
        $service = flvx_onService($params, function (FlvxEngine $engine, FlvxService $service) {
            return $service;
        });
        $engine = FlvxEngine::fromParams($params);
        $view = $engine->clientView($service, FlvxViews::loginAddress($params));
        $record = $engine->store()->load($service->id);
        return array(
            'tabOverviewModuleOutputTemplate' => 'templates/clientarea.tpl',
            'templateVariables' => FlvxViews::clientAreaVariables($service, $view, $record),
        );
    } catch (\Throwable $e) {
        $message = FlvxEngine::failureMessage('ClientArea', $params, $e, true);
        if ($status === 'Suspended') {
            // The panel refuses logins of a disabled user, so a suspended customer may not
            // get their package; say why instead of showing the login error.
            $message = FlvxLang::text('service_suspended');
        }
        return array(
            'tabOverviewModuleOutputTemplate' => 'templates/error.tpl',
            'templateVariables' => array(
                'flvxError' => $message,
                'flvxLang' => FlvxViews::labels(),
            ),
        );
    }
}

/**
 * Rows on the admin service page: what the module stored, and the traffic.
 */
function flvx_AdminServicesTabFields(array $params)
{
    try {
        $id = isset($params['serviceid']) && is_numeric($params['serviceid']) ? (int) $params['serviceid'] : 0;
        $store = new FlvxStore();
        $record = $store->load($id);
        $html = function ($text) {
            return htmlspecialchars((string) $text, ENT_QUOTES, 'UTF-8');
        };
        $none = FlvxViews::label('label_none');
        $bindings = array();
        if (count($record['bindings']) > 0) {
            $names = flvx_tunnel_names($params);
            foreach ($record['bindings'] as $tunnel => $binding) {
                $bindings[] = FlvxLang::text('admin_binding', array(
                    'tunnel' => isset($names[$tunnel]) && $names[$tunnel] !== ''
                        ? $names[$tunnel]
                        : FlvxLang::text('admin_tunnel_unnamed', array('tunnel_id' => (string) $tunnel)),
                    'tunnel_id' => (string) $tunnel,
                    'binding_id' => (string) $binding,
                ));
            }
        }
        $list = function (array $ids) use ($none) {
            return count($ids) === 0 ? $none : implode(', ', $ids);
        };
        $rows = array(
            FlvxViews::label('label_panel_user_id') => $html($record['user_id'] === null ? $none : $record['user_id']),
            FlvxViews::label('label_username') => $html($record['username'] === null ? $none : $record['username']),
            FlvxViews::label('label_bindings') => $html(count($bindings) === 0 ? $none : implode(', ', $bindings)),
            FlvxViews::label('label_suspended_forwards') => $html($list($record['suspended_forwards'])),
            FlvxViews::label('label_customer_paused') => $html($list($record['customer_paused'])),
        );
        if ($record['pushed_expiry'] !== null) {
            $rows[FlvxViews::label('label_pushed_expiry')] = $html(FlvxViews::expiryLabel($record['pushed_expiry']));
        }
        if ($record['create_pending']) {
            $rows[FlvxViews::label('label_create_pending')] = $html(FlvxViews::label('label_yes'));
        }
        // The link fields (saved by flvx_AdminServicesTabFieldsSave), and what the last save did.
        if ($record['user_id'] === null) {
            $rows[FlvxViews::label('label_link_user')] = '<input type="text" name="flvx_link_user" value=""'
                . ' class="form-control input-300" autocomplete="off">';
        } else {
            $rows[FlvxViews::label('label_unlink')] = '<input type="checkbox" name="flvx_unlink" value="1">';
        }
        $last = flvx_lastLinkResult($id);
        if ($last !== null) {
            $rows[FlvxViews::label('label_link_result')] = $html($last);
        }
        if ($record['user_id'] !== null) {
            try {
                $usage = FlvxEngine::fromParams($params)->usage(array($id));
                if (isset($usage[$id])) {
                    $u = $usage[$id];
                    $text = FlvxViews::humanBytes($u['used']) . ' / ' . FlvxViews::quotaLabel($u['quota']);
                    if ($u['quota'] < (int) FlvxConstants::UNLIMITED_GIB) {
                        $text .= ' (' . FlvxViews::percent($u['used'], $u['quota']) . '%)';
                    }
                } else {
                    $text = FlvxLang::text('admin_user_missing', array(
                        'user' => (string) $record['user_id'],
                        'button' => FlvxLang::text('button_sync'),
                    ));
                }
            } catch (\Throwable $e) {
                $text = FlvxEngine::failureMessage('AdminServicesTabFields', $params, $e);
            }
            $rows[FlvxViews::label('label_usage')] = $html($text);
        }
        return $rows;
    } catch (\Throwable $e) {
        FlvxEngine::logUnexpected('AdminServicesTabFields', $params, $e);
        return array();
    }
}

/**
 * Tunnel names by id from the panel, for the admin tab; empty when the panel cannot be
 * asked (the tab then shows ids, and the usage row says what failed).
 *
 * @return array<int, string>
 */
function flvx_tunnel_names(array $params): array
{
    $names = array();
    try {
        $rows = FlvxApiClient::fromParams($params)->call('tunnel_list');
    } catch (\Throwable $e) {
        return $names;
    }
    foreach (is_array($rows) ? $rows : array() as $row) {
        if (is_array($row) && isset($row['id']) && is_numeric($row['id'])) {
            $names[(int) $row['id']] = FlvxViews::textField($row, 'name');
        }
    }
    return $names;
}

/**
 * Saving the admin service page: links the service to the panel user typed in
 * `flvx_link_user` (an id or an exact name), or unlinks it when `flvx_unlink` is ticked,
 * both verified before anything is saved (FlvxEngine::link). WHMCS shows nothing this
 * returns, so the outcome goes to the module log and to the next rendering of the tab;
 * an empty form changes nothing and makes no call.
 */
function flvx_AdminServicesTabFieldsSave(array $params)
{
    $id = isset($params['serviceid']) && is_numeric($params['serviceid']) ? (int) $params['serviceid'] : 0;
    $text = isset($_POST['flvx_link_user']) && is_string($_POST['flvx_link_user']) ? $_POST['flvx_link_user'] : '';
    $unlink = !empty($_POST['flvx_unlink']);
    try {
        $target = FlvxEngine::panelUserRef($text);
        if ($target === null && !$unlink) {
            return 'success';
        }
        $service = FlvxService::fromParams($params);
        $report = FlvxServiceLock::run($service->id, function () use ($params, $service, $target, $unlink) {
            $engine = FlvxEngine::fromParams($params);
            if ($unlink) {
                $before = $engine->unlink($service);
                return FlvxLang::text('unlink_done', array('user' => (string) $before['user_id']));
            }
            list($record, $was) = $engine->link($service, $target);
            return FlvxLang::text('link_done', array(
                'user' => (string) $record['user_id'],
                'was' => $was,
                'username' => (string) $record['username'],
            ));
        });
        flvx_reportLinkResult($id, array('flvx_link_user' => $text, 'flvx_unlink' => $unlink), $report);
        return 'success';
    } catch (\Throwable $e) {
        $message = FlvxEngine::failureMessage('AdminServicesTabFieldsSave', $params, $e);
        flvx_reportLinkResult($id, array('flvx_link_user' => $text, 'flvx_unlink' => $unlink), $message);
        return $message;
    }
}

/**
 * Puts the outcome of a link change in the module log and, for the admin who saved, in
 * the session, where the next rendering of the tab shows it once.
 */
function flvx_reportLinkResult(int $serviceId, array $request, string $outcome)
{
    if (function_exists('logModuleCall')) {
        logModuleCall('flvx', 'AdminServicesTabFieldsSave', array('serviceid' => $serviceId) + $request, $outcome, '', array());
    }
    if (session_status() === PHP_SESSION_ACTIVE) {
        $_SESSION['flvx_link_result'][$serviceId] = $outcome;
    }
}

/**
 * The outcome of the last link change on this service in this admin session, once.
 *
 * @return string|null
 */
function flvx_lastLinkResult(int $serviceId)
{
    if (session_status() !== PHP_SESSION_ACTIVE || !isset($_SESSION['flvx_link_result'][$serviceId])) {
        return null;
    }
    $outcome = (string) $_SESSION['flvx_link_result'][$serviceId];
    unset($_SESSION['flvx_link_result'][$serviceId]);
    return $outcome;
}

/**
 * Daily cron, once per server: every Active or Suspended service of this server back to its
 * plan, and its traffic written to tblhosting (bwusage and bwlimit in MB, 0 = unlimited),
 * from one user/list and one forward/list (FlvxReconcileJob).
 */
function flvx_UsageUpdate(array $params)
{
    try {
        FlvxReconcileJob::run($params);
    } catch (\Throwable $e) {
        if ($e instanceof FlvxProvisionException || $e instanceof FlvxApiException) {
            if (function_exists('logModuleCall')) {
                $request = array('serverid' => isset($params['serverid']) ? $params['serverid'] : null);
                logModuleCall('flvx', 'UsageUpdate', $request, $e->getMessage(), '', array());
            }
        } else {
            FlvxEngine::logUnexpected('UsageUpdate', $params, $e);
        }
    }
}

/**
 * Admin button: the daily job of this service's server, now. Not under the service's lock:
 * the job takes each service's lock itself.
 */
function flvx_Reconcile(array $params)
{
    try {
        $counts = FlvxReconcileJob::run($params);
        if ($counts['failed'] === 0 && $counts['missing'] === 0) {
            return 'success';
        }
        return FlvxLang::text('reconcile_done', array_map('strval', $counts));
    } catch (\Throwable $e) {
        return FlvxEngine::failureMessage('Reconcile', $params, $e);
    }
}

/**
 * Usage Billing: one monthly traffic metric in GB, from one user/list per server.
 */
function flvx_MetricProvider(array $params)
{
    try {
        if (!class_exists(FlvxMetricProvider::class, false)) {
            return null;
        }
        return new FlvxMetricProvider($params);
    } catch (\Throwable $e) {
        FlvxEngine::logUnexpected('MetricProvider', $params, $e);
        return null;
    }
}

/**
 * Server Sync: the panel users of the services this module manages on this server, and
 * the panel users no service holds (made by hand on the panel), offered for import. A
 * service imported from the list is taken over on its first action once its password is
 * the panel user's (flvx_onService); users of services on other servers are left out.
 */
function flvx_ListAccounts(array $params)
{
    try {
        $serverId = isset($params['serverid']) && is_numeric($params['serverid']) ? (int) $params['serverid'] : 0;
        $ids = array();
        foreach (Capsule::table('tblhosting')->where('server', $serverId)->get(array('id')) as $row) {
            $ids[] = (int) $row->id;
        }
        $here = array();
        foreach ((new FlvxStore())->loadMany($ids) as $record) {
            if ($record['user_id'] !== null) {
                $here[$record['user_id']] = true;
            }
        }
        $linked = (new FlvxStore())->linkedUsers();
        $statuses = class_exists('WHMCS\Service\Status');
        $active = $statuses ? constant('WHMCS\Service\Status::ACTIVE') : 'Active';
        $suspended = $statuses ? constant('WHMCS\Service\Status::SUSPENDED') : 'Suspended';
        $accounts = array();
        foreach (FlvxEngine::fromParams($params)->panelUsers('action_sync') as $user) {
            $id = (int) $user['id'];
            if (isset($linked[$id]) && !isset($here[$id])) {
                continue;
            }
            $name = FlvxViews::textField($user, 'user');
            $created = FlvxViews::intField($user, 'createdTime');
            $accounts[] = array(
                'name' => $name,
                'email' => '',
                'username' => $name,
                'domain' => '',
                'uniqueIdentifier' => $name,
                'product' => '',
                'primaryip' => '',
                'created' => $created > 0 ? date('Y-m-d H:i:s', (int) floor($created / 1000)) : '',
                'status' => FlvxViews::intField($user, 'status') === 1 ? $active : $suspended,
            );
        }
        return array('success' => true, 'accounts' => $accounts);
    } catch (\Throwable $e) {
        return array('success' => false, 'error' => FlvxEngine::failureMessage('ListAccounts', $params, $e));
    }
}
