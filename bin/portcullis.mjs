#!/usr/bin/env node
// The `portcullis` command: plain node running the build in dist/ that `npm install` made
// (docs/adr/0011-ship-built-javascript.md). Nothing is compiled here; a checkout whose sources
// changed since that build is refused, so what runs is always what the sources say.
import { staleTargets } from '../build/stamp.mjs';

const stale = staleTargets();
if (stale.length > 0) {
  for (const { target, reason } of stale)
    process.stderr.write(`portcullis: the ${target.label} build is out of date: ${reason}.\n`);
  process.stderr.write('portcullis: run "npm run build" (or "npm install"), then try again.\n');
  process.exit(78); // EX_CONFIG, as for other problems with how this installation is set up (docs/cli.md)
}

// Stack traces name the .ts files and lines (dist/**/*.js.map); measured cost ≈ 2 MiB (bench/README.md).
process.setSourceMapsEnabled(true);
await import('../dist/cli/main.js');
