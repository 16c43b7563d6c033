<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Independent panel calls sent at once (engine/parallel.rs): the binding writes of
 * different tunnels do not depend on each other, so a service on several tunnels waits one
 * round trip for them instead of one per tunnel.
 * Used by FlvxEngine, whose fields and helpers it relies on.
 */
trait FlvxEngineParallel
{
    /**
     * `tunnel/user/assign` of every body at once. Every call is answered before this
     * returns; the error is that of the first failed binding in the given order, so a
     * failure reads the same whichever answer came first. Assigns are upserts: a retry
     * writes them all again and converges.
     *
     * @param array[] $assigns
     */
    private function assignBindings(array $assigns, string $action): void
    {
        $this->callAll($this->api, 'binding_assign', $assigns, $action);
    }

    /**
     * `tunnel/user/remove` of every binding at once, with the error reporting of
     * assignBindings. A retry lists the bindings again and removes only those still there.
     *
     * @param int[] $bindings
     */
    private function removeBindings(array $bindings, string $action): void
    {
        $bodies = array();
        foreach ($bindings as $binding) {
            $bodies[] = array('id' => (int) $binding);
        }
        $this->callAll($this->api, 'binding_remove', $bodies, $action);
    }

    /**
     * Calls one endpoint with every body at once; the first failure in input order, as
     * a panel error of `$action`.
     *
     * @param array[] $bodies
     * @return array each call's data, in input order
     */
    private function callAll(FlvxApiClient $api, string $endpoint, array $bodies, string $action): array
    {
        try {
            $results = $api->callAll($endpoint, $bodies);
        } catch (FlvxApiException $e) {
            throw self::panelError($action, $e);
        }
        foreach ($results as $result) {
            if ($result instanceof FlvxApiException) {
                throw self::panelError($action, $result);
            }
        }
        return $results;
    }
}
