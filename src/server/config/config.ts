import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';

export type RuntimeEnv = 'production' | 'development' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  /** production: only Duo's own API hosts; development/test: custom hosts such as the Duo emulator. */
  env: RuntimeEnv;
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  /** The Application URL given by the environment; when null it comes from Settings > System. */
  publicUrl: URL | null;
  tls: { certFile: string; keyFile: string } | null;
  /** Peers whose X-Forwarded-For is believed (IPs or CIDRs); everyone else's is ignored. */
  trustedProxies: string[];
  logLevel: LogLevel;
  /** Raw key material from PORTCULLIS_SECRET_KEYS; null = key file in the data folder. */
  secretKeys: string | null;
  session: { idleMinutes: number; absoluteHours: number; freshMinutes: number };
  /** Extra CA trusted for Duo endpoints (the emulator's CA in development). */
  duoExtraCaFile: string | null;
  /** Bound on concurrent password hashes (each holds 19 MiB); excess sign-ins get 503. */
  hashConcurrency: number;
  /** Timeout of each call to Duo (and other providers). */
  duoTimeoutMs: number;
  /** Proxy variables present in the environment: providers connect directly, diagnostics say so. */
  proxyVariables: string[];
  /**
   * The parent domain the forward-auth cookie is scoped to (`example.com`), so every protected host
   * under it shares one sign-in; null = the portal's own host only (ADR 0018).
   */
  cookieDomain: string | null;
}

/** A bad setting: the message names the variable and says what is wrong, in one line. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const RUNTIME_ENVS: RuntimeEnv[] = ['production', 'development', 'test'];

/**
 * Reads one variable, or its `*_FILE` twin (Docker/Kubernetes secrets). Both set is an error, as
 * silently preferring one would hide a misconfiguration.
 */
function read(env: Env, name: string): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct !== undefined && direct !== '' && file) {
    throw new ConfigError(name, `set both ${name} and ${name}_FILE; keep one`);
  }
  if (file) {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError(`${name}_FILE`, `cannot read ${file} (${code})`);
    }
  }
  return direct === '' ? undefined : direct;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = read(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return Number(value);
}

function parsePublicUrl(value: string | undefined): URL | null {
  if (value === undefined) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      'PORTCULLIS_PUBLIC_URL',
      `must be an absolute URL such as https://portcullis.example.com (got "${value}")`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('PORTCULLIS_PUBLIC_URL', 'must start with https:// (or http:// for local trials)');
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError('PORTCULLIS_PUBLIC_URL', 'must not contain a query, fragment or credentials');
  }
  return url;
}

function parseProxies(value: string | undefined): string[] {
  if (value === undefined) return [];
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !bitsOk || extra !== undefined) {
      throw new ConfigError('PORTCULLIS_TRUSTED_PROXIES', `"${entry}" is not an IP address or CIDR range`);
    }
  }
  return entries;
}

function parseCookieDomain(value: string | undefined, publicUrl: URL | null): string | null {
  if (value === undefined) return null;
  const domain = value.trim().toLowerCase().replace(/^\./, '');
  const labels = domain.split('.');
  if (
    labels.length < 2 ||
    !labels.every((label) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) ||
    isIP(domain)
  )
    throw new ConfigError(
      'PORTCULLIS_COOKIE_DOMAIN',
      `must be a DNS domain of two labels or more, such as example.com (got "${value}")`,
    );
  if (publicUrl && publicUrl.hostname !== domain && !publicUrl.hostname.endsWith(`.${domain}`))
    throw new ConfigError(
      'PORTCULLIS_COOKIE_DOMAIN',
      `the portal (${publicUrl.hostname}) must be under ${domain} to set a cookie for it`,
    );
  return domain;
}

function fileSetting(env: Env, name: string, baseDir: string): string | null {
  const value = read(env, name);
  if (value === undefined) return null;
  return isAbsolute(value) ? value : resolve(baseDir, value);
}

/** The one place that reads configuration; everything else receives a Config. */
export function loadConfig(env: Env, cwd = process.cwd()): Config {
  const runtime = oneOf(env, 'PORTCULLIS_ENV', RUNTIME_ENVS, 'production');
  const port = integer(env, 'PORTCULLIS_PORT', 8080, 0, 65535);
  const host = read(env, 'PORTCULLIS_HOST') ?? '127.0.0.1';
  const dataDir = resolve(cwd, read(env, 'PORTCULLIS_DATA_DIR') ?? './data');

  const databaseUrl = read(env, 'PORTCULLIS_DATABASE_URL') ?? `sqlite:${resolve(dataDir, 'portcullis.db')}`;
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(databaseUrl)) {
    throw new ConfigError('PORTCULLIS_DATABASE_URL', 'must start with sqlite: or postgres://');
  }

  const certFile = fileSetting(env, 'PORTCULLIS_TLS_CERT', cwd);
  const keyFile = fileSetting(env, 'PORTCULLIS_TLS_KEY', cwd);
  if ((certFile === null) !== (keyFile === null)) {
    throw new ConfigError(
      certFile ? 'PORTCULLIS_TLS_KEY' : 'PORTCULLIS_TLS_CERT',
      'HTTPS needs both PORTCULLIS_TLS_CERT and PORTCULLIS_TLS_KEY',
    );
  }

  const publicUrl = parsePublicUrl(read(env, 'PORTCULLIS_PUBLIC_URL'));
  return {
    env: runtime,
    host,
    port,
    dataDir,
    databaseUrl,
    publicUrl,
    tls: certFile && keyFile ? { certFile, keyFile } : null,
    trustedProxies: parseProxies(read(env, 'PORTCULLIS_TRUSTED_PROXIES')),
    logLevel: oneOf(env, 'PORTCULLIS_LOG_LEVEL', LOG_LEVELS, 'info'),
    secretKeys: read(env, 'PORTCULLIS_SECRET_KEYS') ?? null,
    session: {
      idleMinutes: integer(env, 'PORTCULLIS_SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
      absoluteHours: integer(env, 'PORTCULLIS_SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 30),
      freshMinutes: integer(env, 'PORTCULLIS_SESSION_FRESH_MINUTES', 10, 1, 24 * 60),
    },
    duoExtraCaFile: fileSetting(env, 'PORTCULLIS_DUO_CA_FILE', cwd),
    hashConcurrency: integer(env, 'PORTCULLIS_HASH_CONCURRENCY', 2, 1, 64),
    duoTimeoutMs: integer(env, 'PORTCULLIS_DUO_TIMEOUT_MS', 5000, 100, 60_000),
    proxyVariables: Object.keys(env).filter((name) => /^(https?|all)_proxy$/i.test(name) && Boolean(env[name])),
    cookieDomain: parseCookieDomain(read(env, 'PORTCULLIS_COOKIE_DOMAIN'), publicUrl),
  };
}

/** Names and meanings of every variable, for `portcullis doctor` and the README. */
export const CONFIG_VARIABLES: ReadonlyArray<{ name: string; meaning: string; fallback: string }> = [
  {
    name: 'PORTCULLIS_ENV',
    meaning: 'production, development or test (custom Duo hosts such as the emulator only outside production)',
    fallback: 'production',
  },
  { name: 'PORTCULLIS_HOST', meaning: 'address to listen on', fallback: '127.0.0.1' },
  { name: 'PORTCULLIS_PORT', meaning: 'port to listen on', fallback: '8080' },
  { name: 'PORTCULLIS_DATA_DIR', meaning: 'folder for the SQLite database and the master key', fallback: './data' },
  {
    name: 'PORTCULLIS_DATABASE_URL',
    meaning: 'sqlite:<file> or postgres://user:pass@host/db',
    fallback: 'sqlite:<data dir>/portcullis.db',
  },
  {
    name: 'PORTCULLIS_PUBLIC_URL',
    meaning: 'the Application URL users reach the portal at (overrides Settings > System)',
    fallback: 'unset',
  },
  {
    name: 'PORTCULLIS_TLS_CERT / PORTCULLIS_TLS_KEY',
    meaning: 'PEM files to serve HTTPS directly',
    fallback: 'unset (HTTP)',
  },
  {
    name: 'PORTCULLIS_TRUSTED_PROXIES',
    meaning: 'comma-separated IPs/CIDRs whose X-Forwarded-For is trusted',
    fallback: 'none',
  },
  { name: 'PORTCULLIS_LOG_LEVEL', meaning: LOG_LEVELS.join(', '), fallback: 'info' },
  {
    name: 'PORTCULLIS_SECRET_KEYS',
    meaning: 'master keys "1:<base64 32 bytes>,2:..." (newest wins); else generated into the data dir',
    fallback: '<data dir>/master.key',
  },
  { name: 'PORTCULLIS_SESSION_IDLE_MINUTES', meaning: 'idle session limit', fallback: '30' },
  { name: 'PORTCULLIS_SESSION_ABSOLUTE_HOURS', meaning: 'absolute session limit', fallback: '12' },
  {
    name: 'PORTCULLIS_SESSION_FRESH_MINUTES',
    meaning: 'how recent a sign-in must be for sensitive changes',
    fallback: '10',
  },
  {
    name: 'PORTCULLIS_DUO_CA_FILE',
    meaning: 'extra CA (PEM) trusted for Duo endpoints, e.g. the Duo emulator',
    fallback: 'unset',
  },
  { name: 'PORTCULLIS_HASH_CONCURRENCY', meaning: 'password hashes computed at once', fallback: '2' },
  { name: 'PORTCULLIS_DUO_TIMEOUT_MS', meaning: 'timeout of each call to Duo, in milliseconds', fallback: '5000' },
  {
    name: 'PORTCULLIS_COOKIE_DOMAIN',
    meaning: 'parent domain of the applications behind forward-auth (one sign-in for all its hosts)',
    fallback: "unset (the portal's host only)",
  },
];
