<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * The forward policy (flvx-provision `policy`): where a customer's forward may send
 * traffic and where it may listen. Targets are `host:port` lists of at most
 * FlvxConstants::MAX_TARGETS; each host is an IPv4 address, a bracketed IPv6 address or a
 * host name, resolved, and every address is checked against the panel's and the nodes'
 * own addresses, the seller's allowed networks and FlvxConstants::REFUSED_NETWORKS.
 * Entry ports must lie in the seller's range and the entry nodes' ranges, and be free.
 *
 * Addresses are handled as packed strings (inet_pton): 4 bytes for IPv4, 16 for IPv6.
 *
 * Test hook: when the constant FLVX_RESOLVER names a function, host names are resolved by
 * calling it (it returns a list of address strings, or false); the WHMCS test harness uses
 * it so that tests never touch the network. A real install never defines it.
 */
final class FlvxForwardPolicy
{
    /**
     * Parses a target list (policy::target::parse_targets).
     *
     * @return array[] each: text (trimmed `host:port`), ip (packed, or null), name (or null), port
     * @throws FlvxProvisionException
     */
    public static function parseTargets(string $raw): array
    {
        $items = explode(',', $raw);
        if (count($items) > FlvxConstants::MAX_TARGETS) {
            throw new FlvxProvisionException('too_many_targets', array(
                'count' => (string) count($items),
                'max' => (string) FlvxConstants::MAX_TARGETS,
            ));
        }
        $targets = array();
        foreach ($items as $item) {
            $targets[] = self::parseTarget($item);
        }
        return $targets;
    }

    private static function parseTarget(string $item): array
    {
        $badTarget = FlvxEngine::invalidField('target');
        $text = FlvxEngine::trimUnicode($item);
        $colon = strrpos($text, ':');
        if ($colon === false) {
            throw new FlvxProvisionException('invalid_forward', $badTarget);
        }
        $host = substr($text, 0, $colon);
        $port = self::parsePort((string) substr($text, $colon + 1));
        if ($port === null) {
            throw new FlvxProvisionException('invalid_forward', $badTarget);
        }
        if ($host === '' || preg_match('/[\s\p{Z}\x{85}]/u', $host) !== 0) {
            throw new FlvxProvisionException('invalid_forward', $badTarget);
        }
        $target = array('text' => $text, 'ip' => null, 'name' => null, 'port' => $port);
        if ($host[0] === '[') {
            $inner = substr($host, 1);
            if (substr($inner, -1) !== ']') {
                throw new FlvxProvisionException('target_host_invalid');
            }
            $target['ip'] = self::parseIpv6(substr($inner, 0, -1));
            if ($target['ip'] === null) {
                throw new FlvxProvisionException('target_host_invalid');
            }
            return $target;
        }
        $target['ip'] = self::parseIpv4($host);
        if ($target['ip'] !== null) {
            return $target;
        }
        if (!self::validName($host)) {
            throw new FlvxProvisionException('target_host_invalid');
        }
        $target['name'] = $host;
        return $target;
    }

    /**
     * A port 1-65535: digits with an optional `+` and leading zeros.
     *
     * @return int|null
     */
    private static function parsePort(string $text)
    {
        $digits = strpos($text, '+') === 0 ? (string) substr($text, 1) : $text;
        if ($digits === '' || !ctype_digit($digits)) {
            return null;
        }
        $significant = ltrim($digits, '0');
        if (strlen($significant) > 5 || (int) $significant < 1 || (int) $significant > 65535) {
            return null;
        }
        return (int) $significant;
    }

    /**
     * A dotted IPv4 address as Rust reads it (four decimal octets, no leading zeros).
     *
     * @return string|null packed
     */
    public static function parseIpv4(string $text)
    {
        $octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
        if (preg_match('/^' . $octet . '\.' . $octet . '\.' . $octet . '\.' . $octet . '$/', $text) !== 1) {
            return null;
        }
        $packed = inet_pton($text);
        return is_string($packed) && strlen($packed) === 4 ? $packed : null;
    }

    /**
     * An IPv6 address (no zone, no brackets).
     *
     * @return string|null packed
     */
    public static function parseIpv6(string $text)
    {
        if ($text === '' || preg_match('/^[0-9A-Fa-f:.]+$/', $text) !== 1 || strpos($text, ':') === false) {
            return null;
        }
        $packed = @inet_pton($text);
        return is_string($packed) && strlen($packed) === 16 ? $packed : null;
    }

    /**
     * An IP literal (IPv4, or IPv6 without brackets).
     *
     * @return string|null packed
     */
    public static function parseIp(string $text)
    {
        $v4 = self::parseIpv4($text);
        return $v4 !== null ? $v4 : self::parseIpv6($text);
    }

    /**
     * An ASCII host name: labels of letters, digits, `-` and `_` (1-63, no leading or
     * trailing `-`), an optional final dot, at most MAX_HOST_CHARS, not only numbers.
     */
    private static function validName(string $host): bool
    {
        $name = substr($host, -1) === '.' ? substr($host, 0, -1) : $host;
        if ($name === '' || strlen($name) > FlvxConstants::MAX_HOST_CHARS) {
            return false;
        }
        $numeric = true;
        foreach (explode('.', $name) as $label) {
            if (preg_match('/^[A-Za-z0-9_-]{1,63}$/', $label) !== 1 || $label[0] === '-' || substr($label, -1) === '-') {
                return false;
            }
            if (preg_match('/^(0[xX][0-9A-Fa-f]*|[0-9]+)$/', $label) !== 1) {
                $numeric = false;
            }
        }
        return !$numeric;
    }

    /**
     * A network `addr/prefix` or a single address, with no host bits set.
     *
     * @return array|null packed address and prefix
     */
    public static function parseNetwork(string $text)
    {
        $slash = strpos($text, '/');
        $address = $slash === false ? $text : substr($text, 0, $slash);
        $packed = self::parseIp($address);
        if ($packed === null) {
            return null;
        }
        $bits = strlen($packed) * 8;
        $prefix = $bits;
        if ($slash !== false) {
            $digits = (string) substr($text, $slash + 1);
            if ($digits === '' || strlen($digits) > 3 || !ctype_digit($digits) || (int) $digits > $bits) {
                return null;
            }
            $prefix = (int) $digits;
        }
        $network = array('address' => $packed, 'prefix' => $prefix);
        return self::masked($network, $packed) === $packed ? $network : null;
    }

    /**
     * A comma-separated list of networks; empty parts are skipped.
     *
     * @return array[]|null
     */
    public static function parseNetworkList(string $text)
    {
        $networks = array();
        foreach (explode(',', $text) as $part) {
            $part = FlvxEngine::trimUnicode($part);
            if ($part === '') {
                continue;
            }
            $network = self::parseNetwork($part);
            if ($network === null) {
                return null;
            }
            $networks[] = $network;
        }
        return $networks;
    }

    /**
     * A seller's entry-port range `min-max`: false when invalid, null when empty.
     *
     * @return array|null|false
     */
    public static function parsePortRange(string $text)
    {
        $text = FlvxEngine::trimUnicode($text);
        if ($text === '') {
            return null;
        }
        $dash = strpos($text, '-');
        if ($dash === false) {
            return false;
        }
        $ports = array();
        foreach (array(substr($text, 0, $dash), substr($text, $dash + 1)) as $part) {
            $part = FlvxEngine::trimUnicode((string) $part);
            if ($part === '' || strlen($part) > 5 || !ctype_digit($part) || (int) $part < 1 || (int) $part > 65535) {
                return false;
            }
            $ports[] = (int) $part;
        }
        return $ports[0] <= $ports[1] ? $ports : false;
    }

    /** `$ip` with the bits after the network's prefix cleared, or null for another family. */
    private static function masked(array $network, string $ip)
    {
        if (strlen($ip) !== strlen($network['address'])) {
            return null;
        }
        $out = '';
        $left = $network['prefix'];
        for ($i = 0; $i < strlen($ip); $i++) {
            $keep = $left >= 8 ? 8 : max(0, $left);
            $mask = $keep === 0 ? 0 : (0xff << (8 - $keep)) & 0xff;
            $out .= chr(ord($ip[$i]) & $mask);
            $left -= 8;
        }
        return $out;
    }

    /** An IPv4-mapped IPv6 address as its IPv4 address (Rust `to_canonical`). */
    public static function canonical(string $ip): string
    {
        if (strlen($ip) === 16 && substr($ip, 0, 12) === str_repeat("\0", 10) . "\xff\xff") {
            return substr($ip, 12);
        }
        return $ip;
    }

    /**
     * An address as Rust prints it: dotted IPv4; IPv6 in RFC 5952 form (lowercase, the
     * longest run of two or more zero groups compressed) or `::ffff:a.b.c.d` when
     * IPv4-mapped. inet_ntop() differs for IPv4-compatible addresses (`::1.2.3.4`).
     */
    public static function addressText(string $ip): string
    {
        if (strlen($ip) !== 16) {
            return (string) inet_ntop($ip);
        }
        if (self::canonical($ip) !== $ip) {
            return '::ffff:' . inet_ntop(substr($ip, 12));
        }
        $groups = array_values(unpack('n8', $ip));
        $bestStart = -1;
        $bestLength = 0;
        for ($i = 0; $i < 8; $i++) {
            $length = 0;
            while ($i + $length < 8 && $groups[$i + $length] === 0) {
                $length++;
            }
            if ($length > $bestLength) {
                $bestStart = $i;
                $bestLength = $length;
            }
        }
        $hex = array_map('dechex', $groups);
        if ($bestLength < 2) {
            return implode(':', $hex);
        }
        $head = implode(':', array_slice($hex, 0, $bestStart));
        $tail = implode(':', array_slice($hex, $bestStart + $bestLength));
        return $head . '::' . $tail;
    }

    private static function contains(array $network, string $ip): bool
    {
        return self::masked($network, self::canonical($ip)) === $network['address'];
    }

    /**
     * The refused network `$ip` lies in: array(cidr, message key), or null.
     *
     * @return array|null
     */
    public static function refusedNetwork(string $ip)
    {
        foreach (FlvxConstants::REFUSED_NETWORKS as $refused) {
            $network = self::parseNetwork($refused[0]);
            if ($network !== null && self::contains($network, $ip)) {
                return $refused;
            }
        }
        return null;
    }

    /**
     * Checks one address of a target: the panel's own, the nodes' own (never allowed), the
     * seller's allowed networks (which lift the default refusal), the refused networks.
     *
     * @param array[] $allowed from parseNetworkList()
     * @param array $own panel: packed addresses; nodes: list of array(packed, node name)
     * @throws FlvxProvisionException
     */
    public static function checkAddress(string $target, string $ip, array $allowed, array $own): void
    {
        $ip = self::canonical($ip);
        $text = self::addressText($ip);
        foreach ($own['panel'] as $panel) {
            if (self::canonical($panel) === $ip) {
                throw new FlvxProvisionException('target_is_panel', array('target' => $target, 'address' => $text));
            }
        }
        foreach ($own['nodes'] as $node) {
            if (self::canonical($node[0]) === $ip) {
                throw new FlvxProvisionException(
                    'target_is_node',
                    array('target' => $target, 'address' => $text, 'node' => $node[1])
                );
            }
        }
        foreach ($allowed as $network) {
            if (self::contains($network, $ip)) {
                return;
            }
        }
        $refused = self::refusedNetwork($ip);
        if ($refused !== null) {
            throw new FlvxProvisionException('target_refused', array(
                'target' => $target,
                'address' => $text,
                'network' => FlvxLang::text($refused[1]),
                'range' => $refused[0],
            ));
        }
    }

    /**
     * The addresses of a target, sorted (IPv4 first) without duplicates; null when its
     * name does not resolve.
     *
     * @return string[]|null packed
     */
    public static function targetAddresses(array $target)
    {
        $found = $target['ip'] !== null ? array($target['ip']) : self::resolve($target['name']);
        return self::sorted($found);
    }

    /**
     * The addresses of a text that is an IP literal or a name (the panel's and nodes'
     * addresses); none when a name does not resolve.
     *
     * @return string[] packed
     */
    public static function addressesOf(string $text): array
    {
        $ip = self::parseIp($text);
        $sorted = self::sorted($ip !== null ? array($ip) : self::resolve($text));
        return $sorted === null ? array() : $sorted;
    }

    /** The host of a URL (IPv6 without its brackets), or null. */
    public static function urlHost(string $url)
    {
        $scheme = strpos($url, '://');
        $rest = $scheme === false ? $url : substr($url, $scheme + 3);
        $authority = (string) preg_replace('/[\/?#].*$/s', '', $rest);
        $at = strrpos($authority, '@');
        $hostport = $at === false ? $authority : substr($authority, $at + 1);
        if (strpos($hostport, '[') === 0) {
            $close = strpos($hostport, ']');
            if ($close === false) {
                return null;
            }
            $host = substr($hostport, 1, $close - 1);
        } else {
            $colon = strpos($hostport, ':');
            $host = $colon === false ? $hostport : substr($hostport, 0, $colon);
        }
        return $host === '' || $host === false ? null : $host;
    }

    /** @return string[]|null */
    private static function sorted($found)
    {
        if (!is_array($found) || count($found) === 0) {
            return null;
        }
        usort($found, function ($a, $b) {
            return strlen($a) === strlen($b) ? strcmp($a, $b) : strlen($a) - strlen($b);
        });
        return array_values(array_unique($found));
    }

    /**
     * Resolves a host name (IPv4 and IPv6), through the FLVX_RESOLVER test hook if defined.
     *
     * @return string[]|null packed
     */
    private static function resolve(string $name)
    {
        if (defined('FLVX_RESOLVER')) {
            $texts = call_user_func(constant('FLVX_RESOLVER'), $name);
        } else {
            $texts = @gethostbynamel($name);
            $texts = is_array($texts) ? $texts : array();
            $records = @dns_get_record($name, DNS_AAAA);
            foreach (is_array($records) ? $records : array() as $record) {
                if (isset($record['ipv6']) && is_string($record['ipv6'])) {
                    $texts[] = $record['ipv6'];
                }
            }
        }
        if (!is_array($texts)) {
            return null;
        }
        $found = array();
        foreach ($texts as $text) {
            $packed = is_string($text) ? self::parseIp($text) : null;
            if ($packed !== null) {
                $found[] = $packed;
            }
        }
        return $found;
    }

    // ------------------------------------------------------------------ entry ports

    /** The entry node ids of a tunnel from `tunnel/list` (`inNodeId` items, or a bare id). */
    private static function entryIds(array $tunnels, int $tunnel): array
    {
        foreach ($tunnels as $row) {
            if (!isset($row['id']) || (int) $row['id'] !== $tunnel) {
                continue;
            }
            $raw = isset($row['inNodeId']) ? $row['inNodeId'] : null;
            if (is_int($raw)) {
                return array($raw);
            }
            $ids = array();
            foreach (is_array($raw) ? $raw : array() as $item) {
                if (is_array($item) && isset($item['nodeId']) && is_int($item['nodeId'])) {
                    $ids[] = $item['nodeId'];
                }
            }
            return $ids;
        }
        return array();
    }

    /** The listed nodes among a tunnel's entry nodes, in `node/list` order. */
    public static function entryNodes(array $nodes, array $tunnels, int $tunnel): array
    {
        $ids = self::entryIds($tunnels, $tunnel);
        $entry = array();
        foreach ($nodes as $node) {
            if (in_array((int) $node['id'], $ids, true)) {
                $entry[] = $node;
            }
        }
        return $entry;
    }

    /** A node's name ('' when absent). */
    public static function nodeName(array $node): string
    {
        return isset($node['name']) && is_string($node['name']) ? $node['name'] : '';
    }

    /** A node's addresses: `serverIp`, then each of `ip`, trimmed, without duplicates. */
    public static function nodeAddresses(array $node): array
    {
        $out = array();
        foreach (array('serverIp', 'ip') as $key) {
            if (!isset($node[$key]) || !is_string($node[$key])) {
                continue;
            }
            foreach (explode(',', $node[$key]) as $part) {
                $part = FlvxEngine::trimUnicode($part);
                if ($part !== '' && !in_array($part, $out, true)) {
                    $out[] = $part;
                }
            }
        }
        return $out;
    }

    /**
     * A node's inclusive port range, when the panel reports a sensible one.
     *
     * @return array|null
     */
    private static function portRange(array $node)
    {
        $min = isset($node['portSta']) ? $node['portSta'] : null;
        $max = isset($node['portEnd']) ? $node['portEnd'] : null;
        if (!is_int($min) || !is_int($max) || $min < 1 || $max > 65535 || $min > $max) {
            return null;
        }
        return array($min, $max);
    }

    /**
     * Checks an asked-for port: each entry node's range, then the forwards on them.
     *
     * @throws FlvxProvisionException
     */
    public static function checkPort(int $port, array $entry, array $tunnels, array $forwards): void
    {
        foreach ($entry as $node) {
            $range = self::portRange($node);
            if ($range !== null && ($port < $range[0] || $port > $range[1])) {
                throw new FlvxProvisionException('port_outside_node', array(
                    'port' => (string) $port,
                    'node' => self::nodeName($node),
                    'min' => (string) $range[0],
                    'max' => (string) $range[1],
                ));
            }
        }
        $user = self::userOf($port, $entry, $tunnels, $forwards);
        if ($user !== null) {
            throw new FlvxProvisionException(
                'port_taken',
                array('port' => (string) $port, 'node' => self::nodeName($user))
            );
        }
    }

    /**
     * The lowest port of the seller's range inside every entry node's range that no
     * forward on them uses.
     *
     * @throws FlvxProvisionException
     */
    public static function pickPort(array $range, array $entry, array $tunnels, array $forwards): int
    {
        list($min, $max) = $range;
        foreach ($entry as $node) {
            $nodeRange = self::portRange($node);
            if ($nodeRange !== null) {
                $min = max($min, $nodeRange[0]);
                $max = min($max, $nodeRange[1]);
            }
        }
        $used = self::usedPorts($entry, $tunnels, $forwards);
        for ($port = $min; $port <= $max; $port++) {
            if (!isset($used[$port])) {
                return $port;
            }
        }
        throw new FlvxProvisionException(
            'no_free_port',
            array('min' => (string) $range[0], 'max' => (string) $range[1])
        );
    }

    /** The first entry node on which another forward listens on `$port`. */
    private static function userOf(int $port, array $entry, array $tunnels, array $forwards)
    {
        foreach ($forwards as $forward) {
            if (!isset($forward['inPort']) || $forward['inPort'] !== $port) {
                continue;
            }
            $shared = self::sharedNode($entry, $tunnels, $forward);
            if ($shared !== null) {
                return $shared;
            }
        }
        return null;
    }

    /** The ports forwards on the entry nodes listen on, as keys. */
    private static function usedPorts(array $entry, array $tunnels, array $forwards): array
    {
        $used = array();
        foreach ($forwards as $forward) {
            if (isset($forward['inPort']) && is_int($forward['inPort'])
                && self::sharedNode($entry, $tunnels, $forward) !== null
            ) {
                $used[$forward['inPort']] = true;
            }
        }
        return $used;
    }

    private static function sharedNode(array $entry, array $tunnels, array $forward)
    {
        $theirs = self::entryIds($tunnels, (int) $forward['tunnelId']);
        foreach ($entry as $node) {
            if (in_array((int) $node['id'], $theirs, true)) {
                return $node;
            }
        }
        return null;
    }
}
