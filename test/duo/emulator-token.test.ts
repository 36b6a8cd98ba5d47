/** Token exchange against the emulator over real HTTPS (cases 23, 36, 37 and every token fault knob). */
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { isOutage } from '../../src/server/duo/index.ts';
import { approvedLogin, CLIENT_ID, emulatorHarness, lastForm, REDIRECT_URI, SECRET } from './support/emulator.ts';
import { expectDuoError } from './support/errors.ts';

const h = emulatorHarness();

describe('token exchange', () => {
  it('case 23: sends grant_type, code, identical redirect_uri, client_id, assertion type and an assertion for the token URL', async () => {
    const duo = h.client();
    const login = await approvedLogin(h.emulator, duo);
    const result = await duo.exchangeCode(login.code, login.username, login.nonce);
    const form = lastForm(h.emulator, '/oauth/v1/token');
    expect(Object.keys(form).sort()).toEqual(
      ['client_assertion', 'client_assertion_type', 'client_id', 'code', 'grant_type', 'redirect_uri'].sort(),
    );
    expect(form).toMatchObject({
      grant_type: 'authorization_code',
      code: login.code,
      redirect_uri: new URL(login.authorizeUrl).searchParams.get('redirect_uri'),
      client_id: CLIENT_ID,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    });
    expect(form.redirect_uri).toBe(REDIRECT_URI);
    const { payload } = await jwtVerify(form.client_assertion as string, new TextEncoder().encode(SECRET), {
      algorithms: ['HS512'],
    });
    expect(payload).toMatchObject({ iss: CLIENT_ID, sub: CLIENT_ID, aud: `${h.emulator.baseUrl}/oauth/v1/token` });
    // The success result carries what the audit log needs (case 24 is the portal's).
    expect(result).toMatchObject({ username: 'alice', subject: 'alice', reason: 'user_approved' });
    expect(result.txid).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof result.factor).toBe('string');
    expect(Math.abs((result.authTime ?? 0) - Date.now() / 1000)).toBeLessThan(10);
  });

  it('case 36: a token response missing a field, or with token_type "bearer", is rejected', async () => {
    for (const field of ['id_token', 'access_token', 'expires_in', 'token_type'] as const) {
      const { login, result } = await h.exchangeWith([{ endpoint: 'token', kind: 'missing_field', field }]);
      await expectDuoError(result, 'malformed_response', field, h.planted(login));
    }
    const { login, result } = await h.exchangeWith([{ endpoint: 'token', kind: 'token_type_lowercase' }]);
    await expectDuoError(result, 'malformed_response', 'token_type', h.planted(login));
  });

  it('case 37: 400 invalid_grant, 401 invalid_client and 500 HTML fail cleanly, never as an outage', async () => {
    const expectations = [
      [{ endpoint: 'token', kind: 'invalid_grant' }, 'invalid_grant', 400],
      [{ endpoint: 'token', kind: 'invalid_client_401' }, 'invalid_credentials', 401],
      [{ endpoint: 'token', kind: 'http_500_html' }, 'server_error', 500],
    ] as const;
    for (const [fault, kind, status] of expectations) {
      const { login, result } = await h.exchangeWith([fault]);
      const error = await expectDuoError(result, kind, undefined, h.planted(login));
      expect(error.httpStatus).toBe(status);
      expect(isOutage(error)).toBe(false);
      expect(error.message).not.toMatch(/<html|<!DOCTYPE/i);
    }
    // Duo's own answer to a code used twice (php#6): the real emulator path, no fault.
    h.emulator.setFaults([]);
    const duo = h.client();
    const login = await approvedLogin(h.emulator, duo);
    await duo.exchangeCode(login.code, login.username, login.nonce);
    const again = await expectDuoError(
      duo.exchangeCode(login.code, login.username, login.nonce),
      'invalid_grant',
      'invalid_grant',
      h.planted(login),
    );
    expect(again.httpStatus).toBe(400);
  });

  it('case 37 (reset): a connection reset on the token call is unreachable/reset, never an outage', async () => {
    const { login, result } = await h.exchangeWith([{ endpoint: 'token', kind: 'connection_reset' }]);
    const error = await expectDuoError(result, 'unreachable', 'reset', h.planted(login));
    expect(isOutage(error)).toBe(false);
  });

  it('refuses every other token fault knob with the right kind', async () => {
    const duo = h.client();
    const expectations = [
      [{ endpoint: 'token', kind: 'http_503_empty' }, 'server_error'],
      [{ endpoint: 'token', kind: 'http_429' }, 'rate_limited'],
      [{ endpoint: 'token', kind: 'malformed_json' }, 'malformed_response'],
    ] as const;
    for (const [fault, kind] of expectations) {
      const login = await approvedLogin(h.emulator, duo);
      h.emulator.setFaults([fault]);
      const error = await expectDuoError(
        duo.exchangeCode(login.code, login.username, login.nonce),
        kind,
        undefined,
        h.planted(login),
      );
      // Even an outage-looking failure after the user went to Duo never allows fail-open (anchors #74).
      expect(isOutage(error)).toBe(false);
      h.emulator.setFaults([]);
    }
  });

  it('refuses a replayed code even when the server lets it be redeemed twice (replayable_code)', async () => {
    const duo = h.client();
    const login = await approvedLogin(h.emulator, duo);
    h.emulator.setFaults([{ endpoint: 'token', kind: 'replayable_code' }]);
    await expect(duo.exchangeCode(login.code, login.username, login.nonce)).resolves.toMatchObject({
      username: 'alice',
    });
    const error = await expectDuoError(
      duo.exchangeCode(login.code, login.username, login.nonce),
      'invalid_grant',
      'replayed',
      h.planted(login),
    );
    expect(isOutage(error)).toBe(false);
    // The server did redeem it twice: the refusal is ours.
    expect(h.emulator.requests.filter((r) => r.path === '/oauth/v1/token')).toHaveLength(2);
  });
});
