<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * The client-area view of a service (views.rs).
 */
trait FlvxEngineViews
{
    /**
     * The client-area view from the customer's own package and the service's daily
     * usage samples, with the customer's panel login (the login page from the server's
     * settings). Calls (as the customer):
     * `user/package` (plus a login when the customer's token is not cached); for a
     * suspended service, or one the panel disabled, `user/list` and `forward/list`.
     */
    public function clientView(FlvxService $service, string $loginAddress = ''): array
    {
        $record = $this->provisioned($service->id);
        $context = FlvxViews::context($service, (bool) $record['suspended']);
        $from = FlvxDailyUsage::firstKeptDay(FlvxDailyUsage::dayOf($service->nowMs));
        $context['daily'] = FlvxDailyUsage::since($service->id, $from);
        $view = $record['suspended']
            ? $this->adminView($service, (int) $record['user_id'], $context)
            : $this->customerView($service, $record, $context);
        // Without panel access the panel password is the module's secret: nothing to show.
        $view['login'] = !$service->hasPanelAccess() ? null : array(
            'address' => $loginAddress,
            'username' => $service->username(),
            'password' => $service->password,
        );
        return $view;
    }

    /**
     * The view from the customer's own `user/package`, or from the admin's lists when the
     * panel refuses the customer.
     */
    private function customerView(FlvxService $service, array $record, array $context): array
    {
        $user = (int) $record['user_id'];
        $customer = $this->customer($service, $record);
        $action = 'action_usage';
        try {
            $package = $customer->call('user_package');
        } catch (FlvxApiException $e) {
            // Disabled by the panel itself (expired, quota): 3.0 refuses the customer's
            // token and its login, so the view comes from the admin's lists too.
            if ($e->getKind() === FlvxApiException::LOGIN || $e->getKind() === FlvxApiException::UNAUTHORIZED) {
                return $this->adminView($service, $user, $context);
            }
            throw self::panelError($action, $e);
        }
        if (!is_array($package) || !isset($package['userInfo']) || !is_array($package['userInfo'])) {
            throw self::panelError($action, self::decodeError('user_package', 'userInfo', 'missing field `userInfo`'));
        }
        return FlvxViews::serviceView($package, $context);
    }

    /**
     * A disabled customer cannot log in (and 3.0 refuses its tokens too), so its view comes
     * from the admin's lists: `user/list` and `forward/list`; no tunnel details.
     */
    private function adminView(FlvxService $service, int $user, array $context): array
    {
        $action = 'action_usage';
        $account = $this->currentUser($service, $user, $action);
        if ($account === null) {
            throw self::panelErrorText($action, 'user ' . $user . ' was not found on the panel');
        }
        $package = array(
            'userInfo' => $account,
            'tunnelPermissions' => array(),
            'forwards' => $this->forwardsOf($user, $action),
        );
        return FlvxViews::serviceView($package, $context);
    }
}
