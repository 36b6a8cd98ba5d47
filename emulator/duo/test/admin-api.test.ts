// The Admin API's own rules: the Date window, the signature versions, the log's delay and paging limits, faults.
import { describe, expect, it } from 'vitest';
import { callAdminApi } from '../admin-client.ts';
import { authorizationHeader } from '../admin-signature.ts';
import { authorizeUrl, emulatorSuite, httpsRequest } from './helpers.ts';

const { clock, emulator, client } = emulatorSuite({ alice: { enrolled: true }, resetFaults: true });

const target = () => ({
  endpoint: emulator.apiHost,
  integrationKey: emulator.readyAdminApi.integrationKey,
  secretKey: emulator.readyAdminApi.secretKey,
  caPem: emulator.caPem,
});

/** GET signed with `kind` and a chosen Date, to test what the emulator accepts. */
function signedGet(path: string, params: Record<string, string>, date: string, kind: 'v2-sha1' | 'v2-sha512') {
  const { integrationKey, secretKey } = target();
  const authorization = authorizationHeader(kind, integrationKey, secretKey, {
    date,
    method: 'GET',
    host: emulator.apiHost,
    path,
    params,
  });
  const query = new URLSearchParams(params).toString();
  return httpsRequest(emulator, { path: `${path}?${query}`, headers: { date, authorization } });
}

describe('Admin API request checks', () => {
  it('HMAC-SHA1 v2 signatures (the documented original) are accepted as well as SHA-512', async () => {
    clock.set(Date.now());
    const date = new Date(clock.now()).toUTCString();
    for (const kind of ['v2-sha1', 'v2-sha512'] as const)
      expect((await signedGet('/admin/v1/users', { username: 'alice' }, date, kind)).json()).toMatchObject({
        stat: 'OK',
      });
  });

  it('a request without credentials is 40101; a Date more than 300 s off is 40105', async () => {
    const bare = await httpsRequest(emulator, { path: '/admin/v1/users' });
    expect(bare.status).toBe(401);
    expect(bare.json()).toEqual({ stat: 'FAIL', code: 40101, message: 'Missing request credentials' });
    clock.set(Date.now());
    const stale = new Date(clock.now() - 301_000).toUTCString();
    const res = await signedGet('/admin/v1/users', {}, stale, 'v2-sha512');
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ stat: 'FAIL', code: 40105 });
  });

  it('a signature over other parameters than those sent is refused', async () => {
    clock.set(Date.now());
    const date = new Date(clock.now()).toUTCString();
    const { integrationKey, secretKey } = target();
    const authorization = authorizationHeader('v2-sha512', integrationKey, secretKey, {
      date,
      method: 'GET',
      host: emulator.apiHost,
      path: '/admin/v1/users',
      params: { username: 'alice' },
    });
    const res = await httpsRequest(emulator, {
      path: '/admin/v1/users?username=bob',
      headers: { date, authorization },
    });
    expect(res.json()).toMatchObject({ stat: 'FAIL', code: 40103 });
  });
});

describe('the authentication log', () => {
  it("shows an authentication only after Duo's two-minute delay (authLogDelaySeconds, default 120)", async () => {
    clock.set(Date.now());
    const url = await authorizeUrl(emulator, client, clock.now());
    await emulator.completeAuthorization(url, 'deny');
    const at = clock.now();
    const query = { mintime: String(at - 1000), maxtime: String(at + 200_000) };
    const before = await callAdminApi(target(), 'GET', '/admin/v2/logs/authentication', query);
    expect((before.body.response as { authlogs: unknown[] }).authlogs).toEqual([]);
    emulator.setKnobs({ authLogDelaySeconds: 0 });
    try {
      const after = await callAdminApi(target(), 'GET', '/admin/v2/logs/authentication', query);
      expect((after.body.response as { authlogs: { txid: string }[] }).authlogs.map((e) => e.txid)).toEqual([
        emulator.authLog.at(-1)?.txid,
      ]);
    } finally {
      emulator.setKnobs({ authLogDelaySeconds: 120 });
    }
  });

  it('refuses a window without mintime, a limit over 1000 and an unknown next_offset', async () => {
    clock.set(Date.now());
    const now = String(clock.now());
    const windows: Record<string, string>[] = [
      { maxtime: now },
      { mintime: '0', maxtime: now, limit: '1001' },
      { mintime: '0', maxtime: now, next_offset: '1,nope' },
    ];
    for (const params of windows) {
      const res = await callAdminApi(target(), 'GET', '/admin/v2/logs/authentication', params);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ stat: 'FAIL', code: 40002 });
    }
  });
});

describe('Admin API faults', () => {
  it('the admin endpoint faults answer before the signature is looked at', async () => {
    emulator.setFaults([{ endpoint: 'admin', kind: 'http_429' }]);
    const res = await httpsRequest(emulator, { path: '/admin/v1/users' });
    expect(res.status).toBe(429);
    expect(res.json()).toMatchObject({ stat: 'FAIL', code: 42901 });
  });
});
