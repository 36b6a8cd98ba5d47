import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PortalWithDuo, startPortalWithDuo } from '../helpers/duo.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

const BASE = '/api/admin/mfa/providers';

describe.each(ENGINES)('provider form validation on %s', (engine) => {
  let env: PortalWithDuo;
  let admin: TestClient;
  let good: { endpoint: string; clientId: string; clientSecret: string };

  beforeAll(async () => {
    env = await startPortalWithDuo(engine);
    await seedUser(env.portal, 'validator', { role: 'administrator' });
    admin = createClient(env.portal.fastify);
    await admin.signIn('validator', STRONG_PASSWORD);
    good = { endpoint: env.app.endpoint, clientId: env.app.clientId, clientSecret: env.app.clientSecret };
    expect((await admin.post(BASE, { type: 'duo', name: 'Existing', enabled: false, values: good })).status).toBe(201);
  });
  afterAll(() => env.close());

  async function fieldsFor(body: Record<string, unknown>) {
    const response = await admin.post(BASE, { type: 'duo', name: 'Candidate', enabled: true, values: good, ...body });
    expect(response.status).toBeGreaterThanOrEqual(400);
    return response.json<{ error: { code: string; fields: Record<string, string> } }>().error;
  }

  it.each([
    [{ name: '' }, 'name', 'Name is required.'],
    [{ name: '   ' }, 'name', 'Name is required.'],
    [{ name: 'x'.repeat(101) }, 'name', 'Name must be at most 100 characters.'],
    [{ name: 'existing' }, 'name', 'A provider named "Existing" already exists. Choose another name.'],
    [{ enabled: 'yes' }, 'enabled', 'Enabled must be true or false.'],
    [{ type: 'radius' }, 'type', 'Choose a provider type: duo, totp, webauthn.'],
  ])('%o -> %s: %s', async (body, field, message) => {
    expect((await fieldsFor(body)).fields[field]).toBe(message);
  });

  it.each([
    ['endpoint', '', 'Enter the API hostname shown on the Duo application page (api-XXXXXXXX.duosecurity.com).'],
    ['endpoint', 'api-x.duo security.com', 'The API hostname must not contain spaces.'],
    [
      'endpoint',
      'http://api-x.duosecurity.com',
      'Duo is only reached over HTTPS: enter the hostname alone, e.g. api-XXXXXXXX.duosecurity.com.',
    ],
    [
      'endpoint',
      'https://api-x.duosecurity.com/oauth/v1',
      'Enter the hostname only, without a path (nothing after the first "/").',
    ],
    ['endpoint', 'user@api-x.duosecurity.com', 'The API hostname must not contain a user name or password ("@").'],
    [
      'clientId',
      'DIABCDEFGHIJKLMNOPQ',
      'The Client ID is exactly 20 letters and digits (this one has 19); copy it again from the Duo application page.',
    ],
    [
      'clientId',
      'DIABCDEFGHIJKLMNOPQRS',
      'The Client ID is exactly 20 letters and digits (this one has 21); copy it again from the Duo application page.',
    ],
    ['clientId', '', 'Enter the Client ID shown on the Duo application page.'],
    [
      'clientSecret',
      'a'.repeat(39),
      'The Client Secret is exactly 40 characters (this one has 39); copy it again from the Duo application page.',
    ],
    [
      'clientSecret',
      'a'.repeat(41),
      'The Client Secret is exactly 40 characters (this one has 41); copy it again from the Duo application page.',
    ],
    ['clientSecret', '', 'Enter the Client Secret shown on the Duo application page.'],
    ['endpoint', 42, 'Endpoint must be text.'],
    ['surprise', 'x', 'This field is not recognised. Remove it.'],
    ['failMode', 'sometimes', 'Choose closed or open.'],
    ['usernameSource', 'phone', 'Choose the Portcullis username, the email address, or a template.'],
  ])('%s = %j is refused with "%s"', async (key, value, message) => {
    const error = await fieldsFor({ values: { ...good, [key]: value } });
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fields[key]).toBe(message);
  });

  it('reports every bad field at once, and nothing is saved', async () => {
    const before = (await admin.get(BASE)).json<{ total: number }>().total;
    const error = await fieldsFor({
      name: '',
      values: { endpoint: 'http://x', clientId: 'short', clientSecret: 'short' },
    });
    expect(Object.keys(error.fields).sort()).toEqual(['clientId', 'clientSecret', 'endpoint', 'name']);
    expect((await admin.get(BASE)).json<{ total: number }>().total).toBe(before);
    expect(env.emulator.requests.filter((request) => request.path === '/oauth/v1/health_check')).toHaveLength(1); // only Existing's
  });

  it('issue 13.8: a Client Secret pasted with whitespace is flagged on its own field, never cut to 40 characters', async () => {
    const secret = good.clientSecret;
    for (const [pasted, message] of [
      [` ${secret}`, 'The Client Secret has spaces around it; paste it again without them.'],
      [`${secret} `, 'The Client Secret has spaces around it; paste it again without them.'],
      [`${secret}\n`, 'The Client Secret has spaces around it; paste it again without them.'],
      [
        `${secret.slice(0, 20)} ${secret.slice(20, 39)}`,
        'The Client Secret contains a space or line break, which Duo secrets never do: copy it again from the Duo application page.',
      ],
    ]) {
      const error = await fieldsFor({ values: { ...good, clientSecret: pasted } });
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.fields).toEqual({ clientSecret: message });
    }
    // The Client ID is trimmed (its format leaves no doubt) and the rest is checked as typed.
    const trimmed = await admin.post(BASE, {
      type: 'duo',
      name: 'Pasted with spaces',
      enabled: false,
      values: { ...good, clientId: `  ${good.clientId} ` },
    });
    expect(trimmed.status).toBe(201);
    expect(trimmed.json()).toMatchObject({ provider: { values: { clientId: good.clientId } } });
  });

  it.each([
    ['', 'Enter a template such as {username}@example.com, or choose another source.'],
    [
      'duo-user',
      'The template must contain {username}, {email}, {email_local} or it would send every user as the same name.',
    ],
    [
      '{user}@corp.example',
      'The template must contain {username}, {email}, {email_local} or it would send every user as the same name.',
    ],
    ['{username}{domain}', 'Unknown placeholder {domain}: use {username}, {email}, {email_local}.'],
  ])('a username template %j is refused with "%s"', async (template, message) => {
    const error = await fieldsFor({ values: { ...good, usernameSource: 'template', usernameTemplate: template } });
    expect(error.fields.usernameTemplate).toBe(message);
  });

  it('stores the fail mode and username mapping with the provider', async () => {
    const response = await admin.post(BASE, {
      type: 'duo',
      name: 'Mapped',
      enabled: true,
      values: { ...good, failMode: 'open', usernameSource: 'template', usernameTemplate: '{email_local}@corp.example' },
    });
    expect(response.json()).toMatchObject({
      provider: {
        values: { failMode: 'open', usernameSource: 'template', usernameTemplate: '{email_local}@corp.example' },
      },
    });
  });

  it('accepts exactly 20 and 40 characters', async () => {
    const response = await admin.post(BASE, { type: 'duo', name: 'Exact lengths', enabled: true, values: good });
    expect(response.status).toBe(201);
  });
});

describe.each(ENGINES)('production mode on %s', (engine) => {
  let portal: TestPortal;
  let admin: TestClient;

  beforeAll(async () => {
    portal = await startTestPortal(engine, { env: { PORTCULLIS_ENV: 'production' } });
    await seedUser(portal, 'prod-admin', { role: 'administrator' });
    admin = createClient(portal.fastify);
    await admin.signIn('prod-admin', STRONG_PASSWORD);
  });
  afterAll(() => portal.close());

  it("accepts only Duo's own API hosts: no internal address, no emulator (SSRF defence)", async () => {
    for (const endpoint of [
      'localhost:9443',
      '127.0.0.1',
      '169.254.169.254',
      'api-x.duosecurity.com.evil.example',
      'duosecurity.com',
    ]) {
      const response = await admin.post(BASE, {
        type: 'duo',
        name: 'Prod',
        enabled: true,
        values: { endpoint, clientId: 'DIABCDEFGHIJKLMNOPQR', clientSecret: 'a'.repeat(40) },
      });
      expect(response.json<{ error: { fields: Record<string, string> } }>().error.fields.endpoint, endpoint).toMatch(
        /must be the one Duo shows on the application page/,
      );
    }
  });
});
