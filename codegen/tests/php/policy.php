<?php

/**
 * The generated module's forward policy on a list of inputs, for the parity test:
 * `php policy.php MODULE_DIR < inputs.json`. Prints one JSON object with, per input, what
 * FlvxForwardPolicy made of it (see `policy_parity.rs`).
 */

require __DIR__ . '/bootstrap.php';

use WHMCS\Module\Server\Flvx\FlvxForwardPolicy;
use WHMCS\Module\Server\Flvx\FlvxProvisionException;

$moduleDir = isset($argv[1]) ? rtrim($argv[1], '/') : '';
flvx_test_assert($moduleDir !== '' && is_file($moduleDir . '/flvx.php'), 'usage: php policy.php MODULE_DIR');
require $moduleDir . '/flvx.php';

$inputs = json_decode((string) stream_get_contents(STDIN), true);
flvx_test_assert(is_array($inputs), 'stdin is not JSON');

$out = array('targets' => array(), 'networks' => array(), 'ranges' => array(), 'addresses' => array());
foreach ($inputs['targets'] as $raw) {
    try {
        $hosts = array();
        foreach (FlvxForwardPolicy::parseTargets($raw) as $target) {
            $host = $target['ip'] !== null ? 'ip ' . FlvxForwardPolicy::addressText($target['ip']) : 'name ' . $target['name'];
            $hosts[] = $target['text'] . ' = ' . $host . ' port ' . $target['port'];
        }
        $out['targets'][] = $hosts;
    } catch (FlvxProvisionException $e) {
        $out['targets'][] = $e->getKey();
    }
}
foreach ($inputs['networks'] as $raw) {
    $list = FlvxForwardPolicy::parseNetworkList($raw);
    $out['networks'][] = $list === null ? null : count($list);
}
foreach ($inputs['ranges'] as $raw) {
    $range = FlvxForwardPolicy::parsePortRange($raw);
    $out['ranges'][] = $range === false ? 'invalid' : ($range === null ? 'none' : $range[0] . '-' . $range[1]);
}
foreach ($inputs['addresses'] as $raw) {
    $ip = FlvxForwardPolicy::parseIp($raw);
    $refused = $ip === null ? null : FlvxForwardPolicy::refusedNetwork($ip);
    $out['addresses'][] = $ip === null ? 'unparsed' : ($refused === null ? 'ok' : $refused[0] . ' ' . $refused[1]);
}
echo json_encode($out, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
