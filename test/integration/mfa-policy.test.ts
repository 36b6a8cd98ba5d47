/**
 * Who must use MFA and with what (Settings > MFA > Policy), the administrator's levers on a user's
 * MFA (skip, reset), replacing one's own MFA, and the per-account push limit. The tests run in
 * order: the policy starts off and is switched to "required" half-way, as an administrator would.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addProvider,
  atDuo,
  beginDuoSignIn,
  type DuoSignIn,
  expectSignedOut,
  lastAudit,
  requestClaims,
  seedMfaUser,
  sessionsOf,
  startDuoSignIn,
} from '../helpers/duo-sign-in.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';

type ErrorBody = { error: { code: string; fields?: Record<string, string>; retryAfterSeconds?: number } };

describe.each(ENGINES)('the MFA policy on %s', (engine) => {
  let duo: DuoSignIn;
  let second = 0;

  /** Signs a user in through Duo (approved) and returns the signed-in browser. */
  const signInWithDuo = async (username: string): Promise<TestClient> => {
    const browser = createClient(duo.portal.fastify);
    const back = await browser.get(await atDuo(duo.env, await beginDuoSignIn(browser, username)));
    expect(back.headers.location).toBe('/');
    await browser.session();
    return browser;
  };
  /** The administrator, signed in afresh: with the password alone, or through Duo once they set it up. */
  const admin = async (): Promise<TestClient> => {
    const browser = createClient(duo.portal.fastify);
    await browser.session();
    const login = await browser.post('/api/auth/login', { username: 'admin', password: STRONG_PASSWORD });
    if (login.json<{ status: string }>().status === 'signed_in') {
      await browser.session();
      return browser;
    }
    return signInWithDuo('admin');
  };
  const setPolicy = async (body: { mode: 'off' | 'required'; defaultProviderId: number | null }) =>
    (await admin()).raw('PUT', '/api/admin/mfa/policy', { body });

  beforeAll(async () => {
    duo = await startDuoSignIn(engine);
    second = await addProvider(duo, 'Duo Two', {});
  });
  afterAll(() => duo.close());
  beforeEach(() => {
    duo.env.emulator.setFaults([]);
  });

  it('policy off: a user without MFA signs in with the password alone; a user with MFA always goes through Duo', async () => {
    await seedUser(duo.portal, 'plain');
    const plain = createClient(duo.portal.fastify);
    expect((await plain.signIn('plain', STRONG_PASSWORD)).json()).toMatchObject({ status: 'signed_in' });
    expect((await plain.session()).session).toMatchObject({ authLevel: 'password' });
    await seedMfaUser(duo.portal, 'secured', duo.providerId);
    const secured = createClient(duo.portal.fastify);
    expect((await secured.signIn('secured', STRONG_PASSWORD)).json()).toMatchObject({ status: 'mfa_required' });
    await expectSignedOut(secured);
  });

  it('push-request limit (ASVS 6.6.4): an 11th pending trip to Duo is refused with MFA_THROTTLED until they expire', async () => {
    const id = await seedMfaUser(duo.portal, 'pushed', duo.providerId);
    const browser = createClient(duo.portal.fastify);
    for (let start = 1; start <= 10; start += 1) await beginDuoSignIn(browser, 'pushed');
    const eleventh = await browser.post('/api/auth/login', { username: 'pushed', password: STRONG_PASSWORD });
    expect(eleventh.status).toBe(429);
    expect(eleventh.json<ErrorBody>().error).toMatchObject({ code: 'MFA_THROTTLED', retryAfterSeconds: 600 });
    expect(eleventh.headers['retry-after']).toBe('600');
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
    expect(await lastAudit(duo.portal, 'login.mfa_throttled')).toMatchObject({
      reason: 'too_many_mfa_requests',
      target_label: 'pushed',
    });
    // The limit is per account: another user is not affected.
    await seedMfaUser(duo.portal, 'bystander', duo.providerId);
    await beginDuoSignIn(createClient(duo.portal.fastify), 'bystander');
    // Pending trips expire after 10 minutes: then the user may try again.
    duo.portal.clock.advance(10 * 60 * 1000 + 1);
    await signInWithDuo('pushed');
    for (let start = 1; start <= 10; start += 1) await beginDuoSignIn(browser, 'pushed');
    expect((await browser.post('/api/auth/login', { username: 'pushed', password: STRONG_PASSWORD })).status).toBe(429);
  });

  it('a user whose provider is disabled fails closed: no password-only fallback', async () => {
    const third = await addProvider(duo, 'Duo Three', {});
    const id = await seedMfaUser(duo.portal, 'stranded', third);
    const administrator = await admin();
    const disabled = await administrator.patch(`/api/admin/mfa/providers/${third}`, {
      enabled: false,
      confirmAffectedUsers: 1,
    });
    expect(disabled.status).toBe(200);
    const browser = createClient(duo.portal.fastify);
    await browser.session();
    const refused = await browser.post('/api/auth/login', { username: 'stranded', password: STRONG_PASSWORD });
    expect(refused.status).toBe(503);
    expect(refused.json<ErrorBody>().error.code).toBe('MFA_UNAVAILABLE');
    expect(await lastAudit(duo.portal, 'login.mfa_unavailable')).toMatchObject({
      reason: 'provider_disabled',
      target_label: 'stranded',
    });
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
  });

  it('"required" needs a default provider that exists and is enabled', async () => {
    const none = await setPolicy({ mode: 'required', defaultProviderId: null });
    expect(none.status).toBe(400);
    expect(none.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
    expect(none.json<ErrorBody>().error.fields).toHaveProperty('defaultProviderId');
    const missing = await setPolicy({ mode: 'required', defaultProviderId: 9999 });
    expect(missing.json<ErrorBody>().error.fields).toHaveProperty('defaultProviderId');
    const third = await addProvider(duo, 'Duo Off', {});
    await (await admin()).patch(`/api/admin/mfa/providers/${third}`, { enabled: false });
    const disabled = await setPolicy({ mode: 'required', defaultProviderId: third });
    expect(disabled.json<ErrorBody>().error.fields?.defaultProviderId).toMatch(/disabled/);
    expect((await (await admin()).get('/api/admin/mfa/policy')).json()).toMatchObject({ mode: 'off' });
  });

  it('cannot save a policy that locks every administrator out; once the administrator has MFA it saves, audited', async () => {
    const refused = await setPolicy({ mode: 'required', defaultProviderId: duo.providerId });
    expect(refused.status).toBe(409);
    expect(refused.json<ErrorBody>().error.code).toBe('MFA_POLICY_LOCKOUT');
    expect((await (await admin()).get('/api/admin/mfa/policy')).json()).toMatchObject({
      mode: 'off',
      administratorsWithMfa: [],
    });
    // The administrator sets up Duo for themselves (My account > Configure MFA).
    const self = await admin();
    const configure = await self.post('/api/me/mfa/configure', { providerId: duo.providerId });
    expect(configure.status).toBe(200);
    const back = await self.get(await atDuo(duo.env, configure.json<{ redirectTo: string }>().redirectTo));
    expect(back.headers.location).toBe('/account?mfa=configured');
    const saved = await setPolicy({ mode: 'required', defaultProviderId: duo.providerId });
    expect(saved.status).toBe(200);
    expect(saved.json()).toMatchObject({ mode: 'required', administratorsWithMfa: ['admin'] });
    expect(await lastAudit(duo.portal, 'settings.updated')).toMatchObject({
      actor_username: 'admin',
      details: {
        key: 'mfa_policy',
        changes: {
          mode: { from: 'off', to: 'required' },
          defaultProviderId: { from: null, to: String(duo.providerId) },
        },
      },
    });
  });

  it('required, no MFA yet: the user enrols with the default provider during sign-in', async () => {
    const user = await seedUser(duo.portal, 'joiner');
    const browser = createClient(duo.portal.fastify);
    const authorize = await beginDuoSignIn(browser, 'joiner');
    expect(authorize.startsWith(`${duo.env.emulator.baseUrl}/oauth/v1/authorize?`)).toBe(true);
    expect(requestClaims(authorize).redirect_uri).toMatch(new RegExp(`/api/auth/mfa/${duo.providerId}/callback$`));
    expect(await lastAudit(duo.portal, 'login.mfa_started')).toMatchObject({
      target_label: 'joiner',
      details: { provider: 'Duo Security', purpose: 'sign_in', enrolling: true },
    });
    await expectSignedOut(browser);
    const back = await browser.get(await atDuo(duo.env, authorize));
    expect(back.headers.location).toBe('/');
    expect((await browser.session()).session).toMatchObject({ authLevel: 'mfa' });
    expect(await lastAudit(duo.portal, 'user.mfa_configured')).toMatchObject({
      target_label: 'joiner',
      details: { provider: 'Duo Security', replaced: null },
    });
    expect((await browser.get('/api/me/mfa')).json()).toMatchObject({
      configured: { providerId: duo.providerId },
      policy: { mode: 'required' },
    });
    expect(await sessionsOf(duo.portal, user.id)).toHaveLength(1);
  });

  it('per-user "skip MFA": only administrators set it, never for themselves, with a fresh sign-in, audited', async () => {
    const skipper = await seedMfaUser(duo.portal, 'skipper', duo.providerId);
    await seedMfaUser(duo.portal, 'someone', duo.providerId);
    // A user cannot exempt anyone, themselves included.
    const user = await signInWithDuo('someone');
    const byUser = await user.patch(`/api/admin/users/${skipper}`, { mfaSkip: true });
    expect(byUser.status).toBe(403);
    expect(byUser.json<ErrorBody>().error.code).toBe('FORBIDDEN');
    const administrator = await admin();
    const me = (await administrator.get('/api/me')).json<{ id: number }>();
    const self = await administrator.patch(`/api/admin/users/${me.id}`, { mfaSkip: true });
    expect(self.status).toBe(409);
    expect(self.json<ErrorBody>().error.code).toBe('CANNOT_CHANGE_OWN_ACCOUNT');
    duo.portal.clock.advance(11 * 60 * 1000);
    const stale = await administrator.patch(`/api/admin/users/${skipper}`, { mfaSkip: true });
    expect(stale.json<ErrorBody>().error.code).toBe('REAUTH_REQUIRED');
    const fresh = await admin();
    const granted = await fresh.patch(`/api/admin/users/${skipper}`, { mfaSkip: true });
    expect(granted.status).toBe(200);
    expect(granted.json()).toMatchObject({ mfaSkip: true });
    expect(await lastAudit(duo.portal, 'user.updated')).toMatchObject({
      actor_username: 'admin',
      target_label: 'skipper',
      details: { changes: { mfaSkip: { from: false, to: true } } },
    });
    // Even with MFA set up and the policy required, the skip user signs in with the password.
    const browser = createClient(duo.portal.fastify);
    expect((await browser.signIn('skipper', STRONG_PASSWORD)).json()).toMatchObject({ status: 'signed_in' });
    expect((await browser.session()).session).toMatchObject({ authLevel: 'password' });
    // Taking it back is audited too, and MFA applies again.
    expect((await fresh.patch(`/api/admin/users/${skipper}`, { mfaSkip: false })).status).toBe(200);
    expect(await lastAudit(duo.portal, 'user.updated')).toMatchObject({
      details: { changes: { mfaSkip: { from: true, to: false } } },
    });
    expect((await createClient(duo.portal.fastify).signIn('skipper', STRONG_PASSWORD)).json()).toMatchObject({
      status: 'mfa_required',
    });
  });

  it('anchors 35: replacing my MFA needs replace: true and a fresh sign-in (through Duo again)', async () => {
    await seedMfaUser(duo.portal, 'mover', duo.providerId);
    const browser = await signInWithDuo('mover');
    const unconfirmed = await browser.post('/api/me/mfa/configure', { providerId: second });
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.json<ErrorBody>().error.code).toBe('MFA_ALREADY_CONFIGURED');
    duo.portal.clock.advance(11 * 60 * 1000);
    const stale = await browser.post('/api/me/mfa/configure', { providerId: second, replace: true });
    expect(stale.status).toBe(403);
    expect(stale.json<ErrorBody>().error.code).toBe('REAUTH_REQUIRED');
    // Re-authenticating is as strong as signing in: the password, then Duo.
    const reauth = await browser.post('/api/me/reauthenticate', { password: STRONG_PASSWORD, returnTo: '/account' });
    expect(reauth.json()).toMatchObject({ status: 'mfa_required' });
    const reauthBack = await browser.get(
      await atDuo(duo.env, reauth.json<{ redirectTo: string }>().redirectTo, 'approve'),
    );
    expect(reauthBack.headers.location).toBe('/account');
    expect((await browser.session()).session).toMatchObject({ fresh: true, authLevel: 'mfa' });
    const replace = await browser.post('/api/me/mfa/configure', { providerId: second, replace: true });
    expect(replace.status).toBe(200);
    const authorize = replace.json<{ redirectTo: string }>().redirectTo;
    expect(new URLSearchParams(new URL(authorize).search).get('client_id')).not.toBe(duo.env.app.clientId);
    const back = await browser.get(await atDuo(duo.env, authorize));
    expect(back.headers.location).toBe('/account?mfa=configured');
    expect(await lastAudit(duo.portal, 'user.mfa_configured')).toMatchObject({
      target_label: 'mover',
      details: { provider: 'Duo Two', replaced: 'Duo Security' },
    });
    expect((await browser.get('/api/me/mfa')).json()).toMatchObject({ configured: { providerName: 'Duo Two' } });
  });

  it("an administrator's reset of a user's MFA ends the user's sessions, audited; they enrol again at the next sign-in", async () => {
    const id = await seedMfaUser(duo.portal, 'lostphone', second);
    const laptop = await (async () => {
      const browser = createClient(duo.portal.fastify);
      const back = await browser.get(await atDuo(duo.env, await beginDuoSignIn(browser, 'lostphone')));
      expect(back.headers.location).toBe('/');
      return browser;
    })();
    const phone = createClient(duo.portal.fastify);
    await phone.get(await atDuo(duo.env, await beginDuoSignIn(phone, 'lostphone')));
    expect(await sessionsOf(duo.portal, id)).toHaveLength(2);
    const administrator = await admin();
    const me = (await administrator.get('/api/me')).json<{ id: number }>();
    const own = await administrator.post(`/api/admin/users/${me.id}/mfa/reset`);
    expect(own.json<ErrorBody>().error.code).toBe('CANNOT_CHANGE_OWN_ACCOUNT');
    expect((await administrator.post(`/api/admin/users/${id}/mfa/reset`)).status).toBe(204);
    await expectSignedOut(laptop);
    await expectSignedOut(phone);
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
    expect(await lastAudit(duo.portal, 'user.mfa_reset')).toMatchObject({
      actor_username: 'admin',
      target_label: 'lostphone',
      details: { provider: 'Duo Two', sessionsEnded: 2 },
    });
    const again = await administrator.post(`/api/admin/users/${id}/mfa/reset`);
    expect(again.json<ErrorBody>().error.code).toBe('MFA_NOT_CONFIGURED');
    // Required policy: the next sign-in enrols with the default provider.
    const browser = createClient(duo.portal.fastify);
    await beginDuoSignIn(browser, 'lostphone');
    expect(await lastAudit(duo.portal, 'login.mfa_started')).toMatchObject({
      target_label: 'lostphone',
      details: { provider: 'Duo Security', enrolling: true },
    });
  });

  it('required, but the default provider is disabled: users without MFA fail closed', async () => {
    const administrator = await admin();
    const policy = (await administrator.get('/api/admin/mfa/policy')).json<{ defaultProviderId: number }>();
    expect(policy.defaultProviderId).toBe(duo.providerId);
    // Another provider stays enabled, so the guard lets the default one be disabled (with confirmation).
    const dependents = (await administrator.get(`/api/admin/mfa/providers/${duo.providerId}/dependents`)).json<{
      total: number;
    }>();
    const disabled = await administrator.patch(`/api/admin/mfa/providers/${duo.providerId}`, {
      enabled: false,
      confirmAffectedUsers: dependents.total,
    });
    expect(disabled.status).toBe(200);
    const id = (await seedUser(duo.portal, 'latecomer')).id;
    const browser = createClient(duo.portal.fastify);
    await browser.session();
    const refused = await browser.post('/api/auth/login', { username: 'latecomer', password: STRONG_PASSWORD });
    expect(refused.status).toBe(503);
    expect(refused.json<ErrorBody>().error.code).toBe('MFA_UNAVAILABLE');
    expect(await lastAudit(duo.portal, 'login.mfa_unavailable')).toMatchObject({
      reason: 'no_default_provider',
      target_label: 'latecomer',
    });
    expect(await sessionsOf(duo.portal, id)).toHaveLength(0);
  });
});
