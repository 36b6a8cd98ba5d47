/**
 * The cookies that carry a sign-in across the Duo round trip (duo-protocol.md case 22; anchors 28):
 * the login-binding cookie and the session cookie are SameSite=Lax, HttpOnly, Path=/, without Domain,
 * and over HTTPS also Secure with the __Host- prefix — checked over a real TLS connection to the
 * portal. SameSite=Strict would break the flow: Duo's redirect back is a cross-site navigation, on
 * which a Strict cookie is not sent, and a callback without the login cookie is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  atDuo,
  beginDuoSignIn,
  type DuoSignIn,
  expectSignedOut,
  lastAudit,
  mfaUsers,
  sessionsOf,
  startDuoSignIn,
} from '../helpers/duo-sign-in.ts';
import { STRONG_PASSWORD } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES, listen } from '../helpers/portal.ts';
import { createTestCa } from '../helpers/test-pki.ts';

interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...parts] = header.split(';').map((part) => part.trim());
  const index = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const part of parts) {
    const [key = '', ...rest] = part.split('=');
    attributes[key.toLowerCase()] = rest.length > 0 ? rest.join('=') : true;
  }
  return { name: pair.slice(0, index), value: pair.slice(index + 1), attributes };
}

function expectBindingCookie(cookie: SetCookie | undefined, secure: boolean): void {
  expect(cookie).toBeDefined();
  expect(cookie?.attributes.samesite).toBe('Lax');
  expect(cookie?.attributes.httponly).toBe(true);
  expect(cookie?.attributes.path).toBe('/');
  expect(cookie?.attributes.domain).toBeUndefined();
  expect(cookie?.attributes.secure).toBe(secure ? true : undefined);
}

/** A minimal browser over real HTTPS: a cookie jar, no redirects followed. */
function httpsBrowser(base: string, ca: string) {
  const jar = new Map<string, string>();
  const setCookies: SetCookie[] = [];
  async function send(
    method: string,
    path: string,
    options: { json?: unknown; headers?: Record<string, string> } = {},
  ) {
    const payload = options.json === undefined ? undefined : JSON.stringify(options.json);
    return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const request = httpsRequest(
        `${base}${path}`,
        {
          method,
          ca,
          headers: {
            ...(jar.size > 0 && { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') }),
            ...(payload !== undefined && { 'content-type': 'application/json' }),
            ...options.headers,
          },
        },
        (response) => {
          for (const header of response.headers['set-cookie'] ?? []) {
            const cookie = parseSetCookie(header);
            setCookies.push(cookie);
            if (cookie.value === '' || cookie.attributes['max-age'] === '0') jar.delete(cookie.name);
            else jar.set(cookie.name, cookie.value);
          }
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }
  return { jar, setCookies, send };
}

describe.each(ENGINES)('the cookies across the Duo round trip on %s', (engine) => {
  const ca = createTestCa('Cookie test CA');
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-cookies-'));
  let duo: DuoSignIn;
  let base: string;
  const newUser = mfaUsers('cookie', () => duo);

  beforeAll(async () => {
    const certificate = ca.issue({ hosts: ['localhost', '127.0.0.1'] });
    writeFileSync(join(dir, 'cert.pem'), certificate.cert);
    writeFileSync(join(dir, 'key.pem'), certificate.key);
    duo = await startDuoSignIn(engine, {
      trustAlso: [ca.caPem],
      env: { PORTCULLIS_TLS_CERT: join(dir, 'cert.pem'), PORTCULLIS_TLS_KEY: join(dir, 'key.pem') },
    });
    base = await listen(duo.portal);
  });
  afterAll(async () => {
    await duo.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('case 22, anchors 28: over HTTPS the login and session cookies are __Host-, Secure, HttpOnly, SameSite=Lax, Path=/', async () => {
    expect(base.startsWith('https://localhost:')).toBe(true);
    const { username, id } = await newUser();
    const browser = httpsBrowser(base, ca.caPem);
    const session = await browser.send('GET', '/api/session');
    expect(session.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const csrf = JSON.parse(session.body).csrfToken as string;
    expectBindingCookie(
      browser.setCookies.find((cookie) => cookie.name === '__Host-portcullis_pre'),
      true,
    );
    const login = await browser.send('POST', '/api/auth/login', {
      json: { username, password: STRONG_PASSWORD },
      headers: { 'x-csrf-token': csrf },
    });
    expect(login.status, login.body).toBe(200);
    const binding = browser.setCookies.find((cookie) => cookie.name === '__Host-portcullis_login');
    expectBindingCookie(binding, true);
    expect(binding?.attributes['max-age']).toBe('600'); // the transaction's 10 minutes, no longer
    expect(browser.setCookies.some((cookie) => cookie.name === 'portcullis_login')).toBe(false);

    const callback = await atDuo(duo.env, JSON.parse(login.body).redirectTo as string);
    const back = await browser.send('GET', callback);
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe('/');
    const sessionCookie = browser.setCookies.find((cookie) => cookie.name === '__Host-portcullis_session');
    expectBindingCookie(sessionCookie, true);
    expect(sessionCookie?.value.length).toBeGreaterThanOrEqual(43); // >= 256 bits, base64url
    const after = JSON.parse((await browser.send('GET', '/api/session')).body);
    expect(after).toMatchObject({ authenticated: true, session: { authLevel: 'mfa' } });
    expect(await sessionsOf(duo.portal, id)).toHaveLength(1);
  });

  it('case 22: over plain HTTP (test mode) the same cookies are Lax, HttpOnly, Path=/, without the prefix', async () => {
    const { username } = await newUser();
    const browser = createClient(duo.portal.fastify);
    const login = await browser.raw('POST', '/api/auth/login', { body: { username, password: STRONG_PASSWORD } });
    const binding = login.cookies.find((cookie) => cookie.name === 'portcullis_login');
    expect(binding).toMatchObject({ sameSite: 'Lax', httpOnly: true, path: '/', maxAge: 600 });
    expect(binding?.domain).toBeUndefined();
    expect(binding?.secure).toBeUndefined();
    const back = await browser.raw('GET', await atDuo(duo.env, login.json<{ redirectTo: string }>().redirectTo));
    const session = back.cookies.find((cookie) => cookie.name === 'portcullis_session');
    expect(session).toMatchObject({ sameSite: 'Lax', httpOnly: true, path: '/' });
  });

  it('case 22 (regression against SameSite=Strict): the callback without the login cookie — what Strict would withhold — is refused', async () => {
    const { username, id } = await newUser();
    const browser = createClient(duo.portal.fastify);
    const callback = await atDuo(duo.env, await beginDuoSignIn(browser, username));
    // Duo's redirect back is a cross-site top-level GET: a Strict cookie would not be sent with it.
    const withheld = await duo.portal.fastify.inject({
      method: 'GET',
      url: callback,
      headers: {
        'sec-fetch-site': 'cross-site',
        cookie: [...browser.jar]
          .filter(([name]) => name !== 'portcullis_login')
          .map(([name, value]) => `${name}=${value}`)
          .join('; '),
      },
    });
    expect(withheld.statusCode).toBe(303);
    expect(withheld.headers.location).toBe('/signin?error=MFA_FAILED');
    expect((await lastAudit(duo.portal, 'login.mfa_failed'))?.reason).toBe('other_browser');
    expect(withheld.cookies.some((cookie) => cookie.name === 'portcullis_session')).toBe(false);
    await expectSignedOut(browser);
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
    // With the Lax cookie sent on that same cross-site navigation, the sign-in completes.
    const again = await atDuo(duo.env, await beginDuoSignIn(browser, username));
    const sent = await browser.get(again, { 'sec-fetch-site': 'cross-site' });
    expect(sent.headers.location).toBe('/');
    expect(await sessionsOf(duo.portal, id)).toHaveLength(1);
  });
});
