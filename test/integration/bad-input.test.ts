import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

interface Operation {
  method: string;
  path: string;
  hasBody: boolean;
  bodyProperties: string[];
  queryParameters: string[];
}

type OpenApi = {
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
        parameters?: Array<{ in: string; name: string }>;
      }
    >
  >;
};

/** Every operation the OpenAPI document declares: new routes are covered without editing this test. */
function operationsOf(doc: OpenApi): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path: path.replace(/\{(\w+)\}/g, '1'),
      hasBody: Boolean(operation.requestBody),
      bodyProperties: Object.keys(Object.values(operation.requestBody?.content ?? {})[0]?.schema.properties ?? {}),
      queryParameters: (operation.parameters ?? [])
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => parameter.name),
    })),
  );
}

function expectClearRefusal(response: { status: number; json(): unknown }, label: string) {
  expect(response.status, label).toBeGreaterThanOrEqual(400);
  expect(response.status, label).toBeLessThan(500);
  const body = response.json() as { error?: { code?: string; message?: string } };
  expect(body.error?.code, label).toMatch(/^[A-Z_]+$/);
  expect(body.error?.message?.length, label).toBeGreaterThan(10);
}

describe.each(ENGINES)('bad input on every endpoint on %s', (engine) => {
  let portal: TestPortal;
  let admin: TestClient;
  let operations: Operation[];

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    await seedUser(portal, 'admin', { role: 'administrator' });
    admin = createClient(portal.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
    operations = operationsOf((await admin.get('/api/docs')).json<OpenApi>());
  });
  afterAll(() => portal.close());

  it('finds the operations to test in the OpenAPI document', () => {
    expect(operations.filter((operation) => operation.hasBody).length).toBeGreaterThanOrEqual(8);
  });

  it('refuses an empty body with per-field messages, never a 500', async () => {
    for (const operation of operations.filter(
      (candidate) => candidate.hasBody && candidate.path !== '/api/auth/logout',
    )) {
      const response = await admin.raw(operation.method, operation.path, { body: {} });
      expectClearRefusal(response, `${operation.method} ${operation.path}`);
    }
  });

  it('refuses wrong types (arrays, objects, numbers, null) for every field', async () => {
    for (const operation of operations.filter((candidate) => candidate.bodyProperties.length > 0)) {
      for (const wrong of [[], { nested: true }, 12345, null]) {
        const body = Object.fromEntries(
          operation.bodyProperties.filter((name) => name !== '_csrf').map((name) => [name, wrong]),
        );
        if (Object.keys(body).length === 0) continue;
        const response = await admin.raw(operation.method, operation.path, { body });
        expectClearRefusal(response, `${operation.method} ${operation.path} with ${JSON.stringify(wrong)}`);
      }
    }
  });

  it('names an unknown field in the error', async () => {
    for (const operation of operations.filter((candidate) => candidate.hasBody)) {
      const response = await admin.raw(operation.method, operation.path, { body: { surpriseField: 'x' } });
      expectClearRefusal(response, `${operation.method} ${operation.path}`);
      if (response.status === 400) {
        expect(
          response.json<{ error: { fields?: Record<string, string> } }>().error.fields,
          `${operation.method} ${operation.path}`,
        ).toHaveProperty('surpriseField');
      }
    }
  });

  it('refuses malformed JSON and oversize bodies before doing any work', async () => {
    for (const operation of operations.filter((candidate) => candidate.hasBody)) {
      const malformed = await admin.raw(operation.method, operation.path, {
        body: '{"username": ',
        headers: { 'content-type': 'application/json' },
      });
      expectClearRefusal(malformed, `malformed ${operation.path}`);
      const huge = await admin.raw(operation.method, operation.path, { body: { password: 'x'.repeat(70 * 1024) } });
      expect(huge.status, `oversize ${operation.path}`).toBe(413);
      expect(huge.json()).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
    }
  });

  it('refuses bad query strings and path ids with a clear message', async () => {
    for (const operation of operations.filter((candidate) => candidate.queryParameters.includes('page'))) {
      const response = await admin.get(`${operation.path}?page=abc&pageSize=-4`);
      expectClearRefusal(response, operation.path);
      expect(response.json<{ error: { fields: Record<string, string> } }>().error.fields).toMatchObject({
        page: expect.any(String),
        pageSize: expect.any(String),
      });
    }
    for (const path of ['/api/admin/users/abc', '/api/admin/users/-1', '/api/admin/users/1.5']) {
      expectClearRefusal(await admin.get(path), path);
    }
    expectClearRefusal(await admin.get('/api/admin/audit?from=yesterday'), 'audit from');
    expectClearRefusal(await admin.get('/api/admin/users?sort=desc'), 'unknown query');
  });

  it('ignores __proto__ and constructor keys without polluting Object.prototype', async () => {
    const response = await admin.raw('POST', '/api/admin/users', {
      body: '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "username": "proto"}',
      headers: { 'content-type': 'application/json' },
    });
    expectClearRefusal(response, 'proto');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('treats % and _ in a search as literal characters', async () => {
    await seedUser(portal, 'under_score');
    await seedUser(portal, 'underxscore');
    const response = await admin.get('/api/admin/users?q=under_');
    expect(response.json<{ items: Array<{ username: string }> }>().items.map((user) => user.username)).toEqual([
      'under_score',
    ]);
    const percent = await admin.get(`/api/admin/users?q=${encodeURIComponent('%')}`);
    expect(percent.json<{ total: number }>().total).toBe(0);
  });

  it('accepts a 1024-character password and refuses a longer one without hashing it', async () => {
    const long = `${'p'.repeat(1023)}q`;
    const created = await admin.post('/api/admin/users', {
      username: 'longpass',
      displayName: 'Long',
      email: 'long@example.com',
      password: long,
    });
    expect(created.status).toBe(201);
    expect((await createClient(portal.fastify).signIn('longpass', long)).status).toBe(200);
    const tooLong = await createClient(portal.fastify).signIn('longpass', `${long}x`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.json()).toMatchObject({
      error: { fields: { password: 'Password must be at most 1024 characters.' } },
    });
  });

  it('gives user-creation messages a person can act on', async () => {
    const response = await admin.post('/api/admin/users', {
      username: ' Bad Name! ',
      displayName: '',
      email: 'not-an-email',
      password: 'short',
    });
    expect(response.status).toBe(400);
    expect(response.json<{ error: { fields: Record<string, string> } }>().error.fields).toEqual({
      username:
        'Username may use letters, digits, dots, dashes, underscores and @, and must start with a letter or digit.',
      displayName: 'Display name is required.',
      email: 'Enter an email address such as name@example.com.',
      password: 'Password must be at least 12 characters.',
    });
    const common = await admin.post('/api/admin/users', {
      username: 'common',
      displayName: 'C',
      email: 'c@example.com',
      password: 'passwordpassword',
    });
    expect(common.json()).toMatchObject({ error: { fields: { password: expect.stringContaining('too common') } } });
    const duplicate = await admin.post('/api/admin/users', {
      username: 'ADMIN',
      displayName: 'A',
      email: 'a@example.com',
      password: 'a-long-enough-passphrase',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json()).toMatchObject({
      error: { code: 'USERNAME_TAKEN', fields: { username: expect.any(String) } },
    });
  });
});
