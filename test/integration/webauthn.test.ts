// Security keys and passkeys (WebAuthn) over the real HTTP API and database, on both engines. The
// browser's answers come from a software authenticator written in the test (ES256, node:crypto,
// cbor-x), not from the portal's code; the portal verifies them with @simplewebauthn/server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRows, STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';
import { assert, attest, type CeremonyOptions, newSoftKey, type SoftKey } from '../helpers/software-authenticator.ts';
import { challengeIdOf, describeChallenge, passwordThenChallenge } from '../helpers/totp.ts';

type ErrorBody = { error: { code: string; fields?: Record<string, string> } };
const ORIGIN = 'http://localhost:8080';
const YUBIKEY = 'cb69481e-8ff7-4039-93ec-0a2729a154a8';

describe.each(ENGINES)('security keys and passkeys on %s', (engine) => {
  let portal: TestPortal;
  let admin: TestClient;
  let providerId: number;
  let counter = 0;

  const factorsOf = async (userId: number) =>
    portal.services.storage.db.selectFrom('user_factors').selectAll().where('user_id', '=', userId).execute();

  /** My account › Add method with the key provider: the verify page's registration ceremony. */
  async function register(
    client: TestClient,
    key: SoftKey,
    options: { label?: string; format?: 'none' | 'packed'; provider?: number } = {},
  ) {
    const started = await client.post('/api/me/mfa/configure', {
      providerId: options.provider ?? providerId,
      add: true,
    });
    expect(started.status, started.body).toBe(200);
    const id = challengeIdOf(started.json<{ redirectTo: string }>().redirectTo);
    const view = await describeChallenge(client, id);
    expect(view.ceremony?.mode).toBe('register');
    const response = attest(key, view.ceremony?.options as unknown as CeremonyOptions, {
      origin: ORIGIN,
      ...(options.format && { format: options.format }),
    });
    return client.post(`/api/auth/challenges/${id}/ceremony`, { response, label: options.label ?? 'YubiKey (desk)' });
  }

  async function userWithKey() {
    counter += 1;
    const username = `keyholder${counter}`;
    const user = await seedUser(portal, username);
    const client = createClient(portal.fastify);
    await client.signIn(username, STRONG_PASSWORD);
    const key = newSoftKey();
    const registered = await register(client, key);
    expect(registered.json(), registered.body).toMatchObject({
      status: 'signed_in',
      redirectTo: '/account?mfa=configured',
    });
    await client.session();
    return { username, id: user.id, key, client };
  }

  /** The password step, then the ceremony's options. */
  async function keyChallenge(client: TestClient, username: string) {
    const id = await passwordThenChallenge(client, username);
    const view = await describeChallenge(client, id);
    expect(view.kind).toBe('ceremony');
    return { id, options: view.ceremony?.options as unknown as CeremonyOptions };
  }

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    await seedUser(portal, 'admin', { role: 'administrator' });
    admin = createClient(portal.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
    expect(
      (await admin.raw('PUT', '/api/admin/settings/application-url', { body: { applicationUrl: ORIGIN } })).status,
    ).toBe(200);
    const created = await admin.post('/api/admin/mfa/providers', {
      type: 'webauthn',
      name: 'Security keys',
      enabled: true,
      values: {},
    });
    expect(created.status, created.body).toBe(201);
    providerId = created.json<{ provider: { id: number } }>().provider.id;
  });
  afterAll(() => portal.close());

  it('registers a key: its public key and counter stored, no secret, audited with its name', async () => {
    const { id } = await userWithKey();
    const [factor] = await factorsOf(id);
    expect(factor).toMatchObject({ type: 'webauthn', label: 'YubiKey (desk)', secret: null, counter: 0 });
    expect(JSON.parse(factor?.public_data ?? '{}')).toMatchObject({ transports: ['usb'], backupEligible: false });
    expect(await auditRows(portal, 'user.mfa_configured')).toContainEqual(
      expect.objectContaining({ details: expect.stringContaining('"method":"webauthn"') }),
    );
  });

  it('signs in with the key as the second factor: amr hwk, user, pin, mfa; the session is phishing-resistant', async () => {
    const { username, key } = await userWithKey();
    const client = createClient(portal.fastify);
    const { id, options } = await keyChallenge(client, username);
    const answered = await client.post(`/api/auth/challenges/${id}/ceremony`, {
      response: assert(key, options, { origin: ORIGIN }),
    });
    expect(answered.json()).toMatchObject({ status: 'signed_in', redirectTo: '/' });
    expect((await client.session()).session).toMatchObject({
      authLevel: 'mfa',
      amr: ['pwd', 'mfa', 'hwk', 'user', 'pin'],
      phishingResistant: true,
    });
  });

  it('a replayed answer is refused: the challenge was spent, and a new challenge needs a new signature', async () => {
    const { username, key } = await userWithKey();
    const client = createClient(portal.fastify);
    const first = await keyChallenge(client, username);
    const response = assert(key, first.options, { origin: ORIGIN });
    expect((await client.post(`/api/auth/challenges/${first.id}/ceremony`, { response })).status).toBe(200);
    await client.session(); // the CSRF token now belongs to the new session
    const again = await client.post(`/api/auth/challenges/${first.id}/ceremony`, { response });
    expect(again.json<ErrorBody>().error.code).toBe('MFA_EXPIRED');
    const other = createClient(portal.fastify);
    const second = await keyChallenge(other, username);
    const replayed = await other.post(`/api/auth/challenges/${second.id}/ceremony`, { response });
    expect(replayed.status).toBe(401);
    expect(replayed.json<ErrorBody>().error.code).toBe('MFA_KEY_REFUSED');
    expect((await other.session()).authenticated).toBe(false);
  });

  it("refuses another user's credential, another origin, and no user verification where it is required", async () => {
    const alice = await userWithKey();
    const bob = await userWithKey();
    const client = createClient(portal.fastify);
    const reasons: string[] = [];
    for (const [key, origin, userVerified] of [
      [bob.key, ORIGIN, true],
      [alice.key, 'http://evil.example:8080', true],
      [alice.key, ORIGIN, false],
    ] as const) {
      const { id, options } = await keyChallenge(client, alice.username);
      const refused = await client.post(`/api/auth/challenges/${id}/ceremony`, {
        response: assert(key, options, { origin, userVerified }),
      });
      expect(refused.json<ErrorBody>().error.code).toBe('MFA_KEY_REFUSED');
      reasons.push((await auditRows(portal, 'login.mfa_failed')).at(-1)?.reason ?? '');
    }
    expect(reasons).toEqual(['credential_unknown', 'wrong_origin', 'user_not_verified']);
    expect((await client.session()).authenticated).toBe(false);
  });

  it('refuses malformed JSON, malformed CBOR and oversize bodies with a clear 4xx, and stores nothing', async () => {
    const user = await seedUser(portal, 'careful');
    const client = createClient(portal.fastify);
    await client.signIn('careful', STRONG_PASSWORD);
    const started = await client.post('/api/me/mfa/configure', { providerId });
    const id = challengeIdOf(started.json<{ redirectTo: string }>().redirectTo);
    const url = `/api/auth/challenges/${id}/ceremony`;
    const missing = await client.post(url, { response: { id: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
    const key = newSoftKey();
    const good = attest(key, (await describeChallenge(client, id)).ceremony?.options as unknown as CeremonyOptions, {
      origin: ORIGIN,
    });
    const garbage = {
      ...good,
      response: { ...good.response, attestationObject: Buffer.from('not cbor at all').toString('base64url') },
    };
    const badCbor = await client.post(url, { response: garbage });
    expect(badCbor.status).toBe(401);
    expect(badCbor.json<ErrorBody>().error.code).toBe('MFA_KEY_REFUSED');
    const huge = await client.post(url, {
      response: { ...good, response: { ...good.response, clientDataJSON: 'A'.repeat(70_000) } },
    });
    expect(huge.status).toBe(413);
    expect(await factorsOf(user.id)).toEqual([]);
  });

  it('a signature counter that went back is refused and flags the key as possibly copied', async () => {
    const { username, id, key, client } = await userWithKey();
    const browser = createClient(portal.fastify);
    let challenge = await keyChallenge(browser, username);
    await browser.post(`/api/auth/challenges/${challenge.id}/ceremony`, {
      response: assert(key, challenge.options, { origin: ORIGIN, counter: 7 }),
    });
    const copy = createClient(portal.fastify);
    challenge = await keyChallenge(copy, username);
    const refused = await copy.post(`/api/auth/challenges/${challenge.id}/ceremony`, {
      response: assert(key, challenge.options, { origin: ORIGIN, counter: 3 }),
    });
    expect(refused.json<ErrorBody>().error.code).toBe('MFA_KEY_REFUSED');
    expect(await auditRows(portal, 'user.factor_clone_suspected')).toContainEqual(
      expect.objectContaining({ target_label: username, reason: 'counter_regressed' }),
    );
    const [factor] = await factorsOf(id);
    expect(JSON.parse(factor?.public_data ?? '{}').cloneSuspectedAt).toEqual(expect.any(Number));
    const mine = (await client.get('/api/me/mfa')).json<{
      factors: Array<{ key: { cloneSuspectedAt: string | null } }>;
    }>();
    expect(mine.factors[0]?.key.cloneSuspectedAt).toMatch(/^\d{4}-/);
    expect((await admin.get('/api/admin/attention')).json()).toMatchObject({ keysCloneSuspected: expect.any(Number) });
  });

  it('several keys: any of them works; a removed key no longer does', async () => {
    const { username, key, client } = await userWithKey();
    const spare = newSoftKey();
    expect((await register(client, spare, { label: 'Spare key' })).status).toBe(200);
    await client.session();
    for (const each of [key, spare]) {
      const browser = createClient(portal.fastify);
      const { id, options } = await keyChallenge(browser, username);
      expect((options as unknown as { allowCredentials: unknown[] }).allowCredentials).toHaveLength(2);
      expect(
        (
          await browser.post(`/api/auth/challenges/${id}/ceremony`, {
            response: assert(each, options, { origin: ORIGIN }),
          })
        ).status,
      ).toBe(200);
    }
    const factors = (await client.get('/api/me/mfa')).json<{ factors: Array<{ id: string; label: string }> }>().factors;
    const spareId = factors.find((factor) => factor.label === 'Spare key')?.id;
    expect((await client.raw('DELETE', `/api/me/factors/${spareId}`)).status).toBe(200);
    const browser = createClient(portal.fastify);
    const { id, options } = await keyChallenge(browser, username);
    const refused = await browser.post(`/api/auth/challenges/${id}/ceremony`, {
      response: assert(spare, options, { origin: ORIGIN }),
    });
    expect(refused.json<ErrorBody>().error.code).toBe('MFA_KEY_REFUSED');
  });

  it('attestation "direct" with an allow-list: only the listed models may be registered', async () => {
    const restricted = await admin.post('/api/admin/mfa/providers', {
      type: 'webauthn',
      name: 'Approved keys',
      enabled: true,
      values: { attestation: 'direct', allowedAaguids: 'not-an-aaguid' },
    });
    expect(restricted.json<ErrorBody>().error.fields).toMatchObject({
      allowedAaguids: expect.stringContaining('is not an AAGUID'),
    });
    const created = await admin.post('/api/admin/mfa/providers', {
      type: 'webauthn',
      name: 'Approved keys',
      enabled: true,
      values: { attestation: 'direct', allowedAaguids: YUBIKEY },
    });
    const approved = created.json<{ provider: { id: number } }>().provider.id;
    await seedUser(portal, 'strict');
    const client = createClient(portal.fastify);
    await client.signIn('strict', STRONG_PASSWORD);
    const unknownModel = await register(client, newSoftKey({ aaguid: '11111111-2222-3333-4444-555555555555' }), {
      provider: approved,
      format: 'packed',
    });
    expect(unknownModel.json<ErrorBody>().error.code).toBe('MFA_KEY_MODEL_REFUSED');
    const noAttestation = await register(client, newSoftKey({ aaguid: YUBIKEY }), {
      provider: approved,
      format: 'none',
    });
    expect(noAttestation.json<ErrorBody>().error.code).toBe('MFA_KEY_MODEL_REFUSED');
    const yubikey = await register(client, newSoftKey({ aaguid: YUBIKEY }), { provider: approved, format: 'packed' });
    expect(yubikey.status, yubikey.body).toBe(200);
    await client.session();
    const listed = (await client.get('/api/me/mfa')).json<{ factors: Array<{ key: { model: string | null } }> }>();
    expect(listed.factors[0]?.key.model).toBe('YubiKey 5 Series');
  });

  it('passwordless: offered only where the policy allows it; needs user verification; counts as MFA', async () => {
    const { username, key } = await userWithKey();
    const anonymous = createClient(portal.fastify);
    expect((await anonymous.session()).passkeys).toBe(false);
    expect((await anonymous.post('/api/auth/passkey', {})).json<ErrorBody>().error.code).toBe('PASSKEYS_UNAVAILABLE');
    const on = await admin.raw('PUT', '/api/admin/mfa/policy', {
      body: { mode: 'off', defaultProviderId: null, passwordless: true },
    });
    expect(on.status, on.body).toBe(200);
    try {
      expect((await anonymous.session()).passkeys).toBe(true);
      const start = async () => {
        const started = await anonymous.post('/api/auth/passkey', {});
        expect(started.status).toBe(200);
        return started.json<{ challengeId: string; options: CeremonyOptions }>();
      };
      let started = await start();
      const noUv = await anonymous.post(`/api/auth/passkey/${started.challengeId}`, {
        response: assert(key, started.options, { origin: ORIGIN, userVerified: false }),
      });
      expect(noUv.json<ErrorBody>().error.code).toBe('MFA_KEY_REFUSED');
      started = await start();
      const signedIn = await anonymous.post(`/api/auth/passkey/${started.challengeId}`, {
        response: assert(key, started.options, { origin: ORIGIN }),
      });
      expect(signedIn.json()).toMatchObject({ status: 'signed_in', redirectTo: '/' });
      expect((await anonymous.session()).user).toMatchObject({ username });
      // Single-use, and only in the browser it was given to.
      const thief = createClient(portal.fastify);
      await thief.session();
      started = await start();
      const stolen = await thief.post(`/api/auth/passkey/${started.challengeId}`, {
        response: assert(key, started.options, { origin: ORIGIN }),
      });
      expect(stolen.json<ErrorBody>().error.code).toBe('MFA_FAILED');
    } finally {
      await admin.raw('PUT', '/api/admin/mfa/policy', {
        body: { mode: 'off', defaultProviderId: null, passwordless: false },
      });
    }
  });

  it('administrators must use a key: refused until one holds a key; then an administrator without one enrols at sign-in', async () => {
    const refused = await admin.raw('PUT', '/api/admin/mfa/policy', {
      body: { mode: 'off', defaultProviderId: null, adminPhishingResistant: true },
    });
    expect(refused.json<ErrorBody>().error.code).toBe('ADMIN_KEY_LOCKOUT');
    await seedUser(portal, 'keyadmin', { role: 'administrator' });
    const keyAdmin = createClient(portal.fastify);
    await keyAdmin.signIn('keyadmin', STRONG_PASSWORD);
    const adminKey = newSoftKey();
    expect((await register(keyAdmin, adminKey)).status).toBe(200);
    await keyAdmin.session();
    const on = await keyAdmin.raw('PUT', '/api/admin/mfa/policy', {
      body: { mode: 'off', defaultProviderId: null, adminPhishingResistant: true },
    });
    expect(on.status, on.body).toBe(200);
    try {
      // The first administrator holds no key: their next sign-in registers one before any session.
      const plain = createClient(portal.fastify);
      const id = await passwordThenChallenge(plain, 'admin');
      const view = await describeChallenge(plain, id);
      expect(view).toMatchObject({ kind: 'ceremony', ceremony: { mode: 'register' } });
      expect((await plain.session()).authenticated).toBe(false);
    } finally {
      const fresh = createClient(portal.fastify);
      const { id, options } = await keyChallenge(fresh, 'keyadmin');
      await fresh.post(`/api/auth/challenges/${id}/ceremony`, {
        response: assert(adminKey, options, { origin: ORIGIN }),
      });
      await fresh.session();
      await fresh.raw('PUT', '/api/admin/mfa/policy', {
        body: { mode: 'off', defaultProviderId: null, adminPhishingResistant: false },
      });
    }
  });
});
