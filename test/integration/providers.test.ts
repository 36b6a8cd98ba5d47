import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PortalWithDuo, startPortalWithDuo } from '../helpers/duo.ts';
import { auditRows, STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';

const BASE = '/api/admin/mfa/providers';

describe.each(ENGINES)('Settings > MFA > Providers on %s', (engine) => {
  let env: PortalWithDuo;
  let admin: TestClient;
  let values: { endpoint: string; clientId: string; clientSecret: string };

  beforeAll(async () => {
    env = await startPortalWithDuo(engine);
    await seedUser(env.portal, 'sec-admin', { role: 'administrator' });
    values = { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: env.app.clientSecret };
  });
  afterAll(() => env.close());
  beforeEach(async () => {
    env.emulator.setFaults([]);
    admin = createClient(env.portal.fastify);
    await admin.signIn('sec-admin', STRONG_PASSWORD);
  });

  it('offers Duo Security on the Select provider screen with the registration form fields', async () => {
    const types = (await admin.get('/api/admin/mfa/provider-types')).json<{
      items: Array<{ id: string; label: string; fields: Array<{ label: string; kind: string }> }>;
    }>();
    // Duo first, as Segura's Select provider screen lists it; authenticator apps (issue 8) and keys (issue 11).
    expect(types.items.map((type) => type.label)).toEqual([
      'Duo Security',
      'Authenticator app (TOTP)',
      'Security key or passkey (WebAuthn)',
    ]);
    expect(types.items[0]?.fields.map((field) => [field.label, field.kind])).toEqual([
      ['Endpoint', 'text'],
      ['Client ID', 'text'],
      ['Client Secret', 'secret'],
      ['If Duo is unreachable', 'select'],
      ['Username sent to Duo', 'select'],
      ['Username template', 'text'],
      // Optional, shown only with the box ticked (ADR 0020).
      ['Use the Duo Admin API', 'checkbox'],
      ['Admin API integration key', 'text'],
      ['Admin API secret key', 'secret'],
      ['Admin API hostname', 'text'],
    ]);
  });

  it('registers a provider after a passing live check, and lists it in the report', async () => {
    const response = await admin.post(BASE, { type: 'duo', name: 'Duo production', enabled: true, values });
    expect(response.status).toBe(201);
    const { provider, check } = response.json<{ provider: Record<string, unknown>; check: Record<string, unknown> }>();
    expect(check).toMatchObject({ status: 'ok', outage: false });
    expect(provider).toMatchObject({
      name: 'Duo production',
      type: 'duo',
      typeLabel: 'Duo Security',
      enabled: true,
      endpoint: env.app.endpoint,
      secretsSet: { clientSecret: true },
      lastCheck: { status: 'ok' },
    });
    expect(env.emulator.requests.filter((request) => request.path === '/oauth/v1/health_check')).toHaveLength(1);
    const report = (await admin.get(BASE)).json<{ items: Array<{ name: string }>; total: number; pageSize: number }>();
    expect(report.items.map((item) => item.name)).toContain('Duo production');
    expect(report.pageSize).toBe(30);
    const [event] = (await auditRows(env.portal, 'mfa_provider.created')).slice(-1);
    expect(event?.actor_username).toBe('sec-admin');
    expect(JSON.parse(event?.details ?? '{}')).toMatchObject({
      settings: { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: '(set)' },
      check: 'ok',
    });
  });

  it('normalises a pasted endpoint URL to the bare host', async () => {
    const pasted = `https://${env.app.endpoint.toUpperCase()}/`;
    const response = await admin.post(BASE, {
      type: 'duo',
      name: 'Pasted URL',
      enabled: false,
      values: { ...values, endpoint: pasted },
    });
    expect(response.json<{ provider: { values: { endpoint: string } } }>().provider.values.endpoint).toBe(
      env.app.endpoint,
    );
  });

  it('names every problem on its field', async () => {
    const response = await admin.post(BASE, {
      type: 'duo',
      name: '',
      enabled: true,
      values: { endpoint: 'http://x/path', clientId: 'DI123', clientSecret: 'short' },
    });
    expect(response.status).toBe(400);
    const fields = response.json<{ error: { fields: Record<string, string> } }>().error.fields;
    expect(Object.keys(fields).sort()).toEqual(['clientId', 'clientSecret', 'endpoint', 'name']);
    const typed = await admin.post(BASE, {
      type: 'duo',
      name: 'Bad values',
      enabled: true,
      values: { endpoint: 'http://x/path', clientId: 'DI123', clientSecret: 'short' },
    });
    expect(Object.keys(typed.json<{ error: { fields: Record<string, string> } }>().error.fields).sort()).toEqual([
      'clientId',
      'clientSecret',
      'endpoint',
    ]);
  });

  it('filters the report by ID, name, provider and enabled; sorts; pages 30 at a time', async () => {
    for (let index = 1; index <= 31; index += 1) {
      const response = await admin.post(BASE, {
        type: 'duo',
        name: `Bulk ${String(index).padStart(2, '0')}`,
        enabled: index % 2 === 0,
        values,
      });
      expect(response.status).toBe(201);
    }
    const first = (await admin.get(`${BASE}?name=bulk&sort=name`)).json<{
      items: Array<{ name: string }>;
      total: number;
    }>();
    expect(first.total).toBe(31);
    expect(first.items).toHaveLength(30);
    expect(first.items[0]?.name).toBe('Bulk 01');
    const second = (await admin.get(`${BASE}?name=bulk&sort=name&page=2`)).json<{ items: Array<{ name: string }> }>();
    expect(second.items.map((item) => item.name)).toEqual(['Bulk 31']);
    const desc = (await admin.get(`${BASE}?name=bulk&sort=name&order=desc&pageSize=2`)).json<{
      items: Array<{ name: string }>;
    }>();
    expect(desc.items.map((item) => item.name)).toEqual(['Bulk 31', 'Bulk 30']);
    const enabled = (await admin.get(`${BASE}?name=bulk&enabled=true`)).json<{
      total: number;
      items: Array<{ enabled: boolean }>;
    }>();
    expect(enabled.total).toBe(15);
    expect(enabled.items.every((item) => item.enabled)).toBe(true);
    const byType = (await admin.get(`${BASE}?type=duo&pageSize=1`)).json<{ total: number }>();
    expect(byType.total).toBeGreaterThanOrEqual(31);
    const id = first.items[4]?.name
      ? (await admin.get(`${BASE}?name=${encodeURIComponent('Bulk 05')}`)).json<{ items: Array<{ id: number }> }>()
          .items[0]?.id
      : undefined;
    const byId = (await admin.get(`${BASE}?id=${id}`)).json<{ items: Array<{ name: string }> }>();
    expect(byId.items.map((item) => item.name)).toEqual(['Bulk 05']);
  });

  it('exports the report as CSV with the same columns, without secrets', async () => {
    const response = await admin.get(`${BASE}/export.csv?name=bulk&sort=name&order=desc`);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(
      /attachment; filename="portcullis-mfa-providers-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const lines = response.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      '"ID","Name","Provider","Enabled","Endpoint","Created","Created by","Last check","Last check at","Users"',
    );
    expect(lines).toHaveLength(32);
    expect(lines[1]).toMatch(
      new RegExp(`^"\\d+","Bulk 31","Duo Security","No","${env.app.endpoint.replace('.', '\\.')}",`),
    );
    expect(response.body).not.toContain(env.app.clientSecret);
  });

  it('edits a provider without retyping the secret, then disables and re-enables it', async () => {
    const created = (await admin.post(BASE, { type: 'duo', name: 'Editable', enabled: true, values })).json<{
      provider: { id: number };
    }>();
    const id = created.provider.id;
    const renamed = await admin.patch(`${BASE}/${id}`, {
      name: 'Edited name',
      values: { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: '' },
    });
    expect(renamed.json()).toMatchObject({
      provider: { name: 'Edited name', secretsSet: { clientSecret: true } },
      check: null,
    });
    expect((await admin.patch(`${BASE}/${id}`, { enabled: false })).json()).toMatchObject({
      provider: { enabled: false },
    });
    const again = await admin.patch(`${BASE}/${id}`, { enabled: true });
    expect(again.json()).toMatchObject({ provider: { enabled: true }, check: { status: 'ok' } });
    const types = (await auditRows(env.portal)).filter((row) => row.target_id === String(id)).map((row) => row.type);
    expect(types).toEqual([
      'mfa_provider.created',
      'mfa_provider.updated',
      'mfa_provider.disabled',
      'mfa_provider.enabled',
    ]);
  });

  it('refuses to reuse a name in another case', async () => {
    const response = await admin.post(BASE, { type: 'duo', name: 'EDITED NAME', enabled: false, values });
    expect(response.json()).toMatchObject({
      error: { fields: { name: 'A provider named "Edited name" already exists. Choose another name.' } },
    });
  });
});
