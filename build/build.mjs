#!/usr/bin/env node
// Builds what `npm start` runs (docs/adr/0011-ship-built-javascript.md): the server and CLI with tsc
// into dist/{server,cli,shared} (one .js and .js.map per .ts, the same folder layout as src/), and the
// console with Vite into dist/console. `npm install` runs it as the "prepare" script.
//   node build/build.mjs            build each part whose sources changed since its stamp
//   node build/build.mjs --force    build both parts
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fingerprint, ROOT, staleness, TARGETS, writeStamp } from './stamp.mjs';

const require = createRequire(import.meta.url);

function compileServer() {
  // Outputs of deleted or renamed sources must not linger where an import could still find them.
  for (const dir of ['server', 'cli', 'shared']) rmSync(join(ROOT, 'dist', dir), { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`tsc failed (exit ${result.status ?? result.signal})`);
}

async function compileConsole() {
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'src/console/vite.config.ts'), logLevel: 'warn' });
}

const COMPILERS = { server: compileServer, console: compileConsole };

/**
 * Builds the stale parts (or all with `force`) and stamps each with the fingerprint taken before it
 * was compiled, so a file edited during the build leaves the part stale. Returns the parts it built.
 */
export async function build({ force = false, say = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const built = [];
  for (const [name, target] of Object.entries(TARGETS)) {
    const reason = force ? 'forced' : staleness(target);
    if (!reason) continue;
    say(`Building the ${target.label} (${reason})...`);
    const files = fingerprint(target);
    await COMPILERS[name]();
    writeStamp(target, files);
    built.push(name);
  }
  return built;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await build({ force: process.argv.includes('--force') });
  } catch (error) {
    process.stderr.write(`build failed: ${error.message}\n`);
    process.exitCode = 1;
  }
}
