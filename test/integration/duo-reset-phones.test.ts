/**
 * Issue 13 item 3 and issue 16 item 4: Reset MFA does not help a user who lost their phone while Duo
 * still holds it. With the Duo Admin API, the administrator may tick "also remove the phones": Portcullis
 * removes them in Duo first (and resets nothing if Duo cannot), audits which phones (ids and models, never a
 * secret). Without it, the reset says exactly what to do in Duo's Admin Panel.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminApplication, useAdminApi } from '../helpers/duo-admin.ts';
import {
  addProvider,
  type DuoSignIn,
  freshAdmin,
  lastAudit,
  mfaUsers,
  sessionsOf,
  startDuoSignIn,
} from '../helpers/duo-sign-in.ts';
import { STRONG_PASSWORD } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';

type Preview = {
  providers: Array<{ id: number; name: string; subject: string; removable: boolean; manualSteps: string[] }>;
};
type Removed = {
  devicesRemoved: Array<{
    provider: string;
    subject: string;
    known: boolean;
    devices: Array<{ id: string; description: string }>;
  }>;
};
type Failure = { error: { code: string; message: string; fields?: Record<string, string> } };

describe.each(ENGINES)('Reset MFA and the phones Duo holds on %s', (engine) => {
  let duo: DuoSignIn;
  let plainProvider: number;
  const newUser = mfaUsers('lost', () => duo);
  const reset = async (id: number, body?: unknown) =>
    (await freshAdmin(duo.portal)).post(`/api/admin/users/${id}/mfa/reset`, body);
  const factorsOf = (id: number) =>
    duo.portal.services.storage.db.selectFrom('user_factors').selectAll().where('user_id', '=', id).execute();

  beforeAll(async () => {
    duo = await startDuoSignIn(engine);
    await useAdminApi(duo);
    // A second Duo provider without the Admin API (another Web SDK application of the same account).
    plainProvider = await addProvider(duo, 'Duo (no Admin API)', {});
  });
  afterAll(() => duo.close());
  beforeEach(() => duo.env.emulator.setFaults([]));

  it('without the Admin API: the reset leaves the phone in Duo, and says what to do in the Duo Admin Panel', async () => {
    const { username, id } = await newUser(plainProvider);
    duo.env.emulator.setUser(username, { phone: '+1 555-0110' });
    const admin = await freshAdmin(duo.portal);
    const preview = (await admin.get(`/api/admin/users/${id}/mfa/reset`)).json<Preview>();
    expect(preview.providers).toEqual([
      {
        id: plainProvider,
        name: 'Duo (no Admin API)',
        method: 'Duo Security',
        subject: username,
        noun: 'phones',
        removable: false,
        manualSteps: [
          `In the Duo Admin Panel, open Users and select "${username}" (the name Portcullis sends to Duo).`,
          expect.stringMatching(/^Under Phones, remove the lost phone/),
          expect.stringContaining('Reactivate Duo Mobile'),
        ],
      },
    ]);
    const refused = await reset(id, { removeDevices: true });
    expect(refused.status).toBe(400);
    expect(refused.json<Failure>().error.fields?.removeDevices).toMatch(/Duo with the Admin API/);
    expect(await factorsOf(id)).toHaveLength(1);
    expect((await reset(id)).status).toBe(204);
    expect(await factorsOf(id)).toEqual([]);
    expect(duo.env.emulator.getUser(username)).toMatchObject({ enrolled: true, phone: '+1 555-0110' });
  });

  it('with the Admin API and the box ticked: the phones are removed in Duo first, then the MFA is reset', async () => {
    const { username, id } = await newUser();
    duo.env.emulator.setUser(username, { phone: '+1 555-0111' });
    const signedIn = createClient(duo.portal.fastify);
    await signedIn.session();
    const admin = await freshAdmin(duo.portal);
    const preview = (await admin.get(`/api/admin/users/${id}/mfa/reset`)).json<Preview>();
    expect(preview.providers).toEqual([
      expect.objectContaining({ id: duo.providerId, removable: true, subject: username }),
    ]);
    const answer = await admin.post(`/api/admin/users/${id}/mfa/reset`, { removeDevices: true });
    expect(answer.status, answer.body).toBe(200);
    const phoneId = expect.stringMatching(/^DP[A-Z0-9]{18}$/);
    expect(answer.json<Removed>()).toEqual({
      devicesRemoved: [
        {
          provider: 'Duo Security',
          subject: username,
          known: true,
          devices: [{ id: phoneId, description: 'Simulated phone (Google Android, Mobile, number ending 0111)' }],
        },
      ],
    });
    expect(duo.env.emulator.getUser(username)).toMatchObject({ enrolled: false });
    expect(duo.env.emulator.getUser(username)?.phone).toBeUndefined();
    expect(await factorsOf(id)).toEqual([]);
    expect(await sessionsOf(duo.portal, id)).toEqual([]);
    const removed = await lastAudit(duo.portal, 'user.provider_devices_removed');
    expect(removed).toMatchObject({
      outcome: 'success',
      reason: 'removed',
      target_label: username,
      actor_username: 'admin',
      details: {
        provider: 'Duo Security',
        subject: username,
        devices: [{ id: phoneId, description: expect.stringContaining('Simulated phone') }],
        complete: true,
      },
    });
    expect(JSON.stringify(removed)).not.toContain('5550111');
    expect(await lastAudit(duo.portal, 'user.mfa_reset')).toMatchObject({ target_label: username });
  });

  it('a user Duo does not know: nothing to remove, said so, and the reset goes on', async () => {
    const { username, id } = await newUser();
    const answer = await reset(id, { removeDevices: true });
    expect(answer.json<Removed>().devicesRemoved).toEqual([
      { provider: 'Duo Security', subject: username, known: false, devices: [] },
    ]);
    expect(await lastAudit(duo.portal, 'user.provider_devices_removed')).toMatchObject({
      reason: 'unknown_at_provider',
    });
    expect(await factorsOf(id)).toEqual([]);
  });

  it('Duo unreachable: nothing is reset, the administrator is told why, the attempt is audited', async () => {
    const { username, id } = await newUser();
    duo.env.emulator.setUser(username, { phone: '+1 555-0112' });
    duo.env.emulator.setFaults([{ endpoint: 'admin', kind: 'http_503_empty' }]);
    const answer = await reset(id, { removeDevices: true });
    expect(answer.status).toBe(502);
    expect(answer.json<Failure>().error).toMatchObject({
      code: 'PROVIDER_DEVICES_NOT_REMOVED',
      message: expect.stringMatching(
        /^Duo could not remove the phones of ".+": .*Nothing was removed\. Nothing was reset in Portcullis\.$/,
      ),
    });
    expect(await factorsOf(id)).toHaveLength(1);
    expect(duo.env.emulator.getUser(username)).toMatchObject({ enrolled: true });
    expect(await lastAudit(duo.portal, 'user.provider_devices_removed')).toMatchObject({
      outcome: 'failure',
      reason: 'provider_unreachable',
      details: { devices: [], complete: false },
    });
  });

  it('keys without "Grant write resource": refused by Duo, nothing reset, the permission named', async () => {
    await useAdminApi(duo, adminApplication(duo, ['read_resource', 'read_log']));
    try {
      const { username, id } = await newUser();
      duo.env.emulator.setUser(username, { phone: '+1 555-0113' });
      const answer = await reset(id, { removeDevices: true });
      expect(answer.json<Failure>().error.message).toMatch(/Grant write resource/);
      expect(await factorsOf(id)).toHaveLength(1);
      expect(duo.env.emulator.getUser(username)).toMatchObject({ enrolled: true });
    } finally {
      await useAdminApi(duo);
    }
  });

  it('after the removal, the next sign-in asks Duo to enrol a new phone (Duo’s inline enrolment)', async () => {
    const { username, id } = await newUser();
    duo.env.emulator.setUser(username, { phone: '+1 555-0114' });
    await reset(id, { removeDevices: true });
    // The user signs in again: MFA is optional, so they set Duo up under My account; Duo enrols them.
    const client = createClient(duo.portal.fastify);
    expect((await client.signIn(username, STRONG_PASSWORD)).json()).toMatchObject({ status: 'signed_in' });
    const started = await client.post('/api/me/mfa/configure', { providerId: duo.providerId, add: true });
    const answer = await duo.env.emulator.completeAuthorization(started.json<{ redirectTo: string }>().redirectTo);
    expect(answer.kind).toBe('redirect');
    expect(duo.env.emulator.getUser(username)).toMatchObject({ enrolled: true, phone: '+1 555-0100' });
  });
});
