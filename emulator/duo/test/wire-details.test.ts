// Small wire rules that keep the emulator from accepting what Duo would not, and from leaking what it must not.
import { describe, expect, it } from 'vitest';
import { redactUrl } from '../redact.ts';
import {
  approvedCode,
  authorizeUrl,
  clientAssertion,
  emulatorSuite,
  httpsRequest,
  postToken,
  tokenForm,
} from './helpers.ts';

const { clock, emulator, client } = emulatorSuite({ alice: { enrolled: true, autoPush: 'approve' } });

describe('wire details', () => {
  it('a token request with a JSON body is not read (Duo takes form parameters)', async () => {
    const form = await tokenForm(
      emulator,
      client,
      await approvedCode(emulator, await authorizeUrl(emulator, client, clock.now())),
      clock.now(),
    );
    const res = await httpsRequest(emulator, {
      method: 'POST',
      path: '/oauth/v1/token',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(form),
    });
    expect(res.status).toBe(400);
    expect(res.json<{ error: string }>().error).toBe('invalid_request');
  });

  it('a token parameter sent twice is refused (RFC 6749 §3.1)', async () => {
    const code = await approvedCode(emulator, await authorizeUrl(emulator, client, clock.now()));
    const form = new URLSearchParams(await tokenForm(emulator, client, code, clock.now()));
    form.append('code', code);
    const res = await httpsRequest(emulator, {
      method: 'POST',
      path: '/oauth/v1/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(res.json<{ error: string }>().error).toBe('invalid_request');
  });

  it('health-check parameters in the query string are accepted, as the token endpoint accepts them', async () => {
    const assertion = await clientAssertion(emulator, client, 'health_check', clock.now());
    const query = new URLSearchParams({ client_id: client.clientId, client_assertion: assertion });
    const res = await httpsRequest(emulator, { method: 'POST', path: `/oauth/v1/health_check?${query.toString()}` });
    expect(res.json()).toMatchObject({ stat: 'OK' });
  });

  it('HEAD on the authorize URL neither redirects nor issues a code', async () => {
    const { pathname, search } = new URL(await authorizeUrl(emulator, client, clock.now()));
    const res = await httpsRequest(emulator, { method: 'HEAD', path: `${pathname}${search}` });
    expect(res.status).toBe(404);
    expect(res.headers.location).toBeUndefined();
  });

  it('the token answer is marked no-store', async () => {
    const code = await approvedCode(emulator, await authorizeUrl(emulator, client, clock.now()));
    const res = await postToken(emulator, await tokenForm(emulator, client, code, clock.now()));
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('request logs shorten request JWTs, codes, states and activation codes', () => {
    const jwt = 'eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl';
    const logged = redactUrl(`/oauth/v1/authorize?client_id=DIABC&request=${jwt}&state=0123456789abcdef0123`);
    expect(logged).toContain('client_id=DIABC');
    expect(logged).not.toContain(jwt.slice(0, 20));
    expect(logged).not.toContain('0123456789abcdef0123');
    expect(redactUrl('/frame/enroll/activate/AbCdEfGhIjKlMnOpQrStUvWxYz012345')).not.toContain('IjKlMnOp');
  });
});
