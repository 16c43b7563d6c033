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
        $this->provisioned($service->id);
        $customer = $this->customer($service);
        $action = 'action_usage';
        $package = $this->call($customer, 'user_package', array(), $action);
        if (!is_array($package) || !isset($package['userInfo']) || !is_array($package['userInfo'])) {
            throw self::panelError($action, self::decodeError('user_package', 'userInfo', 'missing field `userInfo`'));
        }
        return FlvxViews::serviceView($package, $service->number('max_forwards'));
    }
}
