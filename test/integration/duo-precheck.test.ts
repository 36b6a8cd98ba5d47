/**
 * Issue 16 item 4: with the Duo Admin API, the user's Duo status is checked before they are sent to Duo
 * (ADR 0020). Enrolled → Duo; bypass → Duo, audited; locked out / disabled → refused with a message that
 * says why; unknown to Duo → Duo's inline enrolment when MFA is required (or when enrolling), else a
 * message saying what to do; the Admin API down → no pre-check (audited), never a blocked sign-in.
 * Asked live each time: nothing cached lets a user locked out a moment ago through.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/shared/api/error-catalogue.ts';
import { adminCalls, useAdminApi } from '../helpers/duo-admin.ts';
import { countAudit, type DuoSignIn, freshAdmin, lastAudit, mfaUsers, startDuoSignIn } from '../helpers/duo-sign-in.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';
import { registerTotp } from '../helpers/totp.ts';

type Answer = { status: string; redirectTo: string };
type Failure = { error: { code: string; message: string } };

describe.each(ENGINES)('the Duo pre-check before the redirect on %s', (engine) => {
  let duo: DuoSignIn;
  const newUser = mfaUsers('pre', () => duo);

  /** The password step, as the console's script sends it (JSON). */
  const login = async (username: string) => {
    const client = createClient(duo.portal.fastify);
    await client.session();
    return client.post('/api/auth/login', { username, password: STRONG_PASSWORD });
  };
  /** The same as a browser form post: a refusal comes back as the sign-in page with the error code. */
  const loginForm = async (username: string) => {
    const client = createClient(duo.portal.fastify);
    await client.session();
    return client.postForm('/api/auth/login', { username, password: STRONG_PASSWORD });
  };
  const toDuo = (answer: { json<T>(): T }) =>
    expect(answer.json<Answer>()).toMatchObject({
      status: 'mfa_required',
      redirectTo: expect.stringContaining(`https://${duo.env.app.endpoint}/oauth/v1/authorize?`),
    });
  const setPolicy = async (mode: 'off' | 'required') => {
    const admin = await freshAdmin(duo.portal);
    const saved = await admin.raw('PUT', '/api/admin/mfa/policy', {
      body: { mode, defaultProviderId: duo.providerId },
    });
    expect(saved.status, saved.body).toBe(200);
  };

  beforeAll(async () => {
    duo = await startDuoSignIn(engine);
    await useAdminApi(duo);
    // The administrator is a break-glass account here, so the policy can require MFA of everyone else.
    await duo.portal.services.storage.db
      .updateTable('users')
      .set({ mfa_skip: 1 })
      .where('username', '=', 'admin')
      .execute();
  });
  afterAll(() => duo.close());
  beforeEach(() => {
    duo.env.emulator.setFaults([]);
    duo.env.emulator.clearRequests();
  });

  it('an enrolled, active Duo user goes to Duo after one live look-up, and nothing more is audited', async () => {
    const { username } = await newUser();
    duo.env.emulator.setUser(username, { phone: '+1 555-0101' });
    const prechecked = await countAudit(duo.portal, 'login.mfa_prechecked');
    toDuo(await login(username));
    expect(adminCalls(duo)).toEqual([{ method: 'GET', path: '/admin/v1/users', query: { username } }]);
    expect(await countAudit(duo.portal, 'login.mfa_prechecked')).toBe(prechecked);
    expect(await lastAudit(duo.portal, 'login.mfa_started')).toMatchObject({ target_label: username });
  });

  it('bypass: on to Duo (which lets them in without a second factor), audited as such', async () => {
    const { username } = await newUser();
    duo.env.emulator.setUser(username, { phone: '+1 555-0102', status: 'bypass' });
    toDuo(await login(username));
    expect(await lastAudit(duo.portal, 'login.mfa_prechecked')).toMatchObject({
      outcome: 'success',
      reason: 'bypass',
      target_label: username,
      details: { provider: 'Duo Security', status: 'bypass', purpose: 'sign_in', enrolling: false },
    });
  });

  it('locked out: refused before Duo, with a message saying why — as JSON and as the sign-in page', async () => {
    const { username } = await newUser();
    duo.env.emulator.setUser(username, { phone: '+1 555-0103', status: 'locked_out' });
    const started = await countAudit(duo.portal, 'login.mfa_started');
    const answer = await login(username);
    expect(answer.status).toBe(403);
    expect(answer.json<Failure>().error).toEqual(
      expect.objectContaining({ code: 'MFA_ACCOUNT_LOCKED', message: ERRORS.MFA_ACCOUNT_LOCKED.message }),
    );
    expect(ERRORS.MFA_ACCOUNT_LOCKED.message).toMatch(/locked your account.*Ask your administrator to unlock it/);
    const page = await loginForm(username);
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/signin?error=MFA_ACCOUNT_LOCKED');
    expect(await lastAudit(duo.portal, 'login.mfa_prechecked')).toMatchObject({
      outcome: 'failure',
      reason: 'locked_out',
      target_label: username,
    });
    // Never sent to Duo: no trip started, no challenge left behind.
    expect(await countAudit(duo.portal, 'login.mfa_started')).toBe(started);
    expect(duo.env.emulator.requests.filter((request) => request.path === '/oauth/v1/authorize')).toEqual([]);
  });

  it('disabled in Duo: refused with its own message', async () => {
    const { username } = await newUser();
    duo.env.emulator.setUser(username, { phone: '+1 555-0104', status: 'disabled' });
    const answer = await login(username);
    expect(answer.json<Failure>().error).toMatchObject({
      code: 'MFA_ACCOUNT_DISABLED',
      message: expect.stringContaining('disabled at your MFA provider'),
    });
    expect(await lastAudit(duo.portal, 'login.mfa_prechecked')).toMatchObject({ reason: 'disabled' });
  });

  it('unknown to Duo while MFA is optional: refused with what to do (their Duo method no longer exists there)', async () => {
    const { username } = await newUser();
    const answer = await login(username);
    expect(answer.json<Failure>().error).toMatchObject({
      code: 'MFA_ACCOUNT_UNKNOWN',
      message: expect.stringContaining('Ask your administrator to reset your MFA, then sign in and set it up again'),
    });
    expect(await lastAudit(duo.portal, 'login.mfa_prechecked')).toMatchObject({
      outcome: 'failure',
      reason: 'not_enrolled',
      details: { status: 'not_enrolled' },
    });
  });

  it("unknown to Duo while MFA is required: on to Duo's inline enrolment, audited", async () => {
    await setPolicy('required');
    try {
      const { username } = await newUser();
      toDuo(await login(username));
      expect(await lastAudit(duo.portal, 'login.mfa_prechecked')).toMatchObject({
        outcome: 'success',
        reason: 'not_enrolled',
        target_label: username,
      });
      // A user without any method, enrolling at sign-in because MFA is required: the same.
      await seedUser(duo.portal, 'pre-newcomer');
      toDuo(await login('pre-newcomer'));
      expect(await lastAudit(duo.portal, 'login.mfa_prechecked')).toMatchObject({
        target_label: 'pre-newcomer',
        details: { enrolling: true },
      });
    } finally {
      await setPolicy('off');
    }
  });

  it('Configure MFA (enrolling) with a user Duo does not know yet goes on to Duo; a locked-out one is refused', async () => {
    await seedUser(duo.portal, 'pre-enroller');
    const client = createClient(duo.portal.fastify);
    expect((await client.signIn('pre-enroller', STRONG_PASSWORD)).json()).toMatchObject({ status: 'signed_in' });
    const started = await client.post('/api/me/mfa/configure', { providerId: duo.providerId, add: true });
    expect(started.json<Answer>().redirectTo).toContain('/oauth/v1/authorize?');
    duo.env.emulator.setUser('pre-enroller', { status: 'locked_out' });
    const refused = await client.post('/api/me/mfa/configure', { providerId: duo.providerId, add: true });
    expect(refused.json<Failure>().error.code).toBe('MFA_ACCOUNT_LOCKED');
  });

  it('the Admin API down: no pre-check, the sign-in goes on to Duo, and the skip is audited', async () => {
    const { username } = await newUser();
    duo.env.emulator.setUser(username, { phone: '+1 555-0105' });
    for (const kind of ['http_503_empty', 'connection_reset', 'http_429'] as const) {
      duo.env.emulator.setFaults([{ endpoint: 'admin', kind }]);
      toDuo(await login(username));
      const skipped = await lastAudit(duo.portal, 'login.mfa_prechecked');
      expect(skipped).toMatchObject({
        outcome: 'failure',
        reason: 'precheck_skipped',
        target_label: username,
        details: { status: 'skipped', cause: expect.any(String), message: expect.any(String) },
      });
    }
  });

  it('nothing is cached: a user locked out right after an allowed sign-in is refused at the next one', async () => {
    const { username } = await newUser();
    duo.env.emulator.setUser(username, { phone: '+1 555-0106' });
    toDuo(await login(username));
    duo.env.emulator.setUser(username, { status: 'locked_out' });
    expect((await login(username)).json<Failure>().error.code).toBe('MFA_ACCOUNT_LOCKED');
    duo.env.emulator.setUser(username, { status: 'active' });
    toDuo(await login(username));
  });

  it('locked out at Duo with another method at hand: Continue with Duo falls back to that method', async () => {
    const admin = await freshAdmin(duo.portal);
    const totp = await registerTotp(admin);
    const { username, id } = await newUser();
    await newUserFactor(id, totp);
    duo.env.emulator.setUser(username, { phone: '+1 555-0107', status: 'locked_out' });
    const client = createClient(duo.portal.fastify);
    await client.session();
    // With two methods the Duo trip is only reserved: the page offers "Continue" beside the app; no look-up yet.
    const first = (await client.post('/api/auth/login', { username, password: STRONG_PASSWORD })).json<Answer>();
    const challenge = new URL(first.redirectTo, 'http://portal.test').searchParams.get('challenge') ?? '';
    expect(adminCalls(duo)).toEqual([]);
    const chosen = await client.post(`/api/auth/challenges/${challenge}/choose`, {
      factorId: `seeded-${id}-${duo.providerId}`,
    });
    expect(chosen.json<Answer>()).toMatchObject({
      status: 'mfa_required',
      redirectTo: expect.stringMatching(/^\/signin\/verify\?challenge=/),
    });
    expect(adminCalls(duo)).toHaveLength(1);
    expect(await lastAudit(duo.portal, 'login.mfa_fallback')).toMatchObject({
      reason: 'precheck_locked_out',
      target_label: username,
    });
    const next = new URL(chosen.json<Answer>().redirectTo, 'http://portal.test').searchParams.get('challenge') ?? '';
    expect((await client.get(`/api/auth/challenges/${next}`)).json()).toMatchObject({
      kind: 'code',
      unavailable: 'Duo Security',
    });
  });

  /** A second method for the user (an authenticator app), seeded as a finished enrolment leaves it. */
  async function newUserFactor(userId: number, providerId: number) {
    await duo.portal.services.storage.db
      .insertInto('user_factors')
      .values({
        id: `pre-totp-${userId}`,
        user_id: userId,
        type: 'totp',
        provider_id: providerId,
        label: 'Phone app',
        secret: null,
        counter: null,
        is_default: 0,
        created_at: duo.portal.clock(),
        last_used_at: null,
      })
      .execute();
  }
});
