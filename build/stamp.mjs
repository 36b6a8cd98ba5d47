// What each part of dist/ was built from. The build writes a stamp (a SHA-256 per input file) next to
// its output; `bin/portcullis.mjs` compares it with the files on disk before it runs anything, so a
// checkout whose sources changed since `npm install` is refused instead of silently running old code.
// Contents decide, not mtimes, so a copy or a `git checkout` that touches files without changing them
// stays fresh; like git's index, a file whose size and mtime match the stamp is not read again, which
// keeps the check at a few milliseconds of stat calls (bench/startup.ts measures it).
// Plain JavaScript on purpose: it runs before anything is compiled.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The two parts of the build: what each is made from, what it makes, and where its stamp lives. */
export const TARGETS = {
  server: {
    label: 'server and CLI',
    // package-lock.json: a dependency change needs `npm install`, which rebuilds anyway.
    inputs: ['src/server', 'src/cli', 'src/shared', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'],
    output: 'dist/cli/main.js',
    stamp: 'dist/server.stamp.json',
  },
  console: {
    label: 'console',
    inputs: ['src/console', 'src/shared', 'package-lock.json'],
    output: 'dist/console/index.html',
    stamp: 'dist/console.stamp.json',
  },
};

function filesUnder(relativePath, into) {
  const absolute = join(ROOT, relativePath);
  if (!existsSync(absolute)) return into;
  if (statSync(absolute).isDirectory()) {
    for (const entry of readdirSync(absolute).sort()) filesUnder(`${relativePath}/${entry}`, into);
  } else {
    into.push(relativePath);
  }
  return into;
}

function sha256(file) {
  return createHash('sha256')
    .update(readFileSync(join(ROOT, file)))
    .digest('hex');
}

/**
 * { 'src/server/app.ts': { sha256, size, mtimeMs }, ... } for the target's inputs as they are now.
 * With `known` (a stamp's files), an entry whose size and mtime are unchanged is reused unread.
 */
export function fingerprint(target, known = {}) {
  const files = [...new Set(target.inputs.flatMap((input) => filesUnder(input, [])))];
  return Object.fromEntries(
    files.map((file) => {
      const { size, mtimeMs } = statSync(join(ROOT, file));
      const before = known[file];
      const same = before && before.size === size && before.mtimeMs === mtimeMs;
      return [file, { sha256: same ? before.sha256 : sha256(file), size, mtimeMs }];
    }),
  );
}

export function writeStamp(target, files) {
  writeFileSync(join(ROOT, target.stamp), `${JSON.stringify({ builtAt: new Date().toISOString(), files }, null, 1)}\n`);
}

function readStamp(target) {
  try {
    return JSON.parse(readFileSync(join(ROOT, target.stamp), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Why the target must be rebuilt, or null when its output matches the sources. A checkout without
 * sources (only dist/ deployed) has nothing to compare with and counts as fresh.
 */
export function staleness(target) {
  const stamp = readStamp(target);
  if (!stamp || !existsSync(join(ROOT, target.output))) return 'not built yet';
  const now = fingerprint(target, stamp.files);
  if (Object.keys(now).length === 0) return null;
  const changed = [
    ...Object.keys(now).filter((file) => stamp.files[file]?.sha256 !== now[file].sha256),
    ...Object.keys(stamp.files).filter((file) => !(file in now)),
  ];
  if (changed.length === 0) return null;
  const named = changed.slice(0, 3).join(', ');
  return `${named}${changed.length > 3 ? ` and ${changed.length - 3} more` : ''} changed since the last build`;
}

/** Every stale target with its reason: what `bin/portcullis.mjs` refuses to run with. */
export function staleTargets() {
  return Object.values(TARGETS).flatMap((target) => {
    const reason = staleness(target);
    return reason ? [{ target, reason }] : [];
  });
}
