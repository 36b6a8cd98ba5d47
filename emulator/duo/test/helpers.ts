import https from 'node:https';
import { CompactSign, decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type DuoEmulator, type DuoEmulatorOptions, type DuoUser, startDuoEmulator } from '../index.ts';

/** Enough to reach an emulator: a started one, or one the CLI describes in emulator.json. */
export type EmulatorAddress = Pick<DuoEmulator, 'baseUrl' | 'caPem'>;

export interface HttpsResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

/** One HTTPS request that trusts only the emulator's CA and follows no redirect, so tests see Duo's exact answer. */
export function httpsRequest(
  emulator: EmulatorAddress,
  opts: {
    method?: string;
    path: string;
    form?: Record<string, string>;
    headers?: Record<string, string>;
    body?: string;
  },
): Promise<HttpsResult> {
  const body = opts.form ? new URLSearchParams(opts.form).toString() : opts.body;
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${emulator.baseUrl}${opts.path}`,
      {
        method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
        ca: emulator.caPem,
        headers: {
          ...(opts.form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const nowSeconds = (emulatorNow: number): number => Math.floor(emulatorNow / 1000);

/** Signs any claim set, with any types (C#'s string exp), HS512 unless told otherwise. */
export function signJwt(claims: Record<string, unknown>, secret: string, alg = 'HS512'): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg })
    .sign(new TextEncoder().encode(secret));
}

export interface TestClient {
  clientId: string;
  clientSecret: string;
}

/** The client_assertion every official SDK sends (Node shape: with iat). */
export function clientAssertion(
  emulator: EmulatorAddress,
  client: TestClient,
  endpoint: 'health_check' | 'token',
  now: number,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const claims: Record<string, unknown> = {
    iss: client.clientId,
    sub: client.clientId,
    aud: `${emulator.baseUrl}/oauth/v1/${endpoint}`,
    jti: `jti-${Math.random().toString(16).slice(2)}-${Date.now()}`,
    iat: nowSeconds(now),
    exp: nowSeconds(now) + 300,
    ...overrides,
  };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  return signJwt(claims, client.clientSecret);
}

export const REDIRECT_URI = 'https://portal.example.test/auth/duo/callback';

/** An authorize URL as the Node SDK builds it, with claims that tests can override or drop (undefined). */
export async function authorizeUrl(
  emulator: EmulatorAddress,
  client: TestClient,
  now: number,
  opts: { username?: string; claims?: Record<string, unknown>; query?: Record<string, string>; secret?: string } = {},
): Promise<string> {
  const claims: Record<string, unknown> = {
    response_type: 'code',
    scope: 'openid',
    exp: nowSeconds(now) + 300,
    client_id: client.clientId,
    redirect_uri: REDIRECT_URI,
    state: 'state-0123456789abcdef-0123456789',
    duo_uname: opts.username ?? 'alice',
    iss: client.clientId,
    aud: emulator.baseUrl,
    use_duo_code_attribute: true,
    ...opts.claims,
  };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete claims[k];
  const request = await signJwt(claims, opts.secret ?? client.clientSecret);
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    request,
    redirect_uri: String(claims.redirect_uri ?? ''),
    scope: 'openid',
    ...opts.query,
  });
  return `${emulator.baseUrl}/oauth/v1/authorize?${query.toString()}`;
}

/** Approves at the prompt and returns the code from the callback URL. */
export async function approvedCode(emulator: DuoEmulator, url: string): Promise<string> {
  const result = await emulator.completeAuthorization(url, 'approve');
  if (result.kind !== 'redirect') throw new Error(`expected a redirect, got ${JSON.stringify(result)}`);
  const callback = new URL(result.url);
  const code = callback.searchParams.get('duo_code') ?? callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${result.url}`);
  return code;
}

/** The token call as the Node SDK makes it; overrides replace or (undefined) drop fields. */
export async function tokenForm(
  emulator: DuoEmulator,
  client: TestClient,
  code: string,
  now: number,
  overrides: Record<string, string | undefined> = {},
): Promise<Record<string, string>> {
  const form: Record<string, string | undefined> = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: client.clientId,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await clientAssertion(emulator, client, 'token', now),
    ...overrides,
  };
  return Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => e[1] !== undefined));
}

export const postToken = (emulator: DuoEmulator, form: Record<string, string>) =>
  httpsRequest(emulator, { path: '/oauth/v1/token', form });

export const postHealth = (emulator: EmulatorAddress, form: Record<string, string>) =>
  httpsRequest(emulator, { path: '/oauth/v1/health_check', form });

export function idTokenClaimsOf(result: HttpsResult): Record<string, unknown> {
  return decodeJwt(result.json<{ id_token: string }>().id_token) as Record<string, unknown>;
}

/** A controllable emulator clock: tests move Duo's time without waiting. */
export function testClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)) {
  let current = start;
  return {
    now: () => current,
    set: (ms: number) => {
      current = ms;
    },
    advance: (ms: number) => {
      current += ms;
    },
  };
}

/** Stands for the object `current()` returns once the suite started (its methods, properties and keys). */
function startedLater<T extends object>(what: string, current: () => T | undefined): T {
  const target = (): T => {
    const value = current();
    if (!value) throw new Error(`the ${what} starts before the suite: use it inside tests and hooks`);
    return value;
  };
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(target(), key),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}

/**
 * The set-up most suites share: before them, an emulator on a test clock with one registered client
 * and alice (enrolled, or as `alice` says); after them, closed. `resetFaults` switches every fault off
 * before each test. `emulator` and `client` stand for the ones started: use them in tests and hooks.
 */
export function emulatorSuite(
  options: {
    emulator?: Omit<DuoEmulatorOptions, 'now'>;
    clientName?: string;
    alice?: Partial<DuoUser>;
    resetFaults?: boolean;
  } = {},
): { clock: ReturnType<typeof testClock>; emulator: DuoEmulator; client: TestClient } {
  const clock = testClock();
  let started: { emulator: DuoEmulator; client: TestClient } | undefined;

  beforeAll(async () => {
    const emulator = await startDuoEmulator({ now: clock.now, ...options.emulator });
    const client = emulator.registerClient(options.clientName === undefined ? undefined : { name: options.clientName });
    emulator.setUser('alice', options.alice ?? { enrolled: true });
    started = { emulator, client };
  });

  afterAll(async () => {
    await started?.emulator.close();
  });

  if (options.resetFaults) {
    beforeEach(() => {
      started?.emulator.setFaults([]);
    });
  }

  return {
    clock,
    emulator: startedLater('emulator', () => started?.emulator),
    client: startedLater('client', () => started?.client),
  };
}
