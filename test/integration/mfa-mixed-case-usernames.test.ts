/**
 * Duo stores user names lowercased and answers with its own lowercased copy in preferred_username
 * (duo_universal_csharp#47; the emulator does the same since issue 16). A user whose email or name
 * template has capitals must still sign in: the portal sends the name lowercased and compares it with
 * what Duo answers (ADR 0004). Were the portal to send "Erin.Mixed@Example.COM", Duo would answer
 * "erin.mixed@example.com" and the exact comparison would lock the user out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addProvider,
  atDuo,
  beginDuoSignIn,
  type DuoSignIn,
  lastAudit,
  requestClaims,
  startDuoSignIn,
} from '../helpers/duo-sign-in.ts';
import { seedFactor, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';

describe.each(ENGINES)('Duo sign-in with mixed-case names on %s', (engine) => {
  let duo: DuoSignIn;

  beforeAll(async () => {
    duo = await startDuoSignIn(engine);
  });
  afterAll(() => duo.close());

  async function withDuo(username: string, email: string, providerId: number) {
    const user = await seedUser(duo.portal, username, { email });
    await seedFactor(duo.portal, user.id, providerId);
    return user;
  }

  async function signInThroughDuo(username: string) {
    const client = createClient(duo.portal.fastify);
    const authorizeUrl = await beginDuoSignIn(client, username);
    const sent = requestClaims(authorizeUrl).duo_uname;
    const callback = await client.get(await atDuo(duo.env, authorizeUrl, 'approve'));
    expect(callback.status, callback.body).toBe(303);
    expect((await client.session()).session).toMatchObject({ authLevel: 'mfa' });
    return sent;
  }

  it('the email "Erin.Mixed@Example.COM" is sent lowercased and the sign-in succeeds', async () => {
    const providerId = await addProvider(duo, 'Duo by email', { usernameSource: 'email' });
    const erin = await withDuo('erin', 'Erin.Mixed@Example.COM', providerId);
    expect(erin.email).toBe('Erin.Mixed@Example.COM'); // kept as typed: the capitals reach the Duo provider
    // The administrator created the Duo user with capitals; Duo keeps it lowercased.
    duo.env.emulator.setUser('Erin.Mixed@Example.COM', { enrolled: true });
    expect(await signInThroughDuo('erin')).toBe('erin.mixed@example.com');
    const event = await lastAudit(duo.portal, 'login.succeeded');
    expect(event?.details).toMatchObject({ authLevel: 'mfa', factor: 'duo_push' });
  });

  it('the template "{username}@Corp.Example" is sent lowercased and the sign-in succeeds', async () => {
    const providerId = await addProvider(duo, 'Duo by template', {
      usernameSource: 'template',
      usernameTemplate: '{username}@Corp.Example',
    });
    await withDuo('frank', 'frank@example.com', providerId);
    duo.env.emulator.setUser('Frank@CORP.example', { enrolled: true });
    expect(await signInThroughDuo('frank')).toBe('frank@corp.example');
    const token = duo.env.emulator.authLog.at(-1);
    expect(token).toMatchObject({ result: 'success', user: { name: 'frank@corp.example' } });
  });
});
