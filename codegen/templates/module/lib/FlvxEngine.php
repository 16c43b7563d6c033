<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * The lifecycle engine, step for step the Rust `flvx_provision::Engine`: the same panel
 * calls in the same order with the same values (the per-tunnel binding writes sent at
 * once, as there, engine/parallel.php), the same catalogue errors, and the service record
 * saved at the same points (only after the panel confirmed).
 *
 * Updates on the panel are full replaces, so every write is computed from the plan and
 * the service's own state; the panel is read only for what the plan cannot know.
 */
final class FlvxEngine
{
    use FlvxEngineAccess;
    use FlvxEngineBatch;
    use FlvxEngineCreate;
    use FlvxEngineCustomer;
    use FlvxEngineImport;
    use FlvxEngineLink;
    use FlvxEngineOwnership;
    use FlvxEnginePackage;
    use FlvxEngineParallel;
    use FlvxEngineReconcile;
    use FlvxEngineRepush;
    use FlvxEngineSuspend;
    use FlvxEngineTerminate;
    use FlvxEngineTraffic;
    use FlvxEngineUsage;
    use FlvxEngineViews;

    const PAUSE = 'pause';
    const RESUME = 'resume';
    const DELETE = 'delete';

    /** @var FlvxApiClient */
    private $api;

    /** @var FlvxStore */
    private $store;

    /** @var array<string, FlvxApiClient> customer handles by username, so tokens are reused */
    private $customers = array();

    public function __construct(FlvxApiClient $api, FlvxStore $store)
    {
        $this->api = $api;
        $this->store = $store;
    }

    /**
     * An engine on the server of these module parameters.
     */
    public static function fromParams(array $params): FlvxEngine
    {
        return new self(FlvxApiClient::fromParams($params), new FlvxStore());
    }

    public function api(): FlvxApiClient
    {
        return $this->api;
    }

    public function store(): FlvxStore
    {
        return $this->store;
    }

    // ------------------------------------------------------- module-function glue

    /**
     * The message a module function returns for a failure. Catalogue and panel errors
     * are returned as they are (already in the admin's or client's language, naming the
     * cause and the fix; panel requests are logged by the client); anything unexpected is
     * logged with secrets masked and described (to clients only in general terms).
     */
    public static function failureMessage(
        string $function,
        array $params,
        \Throwable $e,
        bool $forClient = false
    ): string {
        if ($forClient && self::isUnreachable($e)) {
            // The customer cannot act on it, and the details (host, port, a proxy's page)
            // are the seller's: they go to the module log.
            self::logUnexpected($function, $params, $e);
            return FlvxLang::text('panel_unavailable');
        }
        if ($e instanceof FlvxProvisionException || $e instanceof FlvxApiException) {
            return $e->getMessage();
        }
        $detail = self::logUnexpected($function, $params, $e);
        if ($forClient) {
            return 'An unexpected error occurred. Please contact support; the details are in the WHMCS module log.';
        }
        return 'Unexpected error in flvx_' . $function . ': ' . $detail
            . ' Enable Module Debug Logging and see the module log for details.';
    }

    /**
     * Whether `$e` is (or wraps) a panel that could not be reached or did not answer like
     * FLVX (the Rust `ProvisionError::customer_message`).
     */
    private static function isUnreachable(\Throwable $e): bool
    {
        $api = $e instanceof FlvxApiException ? $e : $e->getPrevious();
        return $api instanceof FlvxApiException
            && in_array($api->getKind(), array(FlvxApiException::TRANSPORT, FlvxApiException::UNEXPECTED), true);
    }

    /**
     * Logs an unexpected failure to the WHMCS module log, secrets masked by value.
     *
     * @return string the masked description
     */
    public static function logUnexpected(string $function, array $params, \Throwable $e): string
    {
        $secrets = array();
        foreach (array('password', 'serverpassword', 'serveraccesshash') as $key) {
            if (isset($params[$key]) && is_string($params[$key]) && strlen($params[$key]) >= 4) {
                $secrets[] = $params[$key];
            }
        }
        $detail = get_class($e) . ': ' . $e->getMessage() . ' (' . basename($e->getFile()) . ':' . $e->getLine() . ')';
        foreach ($secrets as $secret) {
            $detail = str_replace($secret, '********', $detail);
        }
        if (function_exists('logModuleCall')) {
            $request = array(
                'serviceid' => isset($params['serviceid']) && is_scalar($params['serviceid'])
                    ? $params['serviceid']
                    : null,
                'serverid' => isset($params['serverid']) && is_scalar($params['serverid'])
                    ? $params['serverid']
                    : null,
            );
            logModuleCall('flvx', $function, $request, $detail, '', $secrets);
        }
        return $detail;
    }

    /**
     * Whether this request is a POST: the customer's forward actions change things, so they
     * only come from the product page's forms (which carry WHMCS's CSRF token).
     */
    public static function isPostRequest(): bool
    {
        $method = isset($_SERVER['REQUEST_METHOD']) && is_string($_SERVER['REQUEST_METHOD'])
            ? strtoupper($_SERVER['REQUEST_METHOD'])
            : '';
        return $method === 'POST';
    }

    /**
     * WHMCS's CSRF check of the client area's forms (each carries `token`), where WHMCS
     * has it: a forged request from another site ends there, before any panel call.
     */
    public static function checkCsrfToken(): void
    {
        if (function_exists('check_token')) {
            check_token('WHMCS.default');
        }
    }

    /**
     * A forward id from form input: a positive whole number, else `forward_not_found`.
     *
     * @param mixed $value
     */
    public static function forwardId($value): int
    {
        $text = is_string($value) || is_int($value) ? trim((string) $value) : '';
        if ($text === '' || !ctype_digit($text) || strlen($text) > 18 || (int) $text <= 0) {
            throw new FlvxProvisionException('forward_not_found', array('forward' => '0'));
        }
        return (int) $text;
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The stored record of a provisioned service; `not_provisioned` otherwise.
     */
    public function provisioned(int $serviceId): array
    {
        $record = $this->store->load($serviceId);
        if ($record['user_id'] === null) {
            throw new FlvxProvisionException('not_provisioned');
        }
        return $record;
    }

    /**
     * The plan's tunnels, plus those of its tunnel group (one extra call only if set).
     *
     * @return int[]
     */
    private function tunnels(FlvxService $service, string $action): array
    {
        $tunnels = $service->planTunnels();
        $group = $service->number('tunnel_group');
        if ($group > 0) {
            $groups = $this->listCall($this->api, 'tunnel_group_list', array(), $action, array('id'));
            foreach ($groups as $candidate) {
                if ((int) $candidate['id'] !== $group) {
                    continue;
                }
                $members = isset($candidate['tunnelIds']) && is_array($candidate['tunnelIds'])
                    ? $candidate['tunnelIds']
                    : array();
                foreach ($members as $tunnel) {
                    if (is_numeric($tunnel) && !in_array((int) $tunnel, $tunnels, true)) {
                        $tunnels[] = (int) $tunnel;
                    }
                }
                break;
            }
        }
        return $tunnels;
    }

    /**
     * The user's forwards, from the admin list of all forwards.
     */
    private function forwardsOf(int $user, string $action): array
    {
        $mine = array();
        foreach ($this->listCall($this->api, 'forward_list', array(), $action, array('id', 'tunnelId')) as $forward) {
            if (isset($forward['userId']) && is_numeric($forward['userId']) && (int) $forward['userId'] === $user) {
                $mine[] = $forward;
            }
        }
        // Oldest first, as 2.1 lists them (3.0 lists newest first).
        usort($mine, function (array $a, array $b) {
            return (int) $a['id'] <=> (int) $b['id'];
        });
        return $mine;
    }

    private function bindingsOf(int $user, string $action): array
    {
        return $this->listCall($this->api, 'binding_list', array('userId' => $user), $action, array('id', 'tunnelId'));
    }

    /**
     * The user whose name is exactly `$name` (the keyword search is a substring match).
     *
     * @return array|null
     */
    public function findUserByName(string $name, string $action)
    {
        foreach ($this->listCall($this->api, 'user_list', array('keyword' => $name), $action, array('id')) as $user) {
            if (isset($user['user']) && is_scalar($user['user']) && (string) $user['user'] === $name) {
                return $user;
            }
        }
        return null;
    }

    /**
     * The user with this id (there is no get-by-id endpoint, so this lists every user).
     *
     * @return array|null
     */
    private function findUser(int $id, string $action)
    {
        foreach ($this->listCall($this->api, 'user_list', array(), $action, array('id')) as $user) {
            if ((int) $user['id'] === $id) {
                return $user;
            }
        }
        return null;
    }

    /**
     * A handle acting as the service's customer, with the panel password of `$record`, kept
     * so its token is reused.
     */
    private function customer(FlvxService $service, array $record): FlvxApiClient
    {
        $username = $service->username();
        if (!isset($this->customers[$username])) {
            $this->customers[$username] = $this->api->actingAs($username, self::panelPassword($service, $record));
        }
        return $this->customers[$username];
    }

    /**
     * Drops the customer's handle and its cached token (the cache outlives the request
     * here, and a token of a deleted user would outlive the user: the panel keeps
     * accepting it, scoped to the old user id, for up to 90 days).
     */
    private function forgetCustomer(string $username): void
    {
        unset($this->customers[$username]);
        // Cached customer tokens outlive the request: drop it with the old password.
        $this->api->actingAs($username, '')->forgetCachedToken();
    }

    /**
     * Every user field, from the plan and the service's state (full replace).
     *
     * @param string|null $password a new password, or null to keep the current one
     */
    private function desiredUser(FlvxService $service, int $user, int $status, $password, string $action, $maxConn = null): array
    {
        $fields = self::desiredFields($service, $user, $status, $maxConn);
        if ($password === null) {
            return $fields;
        }
        self::checkPassword((string) $password, $action);
        return array('id' => $fields['id'], 'user' => $fields['user'], 'pwd' => (string) $password) + $fields;
    }

    /**
     * Every user field but the password, from the plan and the service's state.
     *
     * @param int|null $maxConn the connection cap to send, or null for none (2.1)
     */
    private static function desiredFields(FlvxService $service, int $user, int $status, $maxConn): array
    {
        $body = array('id' => $user, 'user' => $service->username());
        $body['flow'] = $service->number('traffic_quota');
        $body['num'] = $service->number('max_forwards');
        $body['expTime'] = $service->expiryMs();
        $body['flowResetTime'] = $service->resetDay();
        $body['status'] = $status;
        // Always sent: the plan is the whole membership, so a group dropped from it is
        // dropped on the panel too (an omitted key keeps the memberships, §5.3).
        $group = $service->number('user_group');
        $body['groupIds'] = $group > 0 ? array($group) : array();
        if ($maxConn !== null) {
            $body['maxConn'] = (int) $maxConn;
        }
        return $body + self::quotaKeys($service);
    }

    /**
     * A full update of `$user` from the plan (Engine::user_update). When the plan leaves the
     * connection cap to the panel, a 3.0 update must still carry the current one (omitted,
     * it is reset to 0), so it is read first: one `user/list`. 2.1 has no cap.
     */
    private function userUpdate(FlvxService $service, int $user, int $status, $password, string $action): array
    {
        $maxConn = $service->optional('max_connections');
        if ($maxConn === null && $this->isVersion3($action)) {
            $current = $this->currentUser($service, $user, $action);
            $maxConn = ($current !== null && isset($current['maxConn'])) ? (int) $current['maxConn'] : 0;
        }
        return $this->desiredUser($service, $user, $status, $password, $action, $maxConn);
    }

    /**
     * The panel's row of `$user`: searched by the service's name (a short answer), and among
     * all users when the customer renamed itself.
     *
     * @return array|null
     */
    private function currentUser(FlvxService $service, int $user, string $action)
    {
        $named = $this->listCall($this->api, 'user_list', array('keyword' => $service->username()), $action, array('id'));
        foreach ($named as $row) {
            if ((int) $row['id'] === $user) {
                return $row;
            }
        }
        return $this->findUser($user, $action);
    }

    /** Whether the panel is on the 3.0 line (learnt from its token, so free after login). */
    private function isVersion3(string $action): bool
    {
        try {
            return $this->api->isVersion3();
        } catch (FlvxApiException $e) {
            throw self::panelError($action, $e);
        }
    }

    /**
     * Refuses a plan that sets options this panel lacks, before anything is written: 2.1
     * would ignore them without a word (Engine::check_panel_supports).
     */
    private function checkPanelSupports(FlvxService $service, string $action): void
    {
        $option = FlvxOptions::needsVersion3($service->plan);
        if ($option === null) {
            return;
        }
        if (!$this->isVersion3($action)) {
            throw new FlvxProvisionException('needs_newer_panel', array(
                'option' => $option,
                'version' => $this->api->panelVersion(),
            ));
        }
        if ($service->text('forward_traffic_reset') !== 'yes') {
            return;
        }
        try {
            $resets = $this->api->supportsForwardResetFlow();
        } catch (FlvxApiException $e) {
            throw self::panelError($action, $e);
        }
        if (!$resets) {
            throw new FlvxProvisionException('needs_forward_reset_flow', array(
                'option' => FlvxOptions::labelOf('forward_traffic_reset'),
            ));
        }
    }

    /**
     * The daily and monthly quota keys the plan sets (3.0); windows it leaves empty are not
     * sent, which keeps their panel values.
     */
    private static function quotaKeys(FlvxService $service): array
    {
        $keys = array();
        foreach (array('daily_quota' => 'dailyQuotaGB', 'monthly_quota' => 'monthlyQuotaGB') as $option => $key) {
            $value = $service->optional($option);
            if ($value !== null) {
                $keys[$key] = $value;
            }
        }
        return $keys;
    }

    /**
     * The `user/create` body: every field the panel would otherwise default, with the
     * expiry the create sends (the same on every attempt) and the status the record calls for (0 when suspended).
     */
    private function newUserBody(FlvxService $service, int $sentExpiry, int $status, string $password, string $action): array
    {
        self::checkPassword($password, $action);
        $body = array(
            'user' => $service->username(),
            'pwd' => $password,
            'flow' => $service->number('traffic_quota'),
            'num' => $service->number('max_forwards'),
            'expTime' => $sentExpiry,
            'flowResetTime' => $service->resetDay(),
            'status' => $status,
        );
        $group = $service->number('user_group');
        if ($group > 0) {
            $body['groupIds'] = array($group);
        }
        $maxConn = $service->optional('max_connections');
        if ($maxConn !== null) {
            $body['maxConn'] = $maxConn;
        }
        return $body + self::quotaKeys($service);
    }

    /**
     * Every binding field for one tunnel. Bindings always stay enabled: suspension is done
     * on the user and its forwards, because a binding update restarts paused forwards.
     */
    private function desiredBinding(FlvxService $service, int $user, int $tunnel): array
    {
        return array(
            'userId' => $user,
            'tunnelId' => $tunnel,
            'flow' => $service->number('traffic_quota'),
            'num' => $service->number('max_forwards'),
            'expTime' => $service->expiryMs(),
            'flowResetTime' => $service->resetDay(),
            'status' => 1,
            'speedId' => $service->speedLimit(),
        );
    }

    /**
     * The panel trims passwords before storing them but not at login, so a blank or
     * padded password could never log in; refused before sending (as the SDK does).
     */
    private static function checkPassword(string $password, string $action): void
    {
        if (self::trimUnicode($password) === '') {
            throw self::panelErrorText($action, 'invalid pwd: the password must not be blank');
        }
        if (self::trimUnicode($password) !== $password) {
            throw self::panelErrorText(
                $action,
                'invalid pwd: the password must not start or end with spaces (the panel could never log it in)'
            );
        }
    }

    /**
     * Tunnel id => binding id for the plan's tunnels, sorted by tunnel id.
     *
     * @param int[] $tunnels
     */
    private function bindingMap(array $bindings, array $tunnels): array
    {
        $map = array();
        foreach ($bindings as $binding) {
            $tunnel = (int) $binding['tunnelId'];
            if (in_array($tunnel, $tunnels, true)) {
                $map[$tunnel] = (int) $binding['id'];
            }
        }
        ksort($map);
        return $map;
    }

    /**
     * A panel call whose failure becomes `panel_error` naming the action.
     *
     * @return mixed the call's data
     */
    private function call(FlvxApiClient $api, string $endpoint, array $body, string $action)
    {
        try {
            return $api->call($endpoint, $body);
        } catch (FlvxApiException $e) {
            throw self::panelError($action, $e);
        }
    }

    /**
     * A list call: every row must be an object carrying the given integer fields.
     *
     * @param string[] $required
     */
    private function listCall(FlvxApiClient $api, string $endpoint, array $body, string $action, array $required): array
    {
        $data = $this->call($api, $endpoint, $body, $action);
        if (!is_array($data)) {
            throw self::panelError($action, self::decodeError($endpoint, '', 'expected a list'));
        }
        $rows = array();
        foreach (array_values($data) as $i => $row) {
            if (!is_array($row)) {
                throw self::panelError($action, self::decodeError($endpoint, '[' . $i . ']', 'expected an object'));
            }
            foreach ($required as $field) {
                if (!isset($row[$field]) || !is_numeric($row[$field])) {
                    throw self::panelError(
                        $action,
                        self::decodeError(
                            $endpoint,
                            '[' . $i . '].' . $field,
                            'missing or non-numeric field `' . $field . '`'
                        )
                    );
                }
            }
            $rows[] = $row;
        }
        return $rows;
    }

    /**
     * `panel_error` for a failed call, in the admin's or client's language.
     */
    public static function panelError(string $action, FlvxApiException $e): FlvxProvisionException
    {
        $reason = self::reasonOf($e);
        if ($reason !== null) {
            return new FlvxProvisionException(
                'panel_refused',
                array('action' => FlvxLang::text($action), 'reason' => FlvxLang::text($reason)),
                $e
            );
        }
        return new FlvxProvisionException(
            'panel_error',
            array('action' => FlvxLang::text($action), 'detail' => $e->getMessage()),
            $e
        );
    }

    /**
     * The catalogue reason for a refusal the catalogue explains (refusals.rs): a refused
     * target, an inactive licence, or a known panel message.
     *
     * @return string|null a message key
     */
    private static function reasonOf(FlvxApiException $e)
    {
        if ($e->getKind() === FlvxApiException::TARGET) {
            return 'reason_target_refused';
        }
        if ($e->getKind() === FlvxApiException::LICENCE) {
            return 'reason_licence_inactive';
        }
        if ($e->getKind() !== FlvxApiException::API) {
            return null;
        }
        return self::reasonFor((string) $e->getPanelMessage());
    }

    /**
     * The catalogue reason for a panel message, if the table knows it.
     *
     * @return string|null a message key
     */
    public static function reasonFor(string $panelMessage)
    {
        foreach (FlvxConstants::REFUSALS as $refusal) {
            if (strpos($panelMessage, $refusal[0]) !== false) {
                return $refusal[1];
            }
        }
        return null;
    }

    private static function panelErrorText(string $action, string $detail): FlvxProvisionException
    {
        return new FlvxProvisionException(
            'panel_error',
            array('action' => FlvxLang::text($action), 'detail' => $detail)
        );
    }

    private static function decodeError(string $endpoint, string $where, string $what): FlvxApiException
    {
        $path = isset(FlvxApiClient::ENDPOINTS[$endpoint]) ? FlvxApiClient::ENDPOINTS[$endpoint]['path'] : $endpoint;
        return new FlvxApiException(
            FlvxApiException::DECODE,
            'could not decode ' . $path . ' data at `' . $where . '`: ' . $what,
            $path
        );
    }

    /**
     * Whether the panel records the forward as running (status 1).
     */
    public static function isRunning(array $forward): bool
    {
        return isset($forward['status']) && is_numeric($forward['status']) && (int) $forward['status'] === 1;
    }

    /**
     * Ids of the forwards that run (`true`), are paused (`false`) or all (`null`).
     *
     * @param bool|null $running
     * @return int[]
     */
    private static function idsWhere(array $forwards, $running): array
    {
        $ids = array();
        foreach ($forwards as $forward) {
            if ($running === null || self::isRunning($forward) === $running) {
                $ids[] = (int) $forward['id'];
            }
        }
        return $ids;
    }

    /**
     * `$list` plus the ids of `$more` it lacks, in order.
     */
    private static function mergeIds(array $list, array $more): array
    {
        foreach ($more as $id) {
            if (!in_array($id, $list, true)) {
                $list[] = $id;
            }
        }
        return $list;
    }

    private static function withoutId(array $list, int $id): array
    {
        $kept = array();
        foreach ($list as $item) {
            if ($item !== $id) {
                $kept[] = $item;
            }
        }
        return $kept;
    }

    /**
     * The binding's speed-limit id, or null.
     *
     * @return int|null
     */
    private static function speedOf(array $binding)
    {
        return isset($binding['speedId']) && is_numeric($binding['speedId']) ? (int) $binding['speedId'] : null;
    }

    /**
     * 1 unless the service is suspended.
     */
    private static function userStatus(array $record): int
    {
        return $record['suspended'] ? 0 : 1;
    }

    /**
     * The arguments of `invalid_forward` for a form field (`name`, `target`, `port`): the
     * field's name and its rule from the catalogue, like the Rust `ForwardField`, so the
     * message reads whole in every language.
     *
     * @return array{field: string, reason: string}
     */
    public static function invalidField(string $field): array
    {
        return array(
            'field' => FlvxLang::text('field_' . $field),
            'reason' => FlvxLang::text('rule_' . $field),
        );
    }

    /**
     * Trims Unicode white space like Rust's `str::trim` (PHP's trim() knows only ASCII).
     */
    public static function trimUnicode(string $text): string
    {
        $trimmed = preg_replace('/^[\s\p{Z}\x{85}]+|[\s\p{Z}\x{85}]+$/u', '', $text);
        return is_string($trimmed) ? $trimmed : trim($text);
    }

    /**
     * A string in double quotes, as Rust's `{:?}` prints simple ones.
     */
    private static function quoted(string $text): string
    {
        return '"' . addcslashes($text, "\"\\\n\r\t") . '"';
    }
}
