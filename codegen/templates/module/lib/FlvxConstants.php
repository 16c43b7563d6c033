<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * Units, limits and panel facts shared with the Rust engine (one definition, in Rust).
 */
final class FlvxConstants
{
    const MODULE_VERSION = '{{ ir.version }}';
{%- for c in ir.constants %}

    /** {{ c.doc|safe }} */
    const {{ c.name|safe }} = {{ c.literal|safe }};
{%- endfor %}
}
