<?php

namespace WHMCS\Module\Server\Flvx;

use WHMCS\Database\Capsule;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * The daily job of one server (UsageUpdate, and the admin's "Reconcile server now"): every
 * Active or Suspended service of the server is brought back to its plan and its traffic
 * written to tblhosting and to today's daily usage sample (the client area's 30-day
 * chart), from one `user/list` and one `forward/list`. Each repair, and each
 * service that could not be repaired, is one line of the module log.
 */
final class FlvxReconcileJob
{
    /**
     * Runs the job for the server of `$params` (a server's or a service's parameters).
     *
     * @return array{services: int, repairs: int, missing: int, failed: int}
     */
    public static function run(array $params): array
    {
        $serverId = isset($params['serverid']) && is_numeric($params['serverid']) ? (int) $params['serverid'] : 0;
        $counts = array('services' => 0, 'repairs' => 0, 'missing' => 0, 'failed' => 0);
        $services = array();
        foreach (self::serviceIds($serverId) as $id) {
            try {
                $services[] = FlvxService::fromParams(FlvxService::paramsOf($id));
            } catch (\Throwable $e) {
                $counts['failed']++;
                self::log($id, FlvxLang::text('repair_failed', array(
                    'service' => (string) $id,
                    'error' => FlvxEngine::failureMessage('UsageUpdate', array(), $e),
                )));
            }
        }
        $counts['services'] = count($services);
        if (count($services) === 0) {
            return $counts;
        }
        $report = FlvxEngine::fromParams($params)->reconcile($services);
        self::writeUsage($report['usage']);
        foreach ($report['repairs'] as $repair) {
            self::log($repair[0], FlvxLang::text($repair[1], $repair[2]));
        }
        foreach ($report['missing'] as $id => $user) {
            $args = array('service' => (string) $id, 'user' => (string) $user);
            self::log($id, FlvxLang::text('repair_missing', $args));
        }
        foreach ($report['failed'] as $id => $message) {
            self::log($id, FlvxLang::text('repair_failed', array('service' => (string) $id, 'error' => $message)));
        }
        // After the log lines, so a database failure here loses none of them.
        FlvxDailyUsage::record($report['usage'], FlvxDailyUsage::dayOf(FlvxService::currentMs()));
        $counts['repairs'] = count($report['repairs']);
        $counts['missing'] = count($report['missing']);
        $counts['failed'] += count($report['failed']);
        return $counts;
    }

    /**
     * The Active and Suspended services of the server.
     *
     * @return int[]
     */
    private static function serviceIds(int $serverId): array
    {
        $ids = array();
        $rows = Capsule::table('tblhosting')
            ->where('server', $serverId)
            ->whereIn('domainstatus', array('Active', 'Suspended'))
            ->orderBy('id')
            ->get(array('id'));
        foreach ($rows as $row) {
            $ids[] = (int) $row->id;
        }
        return $ids;
    }

    /**
     * Writes bwusage and bwlimit (MB, 0 = unlimited) in one transaction: a commit per row
     * made 10,000 services take seconds.
     */
    private static function writeUsage(array $usage): void
    {
        $now = date('Y-m-d H:i:s');
        Capsule::connection()->transaction(function () use ($usage, $now) {
            foreach ($usage as $serviceId => $u) {
                Capsule::table('tblhosting')->where('id', $serviceId)->update(array(
                    'bwusage' => $u['usage_mb'],
                    'bwlimit' => $u['limit_mb'],
                    'lastupdate' => $now,
                ));
            }
        });
    }

    private static function log(int $serviceId, string $text): void
    {
        if (function_exists('logModuleCall')) {
            logModuleCall('flvx', 'Reconcile', array('serviceid' => $serviceId), $text, '', array());
        }
    }
}
