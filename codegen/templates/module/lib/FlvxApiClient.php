<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * The FLVX admin API client, generated from the Rust SDK's endpoint table.
 *
 * The panel answers HTTP 200 for every error, so success is decided by the envelope
 * `code` alone. The token is sent raw (no "Bearer"), cached across requests, and on a
 * body 401 the client logs in again once and retries once.
 */
final class FlvxApiClient
{
    /** Every endpoint: path, HTTP method, auth level, allowed request keys. */
    const ENDPOINTS = array(
{%- for e in ir.endpoints %}
        '{{ e.name }}' => array('path' => '{{ e.path }}', 'method' => '{{ e.http_method }}', 'auth' => '{{ e.auth }}', 'keys' => array({% for k in e.keys %}'{{ k }}'{% if !loop.last %}, {% endif %}{% endfor %})),
{%- endfor %}
    );

    /** Longest body excerpt kept in errors and logs. */
    const SNIPPET_LENGTH = 200;

    /** @var array<string, string> panel line by base URL, learnt once per process */
    private static $versions = array();

    /** @var array<string, bool> whether forward/reset-flow exists, by base URL */
    private static $resetFlow = array();

    /** @var string */
    private $baseUrl;

    /** @var string */
    private $username;

    /** @var string */
    private $password;

    /** @var string token given by the admin instead of a password */
    private $fixedToken;

    /** @var bool */
    private $verifyTls;

    /**
     * @param string $fixedToken a pre-issued token (then username and password are unused)
     */
    public function __construct(string $baseUrl, string $username, string $password, string $fixedToken = '', bool $verifyTls = true)
    {
        $this->baseUrl = rtrim($baseUrl, '/');
        $this->username = $username;
        $this->password = $password;
        $this->fixedToken = trim($fixedToken);
        $this->verifyTls = $verifyTls;
    }

    /**
     * A client for the server of a WHMCS call.
     *
     * @throws FlvxApiException when the server record lacks what is needed
     */
    public static function fromParams(array $params): FlvxApiClient
    {
        $host = trim(isset($params['serverhostname']) ? (string) $params['serverhostname'] : '');
        if ($host === '') {
            $host = trim(isset($params['serverip']) ? (string) $params['serverip'] : '');
        }
        if ($host === '') {
            throw new FlvxApiException(
                FlvxApiException::CONFIG,
                'No FLVX server is assigned: give the product a server group with an FLVX server (hostname, port, admin login).'
            );
        }
        $secure = !empty($params['serversecure']);
        $port = isset($params['serverport']) ? trim((string) $params['serverport']) : '';
        $url = self::panelUrl($host, $port, $secure);
        $token = isset($params['serveraccesshash']) ? trim((string) $params['serveraccesshash']) : '';
        $username = isset($params['serverusername']) ? (string) $params['serverusername'] : '';
        $password = isset($params['serverpassword']) ? (string) $params['serverpassword'] : '';
        if ($token === '' && ($username === '' || $password === '')) {
            throw new FlvxApiException(
                FlvxApiException::CONFIG,
                'The FLVX server has no admin login: enter the panel admin username and password, or a pre-issued token in Access Hash.'
            );
        }
        return new FlvxApiClient($url, $username, $password, $token, $secure);
    }

    /**
     * The panel's base URL from the server's hostname (or IP) and port. The hostname may
     * carry a scheme (dropped: the server's SSL setting decides), a path (`panel.example/flvx`,
     * kept after the port), a port of its own (`host:7000`, `[::1]:7000`, which wins), or be
     * an IPv6 literal, bare or bracketed (bracketed in the URL).
     */
    public static function panelUrl(string $host, string $port, bool $secure): string
    {
        $host = preg_replace('#^https?://#i', '', rtrim($host, '/'));
        $path = '';
        $slash = strpos($host, '/');
        if ($slash !== false) {
            $path = rtrim(substr($host, $slash), '/');
            $host = substr($host, 0, $slash);
        }
        $hasPort = false;
        if (substr_count($host, ':') > 1 && $host[0] !== '[') {
            $host = '[' . $host . ']';
        } elseif ($host !== '' && $host[0] === '[') {
            $hasPort = preg_match('/^\[[^\]]*\]:[0-9]+$/', $host) === 1;
        } else {
            $hasPort = strpos($host, ':') !== false;
        }
        $url = ($secure ? 'https' : 'http') . '://' . $host;
        if ($port !== '' && !$hasPort) {
            $url .= ':' . (int) $port;
        }
        return $url . $path;
    }

    /** The same panel acting as another account (a customer), with its own cached token. */
    public function actingAs(string $username, string $password): FlvxApiClient
    {
        return new FlvxApiClient($this->baseUrl, $username, $password, '', $this->verifyTls);
    }

    public function baseUrl(): string
    {
        return $this->baseUrl;
    }

    /**
     * The panel's line (FlvxConstants::VERSION_2_1 or VERSION_3_0), from the token it
     * issued (3.0 tokens carry an iat_ms claim), or for an opaque pre-issued token from
     * whether the public path public/config/get exists. Never system/version: it calls
     * out to the internet.
     *
     * @throws FlvxApiException
     */
    public function panelVersion(): string
    {
        if (!isset(self::$versions[$this->baseUrl])) {
            self::$versions[$this->baseUrl] = $this->detectVersion();
        }
        return self::$versions[$this->baseUrl];
    }

    /** Whether the panel is on the 3.0 line. */
    public function isVersion3(): bool
    {
        return $this->panelVersion() === FlvxConstants::VERSION_3_0;
    }

    /**
     * Whether the panel has forward/reset-flow (3.0 builds since July 2026), asked once
     * with an empty body, which the panel refuses without touching anything.
     *
     * @throws FlvxApiException
     */
    public function supportsForwardResetFlow(): bool
    {
        if (!isset(self::$resetFlow[$this->baseUrl])) {
            // Kept across requests like the token, so each panel is asked once a day.
            $key = sha1($this->baseUrl . "\0forward/reset-flow");
            $known = FlvxTokenCache::get($key);
            if ($known === null) {
                $known = $this->probeForwardResetFlow() ? '1' : '0';
                FlvxTokenCache::put($key, $known, time() + 86400);
            }
            self::$resetFlow[$this->baseUrl] = $known === '1';
        }
        return self::$resetFlow[$this->baseUrl];
    }

    private function detectVersion(): string
    {
        $claims = self::claims($this->token());
        if ($claims !== null && isset($claims['exp'])) {
            return array_key_exists('iat_ms', $claims) ? FlvxConstants::VERSION_3_0 : FlvxConstants::VERSION_2_1;
        }
        $endpoint = self::ENDPOINTS['public_config_get'];
        $envelope = $this->send($endpoint, array('name' => 'app_name'), null);
        // 2.1 has no such path, and its middleware refuses unknown paths without a token.
        return (int) $envelope['code'] === 401 ? FlvxConstants::VERSION_2_1 : FlvxConstants::VERSION_3_0;
    }

    private function probeForwardResetFlow(): bool
    {
        if (!$this->isVersion3()) {
            return false;
        }
        try {
            $this->forwardResetFlow(array());
            return true;
        } catch (FlvxApiException $e) {
            if ($e->getKind() === FlvxApiException::API) {
                return true;
            }
            if ($e->getKind() === FlvxApiException::UNEXPECTED && $e->getHttpStatus() === 404) {
                return false;
            }
            throw $e;
        }
    }

    /** Drops this account's cached token (after its password changed or it was deleted). */
    public function forgetCachedToken(): void
    {
        $token = FlvxTokenCache::get($this->cacheKey());
        if ($token !== null) {
            FlvxTokenCache::forget($this->cacheKey(), $token);
        }
    }

    /**
     * Calls an endpoint by its table name and returns the envelope's `data`.
     *
     * @return mixed array, int or null
     * @throws FlvxApiException
     */
    public function call(string $endpointName, array $body = array())
    {
        $endpoint = self::endpoint($endpointName, array($body));
        if ($endpoint['auth'] === 'public') {
            return $this->dataOf($this->send($endpoint, $body, null), $endpoint['path']);
        }
        $token = $this->token();
        $envelope = $this->send($endpoint, $body, $token);
        if ((int) $envelope['code'] === 401 && $this->fixedToken === '') {
            FlvxTokenCache::forget($this->cacheKey(), $token);
            $envelope = $this->send($endpoint, $body, $this->token());
        }
        return $this->dataOf($envelope, $endpoint['path']);
    }

    /**
     * Calls one endpoint with several independent bodies at once (per-tunnel binding
     * writes): every call is answered before this returns. On a body 401 the token is
     * renewed once and only the refused calls are sent again, once.
     *
     * @param array[] $bodies
     * @return array in the order of `$bodies`, each call's `data`, or the
     *     FlvxApiException that call failed with
     * @throws FlvxApiException when no call could be sent (unknown endpoint or key, login)
     */
    public function callAll(string $endpointName, array $bodies): array
    {
        $bodies = array_values($bodies);
        $endpoint = self::endpoint($endpointName, $bodies);
        if (count($bodies) === 0) {
            return array();
        }
        $token = $endpoint['auth'] === 'public' ? null : $this->token();
        $answers = $this->sendAll($endpoint, $bodies, $token);
        $refused = array();
        foreach ($answers as $i => $answer) {
            if ($token !== null && is_array($answer) && (int) $answer['code'] === 401) {
                $refused[$i] = $bodies[$i];
            }
        }
        if (count($refused) > 0 && $this->fixedToken === '') {
            FlvxTokenCache::forget($this->cacheKey(), $token);
            $again = $this->sendAll($endpoint, array_values($refused), $this->token());
            foreach (array_keys($refused) as $n => $i) {
                $answers[$i] = $again[$n];
            }
        }
        $results = array();
        foreach ($answers as $answer) {
            if ($answer instanceof FlvxApiException) {
                $results[] = $answer;
                continue;
            }
            try {
                $results[] = $this->dataOf($answer, $endpoint['path']);
            } catch (FlvxApiException $e) {
                $results[] = $e;
            }
        }
        return $results;
    }

    /**
     * The endpoint of a table name, checking every body sends only its keys.
     *
     * @param array[] $bodies
     * @throws FlvxApiException
     */
    private static function endpoint(string $endpointName, array $bodies): array
    {
        if (!isset(self::ENDPOINTS[$endpointName])) {
            throw new FlvxApiException(FlvxApiException::CONFIG, 'Unknown FLVX endpoint ' . $endpointName . '.');
        }
        $endpoint = self::ENDPOINTS[$endpointName];
        foreach ($bodies as $body) {
            foreach (array_keys($body) as $key) {
                if (!in_array($key, $endpoint['keys'], true)) {
                    throw new FlvxApiException(
                        FlvxApiException::CONFIG,
                        'Request key ' . $key . ' is not sent to ' . $endpoint['path'] . ' (strict endpoints reject unknown keys).'
                    );
                }
            }
        }
        return $endpoint;
    }
{% for e in ir.endpoints %}
    /** {{ e.http_method }} {{ e.path }} */
    public function {{ e.method|safe }}(array $body = array())
    {
        return $this->call('{{ e.name }}', $body);
    }
{% endfor %}
    /** The cached token, or a fresh one from `user/login`. */
    private function token(): string
    {
        if ($this->fixedToken !== '') {
            return $this->fixedToken;
        }
        $cached = FlvxTokenCache::get($this->cacheKey());
        if ($cached !== null) {
            return $cached;
        }
        $token = $this->login();
        FlvxTokenCache::put($this->cacheKey(), $token, self::tokenExpiry($token));
        return $token;
    }

    private function login(): string
    {
        $endpoint = self::ENDPOINTS['user_login'];
        $body = array('username' => $this->username, 'password' => $this->password);
        // Panels since late 2.1.5 let billing modules past the captcha with this header.
        $client = FlvxConstants::API_CLIENT_HEADER . ': ' . FlvxConstants::API_CLIENT_NAME;
        $envelope = $this->send($endpoint, $body, null, array($client));
        $code = (int) $envelope['code'];
        $message = isset($envelope['msg']) ? (string) $envelope['msg'] : '';
        if ($code === 0 && isset($envelope['data']['token']) && is_string($envelope['data']['token'])) {
            return $envelope['data']['token'];
        }
        if ($message === FlvxConstants::MSG_CAPTCHA_FAILED) {
            throw new FlvxApiException(
                FlvxApiException::CAPTCHA,
                'FLVX rejected the login: the panel requires a captcha (' . $message . '); ' . FlvxConstants::HINT_CAPTCHA,
                $endpoint['path'],
                $code,
                $message
            );
        }
        throw new FlvxApiException(
            FlvxApiException::LOGIN,
            'FLVX rejected the login: ' . $message,
            $endpoint['path'],
            $code,
            $message
        );
    }

    /** The `exp` claim of a JWT-shaped token (a hint only), or 7 days from now. */
    private static function tokenExpiry(string $token): int
    {
        $claims = self::claims($token);
        if ($claims !== null && isset($claims['exp']) && is_numeric($claims['exp'])) {
            return (int) $claims['exp'];
        }
        return time() + 7 * 86400;
    }

    /**
     * The claims of a JWT-shaped token, read without verifying it, or null.
     *
     * @return array|null
     */
    private static function claims(string $token)
    {
        $parts = explode('.', $token);
        if (count($parts) !== 3) {
            return null;
        }
        $json = base64_decode(strtr($parts[1], '-_', '+/'), true);
        $claims = is_string($json) ? json_decode($json, true) : null;
        return is_array($claims) ? $claims : null;
    }

    private function cacheKey(): string
    {
        return sha1($this->baseUrl . "\0" . $this->username);
    }

    /**
     * One HTTP request, on the panel's kept-alive connection (FlvxHttp); returns the
     * decoded envelope.
     *
     * @throws FlvxApiException on transport failure or a non-envelope answer
     */
    private function send(array $endpoint, array $body, $token, array $extraHeaders = array()): array
    {
        $answers = $this->sendAll($endpoint, array($body), $token, $extraHeaders);
        if ($answers[0] instanceof FlvxApiException) {
            throw $answers[0];
        }
        return $answers[0];
    }

    /**
     * Requests to one endpoint, sent at once on the panel's connections (FlvxHttp).
     *
     * @param array[] $bodies
     * @return array in the order of `$bodies`, each the decoded envelope, or the
     *     FlvxApiException of a transport failure or a non-envelope answer
     */
    private function sendAll(array $endpoint, array $bodies, $token, array $extraHeaders = array()): array
    {
        $headers = array_merge(array('Content-Type: application/json', 'Accept: application/json'), $extraHeaders);
        if ($token !== null) {
            $headers[] = 'Authorization: ' . $token;
        }
        $requests = array();
        foreach ($bodies as $body) {
            $requests[] = array(
                'url' => $this->baseUrl . $endpoint['path'],
                'method' => $endpoint['method'],
                'payload' => json_encode(empty($body) ? new \stdClass() : $body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES),
                'headers' => $headers,
                'connect_timeout_ms' => self::timeoutMs('FLVX_CONNECT_TIMEOUT_MS', FlvxConstants::CONNECT_TIMEOUT_SECONDS),
                'timeout_ms' => self::timeoutMs('FLVX_TIMEOUT_MS', FlvxConstants::TIMEOUT_SECONDS),
                'verify_tls' => $this->verifyTls,
            );
        }
        $answers = FlvxHttp::forPanel($this->baseUrl)->exchange($requests);
        $envelopes = array();
        foreach (array_values($bodies) as $i => $body) {
            $envelopes[] = $this->envelopeOf($endpoint['path'], $body, $answers[$i], $token);
        }
        return $envelopes;
    }

    /**
     * The decoded envelope of one answer (logged first), or why there is none.
     *
     * @return array|FlvxApiException
     */
    private function envelopeOf(string $path, array $body, array $answer, $token)
    {
        $raw = $answer['body'];
        if (!empty($answer['oversized'])) {
            $mib = (int) (FlvxConstants::MAX_RESPONSE_BYTES / 1048576);
            $this->log($path, $body, 'an answer of more than ' . $mib . ' MiB, dropped', $token);
            return new FlvxApiException(
                FlvxApiException::UNEXPECTED,
                $path . ' answered with more than ' . $mib . ' MiB, which no FLVX panel sends: check that the server address points at the FLVX panel itself',
                $path
            );
        }
        $this->log($path, $body, $raw === false ? $answer['error'] : (string) $raw, $token);
        if ($raw === false) {
            return new FlvxApiException(
                FlvxApiException::TRANSPORT,
                'could not reach the FLVX panel at ' . $path . ': ' . $answer['error'],
                $path
            );
        }
        $envelope = json_decode((string) $raw, true);
        if (!is_array($envelope) || !array_key_exists('code', $envelope) || !is_int($envelope['code'])) {
            return new FlvxApiException(
                FlvxApiException::UNEXPECTED,
                $path . ' answered HTTP ' . $answer['status'] . ' with a non-FLVX body: ' . self::snippet((string) $raw),
                $path,
                null,
                null,
                $answer['status']
            );
        }
        return $envelope;
    }

    /**
     * The envelope's data, or the error its code stands for.
     *
     * @return mixed
     */
    private function dataOf(array $envelope, string $path)
    {
        $code = (int) $envelope['code'];
        $message = isset($envelope['msg']) ? (string) $envelope['msg'] : '';
        if ($code === 0) {
            return array_key_exists('data', $envelope) ? $envelope['data'] : null;
        }
        if ($code === 401) {
            throw new FlvxApiException(
                FlvxApiException::UNAUTHORIZED,
                'FLVX rejected the token at ' . $path . ': ' . $message . '; ' . FlvxConstants::HINT_UNAUTHORIZED,
                $path,
                $code,
                $message
            );
        }
        if ($code === 403 && self::isForwardWrite($path)) {
            throw new FlvxApiException(
                FlvxApiException::TARGET,
                'FLVX refused the forward target at ' . $path . ': ' . $message . '; ' . FlvxConstants::HINT_TARGET,
                $path,
                $code,
                $message
            );
        }
        if ($code === 451) {
            throw new FlvxApiException(
                FlvxApiException::LICENCE,
                'FLVX refused ' . $path . ' (code 451): ' . $message . '; ' . FlvxConstants::HINT_LICENCE,
                $path,
                $code,
                $message
            );
        }
        if ($code === 403) {
            throw new FlvxApiException(
                FlvxApiException::FORBIDDEN,
                'FLVX refused ' . $path . ' (code 403): ' . $message . '; ' . FlvxConstants::HINT_FORBIDDEN,
                $path,
                $code,
                $message
            );
        }
        throw new FlvxApiException(
            FlvxApiException::API,
            'FLVX ' . $path . ' failed (code ' . $code . '): ' . $message,
            $path,
            $code,
            $message
        );
    }

    /** 3.0's address check answers 403 on forward writes, which any user may call. */
    private static function isForwardWrite(string $path): bool
    {
        return $path === self::ENDPOINTS['forward_create']['path'] || $path === self::ENDPOINTS['forward_update']['path'];
    }

    /**
     * A timeout in ms: the constant `$constant` when it is defined as a positive number
     * (tests shorten the timeouts this way), else the default in seconds.
     */
    private static function timeoutMs(string $constant, int $defaultSeconds): int
    {
        if (defined($constant)) {
            $value = constant($constant);
            if (is_numeric($value) && (int) $value > 0) {
                return (int) $value;
            }
        }
        return $defaultSeconds * 1000;
    }

    /** Logs a request with every secret masked (values, not just key names). */
    private function log(string $path, array $body, string $response, $token): void
    {
        if (!function_exists('logModuleCall')) {
            return;
        }
        $secrets = array_values(array_filter(
            array($this->password, $this->fixedToken, (string) $token),
            function ($value) {
                return is_string($value) && strlen($value) >= 4;
            }
        ));
        foreach (array('pwd', 'password') as $key) {
            if (isset($body[$key]) && is_string($body[$key])) {
                if (strlen($body[$key]) >= 4) {
                    $secrets[] = $body[$key];
                }
                $body[$key] = '********';
            }
        }
        $request = json_encode($body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
        $masked = self::snippet(self::mask($response, $secrets), 2000);
        logModuleCall('flvx', $path, self::mask((string) $request, $secrets), $masked, '', $secrets);
    }

    private static function mask(string $text, array $secrets): string
    {
        foreach ($secrets as $secret) {
            $text = str_replace($secret, '********', $text);
        }
        return preg_replace('/"token"\s*:\s*"[^"]*"/', '"token":"********"', $text);
    }

    private static function snippet(string $text, int $length = self::SNIPPET_LENGTH): string
    {
        if (function_exists('mb_substr')) {
            return mb_substr($text, 0, $length, 'UTF-8');
        }
        return substr($text, 0, $length);
    }
}
