// Issue 12, finding 1: `POST /api/me/password` checked the current password with no throttling and
// no audit, so a stolen session could guess it at hash speed, and one signed-in user looping on it
// filled the hashing slots while administrators got 503. The check now goes through the sign-in's
// password step: the same account and address locks, the same audit record, the same hashing queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THROTTLE } from '../../src/server/login/throttle-policy.ts';
import { auditRows, STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

describe.each(ENGINES)('the current-password check of a password change on %s', (engine) => {
  let portal: TestPortal;
  let counter = 0;

  async function signedInUser(ip: string): Promise<{ username: string; client: TestClient; id: number }> {
    counter += 1;
    const username = `changer${counter}`;
    const user = await seedUser(portal, username);
    const client = createClient(portal.fastify, { ip });
    expect((await client.signIn(username, STRONG_PASSWORD)).status).toBe(200);
    return { username, client, id: user.id };
  }

  const change = (client: TestClient, currentPassword: string) =>
    client.post('/api/me/password', {
      currentPassword,
      newPassword: 'a-fresh-passphrase-for-me-42',
      endOtherSessions: false,
    });

  beforeAll(async () => {
    portal = await startTestPortal(engine);
  });
  afterAll(() => portal.close());

  it('issue 12 finding 1: wrong current passwords lock the account like wrong sign-ins, with Retry-After', async () => {
    const { client } = await signedInUser('10.40.0.1');
    for (let attempt = 0; attempt < THROTTLE.account.freeFailures; attempt += 1) {
      const wrong = await change(client, `guess-number-${attempt}`);
      expect(wrong.status).toBe(400);
      expect(wrong.json()).toMatchObject({ error: { code: 'CURRENT_PASSWORD_WRONG' } });
    }
    const locked = await change(client, 'another-guess');
    expect(locked.status).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'PASSWORD_CHECK_THROTTLED' } });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // While locked even the right password is not checked: no guess reaches the hash.
    expect((await change(client, STRONG_PASSWORD)).status).toBe(429);
  });

  it('issue 12 finding 1: each wrong current password is audited against the user, and the lock once', async () => {
    const { username, client, id } = await signedInUser('10.41.0.1');
    const failedBefore = (await auditRows(portal, 'login.failed')).length;
    const throttledBefore = (await auditRows(portal, 'login.throttled')).length;
    for (let attempt = 0; attempt < THROTTLE.account.freeFailures + 3; attempt += 1) {
      await change(client, `guess-number-${attempt}`);
    }
    const failed = (await auditRows(portal, 'login.failed')).slice(failedBefore);
    expect(failed).toHaveLength(THROTTLE.account.freeFailures);
    for (const row of failed) {
      expect(row).toMatchObject({ outcome: 'failure', reason: 'wrong_password', target_id: String(id) });
      expect(JSON.parse(row.details ?? '{}')).toEqual({ username, purpose: 'password_change' });
    }
    expect((await auditRows(portal, 'login.throttled')).length - throttledBefore).toBe(1);
  });

  it('issue 12 finding 1: the lock is the account’s: signing in from another browser waits too', async () => {
    const { username, client } = await signedInUser('10.42.0.1');
    for (let attempt = 0; attempt < THROTTLE.account.freeFailures; attempt += 1) {
      await change(client, `guess-number-${attempt}`);
    }
    const elsewhere = await createClient(portal.fastify, { ip: '10.42.9.9' }).signIn(username, STRONG_PASSWORD);
    expect(elsewhere.status).toBe(429);
    // Other people are not affected: an administrator signs in as usual.
    await seedUser(portal, `admin${counter}`, { role: 'administrator' });
    expect(
      (await createClient(portal.fastify, { ip: '10.42.0.1' }).signIn(`admin${counter}`, STRONG_PASSWORD)).status,
    ).toBe(200);
  });

  it('a right current password still changes it, and the failures before it do not stop the change', async () => {
    const { username, client } = await signedInUser('10.43.0.1');
    expect((await change(client, 'one-wrong-guess')).status).toBe(400);
    const changed = await change(client, STRONG_PASSWORD);
    expect(changed.status).toBe(200);
    expect(
      (await createClient(portal.fastify, { ip: '10.43.0.2' }).signIn(username, 'a-fresh-passphrase-for-me-42')).status,
    ).toBe(200);
  });
});
