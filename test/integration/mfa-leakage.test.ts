/**
 * Anchors 90 (ASVS 16.2.5, 16.5.1): every Duo error path is forced — health check, token call, bad
 * id_token, and a "Duo" that echoes our requests back in its error answers — with every log line
 * captured at trace level. Then the log, the audit rows and every HTTP body the browser and the
 * administrator received are searched for the client secret (and its base64), each client
 * assertion sent, each code, any JWT at all (id_tokens included), each state and nonce, the session
 * token and the password. None may be found.
 */
import { createServer, type Server } from 'node:https';
import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuoFault } from '../../emulator/duo/index.ts';
import { loggerOptions } from '../../src/server/http/logging.ts';
import {
  atDuo,
  beginDuoSignIn,
  type DuoSignIn,
  freshAdmin,
  mfaUsers,
  requestClaims,
  startDuoSignIn,
} from '../helpers/duo-sign-in.ts';
import { auditRows, STRONG_PASSWORD } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';
import { createTestCa } from '../helpers/test-pki.ts';

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}/;
const ECHO_CLIENT_ID = 'DIECHO0000000000TEST';
const ECHO_SECRET = 'echo-duo-secret-0123456789-abcdefghijklm';

const HEALTH_FAULTS: DuoFault[] = [
  { endpoint: 'health_check', kind: 'http_500_html' },
  { endpoint: 'health_check', kind: 'http_503_empty' },
  { endpoint: 'health_check', kind: 'http_429' },
  { endpoint: 'health_check', kind: 'connection_reset' },
  { endpoint: 'health_check', kind: 'malformed_json' },
  { endpoint: 'health_check', kind: 'fail_400' },
  { endpoint: 'health_check', kind: 'fail_200' },
  { endpoint: 'health_check', kind: 'stat_lowercase_ok' },
  { endpoint: 'health_check', kind: 'slow', delayMs: 1700 },
];
const TOKEN_FAULTS: DuoFault[] = [
  { endpoint: 'token', kind: 'invalid_grant' },
  { endpoint: 'token', kind: 'invalid_client_401' },
  { endpoint: 'token', kind: 'http_500_html' },
  { endpoint: 'token', kind: 'http_503_empty' },
  { endpoint: 'token', kind: 'connection_reset' },
  { endpoint: 'token', kind: 'malformed_json' },
  { endpoint: 'token', kind: 'token_type_lowercase' },
  { endpoint: 'token', kind: 'missing_field', field: 'id_token' },
  { endpoint: 'token', kind: 'slow', delayMs: 1700 },
];
const ID_TOKEN_FAULTS: DuoFault[] = [
  { type: 'wrong_key' as const },
  { type: 'alg' as const, alg: 'none' as const },
  { type: 'alg' as const, alg: 'HS256' as const },
  { type: 'alg' as const, alg: 'RS256' as const },
  { type: 'set' as const, claim: 'iss', value: 'https://evil.example/oauth/v1/token' },
  { type: 'set' as const, claim: 'aud', value: 'DIOTHERAPPLICATION01' },
  { type: 'shift' as const, claim: 'exp' as const, seconds: -600 },
  { type: 'set' as const, claim: 'nonce', value: 'x'.repeat(43) },
  { type: 'set' as const, claim: 'preferred_username', value: 'someone-else' },
  { type: 'auth_result' as const, status: 'deny' as const },
].map((mutation) => ({ endpoint: 'token', kind: 'id_token', mutate: [mutation] }));

function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')];
}

describe.each(ENGINES)('no secret leaks on any Duo error path on %s', (engine) => {
  const ca = createTestCa('Echo Duo CA');
  let lines = '';
  let duo: DuoSignIn;
  let echo: Server;
  let echoMode: 'ok' | 'echo' | 'echo_html' = 'ok';
  const echoReceived: string[] = [];
  const bodies: string[] = [];
  const authorizeUrls: string[] = [];
  const callbacks: string[] = [];

  /** A browser whose every response body is kept for the scan. */
  const recordingBrowser = (): TestClient => {
    const app = duo.portal.fastify;
    const recorder = {
      inject: async (options: InjectOptions) => {
        const response = await app.inject(options);
        bodies.push(response.body);
        return response;
      },
    };
    return createClient(recorder as unknown as FastifyInstance);
  };
  const leakUsers = mfaUsers('leak', () => duo);
  const newUser = async (providerId?: number) => (await leakUsers(providerId)).username;
  const begin = async (browser: TestClient, username: string) => {
    const url = await beginDuoSignIn(browser, username);
    authorizeUrls.push(url);
    return url;
  };
  const visit = async (browser: TestClient, callback: string) => {
    callbacks.push(callback);
    return browser.get(callback);
  };

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines += chunk.toString();
        done();
      },
    });
    duo = await startDuoSignIn(engine, { logger: pino(loggerOptions('trace'), sink), trustAlso: [ca.caPem] });
    // A "Duo" that quotes our request (client_assertion, code) back in its errors, as some servers and
    // proxies do: the portal must not pass that on.
    const certificate = ca.issue({ hosts: ['localhost', '127.0.0.1'] });
    echo = createServer({ cert: certificate.cert, key: certificate.key }, (request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => {
        body += chunk;
      });
      request.on('end', () => {
        echoReceived.push(body);
        const timestamp = Math.floor(duo.portal.clock() / 1000);
        const health = request.url === '/oauth/v1/health_check';
        if (health && echoMode === 'ok') {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ stat: 'OK', response: { timestamp } }));
        } else if (echoMode === 'echo_html') {
          response.writeHead(500, { 'content-type': 'text/html' });
          response.end(
            `<html><body><h1>Error</h1><pre>${body}</pre><pre>${decodeURIComponent(body)}</pre></body></html>`,
          );
        } else if (health) {
          response.writeHead(400, { 'content-type': 'application/json' });
          response.end(
            JSON.stringify({
              stat: 'FAIL',
              code: 40099,
              message: body,
              message_detail: decodeURIComponent(body),
              timestamp,
            }),
          );
        } else {
          response.writeHead(400, { 'content-type': 'application/json' });
          response.end(
            JSON.stringify({ error: 'invalid_request', error_description: `${decodeURIComponent(body)} ${body}` }),
          );
        }
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    echo.closeAllConnections();
    await new Promise((resolve) => echo.close(resolve));
    await duo.close();
  });

  it('anchors 90: health, token and id_token failures leave no secret, assertion, code, token, state, session token or password anywhere', async () => {
    const { env, portal } = duo;
    const recordingAdmin = recordingBrowser();
    await recordingAdmin.signIn('admin', STRONG_PASSWORD);

    // A successful sign-in first, so there is a live session token to look for.
    const happy = recordingBrowser();
    const happyUser = await newUser();
    const signedIn = await visit(happy, await atDuo(env, await begin(happy, happyUser)));
    expect(signedIn.headers.location).toBe('/');
    const sessionToken = happy.jar.get('portcullis_session') ?? '';
    expect(sessionToken.length).toBeGreaterThan(20);

    // Health check failures: at sign-in and through "Test connection".
    for (const fault of HEALTH_FAULTS) {
      portal.clock.advance(31_000);
      env.emulator.setFaults([fault]);
      const browser = recordingBrowser();
      await browser.session();
      const refused = await browser.post('/api/auth/login', { username: await newUser(), password: STRONG_PASSWORD });
      expect(refused.status, JSON.stringify(fault)).toBe(503);
      await recordingAdmin.session();
      expect((await recordingAdmin.post(`/api/admin/mfa/providers/${duo.providerId}/test`)).status).toBe(200);
    }

    // Token call failures and refused id_tokens, after a real trip to the prompt.
    for (const fault of [...TOKEN_FAULTS, ...ID_TOKEN_FAULTS]) {
      env.emulator.setFaults([]);
      portal.clock.advance(31_000);
      const browser = recordingBrowser();
      const callback = await atDuo(env, await begin(browser, await newUser()));
      env.emulator.setFaults([fault]);
      const answer = await visit(browser, callback);
      expect(String(answer.headers.location), JSON.stringify(fault)).toMatch(/^\/signin\?error=MFA_/);
    }
    env.emulator.setFaults([]);

    // The echoing "Duo": registered while it answers health checks properly.
    const port = (echo.address() as { port: number }).port;
    const created = await (await freshAdmin(portal)).post('/api/admin/mfa/providers', {
      type: 'duo',
      name: 'Echo',
      enabled: true,
      values: { endpoint: `localhost:${port}`, clientId: ECHO_CLIENT_ID, clientSecret: ECHO_SECRET },
    });
    expect(created.status, created.body).toBe(201);
    const echoId = created.json<{ provider: { id: number } }>().provider.id;
    const plantedCodes: string[] = [];
    for (const mode of ['echo', 'echo_html'] as const) {
      // The token call, with a code we planted in a callback we built from the real state.
      echoMode = 'ok';
      portal.clock.advance(31_000);
      const browser = recordingBrowser();
      const authorize = await begin(browser, await newUser(echoId));
      const code = `planted-code-${mode}-${'c'.repeat(24)}`;
      plantedCodes.push(code);
      echoMode = mode;
      const state = String(requestClaims(authorize).state);
      const answer = await visit(browser, `/api/auth/mfa/${echoId}/callback?duo_code=${code}&state=${state}`);
      expect(String(answer.headers.location)).toMatch(/^\/signin\?error=MFA_/);
      // The health check, at sign-in and through "Test connection".
      portal.clock.advance(31_000);
      const again = recordingBrowser();
      await again.session();
      expect(
        (await again.post('/api/auth/login', { username: await newUser(echoId), password: STRONG_PASSWORD })).status,
      ).toBe(503);
      await recordingAdmin.session();
      expect((await recordingAdmin.post(`/api/admin/mfa/providers/${echoId}/test`)).status).toBe(200);
    }
    // The echo server really did receive what we look for (the scan is not vacuous).
    expect(echoReceived.some((body) => plantedCodes.some((code) => body.includes(code)))).toBe(true);
    expect(echoReceived.some((body) => body.includes('client_assertion=eyJ'))).toBe(true);

    // Everything sensitive that was in play.
    const assertions = [
      ...env.emulator.requests.flatMap((request) => [request.form?.client_assertion ?? []].flat()),
      ...echoReceived.flatMap((body) => new URLSearchParams(body).getAll('client_assertion')),
    ];
    expect(assertions.length).toBeGreaterThan(30);
    const codes = [
      ...plantedCodes,
      ...callbacks.flatMap((path) => new URL(path, 'https://x.invalid').searchParams.getAll('duo_code')),
    ];
    const states = callbacks.flatMap((path) => new URL(path, 'https://x.invalid').searchParams.getAll('state'));
    const nonces = authorizeUrls.map((url) => String(requestClaims(url).nonce));
    const secrets = [env.app.clientSecret, ECHO_SECRET].flatMap((secret) => [secret, ...base64Forms(secret)]);
    const needles = [
      ...secrets,
      ...assertions.flatMap((assertion) => assertion.split('.').slice(1)), // payload and signature of each
      ...codes,
      ...states,
      ...nonces,
      sessionToken,
      STRONG_PASSWORD,
    ].filter((needle) => needle.length >= 8);
    expect(codes.length).toBeGreaterThan(20);
    expect(states.length).toBeGreaterThan(20);

    const audit = JSON.stringify(await auditRows(portal));
    // Bodies may carry the one JWT that must reach the browser: the signed request in the authorize URL.
    const responseText = authorizeUrls.reduce(
      (text, url) => text.split(url).join('[authorize-url]').split(JSON.stringify(url).slice(1, -1)).join(''),
      bodies.join('\n'),
    );
    expect(lines.length).toBeGreaterThan(10_000);
    expect(audit).toMatch(/login\.mfa_failed/);
    for (const [where, text] of [
      ['log', lines],
      ['audit', audit],
      ['HTTP bodies', responseText],
    ] as const) {
      for (const needle of needles)
        expect(text.includes(needle), `${where} contains ${needle.slice(0, 12)}…`).toBe(false);
      expect(text, where).not.toMatch(JWT);
    }
  });
});
