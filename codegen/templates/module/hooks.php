<?php

if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

/*
 * The FLVX module registers no hooks: everything it does happens in the module functions
 * of flvx.php, which WHMCS calls itself (create, suspend, renew, usage, ...). This file is
 * kept so that a hook added later has its place; remember that WHMCS only picks up a new
 * hooks file after a product using the module is saved again.
 */
