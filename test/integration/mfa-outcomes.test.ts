/**
 * What the person at Duo's prompt does, end to end through the emulator (duo-protocol.md cases
 * 43–49). `completeAuthorization(url, outcome)` plays the prompt without a browser; the HTTP-only
 * path (`autoPush`, bypass, remembered device) is exercised with real GETs to the emulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/server/crypto/tokens.ts';
import { pathOf } from '../helpers/duo.ts';
import {
  atDuo,
  beginDuoSignIn,
  type DuoSignIn,
  expectSignedOut,
  getFromDuo,
  lastAudit,
  mfaUsers,
  requestClaims,
  sessionsOf,
  startDuoSignIn,
  tokenCalls,
} from '../helpers/duo-sign-in.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';

describe.each(ENGINES)("the prompt's outcomes on %s", (engine) => {
  let duo: DuoSignIn;
  const newUser = mfaUsers('prompt', () => duo);

  beforeAll(async () => {
    duo = await startDuoSignIn(engine);
  });
  afterAll(() => duo.close());
  beforeEach(() => {
    duo.env.emulator.setFaults([]);
    duo.env.emulator.setNewUserPolicy('enroll');
  });

  it('case 43: an enrolled user approves the push and is signed in with MFA', async () => {
    const { username, id } = await newUser();
    duo.env.emulator.setUser(username, { enrolled: true, status: 'active' });
    const browser = createClient(duo.portal.fastify);
    const back = await browser.get(await atDuo(duo.env, await beginDuoSignIn(browser, username), 'approve'));
    expect(back.headers.location).toBe('/');
    expect((await browser.session()).session).toMatchObject({ authLevel: 'mfa' });
    expect(await lastAudit(duo.portal, 'login.succeeded')).toMatchObject({
      target_label: username,
      details: { authLevel: 'mfa', provider: 'Duo Security', factor: 'duo_push' },
    });
    expect(await sessionsOf(duo.portal, id)).toHaveLength(1);
  });

  it('case 43: the same over HTTP only — a phone that approves at once sends the browser straight back', async () => {
    const { username, id } = await newUser();
    duo.env.emulator.setUser(username, { enrolled: true, autoPush: 'approve' });
    const browser = createClient(duo.portal.fastify);
    const atPrompt = await getFromDuo(duo.env, await beginDuoSignIn(browser, username));
    expect(atPrompt.status).toBe(302);
    const back = await browser.get(pathOf(atPrompt.location ?? ''));
    expect(back.headers.location).toBe('/');
    expect(await sessionsOf(duo.portal, id)).toHaveLength(1);
  });

  it('case 44: a denied push leaves no session; retrying at the prompt and approving signs in exactly once', async () => {
    const { username, id } = await newUser();
    duo.env.emulator.setUser(username, { enrolled: true });
    const browser = createClient(duo.portal.fastify);
    const authorize = await beginDuoSignIn(browser, username);
    const denied = await duo.env.emulator.completeAuthorization(authorize, 'deny');
    expect(denied).toMatchObject({ kind: 'denied', reason: 'user_mistake' });
    await expectSignedOut(browser);
    // Over HTTP, a phone that denies keeps the user on the prompt: no redirect back to us.
    duo.env.emulator.setUser(username, { autoPush: 'deny' });
    const onPrompt = await getFromDuo(duo.env, authorize);
    expect(onPrompt.status).toBe(303);
    expect(new URL(onPrompt.location ?? '', duo.env.emulator.baseUrl).origin).toBe(duo.env.emulator.baseUrl);
    duo.env.emulator.setUser(username, { autoPush: null });
    // "Send Me a Push" again, approved this time.
    const callback = await atDuo(duo.env, authorize, 'approve');
    const tokensBefore = tokenCalls(duo.env);
    expect((await browser.get(callback)).headers.location).toBe('/');
    expect((await browser.get(callback)).headers.location).toBe('/signin?error=MFA_EXPIRED');
    expect(tokenCalls(duo.env)).toBe(tokensBefore + 1);
    expect(await sessionsOf(duo.portal, id)).toHaveLength(1);
    expect((await browser.session()).session).toMatchObject({ authLevel: 'mfa' });
  });

  it('case 45: a push that times out leaves no session; the pending transaction expires after 10 minutes', async () => {
    const { username, id } = await newUser();
    duo.env.emulator.setUser(username, { enrolled: true });
    const browser = createClient(duo.portal.fastify);
    const authorize = await beginDuoSignIn(browser, username);
    expect(await duo.env.emulator.completeAuthorization(authorize, 'timeout')).toMatchObject({
      kind: 'denied',
      reason: 'no_response',
    });
    await expectSignedOut(browser);
    const state = String(requestClaims(authorize).state);
    const pending = await duo.portal.services.storage.db
      .selectFrom('mfa_challenges')
      .select(['created_at', 'expires_at'])
      .where('lookup_hash', '=', hashToken(state))
      .executeTakeFirstOrThrow();
    expect(pending.expires_at - pending.created_at).toBe(10 * 60 * 1000);
    // The user tries the prompt again much later and approves: the portal no longer honours it.
    const callback = await atDuo(duo.env, authorize, 'approve');
    duo.portal.clock.advance(10 * 60 * 1000);
    const tokensBefore = tokenCalls(duo.env);
    expect((await browser.get(callback)).headers.location).toBe('/signin?error=MFA_EXPIRED');
    expect((await lastAudit(duo.portal, 'login.mfa_failed'))?.reason).toBe('transaction_expired');
    expect(tokenCalls(duo.env)).toBe(tokensBefore);
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
  });

  it('case 46: a user Duo does not know yet, under "require enrollment", enrols at the prompt and is signed in', async () => {
    await seedUser(duo.portal, 'newcomer');
    expect(duo.env.emulator.getUser('newcomer')).toBeUndefined();
    const browser = createClient(duo.portal.fastify);
    await browser.signIn('newcomer', STRONG_PASSWORD); // no MFA yet: a password session
    const configure = await browser.post('/api/me/mfa/configure', { providerId: duo.providerId });
    const authorize = configure.json<{ redirectTo: string }>().redirectTo;
    // Over HTTP the prompt opens on the enrolment walk, not on a push.
    const walk = await getFromDuo(duo.env, authorize);
    expect(walk.status).toBe(303);
    const back = await browser.get(await atDuo(duo.env, authorize, 'approve'));
    expect(back.headers.location).toBe('/account?mfa=configured');
    expect(duo.env.emulator.getUser('newcomer')).toMatchObject({ enrolled: true, status: 'active' });
    expect(await lastAudit(duo.portal, 'user.mfa_configured')).toMatchObject({
      target_label: 'newcomer',
      details: { provider: 'Duo Security', factor: 'duo_push' },
    });
    expect((await browser.session()).session).toMatchObject({ authLevel: 'mfa' });
    // From now on, every sign-in goes through Duo.
    const next = createClient(duo.portal.fastify);
    const again = await next.get(await atDuo(duo.env, await beginDuoSignIn(next, 'newcomer')));
    expect(again.headers.location).toBe('/');
  });

  it('case 47: a user Duo does not know, under the "deny" New User policy, is refused at the prompt: no redirect, no session', async () => {
    const { username, id } = await newUser();
    duo.env.emulator.setNewUserPolicy('deny');
    const browser = createClient(duo.portal.fastify);
    const authorize = await beginDuoSignIn(browser, username);
    expect(await duo.env.emulator.completeAuthorization(authorize, 'approve')).toMatchObject({
      kind: 'denied',
      reason: 'deny_unenrolled_user',
    });
    const page = await getFromDuo(duo.env, authorize);
    expect(page.status).toBe(200);
    expect(page.location).toBeUndefined();
    expect(page.body).toMatch(/not enrolled/i);
    await expectSignedOut(browser);
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
  });

  it('case 48: a bypass user and a remembered device come straight back without a push, and are signed in', async () => {
    for (const [patch, factor] of [
      [{ status: 'bypass' as const }, 'not_available'],
      [{ enrolled: true, rememberedDevice: true }, 'remembered_device'],
    ] as const) {
      const { username, id } = await newUser();
      duo.env.emulator.setUser(username, patch);
      const browser = createClient(duo.portal.fastify);
      // One GET and Duo redirects back: no prompt page, no push.
      const direct = await getFromDuo(duo.env, await beginDuoSignIn(browser, username));
      expect(direct.status).toBe(302);
      const back = await browser.get(pathOf(direct.location ?? ''));
      expect(back.headers.location).toBe('/');
      expect(await lastAudit(duo.portal, 'login.succeeded')).toMatchObject({
        target_label: username,
        details: { authLevel: 'mfa', factor },
      });
      expect(await sessionsOf(duo.portal, id)).toHaveLength(1);
    }
  });

  it('case 49: locked-out and disabled Duo users are refused at Duo and never signed in', async () => {
    for (const [status, reason] of [
      ['locked_out', 'locked_out'],
      ['disabled', 'user_disabled'],
    ] as const) {
      const { username, id } = await newUser();
      duo.env.emulator.setUser(username, { enrolled: true, status });
      const browser = createClient(duo.portal.fastify);
      const authorize = await beginDuoSignIn(browser, username);
      expect(await duo.env.emulator.completeAuthorization(authorize, 'approve')).toMatchObject({
        kind: 'denied',
        reason,
      });
      const page = await getFromDuo(duo.env, authorize);
      expect(page.status).toBe(200);
      expect(page.location).toBeUndefined();
      await expectSignedOut(browser);
      expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
    }
  });
});
