/** Health check against the Duo emulator over real HTTPS (duo-protocol.md §1.2, cases 4–8, 39, 40). */
import { request } from 'node:https';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { isOutage } from '../../src/server/duo/index.ts';
import { CLIENT_ID, emulatorHarness, lastForm, SECRET } from './support/emulator.ts';
import { expectDuoError } from './support/errors.ts';

const h = emulatorHarness();
const healthUrl = () => `${h.emulator.baseUrl}/oauth/v1/health_check`;

describe('health check', () => {
  it('case 4: reports OK, invalid credentials (40002) and unreachable as three distinct results, one call each', async () => {
    const health = await h.client().healthCheck();
    expect(Math.abs(health.skewSeconds)).toBeLessThanOrEqual(2);
    expect(Math.abs(health.duoTime - Date.now() / 1000)).toBeLessThan(5);

    h.emulator.clearRequests();
    const wrongSecret = h.client({}, { clientSecret: SECRET.replace('PLANTED', 'planted') });
    const bad = await expectDuoError(wrongSecret.healthCheck(), 'invalid_credentials', 'invalid_client', h.planted());
    expect(bad.duoCode).toBe(40002);
    expect(bad.hint).toMatch(/Client ID and Client Secret.*clock/);
    expect(h.emulator.requests.filter((r) => r.path === '/oauth/v1/health_check')).toHaveLength(1);

    const unknownClient = h.client({}, { clientId: 'DIUNKNOWNCLIENT00000' });
    await expectDuoError(unknownClient.healthCheck(), 'invalid_credentials', 'invalid_client', h.planted());

    const port = Number(h.emulator.apiHost.split(':')[1]);
    const down = h.client({}, { apiHost: `127.0.0.1:${port === 1 ? 2 : 1}` });
    const unreachable = await expectDuoError(down.healthCheck(), 'unreachable', 'refused', h.planted());
    expect(new Set([bad.kind, unreachable.kind]).size).toBe(2);
    expect(isOutage(unreachable)).toBe(true);
    expect(isOutage(bad)).toBe(false);
  });

  it('case 6: sends exactly client_id + client_assertion, form-encoded, to /oauth/v1/health_check', async () => {
    await h.client().healthCheck();
    expect(h.emulator.requests).toHaveLength(1);
    const [req] = h.emulator.requests;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/oauth/v1/health_check');
    expect(req?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.keys(req?.query ?? {})).toEqual([]);
    expect(Object.keys(req?.form ?? {}).sort()).toEqual(['client_assertion', 'client_id']);
    expect(req?.form?.client_id).toBe(CLIENT_ID);
  });

  it('case 7: the assertion is HS512 with iss = sub = client ID, aud = health URL, exp = now + 300, fresh jti', async () => {
    const duo = h.client();
    await duo.healthCheck();
    const first = lastForm(h.emulator, '/oauth/v1/health_check').client_assertion as string;
    await duo.healthCheck();
    const second = lastForm(h.emulator, '/oauth/v1/health_check').client_assertion as string;
    expect(decodeProtectedHeader(first).alg).toBe('HS512');
    const key = new TextEncoder().encode(SECRET);
    const { payload } = await jwtVerify(first, key, { algorithms: ['HS512'] });
    const { payload: payload2 } = await jwtVerify(second, key, { algorithms: ['HS512'] });
    expect(payload.iss).toBe(CLIENT_ID);
    expect(payload.sub).toBe(CLIENT_ID);
    expect(payload.aud).toBe(healthUrl());
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
    expect((payload.exp ?? 0) - Date.now() / 1000).toBeLessThanOrEqual(300);
    expect(typeof payload.jti === 'string' && payload.jti.length >= 22).toBe(true);
    expect(payload2.jti).not.toBe(payload.jti);
  });

  it('case 8: stat "OK" passes; FAIL with HTTP 200 or 400 fails; lowercase "ok" fails', async () => {
    const duo = h.client();
    await expect(duo.healthCheck()).resolves.toMatchObject({ duoTime: expect.any(Number) });
    for (const kind of ['fail_200', 'fail_400'] as const) {
      h.emulator.setFaults([{ endpoint: 'health_check', kind }]);
      const error = await expectDuoError(duo.healthCheck(), 'invalid_credentials', 'invalid_client', h.planted());
      expect(error.duoCode).toBe(40002);
      expect(error.httpStatus).toBe(kind === 'fail_200' ? 200 : 400);
    }
    h.emulator.setFaults([{ endpoint: 'health_check', kind: 'stat_lowercase_ok' }]);
    const lower = await expectDuoError(duo.healthCheck(), 'malformed_response', 'stat', h.planted());
    expect(isOutage(lower)).toBe(false);
  });

  it('refuses every health_check fault knob with the right kind (and only outages are outages)', async () => {
    const duo = h.client({ timeoutMs: 400 });
    const expectations = [
      [{ endpoint: 'health_check', kind: 'http_500_html' }, 'server_error', true],
      [{ endpoint: 'health_check', kind: 'http_503_empty' }, 'server_error', true],
      [{ endpoint: 'health_check', kind: 'http_429' }, 'rate_limited', false],
      [{ endpoint: 'health_check', kind: 'connection_reset' }, 'unreachable', true],
      [{ endpoint: 'health_check', kind: 'malformed_json' }, 'malformed_response', false],
      [{ endpoint: 'health_check', kind: 'slow', delayMs: 1500 }, 'timeout', true],
      [{ endpoint: 'health_check', kind: 'fail_200' }, 'invalid_credentials', false],
      [{ endpoint: 'health_check', kind: 'fail_400' }, 'invalid_credentials', false],
      [{ endpoint: 'health_check', kind: 'stat_lowercase_ok' }, 'malformed_response', false],
    ] as const;
    for (const [fault, kind, outage] of expectations) {
      h.emulator.setFaults([fault]);
      const error = await expectDuoError(duo.healthCheck(), kind, undefined, h.planted());
      expect({ fault: fault.kind, outage: isOutage(error) }).toEqual({ fault: fault.kind, outage });
    }
    h.emulator.setFaults([]);
    await expect(duo.healthCheck()).resolves.toBeDefined();
  });

  it('connection_reset on the health check is unreachable/reset, an outage', async () => {
    h.emulator.setFaults([{ endpoint: 'health_check', kind: 'connection_reset' }]);
    const error = await expectDuoError(
      h.client({ timeoutMs: 2000 }).healthCheck(),
      'unreachable',
      'reset',
      h.planted(),
    );
    expect(isOutage(error)).toBe(true);
  });

  it('reports the clock skew between this server and Duo', async () => {
    const health = await h.client({ now: () => Date.now() - 90_000 }).healthCheck();
    expect(health.skewSeconds).toBeGreaterThanOrEqual(88);
    expect(health.skewSeconds).toBeLessThanOrEqual(92);
  });

  it('case 39: with our clock 10 min slow, Duo rejects the assertion and we report a credentials/clock hint', async () => {
    const slow = h.client({ now: () => Date.now() - 10 * 60_000 });
    const error = await expectDuoError(slow.healthCheck(), 'invalid_credentials', 'invalid_client', h.planted());
    expect(error.hint).toMatch(/clock/);
    expect(isOutage(error)).toBe(false);
    // Duo's FAIL answer carries its clock, so the portal can say "clock skew" rather than "wrong secret".
    expect(Math.abs((error.duoTime ?? 0) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('case 40: a client JWT with exp more than 3600 s ahead is rejected by the emulator (Duo 2026 rule)', async () => {
    const post = async (expInSeconds: number) => {
      const now = Math.floor(Date.now() / 1000);
      const assertion = await new SignJWT({ jti: `jti-${expInSeconds}-${now}-0123456789abcdef` })
        .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
        .setIssuer(CLIENT_ID)
        .setSubject(CLIENT_ID)
        .setAudience(healthUrl())
        .setIssuedAt(now)
        .setExpirationTime(now + expInSeconds)
        .sign(new TextEncoder().encode(SECRET));
      const body = new URLSearchParams({ client_id: CLIENT_ID, client_assertion: assertion }).toString();
      return new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
        const req = request(
          healthUrl(),
          { method: 'POST', ca: h.emulator.caPem, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
          (res) => {
            let text = '';
            res.on('data', (chunk) => {
              text += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    };
    // The control shows the hand-built assertion is otherwise acceptable.
    expect((await post(3500)).json.stat).toBe('OK');
    const tooLong = await post(3700);
    expect(tooLong.json).toMatchObject({ stat: 'FAIL', code: 40002 });
    // Our own assertions stay far inside that limit.
    await h.client().healthCheck();
    const { payload } = await jwtVerify(
      lastForm(h.emulator, '/oauth/v1/health_check').client_assertion as string,
      new TextEncoder().encode(SECRET),
    );
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(300);
  });
});
