import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config/config.ts';

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env, '/srv/portcullis');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('configuration', () => {
  it('has safe defaults: SQLite under ./data, 127.0.0.1:8080, production', () => {
    const config = loadConfig({}, '/srv/portcullis');
    expect(config).toMatchObject({
      env: 'production',
      host: '127.0.0.1',
      port: 8080,
      dataDir: '/srv/portcullis/data',
      databaseUrl: 'sqlite:/srv/portcullis/data/portcullis.db',
      publicUrl: null,
      tls: null,
      trustedProxies: [],
      session: { idleMinutes: 30, absoluteHours: 12 },
    });
  });

  it.each([
    [{ PORTCULLIS_PORT: 'eighty' }, 'PORTCULLIS_PORT: must be a whole number from 0 to 65535 (got "eighty")'],
    [{ PORTCULLIS_PORT: '70000' }, 'PORTCULLIS_PORT: must be a whole number from 0 to 65535 (got "70000")'],
    [{ PORTCULLIS_ENV: 'prod' }, 'PORTCULLIS_ENV: must be one of production, development, test (got "prod")'],
    [
      { PORTCULLIS_LOG_LEVEL: 'loud' },
      'PORTCULLIS_LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ],
    [{ PORTCULLIS_DATABASE_URL: 'mysql://x' }, 'PORTCULLIS_DATABASE_URL: must start with sqlite: or postgres://'],
    [
      { PORTCULLIS_PUBLIC_URL: 'portal.example.com' },
      'PORTCULLIS_PUBLIC_URL: must be an absolute URL such as https://portcullis.example.com (got "portal.example.com")',
    ],
    [
      { PORTCULLIS_PUBLIC_URL: 'https://portal.example.com/?x=1' },
      'PORTCULLIS_PUBLIC_URL: must not contain a query, fragment or credentials',
    ],
    [
      { PORTCULLIS_TRUSTED_PROXIES: '10.0.0.1, not-an-ip' },
      'PORTCULLIS_TRUSTED_PROXIES: "not-an-ip" is not an IP address or CIDR range',
    ],
    [
      { PORTCULLIS_TRUSTED_PROXIES: '10.0.0.0/33' },
      'PORTCULLIS_TRUSTED_PROXIES: "10.0.0.0/33" is not an IP address or CIDR range',
    ],
    [
      { PORTCULLIS_TLS_CERT: 'cert.pem' },
      'PORTCULLIS_TLS_KEY: HTTPS needs both PORTCULLIS_TLS_CERT and PORTCULLIS_TLS_KEY',
    ],
    [
      { PORTCULLIS_SESSION_IDLE_MINUTES: '0' },
      'PORTCULLIS_SESSION_IDLE_MINUTES: must be a whole number from 1 to 1440 (got "0")',
    ],
    [
      { PORTCULLIS_SECRET_KEYS_FILE: '/nonexistent/keys' },
      'PORTCULLIS_SECRET_KEYS_FILE: cannot read /nonexistent/keys (ENOENT)',
    ],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(problem(env)).toBe(message);
  });

  it('reads *_FILE variants and refuses both forms at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-config-'));
    writeFileSync(join(dir, 'db-url'), 'postgres://user:secret@db/portcullis\n');
    expect(loadConfig({ PORTCULLIS_DATABASE_URL_FILE: join(dir, 'db-url') }).databaseUrl).toBe(
      'postgres://user:secret@db/portcullis',
    );
    expect(problem({ PORTCULLIS_DATABASE_URL: 'sqlite:x', PORTCULLIS_DATABASE_URL_FILE: join(dir, 'db-url') })).toBe(
      'PORTCULLIS_DATABASE_URL: set both PORTCULLIS_DATABASE_URL and PORTCULLIS_DATABASE_URL_FILE; keep one',
    );
  });

  it('accepts trusted proxies as IPs and CIDR ranges', () => {
    expect(loadConfig({ PORTCULLIS_TRUSTED_PROXIES: '10.0.0.1, 192.168.0.0/16, ::1' }).trustedProxies).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      '::1',
    ]);
  });
});
