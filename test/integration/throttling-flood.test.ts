// Issue 12 ("legitimate users kept in during a password-spraying flood"): a browser that signed in
// before carries a device cookie and is let past the address and account locks a flood causes, with a
// budget of its own; a lock window writes one audit record, not one per refused request; the address
// lock is bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { THROTTLE } from '../../src/server/login/throttle-policy.ts';
import { auditRows, STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient, type TestClient } from '../helpers/http-client.ts';
import { ENGINES, startTestPortal, type TestPortal } from '../helpers/portal.ts';

describe.each(ENGINES)('sign-ins during a flood on %s', (engine) => {
  let portal: TestPortal;
  let counter = 0;

  /** Wrong passwords from one address: a spray over many names (`sprayed`), or against one account. */
  async function flood(ip: string, times: number, username = 'sprayed') {
    for (let attempt = 0; attempt < times; attempt += 1) {
      const name = username === 'sprayed' ? `sprayed${attempt}` : username;
      await createClient(portal.fastify, { ip }).signIn(name, 'wrong-password-guess');
    }
  }

  /** A person who signed in once from `ip`, then signed out: their browser keeps the device cookie. */
  async function knownBrowser(ip: string): Promise<{ username: string; browser: TestClient }> {
    counter += 1;
    const username = `regular${counter}`;
    await seedUser(portal, username);
    const browser = createClient(portal.fastify, { ip });
    expect((await browser.signIn(username, STRONG_PASSWORD)).status).toBe(200);
    expect([...browser.jar.keys()]).toContain('portcullis_device');
    await browser.raw('POST', '/api/auth/logout', { body: {} });
    return { username, browser };
  }

  beforeAll(async () => {
    portal = await startTestPortal(engine);
    await seedUser(portal, 'victim');
  });
  afterAll(() => portal.close());

  it('issue 12, flood: a known browser signs in while its address is locked; a new browser there waits', async () => {
    const ip = '10.20.0.1';
    const { username, browser } = await knownBrowser(ip);
    await flood(ip, THROTTLE.address.freeFailures, 'sprayed');
    const stranger = createClient(portal.fastify, { ip });
    const refused = await stranger.signIn(username, STRONG_PASSWORD);
    expect(refused.status).toBe(429);
    expect((await browser.signIn(username, STRONG_PASSWORD)).status).toBe(200);
  });

  it('issue 12, flood: a known browser is let past the lock of its own account', async () => {
    const { username, browser } = await knownBrowser('10.21.0.1');
    await flood('10.21.9.9', THROTTLE.account.freeFailures, username);
    expect((await createClient(portal.fastify, { ip: '10.21.0.1' }).signIn(username, STRONG_PASSWORD)).status).toBe(
      429,
    );
    expect((await browser.signIn(username, STRONG_PASSWORD)).status).toBe(200);
  });

  it('a device cookie has a small budget of its own, then counts for nothing', async () => {
    const ip = '10.22.0.1';
    const { username, browser } = await knownBrowser(ip);
    for (let attempt = 0; attempt < THROTTLE.device.freeFailures; attempt += 1)
      expect((await browser.signIn(username, 'wrong-password-guess')).status).toBe(401);
    // Its own lock (not the account's): the account is not locked for anyone else.
    expect((await browser.signIn(username, STRONG_PASSWORD)).status).toBe(200);
    expect((await auditRows(portal, 'login.failed')).filter((row) => row.target_label === username)).toHaveLength(
      THROTTLE.device.freeFailures,
    );
    // The device spent its budget: with the address locked, it waits like a stranger.
    await browser.raw('POST', '/api/auth/logout', { body: {} });
    for (let attempt = 0; attempt < THROTTLE.device.freeFailures; attempt += 1)
      await browser.signIn(username, 'nope-nope-nope');
    await flood(ip, THROTTLE.address.freeFailures, 'sprayed');
    expect((await browser.signIn(username, STRONG_PASSWORD)).status).toBe(429);
  });

  it("a device cookie is for one user only: with another user's name it is a stranger's browser", async () => {
    const ip = '10.23.0.1';
    const { browser } = await knownBrowser(ip);
    const other = `other${counter}`;
    await seedUser(portal, other);
    await flood(ip, THROTTLE.address.freeFailures, 'sprayed');
    expect((await browser.signIn(other, STRONG_PASSWORD)).status).toBe(429);
    // A forged cookie fares the same.
    browser.jar.set('portcullis_device', `${'A'.repeat(22)}.${'B'.repeat(43)}`);
    expect((await browser.signIn(other, STRONG_PASSWORD)).status).toBe(429);
  });

  it('issue 12, flood: a lock window writes one audit record, not one per refused request', async () => {
    const ip = '10.24.0.1';
    await flood(ip, THROTTLE.address.freeFailures, 'sprayed');
    const before = (await auditRows(portal, 'login.throttled')).length;
    await flood(ip, 50, 'sprayed');
    expect((await auditRows(portal, 'login.throttled')).length - before).toBe(1);
  });

  it('issue 12, flood: the address lock is bounded, and Retry-After says exactly how long', async () => {
    const ip = '10.25.0.1';
    portal.clock.advance(THROTTLE.forgetAfterMs + 1);
    let longest = 0;
    for (let round = 0; round < 12; round += 1) {
      await flood(ip, THROTTLE.address.freeFailures + round, 'sprayed');
      const refused = await createClient(portal.fastify, { ip }).signIn('victim', STRONG_PASSWORD);
      longest = Math.max(longest, Number(refused.headers['retry-after'] ?? 0));
      portal.clock.advance(Number(refused.headers['retry-after'] ?? 0) * 1000 + 1000);
    }
    expect(longest).toBe(THROTTLE.address.maxLockMs / 1000);
  });
});
