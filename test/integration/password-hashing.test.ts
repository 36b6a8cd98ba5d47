import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARGON2_PARAMS } from '../../src/server/crypto/passwords.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

describe.each(ENGINES)('password hashing on %s', (engine) => {
  let portal: TestPortal;

  beforeAll(async () => {
    // One hash at a time and a short queue, to see what happens beyond them.
    portal = await startTestPortal(engine, { env: { PORTCULLIS_HASH_CONCURRENCY: '1' } });
    await seedUser(portal, 'legacy');
    await seedUser(portal, 'crowd');
  });
  afterAll(() => portal.close());

  it('stores argon2id with the OWASP parameters (m=19456, t=2, p=1)', async () => {
    const row = await portal.services.storage.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'crowd')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('anchors 23: a hash with older parameters still verifies, and is re-hashed with the current ones', async () => {
    const old = await hash(STRONG_PASSWORD, { ...ARGON2_PARAMS, memoryCost: 7168, timeCost: 5 });
    await portal.services.storage.db
      .updateTable('users')
      .set({ password_hash: old })
      .where('username', '=', 'legacy')
      .execute();
    expect((await createClient(portal.fastify).signIn('legacy', STRONG_PASSWORD)).status).toBe(200);
    const row = await portal.services.storage.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'legacy')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).not.toBe(old);
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await createClient(portal.fastify).signIn('legacy', STRONG_PASSWORD)).status).toBe(200);
  });

  it('anchors 22: a burst of sign-ins beyond the hashing capacity gets 503 with Retry-After, never a 500', async () => {
    const clients = await Promise.all(
      Array.from({ length: 40 }, async (_, index) => {
        const client = createClient(portal.fastify, { ip: `10.40.0.${index}` });
        await client.session();
        return client;
      }),
    );
    const answers = await Promise.all(
      clients.map((client) => client.post('/api/auth/login', { username: 'crowd', password: STRONG_PASSWORD })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status >= 500 && status !== 503)).toEqual([]);
    const busy = answers.filter((answer) => answer.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0]?.json()).toMatchObject({ error: { code: 'SERVER_BUSY', retryAfterSeconds: 2 } });
    expect(busy[0]?.headers['retry-after']).toBe('2');
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(16);
  });
});
