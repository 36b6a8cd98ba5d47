// The emulator is a package of its own: every import stays inside its folder, and every package it imports is one
// its package.json declares (run-time code: dependencies; tests and config: devDependencies too).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  bin: Record<string, string>;
  scripts: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'data') return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs|js)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Static imports, re-exports, and dynamic import() calls whose specifier is a string literal. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const pattern of [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
  ])
    for (const match of source.matchAll(pattern)) if (match[1]) found.push(match[1]);
  return found;
}

/** "@scope/name/sub/path" → "@scope/name"; "name/sub" → "name". */
const packageOf = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

const files = sourceFiles(ROOT);

describe('the emulator package', () => {
  it('has source files to check (the scan itself works)', () => {
    expect(files.map((f) => relative(ROOT, f))).toEqual(
      expect.arrayContaining(['index.ts', 'cli.ts', 'test/helpers.ts']),
    );
  });

  it('imports nothing outside emulator/duo', () => {
    const outside = files.flatMap((file) =>
      specifiers(readFileSync(file, 'utf8'))
        .filter((s) => s.startsWith('.'))
        .map((s) => resolve(dirname(file), s))
        .filter((target) => target !== ROOT && !target.startsWith(ROOT + sep))
        .map((target) => `${relative(ROOT, file)} → ${relative(ROOT, target)}`),
    );
    expect(outside).toEqual([]);
  });

  it('imports only Node built-ins and the packages its package.json declares', () => {
    const undeclared = files.flatMap((file) => {
      const isTest = relative(ROOT, file).startsWith(`test${sep}`) || file.endsWith('vitest.config.ts');
      const allowed = { ...manifest.dependencies, ...(isTest ? manifest.devDependencies : {}) };
      return specifiers(readFileSync(file, 'utf8'))
        .filter((s) => !s.startsWith('.'))
        .filter((s) => !(s.startsWith('node:') || builtinModules.includes(s)))
        .filter((s) => !(packageOf(s) in allowed))
        .map((s) => `${relative(ROOT, file)} imports ${s}`);
    });
    expect(undeclared).toEqual([]);
  });

  it('declares a start script and a duo-emulator bin that exist', () => {
    expect(manifest.scripts.start).toBe('node bin/duo-emulator.mjs');
    expect(statSync(join(ROOT, manifest.bin['duo-emulator'] ?? 'missing')).isFile()).toBe(true);
  });
});
