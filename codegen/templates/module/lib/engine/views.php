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
     * The client-area view from the customer's own package. Calls (as the customer):
     * `user/package` (plus a login when the customer's token is not cached).
     */
    public function clientView(FlvxService $service): array
    {
        $record = $this->provisioned($service->id);
        if ($record['suspended']) {
            return $this->adminView($service, (int) $record['user_id']);
        }
        $customer = $this->customer($service);
        $action = 'action_usage';
        try {
            $package = $customer->call('user_package');
        } catch (FlvxApiException $e) {
            // Disabled by the panel itself (expired, quota): 3.0 refuses the customer's
            // token and its login, so the view comes from the admin's lists too.
            if ($e->getKind() === FlvxApiException::LOGIN || $e->getKind() === FlvxApiException::UNAUTHORIZED) {
                return $this->adminView($service, (int) $record['user_id']);
            }
            throw self::panelError($action, $e);
        }
        if (!is_array($package) || !isset($package['userInfo']) || !is_array($package['userInfo'])) {
            throw self::panelError($action, self::decodeError('user_package', 'userInfo', 'missing field `userInfo`'));
        }
        return FlvxViews::serviceView($package, $service->number('max_forwards'));
    }

    /**
     * A disabled customer cannot log in (and 3.0 refuses its tokens too), so its view comes
     * from the admin's lists: `user/list` and `forward/list`; no tunnel details.
     */
    private function adminView(FlvxService $service, int $user): array
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
        return FlvxViews::serviceView($package, $service->number('max_forwards'));
    }
}
