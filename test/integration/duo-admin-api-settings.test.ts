/**
 * Issue 16 item 4: the optional Duo Admin API keys on the Duo provider. Checked live on save against the
 * emulator's Admin API (Duo's signature checks): valid keys save, refused ones come back as a message on
 * the field Duo's answer points at, an unreachable Admin API may be saved anyway. The secret key is
 * sealed like the Client Secret, write-only, audited as "(changed)" only, removed when the Admin API is
 * turned off, re-sealed by key rotation, and never in a response, an audit row or a log line.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rotateMasterKey } from '../../src/server/crypto/key-rotation.ts';
import { loggerOptions } from '../../src/server/http/logging.ts';
import { applyDepsOf, applyProviders } from '../../src/server/mfa/provider-apply.ts';
import { adminApplication, adminCalls, providerValues } from '../helpers/duo-admin.ts';
import { type DuoSignIn, freshAdmin, startDuoSignIn } from '../helpers/duo-sign-in.ts';
import { auditRows } from '../helpers/fixtures.ts';
import type { TestClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';

const BASE = '/api/admin/mfa/providers';
type Failure = { error: { code: string; message: string; fields?: Record<string, string> } };

function forms(secret: string): string[] {
  return [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex'), secret.slice(0, 16)];
}

describe.each(ENGINES)('Duo Admin API settings on %s', (engine) => {
  let duo: DuoSignIn;
  let admin: TestClient;
  let lines = '';
  const bodies: string[] = [];
  const secrets: string[] = [];
  const keysFor = (...args: Parameters<typeof adminApplication>) => {
    const keys = adminApplication(...args);
    secrets.push(keys.adminSecretKey);
    return keys;
  };
  const save = async (values: Record<string, string>, extra: Record<string, unknown> = {}) => {
    const response = await admin.patch(`${BASE}/${duo.providerId}`, { values: providerValues(duo, values), ...extra });
    bodies.push(response.body);
    return response;
  };
  const stored = async () =>
    JSON.parse(
      (
        await duo.portal.services.storage.db
          .selectFrom('mfa_providers')
          .select('secrets')
          .where('id', '=', duo.providerId)
          .executeTakeFirstOrThrow()
      ).secrets,
    ) as Record<string, string>;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines += chunk.toString();
        done();
      },
    });
    duo = await startDuoSignIn(engine, { logger: pino(loggerOptions('trace'), sink) });
  });
  afterAll(() => duo.close());
  beforeEach(async () => {
    duo.env.emulator.setFaults([]);
    admin = await freshAdmin(duo.portal);
  });

  it('saves valid keys after a live check of the users and log endpoints; the host defaults to the Endpoint', async () => {
    const keys = keysFor(duo);
    duo.env.emulator.clearRequests();
    const saved = await save({ adminApi: 'yes', ...keys });
    expect(saved.status, saved.body).toBe(200);
    expect(adminCalls(duo).map((call) => call.path)).toEqual(['/admin/v1/users', '/admin/v2/logs/authentication']);
    const view = (await admin.get(`${BASE}/${duo.providerId}`)).json<{
      values: Record<string, string>;
      secretsSet: Record<string, boolean>;
    }>();
    expect(view.values).toMatchObject({
      adminApi: 'yes',
      adminIntegrationKey: keys.adminIntegrationKey,
      adminApiHost: duo.env.app.endpoint,
    });
    expect(view.values).not.toHaveProperty('adminSecretKey');
    expect(view.secretsSet).toEqual({ clientSecret: true, adminSecretKey: true });
    expect(await stored()).toEqual({
      clientSecret: expect.stringMatching(/^v\d+\.[\w-]{80,}$/),
      adminSecretKey: expect.stringMatching(/^v\d+\.[\w-]{80,}$/),
    });
    const updated = (await auditRows(duo.portal, 'mfa_provider.updated')).at(-1);
    expect(JSON.parse(updated?.details ?? '{}').changes).toMatchObject({
      adminApi: { from: null, to: 'yes' },
      adminIntegrationKey: { from: null, to: keys.adminIntegrationKey },
      adminSecretKey: { from: '(hidden)', to: '(changed)' },
    });
  });

  it('names the wrong key when Duo says which: an unknown integration key, a secret of another application', async () => {
    const before = await stored();
    const good = keysFor(duo);
    const unknownKey = await save({ adminApi: 'yes', ...good, adminIntegrationKey: 'DIUNKNOWN00000000000' });
    expect(unknownKey.status).toBe(400);
    expect(unknownKey.json<Failure>().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: { adminIntegrationKey: expect.stringContaining('Duo does not know this integration key') },
    });
    const other = keysFor(duo);
    const wrongSecret = await save({ adminApi: 'yes', ...good, adminSecretKey: other.adminSecretKey });
    expect(wrongSecret.json<Failure>().error.fields).toEqual({
      adminSecretKey: expect.stringContaining('this secret key does not belong to that integration key'),
    });
    // Nothing was saved: the stored secrets are exactly as before.
    expect(await stored()).toEqual(before);
  });

  it('refuses keys without the permissions needed, naming them', async () => {
    const webSdk = duo.env.emulator.registerClient({ name: 'Another Web SDK app' });
    secrets.push(webSdk.clientSecret);
    const notAdmin = await save({
      adminApi: 'yes',
      adminIntegrationKey: webSdk.clientId,
      adminSecretKey: webSdk.clientSecret,
    });
    expect(notAdmin.json<Failure>().error.fields?.adminIntegrationKey).toMatch(
      /not the credentials of an Admin API application.*Grant read resource.*Grant read log/,
    );
    const noLog = await save({ adminApi: 'yes', ...keysFor(duo, ['read_resource', 'write_resource']) });
    expect(noLog.json<Failure>().error.fields?.adminIntegrationKey).toBe(
      'Duo refused the call (Access forbidden: The application needs "Grant read log"). Use the keys of an Admin API application with "Grant read resource" and "Grant read log" (and "Grant write resource" to remove phones).',
    );
    const noRead = await save({ adminApi: 'yes', ...keysFor(duo, ['read_log']) });
    expect(noRead.json<Failure>().error.fields?.adminIntegrationKey).toMatch(/needs "Grant read resource"/);
  });

  it('checks formats before asking Duo: length, spaces, the Web SDK Client ID reused, a bad host', async () => {
    duo.env.emulator.clearRequests();
    const response = await save({
      adminApi: 'yes',
      adminIntegrationKey: 'DI123',
      adminSecretKey: `${'s'.repeat(40)} `,
      adminApiHost: 'https://exa mple.com/',
    });
    expect(response.json<Failure>().error.fields).toEqual({
      adminIntegrationKey: expect.stringContaining('20 capital letters and digits starting with DI (this one has 5'),
      adminSecretKey: 'The secret key has spaces around it; paste it again without them.',
      adminApiHost: expect.any(String),
    });
    const reused = await save({
      adminApi: 'yes',
      adminIntegrationKey: duo.env.app.clientId,
      adminSecretKey: duo.env.app.clientSecret,
    });
    expect(reused.json<Failure>().error.fields?.adminIntegrationKey).toMatch(/Client ID of the Web SDK application/);
    expect(adminCalls(duo)).toEqual([]);
  });

  it('an unreachable Admin API may be saved anyway, like an unreachable Duo', async () => {
    const keys = keysFor(duo);
    duo.env.emulator.setFaults([{ endpoint: 'admin', kind: 'http_503_empty' }]);
    const refused = await save({ adminApi: 'yes', ...keys });
    expect(refused.status).toBe(422);
    expect(refused.json<Failure & { error: { details: { check: { status: string } } } }>().error).toMatchObject({
      code: 'PROVIDER_UNREACHABLE',
      details: { check: { status: 'unreachable', message: expect.stringContaining("Duo's Admin API") } },
    });
    const anyway = await save({ adminApi: 'yes', ...keys }, { saveAnyway: true });
    expect(anyway.status, anyway.body).toBe(200);
    // The provider's own last check is Duo's sign-in health (fine), not the Admin API's outage.
    expect(anyway.json<{ provider: { lastCheck: { status: string } } }>().provider.lastCheck.status).toBe('ok');
  });

  it('an edit keeps the stored secret key when left blank; turning the Admin API on needs one', async () => {
    await save({ adminApi: 'yes', ...keysFor(duo) });
    const sealed = (await stored()).adminSecretKey;
    const current = (await admin.get(`${BASE}/${duo.providerId}`)).json<{ values: Record<string, string> }>().values;
    const blank = await save({ ...current, adminSecretKey: '' });
    expect(blank.status, blank.body).toBe(200);
    expect((await stored()).adminSecretKey).toBe(sealed);

    const off = await save({ adminApi: 'no' });
    expect(off.status, off.body).toBe(200);
    expect(await stored()).toEqual({ clientSecret: expect.any(String) });
    expect(off.json<{ provider: { values: Record<string, string> } }>().provider.values).not.toHaveProperty(
      'adminIntegrationKey',
    );
    const changes = JSON.parse((await auditRows(duo.portal, 'mfa_provider.updated')).at(-1)?.details ?? '{}').changes;
    expect(changes.adminSecretKey).toEqual({ from: '(hidden)', to: '(removed)' });

    const again = await save({ adminApi: 'yes', adminIntegrationKey: current.adminIntegrationKey ?? '' });
    expect(again.json<Failure>().error.fields).toEqual({
      adminSecretKey: "Enter the secret key shown on the Admin API application's page.",
    });
  });

  it('key rotation re-seals the Admin API secret key too, and the portal still uses it', async () => {
    await save({ adminApi: 'yes', ...keysFor(duo) });
    const result = await rotateMasterKey(
      duo.portal.config,
      duo.portal.services.storage,
      { actor: null, ip: null, userAgent: 'test', requestId: null },
      { retire: false, now: duo.portal.clock() },
    );
    const after = await stored();
    expect(after.adminSecretKey).toMatch(new RegExp(`^v${result.toVersion}\\.`));
    expect(after.clientSecret).toMatch(new RegExp(`^v${result.toVersion}\\.`));
    const current = (await admin.get(`${BASE}/${duo.providerId}`)).json<{ values: Record<string, string> }>().values;
    // A change of another setting runs the live check with the re-sealed secret key.
    duo.env.emulator.clearRequests();
    const edited = await save({ ...current, usernameSource: 'email' });
    expect(edited.status, edited.body).toBe(200);
    expect(adminCalls(duo).length).toBeGreaterThan(0);
    await save({ ...current, usernameSource: 'username' });
  });

  it('providers as code: adminApi: true with its keys is applied, and applying it again changes nothing', async () => {
    const keys = keysFor(duo);
    const services = duo.portal.services;
    const apply = () =>
      applyProviders(
        [
          {
            name: 'Duo as code',
            type: 'duo',
            enabled: true,
            values: { ...providerValues(duo), adminApi: true, ...keys },
          },
        ],
        applyDepsOf(services),
        { prune: false, dryRun: false, saveAnyway: false, confirmAffected: false, source: 'providers.yaml' },
        { actor: null, ip: null, userAgent: 'test', requestId: null },
      );
    expect((await apply()).created).toEqual(['Duo as code']);
    expect((await apply()).unchanged).toEqual(['Duo as code']);
    const listed = (await admin.get(`${BASE}?name=Duo%20as%20code`)).json<{
      items: Array<{ values: Record<string, string>; secretsSet: Record<string, boolean> }>;
    }>();
    expect(listed.items[0]).toMatchObject({
      values: { adminApi: 'yes', adminIntegrationKey: keys.adminIntegrationKey },
      secretsSet: { adminSecretKey: true },
    });
  });

  it('the secret keys are in no response, audit row or log line', async () => {
    const read = [
      (await admin.get(BASE)).body,
      (await admin.get(`${BASE}/${duo.providerId}`)).body,
      (await admin.get(`${BASE}/export.csv`)).body,
      (await admin.get('/api/admin/mfa/provider-types')).body,
      (await admin.get('/api/admin/audit?pageSize=200')).body,
      (await admin.get('/api/admin/audit/export.csv')).body,
    ];
    const audit = JSON.stringify(await auditRows(duo.portal));
    expect(secrets.length).toBeGreaterThan(5);
    for (const secret of secrets) {
      for (const form of forms(secret)) {
        for (const body of [...bodies, ...read]) expect(body).not.toContain(form);
        expect(audit).not.toContain(form);
        expect(lines).not.toContain(form);
      }
    }
    expect(lines.length).toBeGreaterThan(1000);
  });
});
