import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THROTTLE } from '../../src/server/login/throttle-policy.ts';
import { auditRows, STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

describe.each(ENGINES)('sign-in throttling on %s', (engine) => {
  let portal: TestPortal;

  beforeAll(async () => {
    portal = await startTestPortal(engine, { env: { PORTCULLIS_TRUSTED_PROXIES: '10.99.0.1' } });
    for (const name of ['carol', 'dave', 'erin', 'frank']) await seedUser(portal, name);
  });
  afterAll(() => portal.close());

  async function fail(username: string, ip: string, times: number) {
    for (let attempt = 0; attempt < times; attempt += 1) {
      await createClient(portal.fastify, { ip }).signIn(username, 'wrong-password-guess');
    }
  }

  it('locks an account temporarily after repeated failures, even with the right password, and says when to retry', async () => {
    await fail('carol', '10.1.0.1', THROTTLE.account.freeFailures);
    const locked = await createClient(portal.fastify, { ip: '10.1.0.2' }).signIn('carol', STRONG_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'LOGIN_THROTTLED', retryAfterSeconds: 30 } });
    expect(locked.headers['retry-after']).toBe('30');
    expect((await auditRows(portal, 'login.throttled')).some((row) => row.reason === 'account_locked')).toBe(true);

    portal.clock.advance(31_000);
    expect((await createClient(portal.fastify, { ip: '10.1.0.2' }).signIn('carol', STRONG_PASSWORD)).status).toBe(200);
  });

  it('resets the account counter after a successful sign-in', async () => {
    await fail('dave', '10.2.0.1', THROTTLE.account.freeFailures - 1);
    expect((await createClient(portal.fastify, { ip: '10.2.0.1' }).signIn('dave', STRONG_PASSWORD)).status).toBe(200);
    await fail('dave', '10.2.0.1', THROTTLE.account.freeFailures - 1);
    expect((await createClient(portal.fastify, { ip: '10.2.0.1' }).signIn('dave', STRONG_PASSWORD)).status).toBe(200);
  });

  it('keeps the account throttle when the attacker spreads guesses over many addresses', async () => {
    for (let index = 0; index < THROTTLE.account.freeFailures; index += 1) await fail('erin', `10.3.0.${index + 1}`, 1);
    expect((await createClient(portal.fastify, { ip: '10.3.1.1' }).signIn('erin', STRONG_PASSWORD)).status).toBe(429);
  });

  it('grows the lock with each further failure, but never beyond the cap', async () => {
    portal.clock.advance(THROTTLE.forgetAfterMs + 1);
    await fail('frank', '10.4.0.1', THROTTLE.account.freeFailures);
    portal.clock.advance(31_000);
    await fail('frank', '10.4.0.1', 1);
    const second = await createClient(portal.fastify, { ip: '10.4.0.2' }).signIn('frank', STRONG_PASSWORD);
    expect(second.json<{ error: { retryAfterSeconds: number } }>().error.retryAfterSeconds).toBe(60);
  });

  it('throttles one address trying many accounts (credential stuffing), treating unknown users alike', async () => {
    portal.clock.advance(THROTTLE.forgetAfterMs + 1);
    for (let index = 0; index < THROTTLE.address.freeFailures; index += 1) {
      await createClient(portal.fastify, { ip: '10.5.0.1' }).signIn(`ghost${index}`, 'wrong-password-guess');
    }
    const blocked = await createClient(portal.fastify, { ip: '10.5.0.1' }).signIn('carol', STRONG_PASSWORD);
    expect(blocked.status).toBe(429);
    expect((await createClient(portal.fastify, { ip: '10.5.0.2' }).signIn('carol', STRONG_PASSWORD)).status).toBe(200);
  });

  it('ignores X-Forwarded-For from an untrusted peer, and honours it from the trusted proxy', async () => {
    portal.clock.advance(THROTTLE.forgetAfterMs + 1);
    const spoofed = createClient(portal.fastify, { ip: '10.6.0.1' });
    await spoofed.raw('POST', '/api/auth/login', {
      body: { username: 'nobody', password: 'wrong-password-guess' },
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    const viaProxy = createClient(portal.fastify, { ip: '10.99.0.1' });
    await viaProxy.raw('POST', '/api/auth/login', {
      body: { username: 'nobody', password: 'wrong-password-guess' },
      headers: { 'x-forwarded-for': '198.51.100.9' },
    });
    const ips = (await auditRows(portal, 'login.failed')).slice(-2).map((row) => row.ip);
    expect(ips).toEqual(['10.6.0.1', '198.51.100.9']);
  });

  // SQLite is single-node by design; sharing across nodes is PostgreSQL's job.
  it.runIf(engine === 'postgres')('shares counters across two app instances on the same database', async () => {
    portal.clock.advance(THROTTLE.forgetAfterMs + 1);
    const other = await startTestPortal(engine, {
      databaseUrl: portal.databaseUrl,
      dataDir: portal.dataDir,
      clock: portal.clock,
    });
    try {
      for (let index = 0; index < THROTTLE.account.freeFailures; index += 1) {
        const node = index % 2 === 0 ? portal : other;
        await createClient(node.fastify, { ip: `10.7.0.${index}` }).signIn('dave', 'wrong-password-guess');
      }
      expect((await createClient(other.fastify, { ip: '10.7.1.1' }).signIn('dave', STRONG_PASSWORD)).status).toBe(429);
      expect((await createClient(portal.fastify, { ip: '10.7.1.1' }).signIn('dave', STRONG_PASSWORD)).status).toBe(429);
    } finally {
      await other.fastify.close();
      await other.portal.close();
    }
  });
});
