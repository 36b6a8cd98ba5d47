import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

describe.each(ENGINES)('CSRF, methods, media types and headers on %s', (engine) => {
  let portal: TestPortal;

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    await seedUser(portal, 'admin', { role: 'administrator' });
    await seedUser(portal, 'lena');
  });
  afterAll(() => portal.close());

  it('refuses a sign-in without a CSRF token (login CSRF)', async () => {
    const client = createClient(portal.fastify);
    const response = await client.raw('POST', '/api/auth/login', {
      body: { username: 'lena', password: STRONG_PASSWORD },
      csrf: false,
    });
    expect(response.status).toBe(403);
    expect(response.json()).toMatchObject({ error: { code: 'CSRF_REJECTED' } });
  });

  it("refuses a sign-in carrying another browser's pre-session token", async () => {
    const attacker = createClient(portal.fastify);
    await attacker.session();
    const victim = createClient(portal.fastify);
    await victim.session();
    const response = await victim.raw('POST', '/api/auth/login', {
      body: { username: 'lena', password: STRONG_PASSWORD },
      headers: { 'x-csrf-token': attacker.csrfToken ?? '' },
    });
    expect(response.status).toBe(403);
  });

  it('refuses a change whose token belongs to another session', async () => {
    const mine = createClient(portal.fastify);
    await mine.signIn('lena', STRONG_PASSWORD);
    const theirs = createClient(portal.fastify);
    await theirs.signIn('lena', STRONG_PASSWORD);
    const response = await mine.raw('POST', '/api/me/sessions/revoke-others', {
      headers: { 'x-csrf-token': theirs.csrfToken ?? '' },
    });
    expect(response.status).toBe(403);
  });

  it('refuses state changes the browser marks as cross-site, even with a valid token', async () => {
    const client = createClient(portal.fastify);
    await client.signIn('lena', STRONG_PASSWORD);
    for (const site of ['cross-site', 'same-site']) {
      const response = await client.post('/api/me/sessions/revoke-others', undefined, { 'sec-fetch-site': site });
      expect(response.status).toBe(403);
    }
    expect(
      (await client.post('/api/me/sessions/revoke-others', undefined, { 'sec-fetch-site': 'same-origin' })).status,
    ).toBe(200);
  });

  it('answers GET on a state-changing route with 405 and an Allow header', async () => {
    const client = createClient(portal.fastify);
    const response = await client.get('/api/auth/logout');
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect((await client.get('/api/admin/users/1/password')).status).toBe(405);
  });

  it('has no route that edits or deletes audit records', async () => {
    const admin = createClient(portal.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const response = await admin.raw(method, '/api/admin/audit', { body: {} });
      expect(response.status).toBe(405);
    }
  });

  it('refuses text/plain and multipart bodies with 415, and forms where JSON is expected', async () => {
    const client = createClient(portal.fastify);
    await client.session();
    const text = await client.raw('POST', '/api/auth/login', {
      body: 'username=lena',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    const multipart = await client.raw('POST', '/api/auth/login', {
      body: '--x\r\n',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    });
    expect(multipart.status).toBe(415);
    await client.signIn('lena', STRONG_PASSWORD);
    const form = await client.raw('POST', '/api/me/password', {
      form: { currentPassword: STRONG_PASSWORD, newPassword: 'x'.repeat(20) },
    });
    expect(form.status).toBe(415);
  });

  it('accepts the session id only from the cookie, never from the URL or a header', async () => {
    const client = createClient(portal.fastify);
    await client.signIn('lena', STRONG_PASSWORD);
    const token = client.jar.get('portcullis_session') ?? '';
    const stranger = createClient(portal.fastify);
    expect((await stranger.get(`/api/me?session=${token}`)).status).toBe(401);
    expect((await stranger.get('/api/me', { authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it('sends the security headers on every response, and no-store on API answers', async () => {
    const client = createClient(portal.fastify);
    for (const path of ['/api/session', '/signin', '/healthz', '/api/nothing-here']) {
      const response = await client.raw('GET', path, { headers: { accept: 'text/html' } });
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });

  it('serves the console for deep links and a JSON 404 for unknown API paths', async () => {
    const client = createClient(portal.fastify);
    const page = await client.raw('GET', '/settings/users', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const api = await client.get('/api/nothing-here');
    expect(api.status).toBe(404);
    expect(api.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('lets only administrators use the admin API', async () => {
    const anonymous = createClient(portal.fastify);
    expect((await anonymous.get('/api/admin/users')).json()).toMatchObject({ error: { code: 'AUTH_REQUIRED' } });
    const user = createClient(portal.fastify);
    await user.signIn('lena', STRONG_PASSWORD);
    for (const path of [
      '/api/admin/users',
      '/api/admin/audit',
      '/api/admin/system',
      '/api/admin/users/1',
      '/api/admin/audit/export.csv',
    ]) {
      const response = await user.get(path);
      expect(response.status, path).toBe(403);
    }
    expect((await user.post('/api/admin/users', { username: 'x' })).status).toBe(403);
  });

  it('reports liveness and readiness', async () => {
    const client = createClient(portal.fastify);
    expect((await client.get('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await client.get('/readyz')).json()).toEqual({ status: 'ready', database: engine });
  });

  it('serves an OpenAPI document describing the API', async () => {
    const doc = (await createClient(portal.fastify).get('/api/docs')).json<{
      openapi: string;
      paths: Record<string, unknown>;
    }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/session', '/api/auth/login', '/api/admin/users', '/api/admin/audit']),
    );
  });
});
