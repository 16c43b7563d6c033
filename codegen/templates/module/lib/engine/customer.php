<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * The customer's own forwards, acting as the customer (engine/customer.rs).
 * Used by FlvxEngine, whose fields and helpers it relies on.
 */
trait FlvxEngineCustomer
{
    /**
     * The customer's forwards. Calls (as the customer): `forward/list`.
     */
    public function forwards(FlvxService $service): array
    {
        $record = $this->provisioned($service->id);
        $list = function (FlvxApiClient $customer) {
            return $this->listCall($customer, 'forward_list', array(), 'action_forwards', array('id', 'tunnelId'));
        };
        return $this->withCustomer($service, (int) $record['user_id'], $record, $list);
    }

    /**
     * Adds a forward after checking the input, the tunnel, the forward limit and the
     * forward policy (FlvxForwardPolicy): targets are resolved and checked before any call,
     * then against the nodes' own addresses; an asked-for entry port must lie in the plan's
     * range, the entry nodes' ranges and be free on them, and with a plan range and no port
     * the lowest free one is chosen. Calls: `forward/list` (admin: every forward, for the
     * count and the ports in use), `node/list`, `tunnel/list` only with a port or a plan
     * range (the tunnel's entry nodes), then as the customer `forward/create`,
     * `forward/list` (the new id, and the limit checked again), and `forward/delete` when a
     * concurrent request filled the last place first.
     *
     * @param array $request from forwardRequest(): tunnel, name, target, port (int|null)
     */
    public function addForward(FlvxService $service, array $request): array
    {
        $action = 'action_forwards';
        $targets = self::checkRequest($request, $service);
        $record = $this->provisioned($service->id);
        if ($record['suspended']) {
            throw new FlvxProvisionException('service_suspended');
        }
        $tunnel = (int) $request['tunnel'];
        if (!array_key_exists($tunnel, $record['bindings'])) {
            throw new FlvxProvisionException('tunnel_not_in_plan', array('tunnel' => (string) $tunnel));
        }
        $allowed = FlvxForwardPolicy::parseNetworkList($service->text('allowed_target_networks'));
        $allowed = $allowed === null ? array() : $allowed;
        $own = array('panel' => $this->panelAddresses(), 'nodes' => array());
        $resolved = array();
        foreach ($targets as $target) {
            $addresses = FlvxForwardPolicy::targetAddresses($target);
            if ($addresses === null) {
                throw new FlvxProvisionException('target_unresolved', array('target' => $target['text']));
            }
            foreach ($addresses as $address) {
                FlvxForwardPolicy::checkAddress($target['text'], $address, $allowed, $own);
            }
            $resolved[] = array($target['text'], $addresses);
        }
        $forwards = $this->listCall($this->api, 'forward_list', array(), $action, array('id', 'tunnelId'));
        $count = 0;
        foreach ($forwards as $forward) {
            if (isset($forward['userId']) && is_numeric($forward['userId'])
                && (int) $forward['userId'] === (int) $record['user_id']
            ) {
                $count++;
            }
        }
        $max = $service->number('max_forwards');
        if ($count >= $max) {
            throw new FlvxProvisionException(
                'forward_limit',
                array('count' => (string) $count, 'max' => (string) $max)
            );
        }
        $nodes = $this->listCall($this->api, 'node_list', array(), $action, array('id'));
        $own['nodes'] = self::nodeAddresses($nodes);
        foreach ($resolved as $pair) {
            foreach ($pair[1] as $address) {
                FlvxForwardPolicy::checkAddress($pair[0], $address, $allowed, $own);
            }
        }
        $port = $this->entryPort($service, $request, $nodes, $forwards);
        $body = array(
            'tunnelId' => $tunnel,
            'name' => self::trimUnicode((string) $request['name']),
            'remoteAddr' => self::trimUnicode((string) $request['target']),
        );
        if ($port !== null) {
            $body['inPort'] = $port;
        }
        $create = function (FlvxApiClient $customer) use ($body, $action) {
            $this->call($customer, 'forward_create', $body, $action);
        };
        $this->withCustomer($service, (int) $record['user_id'], $record, $create);
        $customer = $this->customer($service, $record);
        $forwards = $this->listCall($customer, 'forward_list', array(), $action, array('id', 'tunnelId'));
        $newest = null;
        foreach ($forwards as $forward) {
            $name = isset($forward['name']) && is_scalar($forward['name']) ? (string) $forward['name'] : '';
            if ($name === $body['name'] && (int) $forward['tunnelId'] === $tunnel) {
                if ($newest === null || (int) $forward['id'] > (int) $newest['id']) {
                    $newest = $forward;
                }
            }
        }
        if ($newest === null) {
            throw self::panelErrorText(
                $action,
                'forward ' . self::quoted($body['name']) . ' just created was not found on the panel'
            );
        }
        $this->keepWithinLimit($customer, $forwards, (int) $newest['id'], $max, $action);
        return $newest;
    }

    /**
     * Another request for this customer may have passed the count at the same time (two
     * clicks, two browser tabs): the limit then holds by keeping the oldest forwards, so a
     * forward created beyond them is deleted again and the request refused. The list is
     * the one read for the new id: no extra call unless a forward must go.
     */
    private function keepWithinLimit(FlvxApiClient $customer, array $forwards, int $created, int $max, string $action): void
    {
        $older = 0;
        foreach ($forwards as $forward) {
            if ((int) $forward['id'] < $created) {
                $older++;
            }
        }
        if ($older < $max) {
            return;
        }
        try {
            $customer->call('forward_delete', array('id' => $created));
        } catch (FlvxApiException $e) {
            if (!$e->isNotFound()) {
                throw self::panelError($action, $e);
            }
        }
        throw new FlvxProvisionException('forward_limit', array('count' => (string) $older, 'max' => (string) $max));
    }

    /**
     * The addresses of the panel URL's host (none when it has none).
     *
     * @return string[] packed
     */
    private function panelAddresses(): array
    {
        $host = FlvxForwardPolicy::urlHost($this->api->baseUrl());
        return $host === null ? array() : FlvxForwardPolicy::addressesOf($host);
    }

    /**
     * Every node address (names resolved), with the node's name.
     *
     * @return array[] list of array(packed address, node name)
     */
    private static function nodeAddresses(array $nodes): array
    {
        $out = array();
        foreach ($nodes as $node) {
            foreach (FlvxForwardPolicy::nodeAddresses($node) as $text) {
                foreach (FlvxForwardPolicy::addressesOf($text) as $address) {
                    $out[] = array($address, FlvxForwardPolicy::nodeName($node));
                }
            }
        }
        return $out;
    }

    /**
     * The entry port to send: the one asked for, checked against the tunnel's entry
     * nodes; with none asked for and a plan range, the lowest free port of it; else null
     * (the panel's choice). Reads `tunnel/list` only when a port or a range is involved.
     *
     * @return int|null
     */
    private function entryPort(FlvxService $service, array $request, array $nodes, array $forwards)
    {
        $range = FlvxForwardPolicy::parsePortRange($service->text('entry_port_range'));
        $range = is_array($range) ? $range : null;
        if ($request['port'] === null && $range === null) {
            return null;
        }
        $tunnels = $this->listCall($this->api, 'tunnel_list', array(), 'action_forwards', array('id'));
        $entry = FlvxForwardPolicy::entryNodes($nodes, $tunnels, (int) $request['tunnel']);
        if ($request['port'] !== null) {
            FlvxForwardPolicy::checkPort((int) $request['port'], $entry, $tunnels, $forwards);
            return (int) $request['port'];
        }
        return FlvxForwardPolicy::pickPort($range, $entry, $tunnels, $forwards);
    }

    /**
     * Deletes one of the customer's forwards. Calls (as the customer): `forward/delete`.
     */
    public function deleteForward(FlvxService $service, int $forward): void
    {
        $record = $this->provisioned($service->id);
        $this->customerCall($service, $record, 'forward_delete', $forward);
        $record['customer_paused'] = self::withoutId($record['customer_paused'], $forward);
        $record['suspended_forwards'] = self::withoutId($record['suspended_forwards'], $forward);
        $this->store->save($service->id, $record);
    }

    /**
     * Pauses one of the customer's forwards and remembers that the customer chose to, so
     * neither renewals nor an unsuspend resume it. Calls (as the customer): `forward/pause`.
     */
    public function pauseForward(FlvxService $service, int $forward): void
    {
        $record = $this->provisioned($service->id);
        $this->customerCall($service, $record, 'forward_pause', $forward);
        if (!in_array($forward, $record['customer_paused'], true)) {
            $record['customer_paused'][] = $forward;
        }
        // Paused by the customer during a suspension: unsuspend must leave it paused.
        $record['suspended_forwards'] = self::withoutId($record['suspended_forwards'], $forward);
        $this->store->save($service->id, $record);
    }

    /**
     * Resumes one of the customer's forwards; refused while the service is suspended.
     * Calls (as the customer): `forward/resume`.
     */
    public function resumeForward(FlvxService $service, int $forward): void
    {
        $record = $this->provisioned($service->id);
        if ($record['suspended']) {
            throw new FlvxProvisionException('service_suspended');
        }
        $this->customerCall($service, $record, 'forward_resume', $forward);
        $record['customer_paused'] = self::withoutId($record['customer_paused'], $forward);
        $this->store->save($service->id, $record);
    }

    /**
     * Zeroes one forward's own traffic counter, where the product lets customers (3.0
     * builds since July 2026; the quota and the account's counters are untouched).
     * Calls (as the customer): `forward/reset-flow`.
     */
    public function resetForwardTraffic(FlvxService $service, int $forward): void
    {
        $record = $this->provisioned($service->id);
        if ($service->text('forward_traffic_reset') !== 'yes') {
            throw new FlvxProvisionException('forward_reset_not_offered');
        }
        $this->customerCall($service, $record, 'forward_reset_flow', $forward);
    }

    /**
     * `forward/delete|pause|resume|reset-flow` as the customer; "does not exist" (which the
     * panel also says for another user's forward) becomes `forward_not_found`.
     */
    private function customerCall(FlvxService $service, array &$record, string $endpoint, int $forward): void
    {
        try {
            $send = function (FlvxApiClient $customer) use ($endpoint, $forward) {
                $customer->call($endpoint, array('id' => $forward));
            };
            $this->withCustomer($service, (int) $record['user_id'], $record, $send);
        } catch (FlvxApiException $e) {
            if ($e->isNotFound()) {
                throw new FlvxProvisionException('forward_not_found', array('forward' => (string) $forward), $e);
            }
            throw self::panelError('action_forwards', $e);
        }
    }

    /**
     * A forward request from form input (strings), with the port parsed: empty means
     * "any", otherwise a whole number 0-65535 (0 is then refused by checkRequest()).
     */
    public static function forwardRequest(array $input): array
    {
        $text = function ($key) use ($input) {
            return isset($input[$key]) && is_string($input[$key]) ? $input[$key] : '';
        };
        $tunnel = trim($text('tunnel_id'));
        $port = trim($text('port'));
        $parsedPort = null;
        if ($port !== '') {
            if (!ctype_digit($port) || strlen(ltrim($port, '0')) > 5 || (int) $port > 65535) {
                throw new FlvxProvisionException('invalid_forward', self::invalidField('port'));
            }
            $parsedPort = (int) $port;
        }
        return array(
            'tunnel' => (ctype_digit($tunnel) && strlen($tunnel) <= 18) ? (int) $tunnel : 0,
            'name' => $text('name'),
            'target' => $text('target'),
            'port' => $parsedPort,
        );
    }

    /**
     * The same checks as the Rust `check_request`: a name of 1 to 100 characters, the
     * targets (FlvxForwardPolicy::parseTargets), no port 0, and a port inside the plan's
     * entry-port range. Returns the parsed targets.
     */
    public static function checkRequest(array $request, FlvxService $service): array
    {
        $name = self::trimUnicode(isset($request['name']) ? (string) $request['name'] : '');
        $length = preg_match_all('/./su', $name);
        if ($name === '' || $length === false || $length > 100) {
            throw new FlvxProvisionException('invalid_forward', self::invalidField('name'));
        }
        $targets = FlvxForwardPolicy::parseTargets(isset($request['target']) ? (string) $request['target'] : '');
        $port = array_key_exists('port', $request) && $request['port'] !== null ? (int) $request['port'] : null;
        if ($port === 0) {
            throw new FlvxProvisionException('invalid_forward', self::invalidField('port'));
        }
        $range = FlvxForwardPolicy::parsePortRange($service->text('entry_port_range'));
        if ($port !== null && is_array($range) && ($port < $range[0] || $port > $range[1])) {
            throw new FlvxProvisionException('port_outside_plan', array(
                'port' => (string) $port,
                'min' => (string) $range[0],
                'max' => (string) $range[1],
            ));
        }
        return $targets;
    }
}
