<?php

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

// The FLVX module's messages{% if chinese %} in Simplified Chinese{% else %} in English{% endif %}, by key.
return array(
{%- for m in ir.messages %}
    '{{ m.key }}' => '{% if chinese %}{{ m.zh }}{% else %}{{ m.en }}{% endif %}',
{%- endfor %}
);
