import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRows, STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

const MINUTE = 60_000;

describe.each(ENGINES)('session lifetime on %s', (engine) => {
  let portal: TestPortal;
  let adminId: number;

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    adminId = (await seedUser(portal, 'root', { role: 'administrator' })).id;
    for (const name of ['gina', 'hank', 'ivan', 'judy', 'kate']) await seedUser(portal, name);
  });
  afterAll(() => portal.close());

  async function signedIn(username: string) {
    const client = createClient(portal.fastify);
    expect((await client.signIn(username, STRONG_PASSWORD)).status).toBe(200);
    return client;
  }

  it('ends a session idle for 30 minutes, and says so', async () => {
    const client = await signedIn('gina');
    portal.clock.advance(29 * MINUTE);
    expect((await client.get('/api/me')).status).toBe(200);
    portal.clock.advance(29 * MINUTE); // activity above reset the idle clock
    expect((await client.get('/api/me')).status).toBe(200);
    portal.clock.advance(30 * MINUTE);
    const expired = await client.get('/api/me');
    expect(expired.status).toBe(401);
    expect(expired.json()).toMatchObject({ error: { code: 'SESSION_EXPIRED' } });
  });

  it('ends a session after 12 hours however active it is', async () => {
    const client = await signedIn('hank');
    for (let step = 0; step < 24; step += 1) {
      portal.clock.advance(29 * MINUTE);
      expect((await client.get('/api/me')).status).toBe(200);
    }
    portal.clock.advance(30 * MINUTE); // 12 h 6 min since sign-in
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('ends every session of a user an administrator disables, at their next request', async () => {
    const first = await signedIn('ivan');
    const second = await signedIn('ivan');
    const admin = await signedIn('root');
    const ivan = (await portal.services.accounts.listUsers({ search: 'ivan', offset: 0, limit: 1 })).items[0];
    const response = await admin.patch(`/api/admin/users/${ivan?.id}`, { disabled: true });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ disabled: true });
    expect((await first.get('/api/me')).status).toBe(401);
    expect((await second.get('/api/me')).status).toBe(401);
    const [event] = await auditRows(portal, 'user.disabled');
    expect(JSON.parse(event?.details ?? '{}')).toEqual({ sessionsEnded: 2 });
    expect(event?.actor_username).toBe('root');
    // and a disabled user cannot sign in, with the generic message
    const again = await createClient(portal.fastify, { ip: '10.8.0.1' }).signIn('ivan', STRONG_PASSWORD);
    expect(again.json()).toMatchObject({ error: { code: 'INVALID_CREDENTIALS' } });
    expect((await auditRows(portal, 'login.failed')).at(-1)?.reason).toBe('account_disabled');
  });

  it('changing my password can end my other sessions and keeps this one', async () => {
    const here = await signedIn('judy');
    const elsewhere = await signedIn('judy');
    const newPassword = 'a-brand-new-passphrase-9';
    const response = await here.post('/api/me/password', {
      currentPassword: STRONG_PASSWORD,
      newPassword,
      endOtherSessions: true,
    });
    expect(response.json()).toEqual({ otherSessionsEnded: 1 });
    expect((await here.get('/api/me')).status).toBe(200);
    expect((await elsewhere.get('/api/me')).status).toBe(401);
    expect((await createClient(portal.fastify).signIn('judy', newPassword)).status).toBe(200);
  });

  it('refuses a password change with the wrong current password, naming the field', async () => {
    const client = await signedIn('kate');
    const response = await client.post('/api/me/password', {
      currentPassword: 'not-my-password',
      newPassword: 'another-long-passphrase',
      endOtherSessions: false,
    });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({
      error: { code: 'CURRENT_PASSWORD_WRONG', fields: { currentPassword: 'Your current password is not correct.' } },
    });
  });

  it("lets an administrator end all of a user's sessions immediately", async () => {
    const victim = await signedIn('kate');
    const admin = await signedIn('root');
    const kate = (await portal.services.accounts.listUsers({ search: 'kate', offset: 0, limit: 1 })).items[0];
    const response = await admin.post(`/api/admin/users/${kate?.id}/sessions/revoke`);
    expect(response.json<{ sessionsEnded: number }>().sessionsEnded).toBeGreaterThanOrEqual(1);
    expect((await victim.get('/api/me')).status).toBe(401);
  });

  it('a session older than the freshness window is not fresh; re-authenticating issues a new id and makes it fresh', async () => {
    const client = await signedIn('root');
    portal.clock.advance(11 * MINUTE);
    expect((await client.session()).session).toMatchObject({ fresh: false });
    const before = client.jar.get('portcullis_session');
    const response = await client.post('/api/me/reauthenticate', { password: STRONG_PASSWORD });
    expect(response.status).toBe(200);
    expect(client.jar.get('portcullis_session')).not.toBe(before);
    expect((await client.session()).session).toMatchObject({ fresh: true });
    const old = createClient(portal.fastify);
    old.jar.set('portcullis_session', before ?? '');
    expect((await old.get('/api/me')).status).toBe(401);
  });

  it('an administrator cannot disable or demote themselves, nor remove the last administrator', async () => {
    const admin = await signedIn('root');
    const self = await admin.patch(`/api/admin/users/${adminId}`, { disabled: true });
    expect(self.json()).toMatchObject({ error: { code: 'CANNOT_CHANGE_OWN_ACCOUNT' } });
    const demote = await admin.patch(`/api/admin/users/${adminId}`, { role: 'user' });
    expect(demote.status).toBe(409);
    const last = await portal.services.accounts
      .updateUser(adminId, { role: 'user' }, { actor: null, ip: null, userAgent: null, requestId: null })
      .catch((error: Error) => error);
    expect(last).toMatchObject({ code: 'LAST_ADMINISTRATOR' });
  });
});
