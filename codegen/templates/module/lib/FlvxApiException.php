<?php

namespace WHMCS\Module\Server\Flvx;

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/**
 * A failed panel call. The kinds mirror the Rust SDK's error enum: not sent (config),
 * could not reach (transport), answered something unreadable (unexpected, decode), or
 * refused (api, unauthorized, forbidden, target, licence, login, captcha).
 */
class FlvxApiException extends \RuntimeException
{
    const CONFIG = 'config';
    const TRANSPORT = 'transport';
    const UNEXPECTED = 'unexpected';
    const DECODE = 'decode';
    const API = 'api';
    const UNAUTHORIZED = 'unauthorized';
    const FORBIDDEN = 'forbidden';
    /** A 3.0 panel refused a forward's target address (403 on forward writes). */
    const TARGET = 'target';
    /** The commercial edition's licence is inactive (code 451). */
    const LICENCE = 'licence';
    const LOGIN = 'login';
    const CAPTCHA = 'captcha';

    /** @var string */
    private $kind;

    /** @var string */
    private $path;

    /** @var int|null */
    private $panelCode;

    /** @var string|null */
    private $panelMessage;

    /** @var int */
    private $httpStatus;

    public function __construct(
        string $kind,
        string $message,
        string $path = '',
        $panelCode = null,
        $panelMessage = null,
        int $httpStatus = 0
    ) {
        parent::__construct($message);
        $this->kind = $kind;
        $this->path = $path;
        $this->panelCode = $panelCode;
        $this->panelMessage = $panelMessage;
        $this->httpStatus = $httpStatus;
    }

    public function getKind(): string
    {
        return $this->kind;
    }

    public function getPath(): string
    {
        return $this->path;
    }

    /** @return int|null the envelope code, when the panel answered with one */
    public function getPanelCode()
    {
        return $this->panelCode;
    }

    /** @return string|null the panel's own message */
    public function getPanelMessage()
    {
        return $this->panelMessage;
    }

    /** The HTTP status of a non-envelope answer (0 otherwise). */
    public function getHttpStatus(): int
    {
        return $this->httpStatus;
    }

    public function isRetryable(): bool
    {
        if ($this->kind === self::TRANSPORT) {
            return true;
        }
        return $this->kind === self::UNEXPECTED && in_array($this->httpStatus, array(429, 502, 503, 504), true);
    }

    public function isNotFound(): bool
    {
        $notFound = array(
            FlvxConstants::MSG_USER_NOT_FOUND,
            FlvxConstants::MSG_FORWARD_NOT_FOUND,
            FlvxConstants::MSG_TUNNEL_NOT_FOUND,
            FlvxConstants::MSG_NO_ROWS,
        );
        return $this->kind === self::API && in_array($this->panelMessage, $notFound, true);
    }
}
