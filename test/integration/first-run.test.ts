import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueSetupTokenIfNeeded } from '../../src/server/accounts/setup-token.ts';
import { auditRows, STRONG_PASSWORD } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

const FIRST_ADMIN = { username: 'owner', displayName: 'Owner', email: 'owner@example.com', password: STRONG_PASSWORD };

describe.each(ENGINES)('first run on %s', (engine) => {
  let portal: TestPortal;

  beforeEach(async () => {
    portal = await startTestPortal(engine);
  });
  afterEach(() => portal.close());

  it('has no user and no default password: the session says setup is required', async () => {
    const session = await createClient(portal.fastify).session();
    expect(session).toMatchObject({ authenticated: false, setupRequired: true });
    expect((await createClient(portal.fastify).signIn('admin', 'admin')).status).toBe(401);
    expect((await createClient(portal.fastify).signIn('admin', 'administrator1')).status).toBe(401);
  });

  it('creates the first administrator with the setup link, signs them in, and the link works only once', async () => {
    const token = await issueSetupTokenIfNeeded(portal.services.storage, portal.clock());
    expect(token).toMatch(/^[\w-]{43}$/);
    const client = createClient(portal.fastify);
    const response = await client.post('/api/setup', { token, ...FIRST_ADMIN });
    expect(response.status).toBe(201);
    expect(response.json()).toMatchObject({ username: 'owner', role: 'administrator' });
    expect(await client.session()).toMatchObject({
      authenticated: true,
      setupRequired: false,
      user: { username: 'owner' },
    });
    expect((await auditRows(portal, 'setup.completed')).length).toBe(1);

    const replay = await createClient(portal.fastify).post('/api/setup', {
      token,
      ...FIRST_ADMIN,
      username: 'intruder',
    });
    expect(replay.status).toBe(409);
    expect(replay.json()).toMatchObject({ error: { code: 'SETUP_COMPLETE' } });
    expect(await issueSetupTokenIfNeeded(portal.services.storage, portal.clock())).toBeNull();
  });

  it('refuses a wrong or expired setup token', async () => {
    const token = await issueSetupTokenIfNeeded(portal.services.storage, portal.clock());
    const wrong = await createClient(portal.fastify).post('/api/setup', { token: `${token}x`, ...FIRST_ADMIN });
    expect(wrong.json()).toMatchObject({ error: { code: 'SETUP_LINK_INVALID' } });
    portal.clock.advance(24 * 3_600_000 + 1);
    const expired = await createClient(portal.fastify).post('/api/setup', { token, ...FIRST_ADMIN });
    expect(expired.json()).toMatchObject({ error: { code: 'SETUP_LINK_INVALID' } });
  });

  it('lets only one of two simultaneous setups win', async () => {
    const token = await issueSetupTokenIfNeeded(portal.services.storage, portal.clock());
    const [first, second] = await Promise.all([
      createClient(portal.fastify).post('/api/setup', { token, ...FIRST_ADMIN, username: 'first' }),
      createClient(portal.fastify).post('/api/setup', { token, ...FIRST_ADMIN, username: 'second' }),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, expect.any(Number)]);
    expect([first.status, second.status].filter((status) => status === 201)).toHaveLength(1);
    expect(await portal.services.accounts.listUsers({ offset: 0, limit: 10 })).toMatchObject({ total: 1 });
  });
});
