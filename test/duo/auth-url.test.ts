import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createDuoClient, createNonce, createState, DuoError } from '../../src/server/duo/index.ts';

const CLIENT_ID = 'DIAUTHURLTEST0000001';
const SECRET = 'AuthUrlSecretPLANTED0123456789abcdefghij';
const HOST = 'api-1234abcd.duosecurity.com';
const REDIRECT = 'https://portal.example.com/auth/mfa/duo/callback?provider=7';
const NOW = 1_780_000_000_000;

function client(useDuoCodeAttribute?: boolean) {
  return createDuoClient(
    {
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      apiHost: HOST,
      redirectUri: REDIRECT,
      ...(useDuoCodeAttribute !== undefined && { useDuoCodeAttribute }),
    },
    { allowCustomHosts: false, now: () => NOW },
  );
}

describe('createAuthUrl', () => {
  it('case 11: targets https://<host>/oauth/v1/authorize with response_type, client_id, request, redirect_uri, scope', async () => {
    const duo = client();
    const url = new URL(duo.createAuthUrl('alice', createState(), createNonce()));
    expect(url.origin).toBe(`https://${HOST}`);
    expect(url.pathname).toBe('/oauth/v1/authorize');
    expect([...url.searchParams.keys()].sort()).toEqual([
      'client_id',
      'redirect_uri',
      'request',
      'response_type',
      'scope',
    ]);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(url.searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(url.searchParams.get('scope')).toBe('openid');
    await duo.close();
  });

  it('case 12: the request JWT is HS512 with the secret and carries every claim Duo expects', async () => {
    const duo = client();
    const state = createState();
    const nonce = createNonce();
    const request = new URL(duo.createAuthUrl('alice', state, nonce)).searchParams.get('request') ?? '';
    expect(decodeProtectedHeader(request)).toEqual({ alg: 'HS512', typ: 'JWT' });
    const { payload } = await jwtVerify(request, new TextEncoder().encode(SECRET), {
      algorithms: ['HS512'],
      currentDate: new Date(NOW),
    });
    expect(payload).toEqual({
      response_type: 'code',
      scope: 'openid',
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT,
      state,
      duo_uname: 'alice',
      exp: NOW / 1000 + 300,
      iss: CLIENT_ID,
      aud: `https://${HOST}`,
      use_duo_code_attribute: true,
      nonce,
    });
    await expect(
      jwtVerify(request, new TextEncoder().encode(SECRET.replace('P', 'Q')), {
        algorithms: ['HS512'],
        currentDate: new Date(NOW),
      }),
    ).rejects.toThrow();
    const off = client(false);
    const requestOff = new URL(off.createAuthUrl('alice', state, nonce)).searchParams.get('request') ?? '';
    const { payload: payloadOff } = await jwtVerify(requestOff, new TextEncoder().encode(SECRET), {
      currentDate: new Date(NOW),
    });
    expect(payloadOff.use_duo_code_attribute).toBe(false);
    await Promise.all([duo.close(), off.close()]);
  });

  it('case 13: state (and nonce) must be 22..1024 characters; generated ones are unpredictable and fresh', async () => {
    const duo = client();
    const nonce = createNonce();
    for (const bad of ['a'.repeat(21), 'a'.repeat(1025), '']) {
      expect(() => duo.createAuthUrl('alice', bad, nonce)).toThrow(DuoError);
      expect(() => duo.createAuthUrl('alice', nonce, bad)).toThrow(/nonce must be 22 to 1024/);
    }
    expect(() => duo.createAuthUrl('alice', 'a'.repeat(21), nonce)).toThrow(
      /state must be 22 to 1024 characters long \(got 21\)/,
    );
    expect(() => duo.createAuthUrl('alice', 'a'.repeat(22), 'b'.repeat(1024))).not.toThrow();
    expect(() => duo.createAuthUrl('', createState(), nonce)).toThrow(DuoError);
    const states = new Set(Array.from({ length: 50 }, () => createState()));
    expect(states.size).toBe(50);
    await duo.close();
  });

  it('never puts the state or nonce into a configuration error', async () => {
    const duo = client();
    const longState = `PLANTEDSTATE${'x'.repeat(1020)}`;
    try {
      duo.createAuthUrl('alice', longState, createNonce());
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(DuoError);
      expect(JSON.stringify(error) + String(error)).not.toContain('PLANTEDSTATE');
    }
    await duo.close();
  });
});
