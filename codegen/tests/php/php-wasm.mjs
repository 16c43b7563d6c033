// A `php`-like command over the WebAssembly PHP builds of the npm registry (@php-wasm/node):
// `node php-wasm.mjs VERSION ARGS...`, run through php-wasm.sh (which finds the packages).
//
// Unlike `php-wasm-cli` of @php-wasm/cli, whose exit status is always 0, this passes on
// PHP's exit status, and it removes the temporary folders it makes. The host's file system
// is mounted as it is (the real /tmp, /usr/share/php, the working directory), stdin, stdout,
// stderr and the environment are the process's own, and the network (curl to 127.0.0.1)
// goes through Node. The php.ini is the package's (E_ALL, display_errors on, opcache file
// cache in memory) plus any `-d` given on the command line.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [version, ...args] = process.argv.slice(2);
const modules = process.env.FLVX_PHP_WASM_MODULES;
if (!version || !modules) {
  process.stderr.write('usage: FLVX_PHP_WASM_MODULES=DIR node php-wasm.mjs VERSION ARGS...\n');
  process.exit(2);
}
const load = (name) => import(pathToFileURL(join(modules, name, 'index.js')).href);
const { PHP, SupportedPHPVersionsList } = await load('@php-wasm/universal');
const { loadNodeRuntime, useHostFilesystem } = await load('@php-wasm/node');
if (!SupportedPHPVersionsList.includes(version)) {
  process.stderr.write(`php-wasm: PHP ${version} is not one of ${SupportedPHPVersionsList.join(', ')}\n`);
  process.exit(2);
}

// PHP's sys_get_temp_dir() inside the runtime; removed on exit.
const sysTmp = mkdtempSync(join(tmpdir(), 'flvx-php-wasm-'));
const cleanUp = () => rmSync(sysTmp, { recursive: true, force: true });

let status = 1;
try {
  const { TMPDIR: _ignored, ...env } = process.env;
  const php = new PHP(
    await loadNodeRuntime(version, {
      emscriptenOptions: { processId: process.pid, ENV: { ...env, TMPDIR: sysTmp } },
    }),
  );
  useHostFilesystem(php);
  const run = await php.cli(['php', ...args]);
  const pipe = (from, to) =>
    from.pipeTo(new WritableStream({ write: (chunk) => new Promise((done) => to.write(chunk, done)) }));
  const piped = Promise.all([pipe(run.stdout, process.stdout), pipe(run.stderr, process.stderr)]);
  try {
    status = await run.exitCode;
  } catch (e) {
    // exit() inside PHP surfaces as Emscripten's ExitStatus.
    if (e && e.name === 'ExitStatus') {
      status = typeof e.status === 'number' ? e.status : 1;
    } else {
      throw e;
    }
  }
  await piped;
} catch (e) {
  process.stderr.write(`php-wasm: ${e && e.stack ? e.stack : e}\n`);
  status = 70;
} finally {
  cleanUp();
}
process.exit(status);
