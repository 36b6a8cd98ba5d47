/**
 * The Duo callback: state, nonce, replay, mix-up and browser binding (duo-protocol.md cases 13, 16,
 * 17, 19–21; anchors 41–43, 51–56, 63, 66, 68). Every refusal is checked for: no session, the page
 * the browser lands on, the audit reason, and — where the case says so — no token call to Duo.
 */
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  beginDuoSignIn,
  callbackFor,
  type DuoSignIn,
  expectSignedOut,
  freshAdmin,
  lastAudit,
  mfaUsers,
  requestClaims,
  sessionsOf,
  startDuoSignIn,
  tokenCalls,
} from '../helpers/duo-sign-in.ts';
import { auditRows, STRONG_PASSWORD } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';

describe.each(ENGINES)('the Duo callback on %s', (engine) => {
  let duo: DuoSignIn;
  const newUser = mfaUsers('replay', () => duo);
  /** The reason of the newest login.mfa_failed audit record. */
  const failureReason = async () => (await lastAudit(duo.portal, 'login.mfa_failed'))?.reason;

  beforeAll(async () => {
    duo = await startDuoSignIn(engine);
  });
  afterAll(() => duo.close());
  beforeEach(() => {
    duo.env.emulator.setFaults([]);
  });

  it('case 16: a callback with the right duo_code and state signs the user in, once', async () => {
    const { username, id } = await newUser();
    const browser = createClient(duo.portal.fastify);
    const callback = await callbackFor(duo.env, browser, username);
    expect(new URL(callback, 'https://x.invalid').searchParams.has('duo_code')).toBe(true);
    const tokensBefore = tokenCalls(duo.env);
    const back = await browser.get(callback);
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe('/');
    expect(tokenCalls(duo.env)).toBe(tokensBefore + 1);
    expect((await browser.session()).session).toMatchObject({ authLevel: 'mfa' });
    expect(await sessionsOf(duo.portal, id)).toHaveLength(1);
  });

  it('case 13, anchors 51: every attempt carries a fresh, unguessable state and nonce in an HS512 request object', async () => {
    const { username } = await newUser();
    const states = new Set<string>();
    const nonces = new Set<string>();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const url = await beginDuoSignIn(createClient(duo.portal.fastify), username);
      const request = new URL(url).searchParams.get('request') ?? '';
      expect(decodeProtectedHeader(request).alg).toBe('HS512');
      // Signed with this application's secret: Duo verifies it, and so can we.
      const { payload } = await jwtVerify(request, new TextEncoder().encode(duo.env.app.clientSecret), {
        algorithms: ['HS512'],
        currentDate: new Date(duo.portal.clock()),
      });
      const state = String(payload.state);
      const nonce = String(payload.nonce);
      // 22..1024 characters (Duo's SDKs); ours are 32 random bytes in base64url: 256 bits.
      expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(state).not.toBe(nonce);
      expect((payload.exp ?? 0) - Math.floor(duo.portal.clock() / 1000)).toBeLessThanOrEqual(300);
      expect(payload.redirect_uri).toBe(`http://localhost:8080/api/auth/mfa/${duo.providerId}/callback`);
      expect(payload.duo_uname).toBe(username);
      states.add(state);
      nonces.add(nonce);
    }
    expect(states.size).toBe(3);
    expect(nonces.size).toBe(3);
  });

  it('case 14: the step to Duo is a full-page navigation: a 302 for the HTML form, a URL to navigate to for the console', async () => {
    const { username } = await newUser();
    const form = createClient(duo.portal.fastify);
    await form.session();
    const posted = await form.postForm('/api/auth/login', { username, password: STRONG_PASSWORD });
    expect(posted.status).toBe(302);
    const location = String(posted.headers.location);
    expect(location.startsWith(`${duo.env.emulator.baseUrl}/oauth/v1/authorize?`)).toBe(true);
    expect(posted.body).toBe('');
    // The console's JSON call gets the same kind of URL to load as the page, not Duo's content.
    const console = createClient(duo.portal.fastify);
    const url = await beginDuoSignIn(console, username);
    expect(new URL(url).pathname).toBe('/oauth/v1/authorize');
    // On the sign-in page, scripts may not talk to Duo (connect-src); only its form's navigation may go there
    // (form-action, which browsers apply to the redirect that follows the post).
    const page = await form.raw('GET', '/signin', { headers: { accept: 'text/html' } });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain(`form-action 'self' ${duo.env.emulator.baseUrl}`);
  });

  it('case 17, anchors 52: an unknown or malformed state is refused before any token call', async () => {
    const browser = createClient(duo.portal.fastify);
    const { username } = await newUser();
    await beginDuoSignIn(browser, username); // the browser has a pending sign-in and its login cookie
    const tokensBefore = tokenCalls(duo.env);
    const unknown = await browser.get(`/api/auth/mfa/${duo.providerId}/callback?duo_code=abc&state=${'A'.repeat(43)}`);
    expect(unknown.status).toBe(303);
    expect(unknown.headers.location).toBe('/signin?error=MFA_EXPIRED');
    expect(await failureReason()).toBe('state_unknown_or_used');
    const malformed = await browser.get(`/api/auth/mfa/${duo.providerId}/callback?duo_code=abc&state=short`);
    expect(malformed.headers.location).toBe('/signin?error=MFA_EXPIRED');
    expect(await failureReason()).toBe('state_malformed');
    const missing = await browser.get(`/api/auth/mfa/${duo.providerId}/callback?duo_code=abc`);
    expect(missing.headers.location).toBe('/signin?error=MFA_EXPIRED');
    expect(tokenCalls(duo.env)).toBe(tokensBefore);
    await expectSignedOut(browser);
  });

  it('case 17, anchors 53: a transaction older than 10 minutes is refused before any token call; the user starts again', async () => {
    const { username, id } = await newUser();
    const browser = createClient(duo.portal.fastify);
    const callback = await callbackFor(duo.env, browser, username);
    duo.portal.clock.advance(10 * 60 * 1000);
    const tokensBefore = tokenCalls(duo.env);
    const late = await browser.get(callback);
    expect(late.status).toBe(303);
    expect(late.headers.location).toBe('/signin?error=MFA_EXPIRED');
    expect(await failureReason()).toBe('transaction_expired');
    expect(tokenCalls(duo.env)).toBe(tokensBefore);
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
    await expectSignedOut(browser);
    // Starting again works.
    const again = await browser.get(await callbackFor(duo.env, browser, username));
    expect(again.headers.location).toBe('/');
  });

  it('case 17, case 21, anchors 54: reloading the callback after success does not sign in twice and asks for no token', async () => {
    const { username, id } = await newUser();
    const browser = createClient(duo.portal.fastify);
    const callback = await callbackFor(duo.env, browser, username);
    expect((await browser.get(callback)).headers.location).toBe('/');
    const session = browser.jar.get('portcullis_session');
    // Even a Duo that lets codes be redeemed twice is never asked: the transaction is spent.
    duo.env.emulator.setFaults([{ endpoint: 'token', kind: 'replayable_code' }]);
    const tokensBefore = tokenCalls(duo.env);
    const reload = await browser.get(callback);
    expect(reload.status).toBe(303);
    expect(reload.headers.location).toBe('/signin?error=MFA_EXPIRED');
    expect(await failureReason()).toBe('state_unknown_or_used');
    expect(tokenCalls(duo.env)).toBe(tokensBefore);
    // The same callback in another browser (a leaked URL) is no better.
    const other = createClient(duo.portal.fastify);
    expect((await other.get(callback)).headers.location).toBe('/signin?error=MFA_EXPIRED');
    await expectSignedOut(other);
    expect(await sessionsOf(duo.portal, id)).toHaveLength(1);
    // The reload did not end the session it follows either: the browser is still signed in, once.
    expect(browser.jar.get('portcullis_session')).toBe(session);
    expect((await browser.get('/api/me')).status).toBe(200);
  });

  it('anchors 54: the same callback sent twice at once is redeemed exactly once', async () => {
    const { username, id } = await newUser();
    const browser = createClient(duo.portal.fastify);
    const callback = await callbackFor(duo.env, browser, username);
    const tokensBefore = tokenCalls(duo.env);
    const answers = await Promise.all([browser.get(callback), browser.get(callback), browser.get(callback)]);
    const locations = answers.map((answer) => answer.headers.location).sort();
    expect(locations).toEqual(['/', '/signin?error=MFA_EXPIRED', '/signin?error=MFA_EXPIRED']);
    expect(tokenCalls(duo.env)).toBe(tokensBefore + 1);
    expect(await sessionsOf(duo.portal, id)).toHaveLength(1);
  });

  it('case 19: a callback with code= instead of the duo_code= we asked for is refused without a token call', async () => {
    const { username, id } = await newUser();
    const browser = createClient(duo.portal.fastify);
    const callback = new URL(await callbackFor(duo.env, browser, username), 'https://x.invalid');
    const code = callback.searchParams.get('duo_code') ?? '';
    callback.searchParams.delete('duo_code');
    callback.searchParams.set('code', code);
    const tokensBefore = tokenCalls(duo.env);
    const answer = await browser.get(`${callback.pathname}${callback.search}`);
    expect(answer.headers.location).toBe('/signin?error=MFA_FAILED');
    expect(await failureReason()).toBe('unexpected_code_parameter');
    expect(tokenCalls(duo.env)).toBe(tokensBefore);
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
  });

  it('case 20: a callback without a code, or with error=, ends in a failed MFA page, not a crash', async () => {
    const { username, id } = await newUser();
    const tokensBefore = tokenCalls(duo.env);
    const cases = [
      { query: (state: string) => `state=${state}`, location: '/signin?error=MFA_FAILED', reason: 'missing_code' },
      {
        query: (state: string) => `state=${state}&error=access_denied&error_description=User%20denied`,
        location: '/signin?error=MFA_DENIED',
        reason: 'provider_error:access_denied',
      },
      {
        query: (state: string) => `state=${state}&duo_code=abc&error=server_error`,
        location: '/signin?error=MFA_DENIED',
        reason: 'provider_error:server_error',
      },
    ];
    for (const { query, location, reason } of cases) {
      const browser = createClient(duo.portal.fastify);
      const state = String(requestClaims(await beginDuoSignIn(browser, username)).state);
      const answer = await browser.get(`/api/auth/mfa/${duo.providerId}/callback?${query(state)}`);
      expect(answer.status).toBe(303);
      expect(answer.headers.location).toBe(location);
      expect(await failureReason()).toBe(reason);
      await expectSignedOut(browser);
    }
    // Duplicated parameters are no better (anchors 9 of B.6): nothing is guessed from them.
    const browser = createClient(duo.portal.fastify);
    const callback = await callbackFor(duo.env, browser, username);
    const doubled = await browser.get(`${callback}&duo_code=another`);
    expect(doubled.headers.location).toBe('/signin?error=MFA_FAILED');
    expect(tokenCalls(duo.env)).toBe(tokensBefore);
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
  });

  it('case 20 (regression: the error= text went into the audit reason verbatim, control characters included): it is recorded as a safe token', async () => {
    const { username } = await newUser();
    for (const [error, recorded] of [
      ['access_denied', 'provider_error:access_denied'],
      ['access_denied\r\n2026-11-27 login.succeeded admin', 'provider_error:unrecognised'],
      ['\u001b[31mred\u001b[0m', 'provider_error:unrecognised'],
      ['<script>alert(1)</script>', 'provider_error:unrecognised'],
    ] as const) {
      const browser = createClient(duo.portal.fastify);
      const state = String(requestClaims(await beginDuoSignIn(browser, username)).state);
      const answer = await browser.get(
        `/api/auth/mfa/${duo.providerId}/callback?state=${state}&error=${encodeURIComponent(error)}`,
      );
      expect(answer.headers.location).toBe('/signin?error=MFA_DENIED');
      expect(await failureReason()).toBe(recorded);
    }
  });

  it("anchors 41: an attacker's own valid code and state delivered to a victim's browser is refused (callback CSRF)", async () => {
    const attacker = await newUser();
    const victim = await newUser();
    const attackerBrowser = createClient(duo.portal.fastify);
    const planted = await callbackFor(duo.env, attackerBrowser, attacker.username);
    // The victim's browser, mid-way through its own sign-in, follows the attacker's link.
    const victimBrowser = createClient(duo.portal.fastify);
    await beginDuoSignIn(victimBrowser, victim.username);
    const tokensBefore = tokenCalls(duo.env);
    const answer = await victimBrowser.get(planted);
    expect(answer.headers.location).toBe('/signin?error=MFA_FAILED');
    expect(await failureReason()).toBe('other_browser');
    expect(tokenCalls(duo.env)).toBe(tokensBefore);
    await expectSignedOut(victimBrowser);
    expect(await sessionsOf(duo.portal, attacker.id)).toHaveLength(0);
    expect(await sessionsOf(duo.portal, victim.id)).toHaveLength(0);
    // A browser with no login cookie at all fares the same.
    const bare = createClient(duo.portal.fastify);
    const another = await callbackFor(duo.env, createClient(duo.portal.fastify), attacker.username);
    expect((await bare.get(another)).headers.location).toBe('/signin?error=MFA_FAILED');
    expect(await failureReason()).toBe('other_browser');
  });

  it("anchors 55: a victim's callback (code and state) replayed in another browser is refused, and spends nothing", async () => {
    const victim = await newUser();
    const victimBrowser = createClient(duo.portal.fastify);
    const stolen = await callbackFor(duo.env, victimBrowser, victim.username);
    const thief = createClient(duo.portal.fastify);
    await thief.session();
    const answer = await thief.get(stolen);
    expect(answer.headers.location).toBe('/signin?error=MFA_FAILED');
    expect(await failureReason()).toBe('other_browser');
    await expectSignedOut(thief);
    // Issue 12, finding 8: the challenge is taken only when state and browser both match, so whoever
    // learns a victim's state can no longer cancel the victim's sign-in. The victim's own browser still
    // completes it, once.
    expect(await sessionsOf(duo.portal, victim.id)).toHaveLength(0);
    expect((await victimBrowser.get(stolen)).headers.location).toBe('/');
    expect(await sessionsOf(duo.portal, victim.id)).toHaveLength(1);
    expect((await victimBrowser.get(stolen)).headers.location).toBe('/signin?error=MFA_EXPIRED');
  });

  it("anchors 56: a callback for provider A arriving on provider B's path is refused (mix-up)", async () => {
    const admin = await freshAdmin(duo.portal);
    const second = duo.env.emulator.registerClient({ name: 'Second Duo' });
    const created = await admin.post('/api/admin/mfa/providers', {
      type: 'duo',
      name: 'Duo B',
      enabled: true,
      values: { endpoint: duo.env.app.endpoint, clientId: second.clientId, clientSecret: second.clientSecret },
    });
    expect(created.status).toBe(201);
    const providerB = created.json<{ provider: { id: number } }>().provider.id;
    const { username, id } = await newUser();
    const browser = createClient(duo.portal.fastify);
    const callback = await callbackFor(duo.env, browser, username);
    expect(callback.startsWith(`/api/auth/mfa/${duo.providerId}/callback?`)).toBe(true);
    const tokensBefore = tokenCalls(duo.env);
    const mixedUp = await browser.get(
      callback.replace(`/api/auth/mfa/${duo.providerId}/`, `/api/auth/mfa/${providerB}/`),
    );
    expect(mixedUp.headers.location).toBe('/signin?error=MFA_FAILED');
    expect(await failureReason()).toBe('provider_mix_up');
    expect(tokenCalls(duo.env)).toBe(tokensBefore);
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
    // A provider id that does not exist is the same refusal.
    const ghost = await browser.get(
      (await callbackFor(duo.env, browser, username)).replace(`/mfa/${duo.providerId}/`, '/mfa/9999/'),
    );
    expect(ghost.headers.location).toBe('/signin?error=MFA_FAILED');
    expect(await failureReason()).toBe('provider_mix_up');
  });

  it('anchors 63: a validly signed id_token carrying the nonce of an earlier sign-in is refused', async () => {
    const { username, id } = await newUser();
    const earlier = String(requestClaims(await beginDuoSignIn(createClient(duo.portal.fastify), username)).nonce);
    const browser = createClient(duo.portal.fastify);
    const callback = await callbackFor(duo.env, browser, username);
    duo.env.emulator.setFaults([
      { endpoint: 'token', kind: 'id_token', mutate: [{ type: 'set', claim: 'nonce', value: earlier }] },
    ]);
    const answer = await browser.get(callback);
    expect(answer.headers.location).toBe('/signin?error=MFA_FAILED');
    expect(await failureReason()).toBe('nonce_mismatch:nonce');
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
  });

  it('anchors 66: nothing from a refused id_token is used: no session, no sign-in recorded, for either user', async () => {
    const alice = await newUser();
    const mallory = await newUser();
    const browser = createClient(duo.portal.fastify);
    const callback = await callbackFor(duo.env, browser, alice.username);
    const succeededBefore = (await auditRows(duo.portal, 'login.succeeded')).length;
    // Duo (or someone in between) answers with a token naming another user.
    duo.env.emulator.setFaults([
      {
        endpoint: 'token',
        kind: 'id_token',
        mutate: [
          { type: 'set', claim: 'preferred_username', value: mallory.username },
          { type: 'set', claim: 'sub', value: mallory.username },
        ],
      },
    ]);
    expect((await browser.get(callback)).headers.location).toBe('/signin?error=MFA_FAILED');
    expect(await failureReason()).toBe('username_mismatch:preferred_username');
    await expectSignedOut(browser);
    for (const user of [alice, mallory]) {
      expect(await sessionsOf(duo.portal, user.id)).toHaveLength(0);
      const row = await duo.portal.services.storage.db
        .selectFrom('users')
        .leftJoin('user_factors', 'user_factors.user_id', 'users.id')
        .select(['users.last_login_at', 'user_factors.last_used_at'])
        .where('users.id', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ last_login_at: null, last_used_at: null });
    }
    expect(await auditRows(duo.portal, 'login.succeeded')).toHaveLength(succeededBefore);
  });

  it('anchors 68: the provider disabled while the user is at Duo: the callback is refused before any token call', async () => {
    const { username, id } = await newUser();
    const browser = createClient(duo.portal.fastify);
    const callback = await callbackFor(duo.env, browser, username);
    const admin = await freshAdmin(duo.portal);
    const dependents = await admin.get(`/api/admin/mfa/providers/${duo.providerId}/dependents`);
    const affected = dependents.json<{ total: number }>().total;
    const disabled = await admin.patch(`/api/admin/mfa/providers/${duo.providerId}`, {
      enabled: false,
      confirmAffectedUsers: affected,
    });
    expect(disabled.status).toBe(200);
    try {
      const tokensBefore = tokenCalls(duo.env);
      const answer = await browser.get(callback);
      expect(answer.headers.location).toBe('/signin?error=MFA_UNAVAILABLE');
      expect(await failureReason()).toBe('provider_disabled');
      expect(tokenCalls(duo.env)).toBe(tokensBefore);
      expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
    } finally {
      const enabled = await admin.patch(`/api/admin/mfa/providers/${duo.providerId}`, { enabled: true });
      expect(enabled.status).toBe(200);
    }
  });

  it('anchors 68: the user disabled while at Duo: the callback is refused before any token call', async () => {
    const { username, id } = await newUser();
    const browser = createClient(duo.portal.fastify);
    const callback = await callbackFor(duo.env, browser, username);
    const admin = await freshAdmin(duo.portal);
    expect((await admin.patch(`/api/admin/users/${id}`, { disabled: true })).status).toBe(200);
    const tokensBefore = tokenCalls(duo.env);
    const answer = await browser.get(callback);
    expect(answer.headers.location).toBe('/signin?error=MFA_FAILED');
    expect(await failureReason()).toBe('user_disabled');
    expect(tokenCalls(duo.env)).toBe(tokensBefore);
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
  });

  it('anchors 43: the callback answers with a 303 to a clean URL, no referrer, no caching, and loads nothing', async () => {
    const { username } = await newUser();
    const browser = createClient(duo.portal.fastify);
    for (const outcome of ['success', 'failure'] as const) {
      const callback =
        outcome === 'success'
          ? await callbackFor(duo.env, browser, username)
          : `/api/auth/mfa/${duo.providerId}/callback?duo_code=x&state=${'B'.repeat(43)}`;
      const answer = await browser.get(callback);
      expect(answer.status).toBe(303);
      // The code and state leave the address bar: the new location carries neither.
      expect(String(answer.headers.location)).not.toMatch(/duo_code|state=/);
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(String(answer.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
      expect(answer.body).not.toMatch(/<script|<img|<link/i);
    }
  });

  it('anchors 42, 44: the sign-in page and the callback refuse framing and send the hardening headers', async () => {
    const browser = createClient(duo.portal.fastify);
    for (const path of ['/signin', `/api/auth/mfa/${duo.providerId}/callback?state=x`]) {
      const response = await browser.raw('GET', path, { headers: { accept: 'text/html' } });
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      // The sign-in form may post on to Duo, and only there.
      expect(csp).toContain(`form-action 'self' https://${duo.env.app.endpoint}`);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
  });
});
