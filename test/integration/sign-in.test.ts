import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRows, STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

describe.each(ENGINES)('sign-in on %s', (engine) => {
  let portal: TestPortal;

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    await seedUser(portal, 'alice', { role: 'administrator' });
    await seedUser(portal, 'bob');
  });
  afterAll(() => portal.close());

  it('signs in with the right password and reports the session', async () => {
    const client = createClient(portal.fastify);
    const response = await client.signIn('alice', STRONG_PASSWORD);
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ status: 'signed_in', redirectTo: '/' });
    const session = await client.session();
    expect(session).toMatchObject({
      authenticated: true,
      user: { username: 'alice', role: 'administrator' },
      session: { authLevel: 'password', fresh: true },
    });
    const [row] = (await auditRows(portal, 'login.succeeded')).filter((event) => event.actor_username === 'alice');
    expect(row).toMatchObject({ outcome: 'success', ip: '127.0.0.1', user_agent: 'portcullis-test' });
  });

  it('accepts the username in any case, since usernames are stored lowercase', async () => {
    const client = createClient(portal.fastify);
    expect((await client.signIn('ALICE', STRONG_PASSWORD)).status).toBe(200);
  });

  it('gives one generic message for a wrong password and for an unknown user', async () => {
    const wrong = await createClient(portal.fastify, { ip: '10.0.0.1' }).signIn('bob', 'not-the-password-at-all');
    const unknown = await createClient(portal.fastify, { ip: '10.0.0.2' }).signIn('nobody', 'not-the-password-at-all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (body: { error: Record<string, unknown> }) => ({ ...body.error, requestId: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
    expect(wrong.json<{ error: { code: string } }>().error.code).toBe('INVALID_CREDENTIALS');
    const reasons = (await auditRows(portal, 'login.failed')).map((event) => event.reason);
    expect(reasons).toEqual(expect.arrayContaining(['wrong_password', 'unknown_user']));
  });

  it('verifies the password exactly as typed: no trimming, case matters', async () => {
    const client = createClient(portal.fastify, { ip: '10.0.0.3' });
    expect((await client.signIn('bob', ` ${STRONG_PASSWORD}`)).status).toBe(401);
    expect((await client.signIn('bob', STRONG_PASSWORD.toUpperCase())).status).toBe(401);
    expect((await client.signIn('bob', STRONG_PASSWORD)).status).toBe(200);
  });

  it('issues a new session id at sign-in and ends the one the browser had (fixation)', async () => {
    const client = createClient(portal.fastify);
    await client.signIn('bob', STRONG_PASSWORD);
    const first = client.jar.get('portcullis_session');
    await client.signIn('bob', STRONG_PASSWORD);
    const second = client.jar.get('portcullis_session');
    expect(first).toBeDefined();
    expect(second).not.toEqual(first);
    const stale = createClient(portal.fastify);
    stale.jar.set('portcullis_session', first ?? '');
    expect((await stale.get('/api/me')).status).toBe(401);
  });

  it('ignores a session cookie planted before sign-in', async () => {
    const client = createClient(portal.fastify);
    client.jar.set('portcullis_session', 'attacker-chosen-value');
    await client.signIn('bob', STRONG_PASSWORD);
    expect(client.jar.get('portcullis_session')).not.toBe('attacker-chosen-value');
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('stores only a hash of the session token', async () => {
    const client = createClient(portal.fastify);
    await client.signIn('bob', STRONG_PASSWORD);
    const token = client.jar.get('portcullis_session') ?? '';
    expect(Buffer.from(token, 'base64url').length).toBe(32);
    const rows = await portal.services.storage.db.selectFrom('sessions').select('id_hash').execute();
    expect(rows.some((row) => row.id_hash === token)).toBe(false);
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, Path=/', async () => {
    const client = createClient(portal.fastify);
    const response = await client.signIn('bob', STRONG_PASSWORD);
    const cookie = response.cookies.find((entry) => entry.name === 'portcullis_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  });

  it('signs out on the server: the old cookie no longer works', async () => {
    const client = createClient(portal.fastify);
    await client.signIn('bob', STRONG_PASSWORD);
    const token = client.jar.get('portcullis_session') ?? '';
    const logout = await client.post('/api/auth/logout');
    expect(logout.body).toBe('');
    expect(logout.status).toBe(204);
    const replay = createClient(portal.fastify);
    replay.jar.set('portcullis_session', token);
    expect((await replay.get('/api/me')).status).toBe(401);
    expect((await auditRows(portal, 'session.signed_out')).length).toBeGreaterThan(0);
  });

  it('signs in through an HTML form post and is redirected to a safe return path', async () => {
    const client = createClient(portal.fastify);
    await client.session();
    const ok = await client.postForm('/api/auth/login', {
      username: 'bob',
      password: STRONG_PASSWORD,
      returnTo: '/account',
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/account');
    await client.session(); // the CSRF token is bound to the new session
    const evil = await client.postForm('/api/auth/login', {
      username: 'bob',
      password: STRONG_PASSWORD,
      returnTo: 'https://evil.example/',
    });
    expect(evil.headers.location).toBe('/');
  });

  it('sends a failed form sign-in back to the sign-in page with the error code', async () => {
    const client = createClient(portal.fastify, { ip: '10.0.0.9' });
    await client.session();
    const response = await client.postForm('/api/auth/login', { username: 'bob', password: 'wrong-password-here' });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/signin?error=INVALID_CREDENTIALS');
  });
});
