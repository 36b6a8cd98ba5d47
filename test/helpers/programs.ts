import { execFileSync } from 'node:child_process';

/** The Debian package that brings each program the suites run (what `.ci/run` installs). */
const PACKAGES = {
  nginx: 'nginx-core',
  caddy: 'caddy',
  rsyslogd: 'rsyslog',
  oathtool: 'oathtool',
  'systemd-analyze': 'systemd',
} as const;

type Program = keyof typeof PACKAGES;

function installed(name: Program): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore', env: { ...process.env, PATH: fullPath() } });
    return true;
  } catch {
    return false;
  }
}

/** Debian puts daemons in /usr/sbin, which a non-root PATH may lack. */
function fullPath(): string {
  return `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
}

/**
 * Whether a suite that runs these real programs must be skipped here. `npm test` passes on a machine
 * with only Node.js, so a missing program skips its suites (saying which and how to install it); CI
 * sets PORTCULLIS_TEST_REQUIRE_TOOLS=1 after installing them, and there a missing one is a failure.
 */
export function missingPrograms(...names: Program[]): boolean {
  const missing = names.filter((name) => !installed(name));
  if (missing.length === 0) return false;
  const hint = `apt-get install ${missing.map((name) => PACKAGES[name]).join(' ')}`;
  if (process.env.PORTCULLIS_TEST_REQUIRE_TOOLS === '1') {
    throw new Error(`${missing.join(', ')} not installed; CI requires these suites (${hint})`);
  }
  console.warn(`[tests] ${missing.join(', ')} not installed: suites that run it are skipped here (${hint})`);
  return true;
}
