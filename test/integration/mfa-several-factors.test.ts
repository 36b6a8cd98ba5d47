// A user who holds Duo and an authenticator app: the choice at sign-in ("Continue with Duo", "Use
// another method"), and the way in when Duo is down and its provider fails closed — the reason
// several factors exist (issue 8). Real Duo protocol through the emulator, both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  atDuo,
  type DuoSignIn,
  expectSignedOut,
  lastAudit,
  mfaUsers,
  sessionsOf,
  startDuoSignIn,
} from '../helpers/duo-sign-in.ts';
import { STRONG_PASSWORD } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';
import { missingPrograms } from '../helpers/programs.ts';
import {
  challengeIdOf,
  describeChallenge,
  enrolTotp,
  oathtoolCode,
  passwordThenChallenge,
  registerTotp,
} from '../helpers/totp.ts';

// Real programs from Debian (see test/helpers/programs.ts): skipped here when missing, required in CI.
const MISSING_PROGRAMS = missingPrograms('oathtool');

type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };

describe.skipIf(MISSING_PROGRAMS).each(ENGINES)('several factors per user on %s', (engine) => {
  let duo: DuoSignIn;
  let totpId: number;
  const newDuoUser = mfaUsers('several', () => ({ portal: duo.portal, providerId: duo.providerId }));

  /** A user with Duo (as Configure MFA leaves it) who then adds an authenticator app in My account. */
  async function duoAndTotpUser() {
    const { username, id } = await newDuoUser();
    const client = createClient(duo.portal.fastify);
    // Signing in with Duo first: the session is fresh and at MFA level, as My account needs.
    const start = await passwordThenRedirect(client, username);
    expect((await client.get(await atDuo(duo.env, start))).headers.location).toBe('/');
    await client.session();
    const { secret } = await enrolTotp(duo.portal, client, totpId, { label: 'Phone app' });
    duo.portal.clock.advance(30_000);
    return { username, id, secret };
  }

  async function passwordThenRedirect(client: TestClient, username: string): Promise<string> {
    await client.session();
    const login = await client.post('/api/auth/login', { username, password: STRONG_PASSWORD });
    return login.json<{ redirectTo: string }>().redirectTo;
  }

  beforeAll(async () => {
    duo = await startDuoSignIn(engine);
    totpId = await registerTotp(duo.admin);
  });
  afterAll(() => duo?.close());

  it('a Duo-only user still goes straight to Duo from the password step', async () => {
    const { username } = await newDuoUser();
    const client = createClient(duo.portal.fastify);
    expect(await passwordThenRedirect(client, username)).toMatch(
      new RegExp(`^${duo.env.emulator.baseUrl}/oauth/v1/authorize\\?`),
    );
  });

  it('with Duo and an app, the verify page offers Duo first ("Continue"), and the app as another method', async () => {
    const { username, secret } = await duoAndTotpUser();
    const client = createClient(duo.portal.fastify);
    const id = await passwordThenChallenge(client, username);
    const view = await describeChallenge(client, id);
    expect(view).toMatchObject({
      kind: 'redirect',
      factor: { type: 'duo', label: 'Duo Security', method: 'Duo Security' },
      alternatives: [{ type: 'totp', label: 'Phone app', method: 'Authenticator app' }],
      unavailable: null,
    });
    // Continue with Duo: a real trip to the prompt and back.
    const duoFactor = view.factor.factorId;
    const toDuo = await client.post(`/api/auth/challenges/${id}/choose`, { factorId: duoFactor });
    const authorize = toDuo.json<{ redirectTo: string }>().redirectTo;
    expect(authorize.startsWith(`${duo.env.emulator.baseUrl}/oauth/v1/authorize?`)).toBe(true);
    expect((await client.get(await atDuo(duo.env, authorize))).headers.location).toBe('/');
    expect((await client.session()).session).toMatchObject({ authLevel: 'mfa' });
    // Next time in this browser, the app it used last is offered first... once it has been used here.
    const other = createClient(duo.portal.fastify);
    const second = await passwordThenChallenge(other, username);
    const app = (await describeChallenge(other, second)).alternatives[0]?.factorId;
    const chosen = await other.post(`/api/auth/challenges/${second}/choose`, { factorId: app });
    const codeChallenge = challengeIdOf(chosen.json<{ redirectTo: string }>().redirectTo);
    const done = await other.post(`/api/auth/challenges/${codeChallenge}/code`, {
      code: oathtoolCode(secret, duo.portal.clock()),
    });
    expect(done.status).toBe(200);
    await other.raw('POST', '/api/auth/logout', { body: {} });
    const third = await passwordThenChallenge(other, username);
    expect((await describeChallenge(other, third)).factor).toMatchObject({ type: 'totp' });
  });

  it('Duo down and failing closed: the user who also holds an app is offered the app, and signs in', async () => {
    const { username, id, secret } = await duoAndTotpUser();
    duo.env.emulator.setFaults([{ endpoint: 'health_check', kind: 'http_503_empty' }]);
    try {
      duo.portal.clock.advance(31_000); // past the health cache
      const sessionsBefore = (await sessionsOf(duo.portal, id)).length;
      const client = createClient(duo.portal.fastify);
      const challenge = await passwordThenChallenge(client, username);
      const view = await describeChallenge(client, challenge);
      expect(view).toMatchObject({ kind: 'code', factor: { type: 'totp' }, unavailable: 'Duo Security' });
      const done = await client.post(`/api/auth/challenges/${challenge}/code`, {
        code: oathtoolCode(secret, duo.portal.clock()),
      });
      expect(done.json()).toMatchObject({ status: 'signed_in' });
      expect(await sessionsOf(duo.portal, id)).toHaveLength(sessionsBefore + 1);
      expect(await lastAudit(duo.portal, 'login.mfa_fallback')).toMatchObject({
        reason: 'health_unreachable',
        target_label: username,
      });
      // A Duo-only user in the same outage still meets the fail-closed page.
      const { username: only } = await newDuoUser();
      const stranded = createClient(duo.portal.fastify);
      await stranded.session();
      const refused = await stranded.post('/api/auth/login', { username: only, password: STRONG_PASSWORD });
      expect(refused.status).toBe(503);
      expect(refused.json<ErrorBody>().error).toMatchObject({ code: 'MFA_UNAVAILABLE', details: { reason: 'outage' } });
      await expectSignedOut(stranded);
    } finally {
      duo.env.emulator.setFaults([]);
      duo.portal.clock.advance(31_000);
    }
  });

  it('the HTML form of a user with several methods lands on the verify page, not at Duo', async () => {
    const { username } = await duoAndTotpUser();
    const client = createClient(duo.portal.fastify);
    await client.session();
    const form = await client.postForm('/api/auth/login', { username, password: STRONG_PASSWORD });
    expect(form.status).toBe(303);
    expect(String(form.headers.location)).toMatch(/^\/signin\/verify\?challenge=[\w-]{22}$/);
    // Choosing an unknown method keeps the user on that page, with a message.
    const id = challengeIdOf(String(form.headers.location));
    const unknown = await client.postForm(`/api/auth/challenges/${id}/choose`, { factorId: 'not-mine' });
    expect(unknown.headers.location).toBe(`/signin/verify?challenge=${id}&error=MFA_FAILED`);
  });

  it('an administrator sees both factors, and Reset MFA removes them all and ends the sessions', async () => {
    const { id } = await duoAndTotpUser();
    const factors = (await duo.admin.get(`/api/admin/users/${id}/factors`)).json<{ items: Array<{ type: string }> }>();
    expect(factors.items.map((factor) => factor.type).sort()).toEqual(['duo', 'totp']);
    const listed = (await duo.admin.get(`/api/admin/users/${id}`)).json<{
      mfa: { factorCount: number; methods: string[] };
    }>();
    expect(listed.mfa).toMatchObject({ factorCount: 2, methods: ['duo', 'totp'] });
    const reset = await duo.admin.post(`/api/admin/users/${id}/mfa/reset`);
    expect(reset.status).toBe(204);
    expect((await duo.admin.get(`/api/admin/users/${id}/factors`)).json()).toEqual({ items: [] });
    expect(await lastAudit(duo.portal, 'user.mfa_reset')).toMatchObject({
      details: { provider: 'Authenticator app, Duo Security', factors: 2 },
    });
  });
});
