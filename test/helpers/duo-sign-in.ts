/**
 * Shared steps of the "Sign-in with Duo" integration suites: a portal with Duo registered by an
 * administrator, users whose MFA is Duo, the trip to the emulator's prompt and back, and what the
 * portal recorded. Everything goes through the real HTTP API, the real database and the emulator.
 */
import { writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { decodeJwt, type JWTPayload } from 'jose';
import type { Logger } from 'pino';
import { expect } from 'vitest';
import { type PromptOutcome, startDuoEmulator } from '../../emulator/duo/index.ts';
import type { Engine } from '../../src/server/db/database.ts';
import { type PortalWithDuo, pathOf, registerDuo, startPortalWithDuo } from './duo.ts';
import { auditRows, STRONG_PASSWORD, seedFactor, seedUser } from './fixtures.ts';
import { createClient, type TestClient } from './http-client.ts';
import { startTestPortal, type TestClock, type TestPortal, testClock } from './portal.ts';

export interface DuoSignIn {
  env: PortalWithDuo;
  portal: TestPortal;
  /** A signed-in administrator (fresh when the file started; use freshAdmin() after moving the clock). */
  admin: TestClient;
  providerId: number;
  close(): Promise<void>;
}

/**
 * As startPortalWithDuo, with the portal's Duo trust store (PORTCULLIS_DUO_CA_FILE) holding the
 * emulator's CA and `trustAlso` (other test CAs, e.g. for certificates a test serves itself).
 */
export async function startPortalTrusting(
  engine: Engine,
  trustAlso: string[],
  options: { env?: Record<string, string>; clock?: TestClock; emulatorNow?: () => number; logger?: Logger } = {},
): Promise<PortalWithDuo> {
  const clock = options.clock ?? testClock(Date.now());
  const emulator = await startDuoEmulator({ now: options.emulatorNow ?? clock });
  const bundle = join(emulator.dataDir, 'trusted-cas.pem');
  writeFileSync(bundle, [emulator.caPem, ...trustAlso].join('\n'));
  const portal = await startTestPortal(engine, {
    env: { PORTCULLIS_DUO_CA_FILE: bundle, PORTCULLIS_DUO_TIMEOUT_MS: '1500', ...options.env },
    clock,
    ...(options.logger && { logger: options.logger }),
  });
  const { clientId, clientSecret } = emulator.registerClient({ name: 'Portcullis' });
  return {
    portal,
    emulator,
    app: { clientId, clientSecret, endpoint: emulator.apiHost },
    async close() {
      await portal.close();
      await emulator.close();
    },
  };
}

/** A portal and the emulator, the administrator "admin", and Duo registered as provider (with `values` on top). */
export async function startDuoSignIn(
  engine: Engine,
  options: {
    env?: Record<string, string>;
    clock?: TestClock;
    emulatorNow?: () => number;
    values?: Record<string, string>;
    applicationUrl?: string;
    /** Other CAs the portal trusts for Duo calls and diagnostics, beside the emulator's. */
    trustAlso?: string[];
    logger?: Logger;
  } = {},
): Promise<DuoSignIn> {
  const startOptions = {
    ...(options.env && { env: options.env }),
    ...(options.clock && { clock: options.clock }),
    ...(options.emulatorNow && { emulatorNow: options.emulatorNow }),
  };
  const env =
    options.trustAlso || options.logger
      ? await startPortalTrusting(engine, options.trustAlso ?? [], {
          ...startOptions,
          ...(options.logger && { logger: options.logger }),
        })
      : await startPortalWithDuo(engine, startOptions);
  await seedUser(env.portal, 'admin', { role: 'administrator' });
  const admin = createClient(env.portal.fastify);
  await admin.signIn('admin', STRONG_PASSWORD);
  const providerId = await registerDuo(env, admin, {
    ...(options.values && { values: options.values }),
    ...(options.applicationUrl && { applicationUrl: options.applicationUrl }),
  });
  return { env, portal: env.portal, admin, providerId, close: () => env.close() };
}

/** A newly signed-in administrator: fresh enough for sensitive changes whatever the clock did before. */
export async function freshAdmin(portal: TestPortal, username = 'admin'): Promise<TestClient> {
  const admin = createClient(portal.fastify);
  const login = await admin.signIn(username, STRONG_PASSWORD);
  expect(login.json()).toMatchObject({ status: 'signed_in' });
  return admin;
}

/**
 * Changes the Application URL as the console does: the check first, then the change confirmed with the
 * number of people it affects (a change that moves Duo's callback needs that confirmation).
 */
export async function changeApplicationUrl(admin: TestClient, applicationUrl: string): Promise<void> {
  const preview = await admin.post('/api/admin/settings/application-url/check', { applicationUrl });
  expect(preview.status, preview.body).toBe(200);
  const { affectedUsers } = preview.json<{ affectedUsers: number }>();
  const set = await admin.raw('PUT', '/api/admin/settings/application-url', {
    body: { applicationUrl, confirmAffectedUsers: affectedUsers },
  });
  expect(set.status, set.body).toBe(200);
}

/** Seeds a user whose MFA is set up with `providerId` (the row "Configure MFA" leaves behind). */
export async function seedMfaUser(
  portal: TestPortal,
  username: string,
  providerId: number,
  options: { role?: 'administrator' | 'user' } = {},
): Promise<number> {
  const user = await seedUser(portal, username, options.role ? { role: options.role } : {});
  await seedFactor(portal, user.id, providerId);
  return user.id;
}

/**
 * A maker of new users with MFA set up, named `<prefix>1`, `<prefix>2`, …: one per test, so no test
 * inherits another's throttle state, pending round trips or sessions.
 */
export function mfaUsers(prefix: string, target: () => { portal: TestPortal; providerId: number }) {
  let counter = 0;
  return async (providerId?: number, role?: 'administrator' | 'user') => {
    counter += 1;
    const username = `${prefix}${counter}`;
    const { portal, providerId: fallback } = target();
    return { username, id: await seedMfaUser(portal, username, providerId ?? fallback, role ? { role } : {}) };
  };
}

/** Password step of a user whose sign-in needs Duo: returns the authorize URL the browser is sent to. */
export async function beginDuoSignIn(
  client: TestClient,
  username: string,
  options: { returnTo?: string; password?: string } = {},
): Promise<string> {
  await client.session();
  const login = await client.post('/api/auth/login', {
    username,
    password: options.password ?? STRONG_PASSWORD,
    ...(options.returnTo !== undefined && { returnTo: options.returnTo }),
  });
  expect(login.status, login.body).toBe(200);
  const body = login.json<{ status: string; redirectTo: string }>();
  expect(body.status).toBe('mfa_required');
  return body.redirectTo;
}

/** The user at Duo's prompt: returns the portal path Duo sends the browser back to. */
export async function atDuo(env: PortalWithDuo, authorizeUrl: string, outcome: PromptOutcome = 'approve') {
  const answer = await env.emulator.completeAuthorization(authorizeUrl, outcome);
  if (answer.kind !== 'redirect') throw new Error(`Duo did not send the browser back: ${JSON.stringify(answer)}`);
  return pathOf(answer.url);
}

/** Password, Duo, and back: the callback path, not yet visited. */
export async function callbackFor(env: PortalWithDuo, client: TestClient, username: string): Promise<string> {
  return atDuo(env, await beginDuoSignIn(client, username));
}

/** The claims of the signed `request` object in an authorize URL (what Duo reads: state, nonce, redirect_uri). */
export function requestClaims(authorizeUrl: string): JWTPayload & Record<string, unknown> {
  const request = new URL(authorizeUrl).searchParams.get('request');
  if (!request) throw new Error('authorize URL without a request object');
  return decodeJwt(request);
}

export function tokenCalls(env: PortalWithDuo): number {
  return env.emulator.requests.filter((request) => request.path === '/oauth/v1/token').length;
}

export function healthChecks(env: PortalWithDuo): number {
  return env.emulator.requests.filter((request) => request.path === '/oauth/v1/health_check').length;
}

export async function sessionsOf(portal: TestPortal, userId: number) {
  return portal.services.storage.db.selectFrom('sessions').selectAll().where('user_id', '=', userId).execute();
}

/** The newest audit row of a type, with its details parsed. */
export async function lastAudit(portal: TestPortal, type: string) {
  const row = (await auditRows(portal, type)).at(-1);
  return row ? { ...row, details: JSON.parse(row.details ?? '{}') as Record<string, unknown> } : undefined;
}

export async function countAudit(portal: TestPortal, type: string): Promise<number> {
  return (await auditRows(portal, type)).length;
}

/** The browser is signed in only when the API says so (the session cookie alone proves nothing). */
export async function expectSignedOut(client: TestClient): Promise<void> {
  expect((await client.get('/api/me')).status).toBe(401);
}

/** A GET to the emulator over real HTTPS (trusting its CA), without following redirects. */
export function getFromDuo(
  env: PortalWithDuo,
  url: string,
): Promise<{ status: number; location: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { method: 'GET', ca: env.emulator.caPem }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, location: response.headers.location, body }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

/** Registers another provider as an administrator would (a fresh sign-in first); returns its id. */
export async function addProvider(
  duo: DuoSignIn,
  name: string,
  values: Record<string, string>,
  options: { saveAnyway?: boolean; clientId?: string; clientSecret?: string } = {},
): Promise<number> {
  const admin = await freshAdmin(duo.portal);
  const client = options.clientId
    ? { clientId: options.clientId, clientSecret: options.clientSecret ?? '' }
    : duo.env.emulator.registerClient({ name });
  const response = await admin.post('/api/admin/mfa/providers', {
    type: 'duo',
    name,
    enabled: true,
    values: { endpoint: duo.env.app.endpoint, ...client, ...values },
    ...(options.saveAnyway && { saveAnyway: true }),
  });
  if (response.status !== 201) throw new Error(`could not add ${name}: ${response.status} ${response.body}`);
  return response.json<{ provider: { id: number } }>().provider.id;
}

/** A loopback port nothing listens on: connections to it are refused. */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
