import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuoSignIn, freshAdmin, seedMfaUser, startDuoSignIn } from '../helpers/duo-sign-in.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';

type Attention = {
  mfaBypassed: number;
  mfaUnavailable: number;
  signInsThrottled: number;
  providers: Array<{ id: number; name: string; status: string; problem: string }>;
};

describe.each(ENGINES)('what needs an administrator’s attention (anchors 72–73) on %s', (engine) => {
  let duo: DuoSignIn;

  beforeAll(async () => {
    duo = await startDuoSignIn(engine, { values: { failMode: 'open' } });
  });
  afterAll(() => duo.close());

  it('is quiet when all is well', async () => {
    const attention = (await duo.admin.get('/api/admin/attention')).json<Attention>();
    expect(attention).toMatchObject({ mfaBypassed: 0, mfaUnavailable: 0, signInsThrottled: 0, providers: [] });
  });

  it('shows sign-ins that skipped MFA during an outage, and the provider whose check failed', async () => {
    await seedMfaUser(duo.portal, 'outage-user', duo.providerId);
    duo.env.emulator.setFaults([{ endpoint: 'health_check', kind: 'http_503_empty' }]);
    const user = createClient(duo.portal.fastify);
    expect((await user.signIn('outage-user', STRONG_PASSWORD)).json()).toMatchObject({ status: 'signed_in' });
    const admin = await freshAdmin(duo.portal);
    expect((await admin.post(`/api/admin/mfa/providers/${duo.providerId}/test`)).json()).toMatchObject({
      status: 'unreachable',
    });
    const attention = (await admin.get('/api/admin/attention')).json<Attention>();
    expect(attention.mfaBypassed).toBe(1);
    expect(attention.providers).toEqual([
      {
        id: duo.providerId,
        name: 'Duo Security',
        status: 'unreachable',
        problem: expect.stringContaining('could not be reached'),
        checkedAt: expect.any(String),
      },
    ]);
  });

  it('is for administrators only', async () => {
    await seedUser(duo.portal, 'curious');
    const user = createClient(duo.portal.fastify);
    expect((await user.signIn('curious', STRONG_PASSWORD)).json()).toMatchObject({ status: 'signed_in' });
    expect((await user.get('/api/admin/attention')).status).toBe(403);
  });
});
