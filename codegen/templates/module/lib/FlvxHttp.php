<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * The transport under FlvxApiClient: one curl multi handle per panel and PHP process.
 *
 * Panels usually sit 100-250 ms from the billing server, so what an admin waits for is
 * round trips. The multi handle's connection cache keeps the HTTP/1.1 keep-alive
 * connection (and its TLS session) from one request to the next, so all the calls of a
 * WHMCS action share one handshake instead of paying one each. Requests that do not depend
 * on each other go out together: on an HTTP/2 panel they share that connection, on
 * HTTP/1.1 each extra one in flight opens a connection of its own (at most
 * MAX_PARALLEL_CALLS per panel; the rest wait for a free one).
 */
final class FlvxHttp
{
    /** @var array<string, FlvxHttp> one per panel base URL */
    private static $panels = array();

    /** @var resource|\CurlMultiHandle */
    private $multi;

    /** @var array idle easy handles, reused: every option is set again for each request */
    private $idle = array();

    /** @var string[] the answers being received, by request index */
    private $bodies = array();

    /** @var bool[] the requests whose answer grew past FlvxConstants::MAX_RESPONSE_BYTES */
    private $oversized = array();

    private function __construct()
    {
        $this->multi = curl_multi_init();
        // Explicit, though libcurl's default since 7.62: concurrent requests to an HTTP/2
        // panel are streams on one connection.
        curl_multi_setopt($this->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
        curl_multi_setopt($this->multi, CURLMOPT_MAX_HOST_CONNECTIONS, FlvxConstants::MAX_PARALLEL_CALLS);
    }

    /** The transport of the panel at `$baseUrl`, made on first use in this process. */
    public static function forPanel(string $baseUrl): FlvxHttp
    {
        if (!isset(self::$panels[$baseUrl])) {
            self::$panels[$baseUrl] = new FlvxHttp();
        }
        return self::$panels[$baseUrl];
    }

    /**
     * Sends the requests at once and waits for every answer.
     *
     * @param array[] $requests each with `url`, `method`, `payload` (POST body), `headers`,
     *     `connect_timeout_ms`, `timeout_ms` and `verify_tls`
     * @return array[] in the order of `$requests`, each with `body` (string, or false when
     *     the transfer failed), `status` (HTTP status, 0 without an answer), `error` and
     *     `oversized` (the answer grew past the size cap and was dropped)
     */
    public function exchange(array $requests): array
    {
        $requests = array_values($requests);
        $handles = array();
        $this->bodies = array();
        $this->oversized = array();
        foreach ($requests as $i => $request) {
            $curl = count($this->idle) > 0 ? array_pop($this->idle) : curl_init();
            curl_setopt_array($curl, self::options($request));
            $this->bodies[$i] = '';
            curl_setopt($curl, CURLOPT_WRITEFUNCTION, $this->receiver($i));
            curl_multi_add_handle($this->multi, $curl);
            $handles[$i] = $curl;
        }
        $codes = $this->run($handles);
        $answers = array();
        foreach ($handles as $i => $curl) {
            $code = $codes[$i];
            $error = $code === CURLE_OK ? '' : curl_error($curl);
            if ($code !== CURLE_OK && $error === '') {
                $error = curl_strerror($code);
            }
            $answers[$i] = array(
                'body' => $code === CURLE_OK ? $this->bodies[$i] : false,
                'status' => (int) curl_getinfo($curl, CURLINFO_HTTP_CODE),
                'error' => $error,
                'oversized' => !empty($this->oversized[$i]),
            );
            curl_multi_remove_handle($this->multi, $curl);
            $this->idle[] = $curl;
        }
        return $answers;
    }

    /**
     * The body writer of request `$i`: it stops the transfer once the answer would pass
     * the size cap, so a wrong address serving a big file cannot exhaust PHP's memory
     * limit (a fatal error no module code could catch).
     */
    private function receiver(int $i): callable
    {
        return function ($curl, string $chunk) use ($i): int {
            if (strlen($this->bodies[$i]) + strlen($chunk) > FlvxConstants::MAX_RESPONSE_BYTES) {
                $this->oversized[$i] = true;
                return 0;
            }
            $this->bodies[$i] .= $chunk;
            return strlen($chunk);
        };
    }

    /**
     * Drives the transfers until all are done.
     *
     * @return int[] the curl result code of each handle, by the handles' keys
     */
    private function run(array $handles): array
    {
        $codes = array();
        foreach (array_keys($handles) as $i) {
            $codes[$i] = CURLE_OK;
        }
        do {
            $status = curl_multi_exec($this->multi, $running);
            while (($info = curl_multi_info_read($this->multi)) !== false) {
                foreach ($handles as $i => $curl) {
                    if ($info['handle'] === $curl) {
                        $codes[$i] = (int) $info['result'];
                    }
                }
            }
            if ($running > 0 && $status === CURLM_OK && curl_multi_select($this->multi, 1.0) === -1) {
                // No descriptor to wait on yet (libcurl resolving or in back-off).
                usleep(1000);
            }
        } while ($running > 0 && $status === CURLM_OK);
        if ($status !== CURLM_OK) {
            foreach ($codes as $i => $code) {
                $codes[$i] = $code === CURLE_OK ? CURLE_RECV_ERROR : $code;
            }
        }
        return $codes;
    }

    /** Every option of one request, so nothing is left from the handle's previous one. */
    private static function options(array $request): array
    {
        $method = $request['method'] === 'POST'
            ? array(CURLOPT_POSTFIELDS => $request['payload'])
            : array(CURLOPT_HTTPGET => true);
        return $method + array(
            CURLOPT_URL => $request['url'],
            CURLOPT_CUSTOMREQUEST => $request['method'],
            CURLOPT_HTTPHEADER => $request['headers'],
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_CONNECTTIMEOUT_MS => $request['connect_timeout_ms'],
            CURLOPT_TIMEOUT_MS => $request['timeout_ms'],
            // Sub-second timeouts need this with libcurl's default resolver.
            CURLOPT_NOSIGNAL => true,
            CURLOPT_SSL_VERIFYPEER => $request['verify_tls'],
            CURLOPT_SSL_VERIFYHOST => $request['verify_tls'] ? 2 : 0,
            // A second request in flight waits to learn whether the first connection is
            // HTTP/2 (and shares it) before opening one of its own.
            CURLOPT_PIPEWAIT => true,
        );
    }
}
