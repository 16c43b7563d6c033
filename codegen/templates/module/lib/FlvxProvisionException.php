<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * A provisioning failure, carrying a catalogue message key and its arguments; the message
 * is already in the admin's or client's language.
 */
class FlvxProvisionException extends \RuntimeException
{
    /** @var string */
    private $key;

    /** @var array */
    private $args;

    public function __construct(string $key, array $args = array(), ?\Throwable $previous = null)
    {
        $this->key = $key;
        $this->args = $args;
        parent::__construct(FlvxLang::text($key, $args), 0, $previous);
    }

    public function getKey(): string
    {
        return $this->key;
    }

    public function getArgs(): array
    {
        return $this->args;
    }
}
