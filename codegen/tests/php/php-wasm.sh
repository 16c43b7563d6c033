#!/bin/sh
# `php-wasm.sh VERSION ARGS...`: runs the WebAssembly build of PHP VERSION (7.4, 8.1, 8.3,
# 8.4, ...) like `php ARGS...`, with its exit status. The npm packages are looked for in
# FLVX_PHP_WASM_DIR (default: target/php-wasm of this workspace), where .ci/run installs
# them. Debian's include_path (/usr/share/php: Smarty, Illuminate) is added, as Debian's
# php.ini does.
#
# The tests run under it with FLVX_PHP="$PWD/codegen/tests/php/php-wasm.sh 8.3".
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
dir=${FLVX_PHP_WASM_DIR:-$here/../../../target/php-wasm}
if [ "$#" -lt 1 ]; then
  echo "usage: php-wasm.sh VERSION ARGS..." >&2
  exit 2
fi
version=$1
shift
package=@php-wasm/node-$(echo "$version" | tr . -)
if [ ! -f "$dir/node_modules/$package/package.json" ]; then
  echo "php-wasm.sh: $package is not installed in $dir (see .ci/run)" >&2
  exit 127
fi
FLVX_PHP_WASM_MODULES=$dir/node_modules
export FLVX_PHP_WASM_MODULES
# --liftoff-only: V8's baseline compiler alone; a run is short, and compiling the 23 MB
# module with the optimising tier too would cost three times the CPU. nice: a WebAssembly
# PHP is CPU-bound, so the test process (its fake panels, the Rust engine) goes first.
# opcache off, as in Debian's CLI: with it, PHP's compile-time deprecations would skip
# the harness's error handler.
exec nice -n 10 node --liftoff-only "$here/php-wasm.mjs" "$version" -d include_path=.:/usr/share/php -d opcache.enable_cli=0 "$@"
