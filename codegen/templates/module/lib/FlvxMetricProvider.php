<?php

namespace WHMCS\Module\Server\Flvx;

use WHMCS\Database\Capsule;
use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;
use WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface;
use WHMCS\UsageBilling\Metrics\Metric;
use WHMCS\UsageBilling\Metrics\Units\GigaBytes;
use WHMCS\UsageBilling\Metrics\Usage;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

// Usage Billing exists from WHMCS 7.9 on; without it this file defines nothing, so it still
// loads everywhere (flvx_MetricProvider then returns null).
if (interface_exists('WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface')) {
    /**
     * WHMCS Usage Billing: one monthly traffic metric, in GB (the panel's binary GiB, both
     * directions counted), for every service of a server from ONE `user/list` call.
     * Tenants are WHMCS service usernames, which the module sets to the panel username.
     */
    final class FlvxMetricProvider implements ProviderInterface
    {
        const TRAFFIC = 'flvx_traffic';

        /** @var array server (or service) module parameters */
        private $params;

        public function __construct(array $params)
        {
            $this->params = $params;
        }

        /**
         * The metrics this module reports; needs no service, so it works on product pages.
         */
        public function metrics()
        {
            return array(
                new Metric(self::TRAFFIC, 'Traffic', MetricInterface::TYPE_PERIOD_MONTH, new GigaBytes()),
            );
        }

        /**
         * Usage of every Active or Suspended service of this server, by tenant (username).
         */
        public function usage()
        {
            try {
                $serverId = isset($this->params['serverid']) && is_numeric($this->params['serverid'])
                    ? (int) $this->params['serverid']
                    : 0;
                $usernames = array();
                $rows = Capsule::table('tblhosting')
                    ->where('server', $serverId)
                    ->whereIn('domainstatus', array('Active', 'Suspended'))
                    ->get(array('id', 'username'));
                foreach ($rows as $row) {
                    $usernames[(int) $row->id] = isset($row->username) ? (string) $row->username : '';
                }
                if (count($usernames) === 0) {
                    return array();
                }
                $usage = array();
                foreach (FlvxEngine::fromParams($this->params)->usage(array_keys($usernames)) as $serviceId => $u) {
                    $tenant = $usernames[$serviceId] !== '' ? $usernames[$serviceId] : $u['username'];
                    $usage[$tenant] = $this->withTraffic($u['used']);
                }
                return $usage;
            } catch (\Throwable $e) {
                $this->log('MetricProvider::usage', $e);
                return array();
            }
        }

        /**
         * Usage of one tenant (a panel username), from one `user/list` filtered by name.
         */
        public function tenantUsage($tenant)
        {
            try {
                $name = is_scalar($tenant) ? (string) $tenant : '';
                if ($name === '') {
                    return array();
                }
                $user = FlvxEngine::fromParams($this->params)->findUserByName($name, 'label_traffic');
                if ($user === null) {
                    return array();
                }
                return $this->withTraffic(FlvxViews::usedBytes($user));
            } catch (\Throwable $e) {
                $this->log('MetricProvider::tenantUsage', $e);
                return array();
            }
        }

        /**
         * The metrics carrying a traffic figure, in GiB.
         */
        private function withTraffic(int $bytes): array
        {
            $wrapped = array();
            foreach ($this->metrics() as $metric) {
                $gib = round($bytes / (float) FlvxConstants::BYTES_PER_GIB, 6);
                $wrapped[] = $metric->withUsage(new Usage($gib));
            }
            return $wrapped;
        }

        private function log(string $action, \Throwable $e): void
        {
            if ($e instanceof FlvxProvisionException || $e instanceof FlvxApiException) {
                if (function_exists('logModuleCall')) {
                    logModuleCall('flvx', $action, array(), $e->getMessage(), '', array());
                }
                return;
            }
            FlvxEngine::logUnexpected($action, $this->params, $e);
        }
    }
}
