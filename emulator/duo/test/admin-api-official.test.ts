// Duo's official Node client for the Admin API, @duosecurity/duo_api, unmodified except that the connection goes to
// the emulator and trusts its CA (the client pins Duo's CA bundle and connects to port 443 of the host it signs
// for): its signatures (v2 and v5) are accepted, a wrong one is refused, and the answers have Duo's shapes.
import https from 'node:https';
import duoApi from '@duosecurity/duo_api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, emulatorSuite } from './helpers.ts';

const { clock, emulator, client } = emulatorSuite({
  emulator: { knobs: { authLogDelaySeconds: 0 } },
  alice: { enrolled: true, phone: '+1 555-0142' },
});

let savedAgent: https.Agent;

beforeAll(() => {
  // The only change: the default HTTPS agent connects to the emulator's port and trusts its CA (agent options win
  // over the client's own `ca` and port 443). The client still signs for, and sends Host:, the emulator's apiHost.
  savedAgent = https.globalAgent;
  const port = Number(new URL(emulator.baseUrl).port);
  (https as { globalAgent: https.Agent }).globalAgent = new https.Agent({
    ca: emulator.caPem,
    host: 'localhost',
    port,
  });
});

afterAll(() => {
  (https as { globalAgent: https.Agent }).globalAgent = savedAgent;
});

type Answer = { stat: string; code?: number; message?: string; response?: unknown; metadata?: Record<string, unknown> };

function official(
  method: string,
  path: string,
  params: Record<string, string> = {},
  opts: { ikey?: string; skey?: string; sigVersion?: 2 | 5 } = {},
): Promise<Answer> {
  const api = new duoApi.Client(
    opts.ikey ?? emulator.readyAdminApi.integrationKey,
    opts.skey ?? emulator.readyAdminApi.secretKey,
    emulator.apiHost,
    opts.sigVersion ?? duoApi.SIGNATURE_VERSION_2,
  );
  // The client reads Date from the real clock; the emulator's test clock follows it for these calls.
  clock.set(Date.now());
  return new Promise((resolve) => api.jsonApiCall(method, path, params, (body) => resolve(body as Answer)));
}

const userId = async (username: string) =>
  ((await official('GET', '/admin/v1/users', { username })).response as { user_id: string }[])[0]?.user_id ?? '';

describe('@duosecurity/duo_api 1.5 against the emulator', () => {
  it('GET /admin/v1/users?username= finds the user with status and phones (signature v2)', async () => {
    const answer = await official('GET', '/admin/v1/users', { username: 'Alice' });
    expect(answer.stat).toBe('OK');
    expect(answer.response).toEqual([
      expect.objectContaining({
        user_id: expect.stringMatching(/^DU[A-Z0-9]{18}$/),
        username: 'alice',
        status: 'active',
        is_enrolled: true,
        phones: [expect.objectContaining({ phone_id: expect.stringMatching(/^DP[A-Z0-9]{18}$/), number: '+15550142' })],
      }),
    ]);
    expect(answer.metadata).toMatchObject({ total_objects: 1 });
  });

  it('signature v5 (SHA-512 over the body too) is accepted for GET and a JSON POST', async () => {
    const found = await official('GET', '/admin/v1/users', { username: 'alice' }, { sigVersion: 5 });
    expect(found.stat).toBe('OK');
    const id = await userId('alice');
    const codes = await official('POST', `/admin/v1/users/${id}/bypass_codes`, { count: '2' }, { sigVersion: 5 });
    expect(codes).toMatchObject({ stat: 'OK', response: [expect.stringMatching(/^\d{9}$/), expect.any(String)] });
  });

  it('a locked-out user is reported with Duo\'s "locked out"; an unknown name is an empty list', async () => {
    emulator.setUser('mallory', { enrolled: true, status: 'locked_out' });
    expect(
      ((await official('GET', '/admin/v1/users', { username: 'mallory' })).response as { status: string }[])[0]?.status,
    ).toBe('locked out');
    expect(await official('GET', '/admin/v1/users', { username: 'nobody' })).toMatchObject({
      stat: 'OK',
      response: [],
    });
  });

  it('GET the phones, DELETE one, and the user has none left', async () => {
    emulator.setUser('bob', { enrolled: true });
    const id = await userId('bob');
    const phones = (await official('GET', `/admin/v1/users/${id}/phones`)).response as { phone_id: string }[];
    expect(phones).toHaveLength(1);
    const deleted = await official('DELETE', `/admin/v1/phones/${phones[0]?.phone_id}`);
    expect(deleted).toEqual({ stat: 'OK', response: '' });
    expect((await official('GET', `/admin/v1/users/${id}/phones`)).response).toEqual([]);
    expect(emulator.getUser('bob')?.enrolled).toBe(false);
    expect(await official('DELETE', `/admin/v1/phones/${phones[0]?.phone_id}`)).toMatchObject({
      stat: 'FAIL',
      code: 40401,
    });
  });

  it('bypass codes made through the Admin API (v2 form body) work once at the prompt', async () => {
    emulator.setUser('carol', { enrolled: true });
    const answer = await official('POST', `/admin/v1/users/${await userId('carol')}/bypass_codes`, { count: '1' });
    const [code] = answer.response as string[];
    const url = await authorizeUrl(emulator, client, clock.now(), { username: 'carol' });
    expect((await emulator.completeAuthorization(url, 'bypass_code', { code })).kind).toBe('redirect');
    const again = await authorizeUrl(emulator, client, clock.now(), { username: 'carol' });
    expect(await emulator.completeAuthorization(again, 'bypass_code', { code })).toMatchObject({
      kind: 'denied',
      reason: 'invalid_passcode',
    });
  });

  it('GET /admin/v2/logs/authentication pages with next_offset through denied, fraud and timed-out pushes', async () => {
    emulator.setUser('dave', { enrolled: true });
    const since = Date.now() - 1000;
    for (const outcome of ['approve', 'deny', 'timeout', 'fraud'] as const) {
      clock.set(Date.now());
      await emulator.completeAuthorization(
        await authorizeUrl(emulator, client, clock.now(), { username: 'dave' }),
        outcome,
      );
    }
    const seen: { txid: string; result: string; reason: string; factor: string }[] = [];
    let offset: string | undefined;
    for (let page = 0; page < 10; page += 1) {
      const params: Record<string, string> = { mintime: String(since), maxtime: String(Date.now() + 1000), limit: '1' };
      if (offset) params.next_offset = offset;
      const answer = await official('GET', '/admin/v2/logs/authentication', params);
      expect(answer.stat).toBe('OK');
      const { authlogs, metadata } = answer.response as {
        authlogs: { txid: string; result: string; reason: string; factor: string; user: { name: string } }[];
        metadata: { next_offset: string[] | null; total_objects: number };
      };
      seen.push(...authlogs.filter((e) => e.user.name === 'dave'));
      if (!metadata.next_offset) break;
      offset = metadata.next_offset.join(',');
    }
    expect(seen.map((e) => [e.result, e.reason, e.factor])).toEqual([
      ['success', 'user_approved', 'duo_push'],
      ['denied', 'user_mistake', 'duo_push'],
      ['denied', 'no_response', 'duo_push'],
      ['fraud', 'user_marked_fraud', 'duo_push'],
    ]);
    expect(new Set(seen.map((e) => e.txid)).size).toBe(4);
    expect(emulator.getUser('dave')?.status).toBe('locked_out');
  });

  it('GET /admin/v1/info/summary answers a live credential check', async () => {
    expect(await official('GET', '/admin/v1/info/summary')).toMatchObject({
      stat: 'OK',
      response: { user_count: expect.any(Number), integration_count: expect.any(Number) },
    });
  });

  it('a wrong secret key is refused with 40103, an unknown integration key with 40102', async () => {
    expect(await official('GET', '/admin/v1/users', {}, { skey: 'w'.repeat(40) })).toMatchObject({
      stat: 'FAIL',
      code: 40103,
      message: 'Invalid signature in request credentials',
    });
    expect(await official('GET', '/admin/v1/users', {}, { ikey: 'DIUNKNOWNUNKNOWN0000' })).toMatchObject({
      stat: 'FAIL',
      code: 40102,
    });
  });

  it('Web SDK credentials, and an Admin API application without "Grant read log", get 40301', async () => {
    expect(
      await official('GET', '/admin/v1/users', {}, { ikey: client.clientId, skey: client.clientSecret }),
    ).toMatchObject({
      stat: 'FAIL',
      code: 40301,
    });
    const noLogs = emulator.registerClient({ type: 'admin_api', permissions: ['read_resource'] });
    const creds = { ikey: noLogs.clientId, skey: noLogs.clientSecret };
    expect((await official('GET', '/admin/v1/users', {}, creds)).stat).toBe('OK');
    expect(
      await official('GET', '/admin/v2/logs/authentication', { mintime: '0', maxtime: String(Date.now()) }, creds),
    ).toMatchObject({ stat: 'FAIL', code: 40301, message: 'Access forbidden' });
  });
});
