<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * The product options, generated from the Rust schema, and the plan parser that applies
 * the same rules as the Rust engine. Order is ABI: option N is `configoptionN`.
 */
final class FlvxOptions
{
    const OPTIONS = array(
{%- for o in ir.options %}
        // configoption{{ o.position }}: {{ o.comment|safe }}
        array(
            'key' => '{{ o.key }}',
            'label' => '{{ o.label_en }}',
            'description' => '{{ o.description_en }}',
            'type' => '{{ o.field_type }}',
            'default' => '{{ o.default }}',
            'rule' => '{{ o.rule }}',
            'min' => {{ o.min }},
            'max' => {{ o.max }},
            'choices' => array({% for c in o.choices %}'{{ c.value }}' => '{{ c.label_en }}'{% if !loop.last %}, {% endif %}{% endfor %}),
            'loader' => {% match o.loader %}{% when Some with (l) %}'flvx_{{ l }}'{% when None %}null{% endmatch %},
            'size' => {{ o.size }},
            'simple' => {% if o.simple %}true{% else %}false{% endif %},
        ),
{%- endfor %}
    );

    /** The array `flvx_ConfigOptions` returns. */
    public static function configOptions(): array
    {
        $fields = array();
        foreach (self::OPTIONS as $option) {
            $field = array(
                'FriendlyName' => $option['label'],
                'Type' => $option['type'],
                'Default' => $option['default'],
                'Description' => $option['description'],
                'SimpleMode' => $option['simple'],
            );
            if ($option['size'] > 0) {
                $field['Size'] = (string) $option['size'];
            }
            if (!empty($option['choices'])) {
                $field['Options'] = $option['choices'];
            }
            if ($option['loader'] !== null) {
                $field['Loader'] = $option['loader'];
            }
            $fields[$option['key']] = $field;
        }
        return $fields;
    }

    /**
     * Validates every option of a service and returns its values keyed by option key.
     *
     * @throws FlvxProvisionException naming the option, the value and what is allowed
     */
    public static function parsePlan(array $params): array
    {
        if (self::isLegacyLayout($params)) {
            // Read here, each 1.0 value would land in another setting (its traffic quota
            // would be a tunnel id): nothing may run until the admin moves them.
            $moves = array();
            foreach (FlvxConstants::LEGACY_LAYOUT as $row) {
                list($position, $old, $key) = $row;
                $moves[] = FlvxLang::text('legacy_move', array(
                    'old' => $old,
                    'value' => self::trim(self::setting($params, $position)),
                    'position' => (string) $position,
                    'new' => self::labelOf($key),
                ));
            }
            throw new FlvxProvisionException('legacy_layout', array('moves' => implode('; ', $moves)));
        }
        $overrides = isset($params['configoptions']) && is_array($params['configoptions'])
            ? $params['configoptions']
            : array();
        $plan = array();
        foreach (self::OPTIONS as $index => $option) {
            $raw = self::rawValue($params, $overrides, $option, $index + 1);
            $plan[$option['key']] = self::check($option, $raw);
        }
        return $plan;
    }

    /**
     * The English label of the first option this plan sets that needs FLVX 3.0, or null
     * (mirrors Plan::needs_v3).
     *
     * @return string|null
     */
    public static function needsVersion3(array $plan)
    {
        $checks = array(
            'max_connections' => $plan['max_connections'] !== null,
            'daily_quota' => $plan['daily_quota'] !== null,
            'monthly_quota' => $plan['monthly_quota'] !== null,
            'forward_traffic_reset' => $plan['forward_traffic_reset'] === 'yes',
        );
        foreach ($checks as $key => $set) {
            if ($set) {
                return self::labelOf($key);
            }
        }
        return null;
    }

    /**
     * FLVX products whose settings need FLVX 3.0, as "#id name (option)".
     *
     * @return string[]
     */
    public static function productsNeedingVersion3(): array
    {
        $found = array();
        $products = \WHMCS\Database\Capsule::table('tblproducts')->where('servertype', 'flvx')->get();
        foreach ($products as $product) {
            $params = array();
            for ($i = 1; $i <= count(self::OPTIONS); $i++) {
                $key = 'configoption' . $i;
                $params[$key] = isset($product->$key) ? (string) $product->$key : '';
            }
            try {
                $label = self::needsVersion3(self::parsePlan($params));
            } catch (FlvxProvisionException $e) {
                continue;
            }
            if ($label !== null) {
                $found[] = '#' . $product->id . ' ' . $product->name . ' (' . $label . ')';
            }
        }
        return $found;
    }

    /**
     * Whether the product settings are in the 1.0 layout (the Rust `is_legacy_layout`):
     * every position given, one of the first five set, and every later one blank. 1.0
     * had only those five; WHMCS saves a choice for each of this module's dropdowns.
     */
    public static function isLegacyLayout(array $params): bool
    {
        // WHMCS always passes every position; parameters without them mean defaults.
        for ($i = 1; $i <= count(self::OPTIONS); $i++) {
            if (!isset($params['configoption' . $i])) {
                return false;
            }
        }
        $first = count(FlvxConstants::LEGACY_LAYOUT);
        $any = false;
        for ($i = 1; $i <= $first; $i++) {
            $any = $any || self::trim(self::setting($params, $i)) !== '';
        }
        if (!$any) {
            return false;
        }
        for ($i = $first + 1; $i <= count(self::OPTIONS); $i++) {
            if (self::trim(self::setting($params, $i)) !== '') {
                return false;
            }
        }
        return true;
    }

    /** The product's `configoption$position`, as text. */
    private static function setting(array $params, int $position): string
    {
        $value = isset($params['configoption' . $position]) ? $params['configoption' . $position] : '';
        return is_scalar($value) ? (string) $value : '';
    }

    /** The English label of option `$key`. */
    public static function labelOf(string $key): string
    {
        foreach (self::OPTIONS as $option) {
            if ($option['key'] === $key) {
                return $option['label'];
            }
        }
        return '';
    }

    /** A configurable option of the same name, else the module setting, else the default. */
    private static function rawValue(array $params, array $overrides, array $option, int $position): string
    {
        $value = null;
        foreach ($overrides as $name => $chosen) {
            $name = self::trim((string) $name);
            if (strcasecmp($name, $option['key']) === 0 || strcasecmp($name, $option['label']) === 0) {
                $value = $chosen;
                break;
            }
        }
        if ($value === null) {
            $key = 'configoption' . $position;
            $value = isset($params[$key]) ? $params[$key] : '';
        }
        $value = is_scalar($value) ? (string) $value : '';
        return self::trim($value) === '' ? $option['default'] : $value;
    }

    /**
     * @return mixed the checked value
     * @throws FlvxProvisionException
     */
    private static function check(array $option, string $raw)
    {
        $text = self::trim($raw);
        switch ($option['rule']) {
            case 'integer':
                $n = self::wholeNumber($text);
                if ($n !== null && $n >= $option['min'] && $n <= $option['max']) {
                    return $n;
                }
                throw self::reject($option, $raw, 'allowed_integer', self::bounds($option));
            case 'integer_or_unlimited':
                if (strcasecmp($text, 'unlimited') === 0) {
                    return FlvxConstants::UNLIMITED_GIB;
                }
                $n = self::wholeNumber($text);
                if ($n !== null && $n >= $option['min'] && $n <= $option['max']) {
                    return $n;
                }
                throw self::reject($option, $raw, 'allowed_integer_or_unlimited', self::bounds($option));
            case 'id_list':
                $ids = array();
                foreach (explode(',', $text) as $part) {
                    $n = self::wholeNumber(self::trim($part));
                    if ($n === null || $n <= 0) {
                        throw self::reject($option, $raw, 'allowed_id_list', array());
                    }
                    if (!in_array($n, $ids, true)) {
                        $ids[] = $n;
                    }
                }
                return $ids;
            case 'optional_integer':
                if ($text === '') {
                    // Left empty: the panel's value is kept.
                    return null;
                }
                $n = self::wholeNumber($text);
                if ($n !== null && $n >= $option['min'] && $n <= $option['max']) {
                    return $n;
                }
                throw self::reject($option, $raw, 'allowed_optional_integer', self::bounds($option));
            case 'optional_id':
                $n = self::wholeNumber($text);
                if ($n !== null) {
                    return $n;
                }
                throw self::reject($option, $raw, 'allowed_optional_id', array());
            case 'one_of':
                if (array_key_exists($text, $option['choices'])) {
                    return $text;
                }
                $choices = implode(', ', array_map('strval', array_keys($option['choices'])));
                throw self::reject($option, $raw, 'allowed_one_of', array('choices' => $choices));
            case 'reset_schedule':
                if ($text === 'billing_day' || $text === 'never') {
                    return $text;
                }
                $day = self::wholeNumber($text);
                if ($day !== null && $day >= 1 && $day <= 31) {
                    return $day;
                }
                throw self::reject($option, $raw, 'allowed_reset_schedule', array());
            case 'prefix':
                if (preg_match('/^[A-Za-z][A-Za-z0-9_-]*$/', $text) === 1 && strlen($text) <= $option['max']) {
                    return $text;
                }
                throw self::reject($option, $raw, 'allowed_prefix', array('max' => (string) $option['max']));
            case 'network_list':
                $networks = FlvxForwardPolicy::parseNetworkList($text);
                if ($networks !== null && count($networks) <= $option['max']) {
                    return $text;
                }
                throw self::reject($option, $raw, 'allowed_networks', array('max' => (string) $option['max']));
            case 'port_range':
                if (FlvxForwardPolicy::parsePortRange($text) !== false) {
                    return $text;
                }
                throw self::reject($option, $raw, 'allowed_port_range', array());
        }
        throw self::reject($option, $raw, 'allowed_optional_id', array());
    }

    /**
     * Trims Unicode white space like Rust's `str::trim` (PHP's trim() knows only ASCII, so
     * a value padded with, say, an ideographic space would be refused here but accepted by
     * the engine).
     */
    private static function trim(string $text): string
    {
        $trimmed = preg_replace('/^[\s\p{Z}\x{85}]+|[\s\p{Z}\x{85}]+$/u', '', $text);
        return is_string($trimmed) ? $trimmed : trim($text);
    }

    /** Digits only (no sign, decimals or exponent), at most 12 of them. */
    private static function wholeNumber(string $text)
    {
        if ($text === '' || strlen($text) > 12 || !ctype_digit($text)) {
            return null;
        }
        return (int) $text;
    }

    private static function bounds(array $option): array
    {
        return array('min' => (string) $option['min'], 'max' => (string) $option['max']);
    }

    private static function reject(array $option, string $raw, string $allowedKey, array $allowedArgs): FlvxProvisionException
    {
        return new FlvxProvisionException('invalid_option', array(
            'option' => $option['label'],
            'value' => $raw,
            'allowed' => FlvxLang::text($allowedKey, $allowedArgs),
        ));
    }
}
