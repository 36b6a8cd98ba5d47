// Case 51: what the other official SDKs send differently from Node's (their request builders and tests) is accepted too.
import { describe, expect, it } from 'vitest';
import {
  approvedCode,
  authorizeUrl,
  clientAssertion,
  emulatorSuite,
  httpsRequest,
  idTokenClaimsOf,
  nowSeconds,
  postHealth,
  postToken,
  REDIRECT_URI,
  tokenForm,
} from './helpers.ts';

const { clock, emulator, client } = emulatorSuite({ resetFaults: true });

describe('cross-SDK variants (case 51)', () => {
  it('Python: token parameters in the query string of the POST, with an empty body', async () => {
    const code = await approvedCode(emulator, await authorizeUrl(emulator, client, clock.now()));
    const form = await tokenForm(emulator, client, code, clock.now());
    const res = await httpsRequest(emulator, {
      method: 'POST',
      path: `/oauth/v1/token?${new URLSearchParams(form).toString()}`,
    });
    expect(res.status).toBe(200);
    expect(idTokenClaimsOf(res).preferred_username).toBe('alice');
  });

  it('Python/Go/C#/Java: a health-check assertion without iat is accepted', async () => {
    const assertion = await clientAssertion(emulator, client, 'health_check', clock.now(), { iat: undefined });
    const res = await postHealth(emulator, { client_id: client.clientId, client_assertion: assertion });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ stat: 'OK', response: { timestamp: nowSeconds(clock.now()) } });
  });

  it('Java: a request JWT without iss and aud, then a token call without client_id', async () => {
    const url = await authorizeUrl(emulator, client, clock.now(), { claims: { iss: undefined, aud: undefined } });
    const code = await approvedCode(emulator, url);
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, code, clock.now(), { client_id: undefined }),
    );
    expect(res.status).toBe(200);
    expect(idTokenClaimsOf(res).aud).toBe(client.clientId);
  });

  it('Java (before #66): a client JWT with exp exactly 3600 s ahead is still accepted', async () => {
    const url = await authorizeUrl(emulator, client, clock.now(), { claims: { exp: nowSeconds(clock.now()) + 3600 } });
    expect((await emulator.completeAuthorization(url)).kind).toBe('redirect');
  });

  it('C#: exp as a string, use_duo_code_attribute as the string "true", aud = the authorize URL', async () => {
    const url = await authorizeUrl(emulator, client, clock.now(), {
      claims: {
        exp: String(nowSeconds(clock.now()) + 300),
        use_duo_code_attribute: 'true',
        aud: `${emulator.baseUrl}/oauth/v1/authorize`,
      },
    });
    const result = await emulator.completeAuthorization(url);
    expect(result.kind).toBe('redirect');
    expect(new URL((result as { url: string }).url).searchParams.has('duo_code')).toBe(true);
  });

  it('C#: use_duo_code_attribute omitted (its default) makes the callback carry code', async () => {
    const url = await authorizeUrl(emulator, client, clock.now(), { claims: { use_duo_code_attribute: undefined } });
    const result = await emulator.completeAuthorization(url);
    const callback = new URL((result as { url: string }).url);
    expect(callback.searchParams.has('code')).toBe(true);
    expect(callback.searchParams.has('duo_code')).toBe(false);
  });

  it('Python: exp as a float in the request JWT and in the token assertion', async () => {
    const floatExp = nowSeconds(clock.now()) + 299.731;
    const url = await authorizeUrl(emulator, client, clock.now(), { claims: { exp: floatExp } });
    const code = await approvedCode(emulator, url);
    const assertion = await clientAssertion(emulator, client, 'token', clock.now(), { exp: floatExp, iat: undefined });
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, code, clock.now(), { client_assertion: assertion }),
    );
    expect(res.status).toBe(200);
  });

  it('Python: a top-level nonce query parameter is echoed in the id_token', async () => {
    const nonce = 'python-nonce-0123456789abcdef';
    const url = await authorizeUrl(emulator, client, clock.now(), { query: { nonce } });
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, await approvedCode(emulator, url), clock.now()),
    );
    expect(idTokenClaimsOf(res).nonce).toBe(nonce);
  });

  it('a nonce claim in the request JWT is echoed in the id_token', async () => {
    const nonce = 'claim-nonce-0123456789abcdef';
    const url = await authorizeUrl(emulator, client, clock.now(), { claims: { nonce } });
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, await approvedCode(emulator, url), clock.now()),
    );
    expect(idTokenClaimsOf(res).nonce).toBe(nonce);
  });

  it('without a nonce sent, the id_token has no nonce claim', async () => {
    const url = await authorizeUrl(emulator, client, clock.now());
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, await approvedCode(emulator, url), clock.now()),
    );
    expect(idTokenClaimsOf(res)).not.toHaveProperty('nonce');
  });

  it('Python: a 16-character state (its minimum) is accepted', async () => {
    const url = await authorizeUrl(emulator, client, clock.now(), { claims: { state: 'a'.repeat(16) } });
    const result = await emulator.completeAuthorization(url);
    expect(new URL((result as { url: string }).url).searchParams.get('state')).toBe('a'.repeat(16));
  });

  it('a redirect_uri of exactly 256 characters is accepted and returned to verbatim', async () => {
    const long = `https://portal.example.test/cb?pad=${'p'.repeat(256 - 'https://portal.example.test/cb?pad='.length)}`;
    expect(long).toHaveLength(256);
    const url = await authorizeUrl(emulator, client, clock.now(), { claims: { redirect_uri: long } });
    const code = await approvedCode(emulator, url);
    const res = await postToken(emulator, await tokenForm(emulator, client, code, clock.now(), { redirect_uri: long }));
    expect(res.status).toBe(200);
    expect(REDIRECT_URI).not.toBe(long);
  });
});
