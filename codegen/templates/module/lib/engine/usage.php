<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Usage for a whole server in one call (usage.rs).
 */
trait FlvxEngineUsage
{
    /**
     * Traffic of every listed service that has a panel user, from ONE `user/list` call
     * (never one per service). Services whose user is missing on the panel are left out.
     *
     * @param int[] $serviceIds
     * @return array<int, array> by service id: username, user_id, used (bytes), quota
     *     (GiB), usage_mb and limit_mb (0 for unlimited) as WHMCS bwusage/bwlimit want them
     */
    public function usage(array $serviceIds): array
    {
        $pairs = array();
        foreach ($this->store->loadMany($serviceIds) as $serviceId => $record) {
            if ($record['user_id'] !== null) {
                $pairs[$serviceId] = (int) $record['user_id'];
            }
        }
        if (count($pairs) === 0) {
            return array();
        }
        $byId = array();
        foreach ($this->listCall($this->api, 'user_list', array(), 'action_usage', array('id')) as $user) {
            $byId[(int) $user['id']] = $user;
        }
        return self::usageOf($byId, $pairs);
    }

    /**
     * The usage of each service (service id => user id) whose user is in `$byId` (user id
     * => `user/list` row).
     *
     * @param array<int, array> $byId
     * @param array<int, int> $pairs
     */
    private static function usageOf(array $byId, array $pairs): array
    {
        $mbPerGib = intdiv((int) FlvxConstants::BYTES_PER_GIB, (int) FlvxConstants::BYTES_PER_MB);
        $usage = array();
        foreach ($pairs as $serviceId => $userId) {
            if (!isset($byId[$userId])) {
                continue;
            }
            $user = $byId[$userId];
            $used = FlvxViews::usedBytes($user);
            $quota = FlvxViews::intField($user, 'flow');
            $unlimited = $quota >= (int) FlvxConstants::UNLIMITED_GIB;
            $usage[$serviceId] = array(
                'username' => isset($user['user']) && is_scalar($user['user']) ? (string) $user['user'] : '',
                'user_id' => $userId,
                'used' => $used,
                'quota' => $quota,
                'usage_mb' => intdiv($used, (int) FlvxConstants::BYTES_PER_MB),
                'limit_mb' => $unlimited ? 0 : max(0, $quota) * $mbPerGib,
            );
        }
        return $usage;
    }

    /**
     * Every non-admin panel user (one `user/list`).
     */
    public function panelUsers(string $action): array
    {
        return $this->listCall($this->api, 'user_list', array(), $action, array('id'));
    }
}
