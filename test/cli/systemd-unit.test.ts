import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { missingPrograms } from '../helpers/programs.ts';

const UNIT = fileURLToPath(new URL('../../docs/deploy/portcullis.service', import.meta.url));
const PACKAGE = fileURLToPath(new URL('../../package.json', import.meta.url));
const ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((path) => existsSync(path));

// systemd-analyze comes with Debian's systemd package: skipped here when missing, required in CI
// (test/helpers/programs.ts). The unit is not started here: the test machines do not run systemd as init.
const MISSING_PROGRAMS = missingPrograms('systemd-analyze');

/** The unit's [Service] settings as systemd reads them: a key may repeat. */
function serviceSettings(): Array<[string, string]> {
  const text = readFileSync(UNIT, 'utf8');
  const service = text.slice(text.indexOf('[Service]'), text.indexOf('[Install]'));
  return service
    .split('\n')
    .filter((line) => /^\w+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
}

describe('the systemd unit in docs/deploy/', () => {
  it.skipIf(MISSING_PROGRAMS)('passes systemd-analyze verify without a warning', () => {
    const result = spawnSync(ANALYZE as string, ['verify', UNIT], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(MISSING_PROGRAMS)('rates "OK" in systemd-analyze security (exposure at most 2.0 of 10)', () => {
    const result = spawnSync(ANALYZE as string, ['security', '--offline=yes', '--threshold=20', UNIT], {
      encoding: 'utf8',
    });
    expect(result.stdout).toMatch(/Overall exposure level for portcullis\.service: [0-2]\.\d OK/);
    expect(result.status).toBe(0);
  });

  it('has the hardening docs/deploy.md promises, and writes only to its data folder', () => {
    const settings = serviceSettings();
    for (const [key, value] of [
      ['ProtectSystem', 'strict'],
      ['NoNewPrivileges', 'yes'],
      ['PrivateTmp', 'yes'],
      ['ProtectHome', 'yes'],
      ['PrivateDevices', 'yes'],
      ['CapabilityBoundingSet', ''],
      ['ReadWritePaths', '/var/lib/portcullis'],
      ['StateDirectory', 'portcullis'],
      ['UMask', '0077'],
    ] as const) {
      expect(settings, key).toContainEqual([key, value]);
    }
    expect(settings.filter(([key]) => key === 'ReadWritePaths')).toHaveLength(1);
  });

  it('starts the portal exactly as npm start does, V8 flags included', () => {
    const start = (JSON.parse(readFileSync(PACKAGE, 'utf8')) as { scripts: { start: string } }).scripts.start;
    const execStart = serviceSettings().find(([key]) => key === 'ExecStart')?.[1];
    expect(execStart).toBe(
      start.replace(/^node /, '/usr/bin/node ').replace('bin/portcullis.mjs', '/opt/portcullis/bin/portcullis.mjs'),
    );
  });
});
