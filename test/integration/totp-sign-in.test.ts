// Authenticator apps (TOTP) end to end over the real HTTP API and database, on both engines. Codes
// come from Debian's oathtool at the portal's clock, so the tests move time instead of waiting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateMasterKey } from '../../src/server/crypto/key-rotation.ts';
import { auditRows, STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';
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

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

describe.skipIf(MISSING_PROGRAMS).each(ENGINES)('signing in with an authenticator app on %s', (engine) => {
  let portal: TestPortal;
  let admin: TestClient;
  let providerId: number;
  let counter = 0;

  /** A new user who has set up an authenticator app; one per test, so no test inherits another's counters. */
  async function enrolledUser(options: { label?: string } = {}) {
    counter += 1;
    const username = `totp${counter}`;
    const user = await seedUser(portal, username);
    const client = createClient(portal.fastify);
    await client.signIn(username, STRONG_PASSWORD);
    const { secret } = await enrolTotp(portal, client, providerId, options);
    // The confirming code is spent: the next sign-in needs the next one.
    portal.clock.advance(30_000);
    return { username, id: user.id, secret, client };
  }

  const code = (secret: string, offsetMs = 0) => oathtoolCode(secret, portal.clock() + offsetMs);
  const answer = (client: TestClient, id: string, value: string) =>
    client.post(`/api/auth/challenges/${id}/code`, { code: value });

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    await seedUser(portal, 'admin', { role: 'administrator' });
    admin = createClient(portal.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
    providerId = await registerTotp(admin);
  });
  afterAll(() => portal.close());

  it('offers the authenticator app on the Select provider screen, with its fields and their checks', async () => {
    const types = (await admin.get('/api/admin/mfa/provider-types')).json<{
      items: Array<{ id: string; fields: Array<{ key: string }> }>;
    }>();
    expect(types.items.find((type) => type.id === 'totp')?.fields.map((field) => field.key)).toEqual([
      'issuer',
      'digits',
      'period',
      'algorithm',
      'drift',
    ]);
    const refused = await admin.post('/api/admin/mfa/providers', {
      type: 'totp',
      name: 'Bad app',
      enabled: true,
      values: { issuer: 'A:B', digits: '7', period: '5', algorithm: 'MD5', drift: '9', extra: 'x' },
    });
    expect(refused.status).toBe(400);
    expect(refused.json<ErrorBody & { error: { fields: Record<string, string> } }>().error.fields).toEqual({
      issuer: 'The issuer must not contain a colon (:).',
      digits: 'Choose 6 or 8 digits.',
      period: 'Enter a whole number of seconds between 15 and 120 (30 is what apps expect).',
      algorithm: 'Choose SHA-1, SHA-256 or SHA-512.',
      drift: 'Choose none, ±1 or ±2 periods.',
      extra: 'This field is not recognised. Remove it.',
    });
  });

  it('enrols with a QR code and the key in groups of four, confirmed only by a first valid code', async () => {
    const user = await seedUser(portal, 'enroller');
    const client = createClient(portal.fastify);
    await client.signIn('enroller', STRONG_PASSWORD);
    const started = await client.post('/api/me/mfa/configure', { providerId, label: 'Phone' });
    expect(started.json<{ redirectTo: string }>().redirectTo).toMatch(/^\/signin\/verify\?challenge=/);
    const id = challengeIdOf(started.json<{ redirectTo: string }>().redirectTo);
    const view = await describeChallenge(client, id);
    expect(view).toMatchObject({ kind: 'enrol_code', purpose: 'configure', digits: 6, attemptsLeft: 5 });
    const secret = view.enrolment?.secretGroups.join('') ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(view.enrolment?.secretGroups.every((group) => group.length === 4)).toBe(true);
    expect(view.enrolment?.uri).toBe(
      `otpauth://totp/Portcullis%20Test:enroller?issuer=Portcullis%20Test&secret=${secret}&algorithm=SHA1&digits=6&period=30`,
    );
    expect(view.enrolment?.qrSvg).toMatch(/^<svg/);
    // Not set up until a code proves the app holds the key.
    expect((await client.get('/api/me/mfa')).json()).toMatchObject({ configured: null, factors: [] });
    const wrong = await answer(client, id, '000000' === code(secret) ? '111111' : '000000');
    expect(wrong.json<ErrorBody>().error).toMatchObject({ code: 'MFA_CODE_WRONG', details: { attemptsLeft: 4 } });
    const confirmed = await answer(client, id, code(secret));
    expect(confirmed.json()).toMatchObject({ status: 'signed_in', redirectTo: '/account?mfa=configured' });
    await client.session();
    const mine = (await client.get('/api/me/mfa')).json<{ factors: Array<Record<string, unknown>> }>();
    expect(mine.factors).toMatchObject([
      { type: 'totp', label: 'Phone', method: 'Authenticator app', isDefault: true },
    ]);
    expect(await auditRows(portal, 'user.mfa_configured')).toContainEqual(
      expect.objectContaining({ target_label: 'enroller', details: expect.stringContaining('"method":"totp"') }),
    );
    // The key is sealed at rest, bound to its row: neither it nor its parts are in the database in clear.
    const row = await portal.services.storage.db
      .selectFrom('user_factors')
      .select('secret')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.secret).toMatch(/^v\d+\./);
    expect(row.secret).not.toContain(secret.slice(0, 8));
  });

  it('signs in with a code: a session at MFA level with amr pwd, mfa, otp; "123 456" is accepted too', async () => {
    const { username, secret } = await enrolledUser();
    const client = createClient(portal.fastify);
    const id = await passwordThenChallenge(client, username);
    expect((await client.session()).authenticated).toBe(false);
    const view = await describeChallenge(client, id);
    expect(view).toMatchObject({ kind: 'code', factor: { type: 'totp', method: 'Authenticator app' } });
    const typed = code(secret);
    const signedIn = await answer(client, id, `${typed.slice(0, 3)} ${typed.slice(3)}`);
    expect(signedIn.json()).toMatchObject({ status: 'signed_in', redirectTo: '/' });
    expect((await client.session()).session).toMatchObject({ authLevel: 'mfa', amr: ['pwd', 'mfa', 'otp'] });
    expect(JSON.parse((await auditRows(portal, 'login.succeeded')).at(-1)?.details ?? '{}')).toMatchObject({
      authLevel: 'mfa',
      method: 'totp',
      amr: ['pwd', 'mfa', 'otp'],
    });
  });

  it('accepts a code once: the same code, or an older one, is refused afterwards (RFC 6238 §5.2)', async () => {
    const { username, secret } = await enrolledUser();
    portal.clock.advance(60_000);
    const used = code(secret);
    const first = createClient(portal.fastify);
    expect((await answer(first, await passwordThenChallenge(first, username), used)).status).toBe(200);
    const second = createClient(portal.fastify);
    const id = await passwordThenChallenge(second, username);
    const replayed = await answer(second, id, used);
    expect(replayed.status).toBe(401);
    expect(replayed.json<ErrorBody>().error).toMatchObject({ code: 'MFA_CODE_REUSED', details: { attemptsLeft: 4 } });
    // Thirty seconds on, the previous step's code is still inside the ±1 window, but older than the one used.
    portal.clock.advance(30_000);
    expect((await answer(second, id, code(secret, -30_000))).json<ErrorBody>().error.code).toBe('MFA_CODE_REUSED');
    expect((await answer(second, id, code(secret))).status).toBe(200);
    expect(await auditRows(portal, 'login.mfa_failed')).toContainEqual(
      expect.objectContaining({ reason: 'code_reused', target_label: username }),
    );
  });

  it('limits wrong codes per challenge: attempts left are counted down, then the challenge is locked', async () => {
    const { username, secret } = await enrolledUser();
    const client = createClient(portal.fastify);
    const id = await passwordThenChallenge(client, username);
    const wrong = code(secret) === '123456' ? '654321' : '123456';
    for (const left of [4, 3, 2, 1]) {
      const refused = await answer(client, id, wrong);
      expect(refused.status).toBe(401);
      expect(refused.json<ErrorBody>().error).toMatchObject({
        code: 'MFA_CODE_WRONG',
        details: { attemptsLeft: left },
      });
    }
    const locked = await answer(client, id, wrong);
    expect(locked.status).toBe(429);
    expect(locked.json<ErrorBody>().error.code).toBe('MFA_CODE_LOCKED');
    expect(locked.json<ErrorBody>().error.message).toBe('Too many wrong codes. Sign in again to get new attempts.');
    // Even the right code no longer helps: this challenge is over, the user signs in again.
    expect((await answer(client, id, code(secret))).json<ErrorBody>().error.code).toBe('MFA_EXPIRED');
    expect((await client.session()).authenticated).toBe(false);
  });

  it('limits wrong codes per user across challenges (ASVS 6.3.1): a new sign-in does not reset the budget', async () => {
    const { username, secret } = await enrolledUser();
    const wrong = code(secret) === '123456' ? '654321' : '123456';
    const client = createClient(portal.fastify);
    for (let round = 0; round < 2; round += 1) {
      const id = await passwordThenChallenge(client, username);
      for (let attempt = 0; attempt < 5; attempt += 1) await answer(client, id, wrong);
    }
    const id = await passwordThenChallenge(client, username);
    const throttled = await answer(client, id, code(secret));
    expect(throttled.status).toBe(429);
    expect(throttled.json<ErrorBody>().error.code).toBe('MFA_CODE_THROTTLED');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(800);
    portal.clock.advance(15 * 60 * 1000 + 1000);
    const later = await passwordThenChallenge(client, username);
    expect((await answer(client, later, code(secret))).status).toBe(200);
  });

  it('refuses bad input with a clear 4xx and counts none of it as an attempt', async () => {
    const { username, secret } = await enrolledUser();
    const client = createClient(portal.fastify);
    const id = await passwordThenChallenge(client, username);
    for (const value of ['12345', '1234567', 'abcdef', '12a456']) {
      const refused = await answer(client, id, value);
      expect(refused.status, value).toBe(400);
      expect(refused.json<ErrorBody>().error, value).toMatchObject({
        code: 'MFA_CODE_INVALID',
        message: 'Enter the 6-digit code your authenticator app shows (digits only).',
      });
    }
    const empty = await client.post(`/api/auth/challenges/${id}/code`, { code: '' });
    expect(empty.json<ErrorBody & { error: { fields: object } }>().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: { code: 'Code is required.' },
    });
    expect((await describeChallenge(client, id)).attemptsLeft).toBe(5);
    // Another browser cannot answer (or spend) this browser's challenge, even with the right code.
    const other = createClient(portal.fastify);
    await other.session();
    const foreign = await answer(other, id, code(secret));
    expect(foreign.status).toBe(401);
    expect(foreign.json<ErrorBody>().error.code).toBe('MFA_FAILED');
    expect((await other.get(`/api/auth/challenges/${id}`)).status).toBe(401);
    // An unknown challenge, and an expired one.
    expect((await answer(client, 'x'.repeat(22), code(secret))).json<ErrorBody>().error.code).toBe('MFA_EXPIRED');
    portal.clock.advance(10 * 60 * 1000);
    expect((await answer(client, id, code(secret))).json<ErrorBody>().error.code).toBe('MFA_EXPIRED');
    expect(await auditRows(portal, 'login.mfa_failed')).toContainEqual(
      expect.objectContaining({ reason: 'transaction_expired', target_label: username }),
    );
  });

  it('a wrong code typed in the HTML form comes back to the same page with the message and attempts left', async () => {
    const { username, secret } = await enrolledUser();
    const client = createClient(portal.fastify);
    await client.session();
    const form = await client.postForm('/api/auth/login', { username, password: STRONG_PASSWORD });
    expect(form.status).toBe(303);
    const verify = String(form.headers.location);
    const id = challengeIdOf(verify);
    const wrong = await client.postForm(`/api/auth/challenges/${id}/code`, {
      code: '000000' === code(secret) ? '111111' : '000000',
    });
    expect(wrong.headers.location).toBe(`${verify}&error=MFA_CODE_WRONG&attemptsLeft=4`);
    const right = await client.postForm(`/api/auth/challenges/${id}/code`, { code: code(secret) });
    expect(right.status).toBe(303);
    expect(right.headers.location).toBe('/');
  });

  it('recovery codes: ten shown once, one signs in with MFA and is used up, a new set voids the old one', async () => {
    const { username, client, secret } = await enrolledUser();
    const generated = await client.post('/api/me/recovery-codes');
    expect(generated.status).toBe(200);
    expect(generated.headers['cache-control']).toBe('no-store');
    const codes = generated.json<{ codes: string[] }>().codes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const each of codes) expect(each).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
    expect((await client.get('/api/me/mfa')).json()).toMatchObject({ recoveryCodes: { remaining: 10 } });
    // Stored as hashes only.
    const stored = await portal.services.storage.db.selectFrom('recovery_codes').select('code_hash').execute();
    for (const each of codes) expect(JSON.stringify(stored)).not.toContain(each.replaceAll('-', ''));

    const browser = createClient(portal.fastify);
    const id = await passwordThenChallenge(browser, username);
    const view = await describeChallenge(browser, id);
    const recovery = view.alternatives.find((choice) => choice.type === 'recovery_codes');
    expect(recovery).toMatchObject({ method: 'Recovery code', label: 'Recovery codes' });
    const chosen = await browser.post(`/api/auth/challenges/${id}/choose`, { factorId: recovery?.factorId });
    const recoveryChallenge = challengeIdOf(chosen.json<{ redirectTo: string }>().redirectTo);
    // Typed in upper case and without dashes: the same code.
    const used = codes[3] ?? '';
    const signedIn = await answer(browser, recoveryChallenge, used.replaceAll('-', '').toUpperCase());
    expect(signedIn.json()).toMatchObject({ status: 'signed_in' });
    expect((await browser.session()).session).toMatchObject({
      authLevel: 'mfa',
      amr: ['pwd', 'mfa'],
      recoveryCodesLeft: 9,
    });
    expect(await auditRows(portal, 'login.recovery_code_used')).toContainEqual(
      expect.objectContaining({
        target_label: username,
        details: JSON.stringify({ remaining: 9, purpose: 'sign_in' }),
      }),
    );
    // Used up: the same code fails next time.
    const again = createClient(portal.fastify);
    const first = await passwordThenChallenge(again, username);
    const next = challengeIdOf(
      (await again.post(`/api/auth/challenges/${first}/choose`, { factorId: recovery?.factorId })).json<{
        redirectTo: string;
      }>().redirectTo,
    );
    expect((await answer(again, next, used)).json<ErrorBody>().error).toMatchObject({
      code: 'MFA_CODE_WRONG',
      details: { attemptsLeft: 4 },
    });
    // A new set: the old codes stop working.
    await client.session();
    const renewed = await client.post('/api/me/recovery-codes');
    expect(renewed.status).toBe(200);
    // The open challenge belonged to the old set: it is gone with it.
    expect((await answer(again, next, codes[5] ?? '')).json<ErrorBody>().error.code).toBe('MFA_EXPIRED');
    expect(JSON.parse((await auditRows(portal, 'user.recovery_codes_generated')).at(-1)?.details ?? '{}')).toEqual({
      count: 10,
      replacedRemaining: 9,
    });
    expect(code(secret)).toMatch(/^\d{6}$/);
  });

  it('the policy can turn recovery codes off: they are neither offered nor generated', async () => {
    const { username, client } = await enrolledUser();
    expect((await client.post('/api/me/recovery-codes')).status).toBe(200);
    const fresh = createClient(portal.fastify);
    await fresh.signIn('admin', STRONG_PASSWORD);
    expect(
      (
        await fresh.raw('PUT', '/api/admin/mfa/policy', {
          body: { mode: 'off', defaultProviderId: null, recoveryCodes: false },
        })
      ).status,
    ).toBe(200);
    try {
      const browser = createClient(portal.fastify);
      const id = await passwordThenChallenge(browser, username);
      expect((await describeChallenge(browser, id)).alternatives).toEqual([]);
      const refused = await client.post('/api/me/recovery-codes');
      expect(refused.status).toBe(409);
      expect(refused.json<ErrorBody>().error.code).toBe('RECOVERY_CODES_NOT_ALLOWED');
    } finally {
      await fresh.raw('PUT', '/api/admin/mfa/policy', {
        body: { mode: 'off', defaultProviderId: null, recoveryCodes: true },
      });
    }
  });

  it('several factors: add a second app, rename, make it the default, remove one; each audited', async () => {
    const { client, secret } = await enrolledUser({ label: 'Phone' });
    const { secret: tablet } = await enrolTotp(portal, client, providerId, { label: 'Tablet' });
    expect(tablet).not.toBe(secret);
    const listed = (await client.get('/api/me/mfa')).json<{
      factors: Array<{ id: string; label: string; isDefault: boolean }>;
    }>().factors;
    expect(listed.map((factor) => [factor.label, factor.isDefault])).toEqual([
      ['Phone', true],
      ['Tablet', false],
    ]);
    const [phone, second] = listed;
    expect((await client.patch(`/api/me/factors/${second?.id}`, { label: 'iPad' })).status).toBe(200);
    expect((await client.patch(`/api/me/factors/${second?.id}`, { isDefault: true })).status).toBe(200);
    const renamed = (await client.get('/api/me/mfa')).json<{ factors: Array<{ label: string; isDefault: boolean }> }>();
    expect(renamed.factors.map((factor) => [factor.label, factor.isDefault])).toEqual([
      ['Phone', false],
      ['iPad', true],
    ]);
    expect(
      (await client.patch(`/api/me/factors/${second?.id}`, { label: '' })).json<
        ErrorBody & { error: { fields: object } }
      >().error,
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: { label: 'Give the method a name, such as "Phone".' },
    });
    const removed = await client.raw('DELETE', `/api/me/factors/${phone?.id}`);
    expect(removed.status).toBe(200);
    expect((await client.get('/api/me/mfa')).json<{ factors: unknown[] }>().factors).toHaveLength(1);
    expect(JSON.parse((await auditRows(portal, 'user.factor_removed')).at(-1)?.details ?? '{}')).toMatchObject({
      method: 'Authenticator app',
      label: 'Phone',
      by: 'self',
    });
    // Another user's factor is not found, whatever its id.
    const other = await enrolledUser();
    const theirs = (await other.client.get('/api/me/mfa')).json<{ factors: Array<{ id: string }> }>().factors[0]?.id;
    expect((await client.raw('DELETE', `/api/me/factors/${theirs}`)).json<ErrorBody>().error.code).toBe(
      'FACTOR_NOT_FOUND',
    );
  });

  it('changes to my factors need a fresh sign-in (ASVS 7.5.1)', async () => {
    const { client } = await enrolledUser();
    const factor = (await client.get('/api/me/mfa')).json<{ factors: Array<{ id: string }> }>().factors[0]?.id;
    portal.clock.advance(11 * 60 * 1000);
    for (const response of [
      await client.patch(`/api/me/factors/${factor}`, { label: 'Old phone' }),
      await client.raw('DELETE', `/api/me/factors/${factor}`),
      await client.post('/api/me/recovery-codes'),
      await client.post('/api/me/mfa/configure', { providerId, add: true }),
    ]) {
      expect(response.status).toBe(403);
      expect(response.json<ErrorBody>().error.code).toBe('REAUTH_REQUIRED');
    }
  });

  it('while MFA is required, my last factor cannot be removed; an administrator can, and that ends my sessions', async () => {
    const { id, client } = await enrolledUser();
    // An administrator of their own, with MFA: requiring it must not lock administrators out.
    await seedUser(portal, 'boss', { role: 'administrator' });
    const boss = createClient(portal.fastify);
    await boss.signIn('boss', STRONG_PASSWORD);
    await enrolTotp(portal, boss, providerId);
    expect(
      (await boss.raw('PUT', '/api/admin/mfa/policy', { body: { mode: 'required', defaultProviderId: providerId } }))
        .status,
    ).toBe(200);
    try {
      const factor = (await client.get('/api/me/mfa')).json<{ factors: Array<{ id: string }> }>().factors[0]?.id;
      const refused = await client.raw('DELETE', `/api/me/factors/${factor}`);
      expect(refused.status).toBe(409);
      expect(refused.json<ErrorBody>().error.code).toBe('LAST_FACTOR_REQUIRED');
      const seen = (await boss.get(`/api/admin/users/${id}/factors`)).json<{
        items: Array<{ id: string; type: string }>;
      }>();
      expect(seen.items).toMatchObject([{ type: 'totp' }]);
      expect(JSON.stringify(seen)).not.toMatch(/secret/i);
      const removed = await boss.raw('DELETE', `/api/admin/users/${id}/factors/${factor}`);
      expect(removed.json()).toEqual({ sessionsEnded: 1 });
      expect((await client.session()).authenticated).toBe(false);
      expect(JSON.parse((await auditRows(portal, 'user.factor_removed')).at(-1)?.details ?? '{}')).toMatchObject({
        by: 'administrator',
        sessionsEnded: 1,
      });
    } finally {
      await boss.raw('PUT', '/api/admin/mfa/policy', { body: { mode: 'off', defaultProviderId: null } });
    }
  });

  it('required, no factor yet, the default provider an authenticator app: the user enrols during sign-in', async () => {
    await seedUser(portal, 'chief', { role: 'administrator' });
    const boss = createClient(portal.fastify);
    await boss.signIn('chief', STRONG_PASSWORD);
    await enrolTotp(portal, boss, providerId);
    const required = await boss.raw('PUT', '/api/admin/mfa/policy', {
      body: { mode: 'required', defaultProviderId: providerId },
    });
    expect(required.status).toBe(200);
    try {
      await seedUser(portal, 'newcomer');
      const client = createClient(portal.fastify);
      const id = await passwordThenChallenge(client, 'newcomer');
      const view = await describeChallenge(client, id);
      expect(view).toMatchObject({ kind: 'enrol_code', purpose: 'sign_in' });
      const secret = view.enrolment?.secretGroups.join('') ?? '';
      const done = await answer(client, id, oathtoolCode(secret, portal.clock()));
      expect(done.json()).toMatchObject({ status: 'signed_in', redirectTo: '/' });
      expect((await client.session()).session).toMatchObject({ authLevel: 'mfa' });
    } finally {
      await boss.raw('PUT', '/api/admin/mfa/policy', { body: { mode: 'off', defaultProviderId: null } });
    }
  });

  it('key rotation re-seals every per-user secret; codes keep working under the new key only', async () => {
    const { username, id, secret } = await enrolledUser();
    const before = await portal.services.storage.db
      .selectFrom('user_factors')
      .select('secret')
      .where('user_id', '=', id)
      .executeTakeFirstOrThrow();
    const result = await rotateMasterKey(
      portal.config,
      portal.services.storage,
      { actor: null, ip: null, userAgent: 'test', requestId: null },
      { retire: true, now: portal.clock() },
    );
    expect(result.retiredVersions.length).toBeGreaterThan(0);
    const after = await portal.services.storage.db
      .selectFrom('user_factors')
      .select('secret')
      .where('user_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(after.secret?.split('.')[0]).toBe(`v${result.toVersion}`);
    expect(after.secret).not.toBe(before.secret);
    const client = createClient(portal.fastify);
    portal.clock.advance(30_000);
    expect((await answer(client, await passwordThenChallenge(client, username), code(secret))).status).toBe(200);
  });
});
