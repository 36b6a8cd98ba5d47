// Every fault knob, seen on the wire: what a portal test switches on is what its Duo client will receive.
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import type { DuoFault, IdTokenMutation } from '../index.ts';
import {
  approvedCode,
  authorizeUrl,
  clientAssertion,
  emulatorSuite,
  type HttpsResult,
  idTokenClaimsOf,
  nowSeconds,
  postHealth,
  postToken,
  tokenForm,
} from './helpers.ts';

const { clock, emulator, client } = emulatorSuite({ resetFaults: true });

const health = async () =>
  postHealth(emulator, {
    client_id: client.clientId,
    client_assertion: await clientAssertion(emulator, client, 'health_check', clock.now()),
  });

const newCode = async () => approvedCode(emulator, await authorizeUrl(emulator, client, clock.now()));
const token = async (code?: string) =>
  postToken(emulator, await tokenForm(emulator, client, code ?? (await newCode()), clock.now()));

const call = { health_check: health, token: () => token() } as const;

describe.each(['health_check', 'token'] as const)('transport faults on %s', (endpoint) => {
  it('http_500_html answers 500 with an HTML page', async () => {
    emulator.setFaults([{ endpoint, kind: 'http_500_html' }]);
    const res = await call[endpoint]();
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<h1>Internal Server Error</h1>');
  });

  it('http_503_empty answers 503 with no body', async () => {
    emulator.setFaults([{ endpoint, kind: 'http_503_empty' }]);
    const res = await call[endpoint]();
    expect(res.status).toBe(503);
    expect(res.body).toBe('');
  });

  it('http_429 answers 429 with Duo’s rate-limit body', async () => {
    emulator.setFaults([{ endpoint, kind: 'http_429' }]);
    const res = await call[endpoint]();
    expect(res.status).toBe(429);
    expect(res.json()).toMatchObject({ stat: 'FAIL', code: 42901 });
  });

  it('connection_reset drops the connection without an answer', async () => {
    emulator.setFaults([{ endpoint, kind: 'connection_reset' }]);
    await expect(call[endpoint]()).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE/) });
  });

  it('malformed_json answers 200 application/json that does not parse', async () => {
    emulator.setFaults([{ endpoint, kind: 'malformed_json' }]);
    const res = await call[endpoint]();
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(() => JSON.parse(res.body)).toThrow();
  });

  it('slow delays the faithful answer by delayMs', async () => {
    emulator.setFaults([{ endpoint, kind: 'slow', delayMs: 400 }]);
    const started = performance.now();
    const res = await call[endpoint]();
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    expect(res.status).toBe(200);
  });

  it('setFaults([]) restores faithful behaviour', async () => {
    emulator.setFaults([{ endpoint, kind: 'http_503_empty' }]);
    expect((await call[endpoint]()).status).toBe(503);
    emulator.setFaults([]);
    expect((await call[endpoint]()).status).toBe(200);
  });
});

describe('health_check answer faults', () => {
  const failBody = { stat: 'FAIL', code: 40002, message: 'invalid_client' };

  it('fail_200 answers a FAIL body with HTTP 200', async () => {
    emulator.setFaults([{ endpoint: 'health_check', kind: 'fail_200' }]);
    const res = await health();
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject(failBody);
  });

  it('fail_400 answers a FAIL body with HTTP 400', async () => {
    emulator.setFaults([{ endpoint: 'health_check', kind: 'fail_400' }]);
    const res = await health();
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject(failBody);
  });

  it('stat_lowercase_ok answers stat "ok"', async () => {
    emulator.setFaults([{ endpoint: 'health_check', kind: 'stat_lowercase_ok' }]);
    expect((await health()).json()).toEqual({ stat: 'ok', response: { timestamp: nowSeconds(clock.now()) } });
  });
});

describe('token answer faults', () => {
  it('invalid_client_401 answers 401 invalid_client', async () => {
    emulator.setFaults([{ endpoint: 'token', kind: 'invalid_client_401' }]);
    const res = await token();
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({
      error: 'invalid_client',
      error_description: 'The provided client_assertion was invalid.',
    });
  });

  it('invalid_grant answers 400 invalid_grant, and the code survives for a retry', async () => {
    const code = await newCode();
    emulator.setFaults([{ endpoint: 'token', kind: 'invalid_grant' }]);
    const res = await token(code);
    expect(res.status).toBe(400);
    expect(res.json<{ error: string }>().error).toBe('invalid_grant');
    emulator.setFaults([]);
    expect((await token(code)).status).toBe(200);
  });

  it('token_type_lowercase answers token_type "bearer"', async () => {
    emulator.setFaults([{ endpoint: 'token', kind: 'token_type_lowercase' }]);
    expect((await token()).json<{ token_type: string }>().token_type).toBe('bearer');
  });

  it.each(['id_token', 'access_token', 'expires_in', 'token_type'] as const)(
    'missing_field drops %s',
    async (field) => {
      emulator.setFaults([{ endpoint: 'token', kind: 'missing_field', field }]);
      const body = (await token()).json();
      expect(body).not.toHaveProperty(field);
      expect(Object.keys(body)).toHaveLength(3);
    },
  );

  it('replayable_code lets one code be redeemed twice', async () => {
    emulator.setFaults([{ endpoint: 'token', kind: 'replayable_code' }]);
    const code = await newCode();
    expect((await token(code)).status).toBe(200);
    expect((await token(code)).status).toBe(200);
  });
});

describe('id_token mutations', () => {
  const mutated = async (...mutate: IdTokenMutation[]): Promise<HttpsResult> => {
    emulator.setFaults([{ endpoint: 'token', kind: 'id_token', mutate } satisfies DuoFault]);
    const res = await token();
    expect(res.status).toBe(200);
    return res;
  };
  const idToken = (res: HttpsResult) => res.json<{ id_token: string }>().id_token;
  const secret = () => new TextEncoder().encode(client.clientSecret);

  it('wrong_key signs HS512 with a secret that is not the client’s', async () => {
    const jwt = idToken(await mutated({ type: 'wrong_key' }));
    expect(decodeProtectedHeader(jwt).alg).toBe('HS512');
    await expect(jwtVerify(jwt, secret(), { currentDate: new Date(clock.now()) })).rejects.toThrow(/signature/);
  });

  it('alg HS256 signs with the client secret but HS256', async () => {
    const jwt = idToken(await mutated({ type: 'alg', alg: 'HS256' }));
    expect(decodeProtectedHeader(jwt).alg).toBe('HS256');
    await expect(jwtVerify(jwt, secret(), { currentDate: new Date(clock.now()) })).resolves.toBeTruthy();
  });

  it('alg none sends an unsigned token', async () => {
    const jwt = idToken(await mutated({ type: 'alg', alg: 'none' }));
    expect(decodeProtectedHeader(jwt).alg).toBe('none');
    expect(jwt.endsWith('.')).toBe(true);
  });

  it('alg RS256 signs with an attacker’s RSA key', async () => {
    const jwt = idToken(await mutated({ type: 'alg', alg: 'RS256' }));
    expect(decodeProtectedHeader(jwt).alg).toBe('RS256');
    expect(decodeJwt(jwt).preferred_username).toBe('alice');
  });

  it('set replaces a claim, e.g. aud as an array', async () => {
    const claims = idTokenClaimsOf(await mutated({ type: 'set', claim: 'aud', value: [client.clientId, 'other'] }));
    expect(claims.aud).toEqual([client.clientId, 'other']);
  });

  it('set replaces iss', async () => {
    const claims = idTokenClaimsOf(
      await mutated({ type: 'set', claim: 'iss', value: 'https://evil.test/oauth/v1/token' }),
    );
    expect(claims.iss).toBe('https://evil.test/oauth/v1/token');
  });

  it('remove deletes a claim', async () => {
    const claims = idTokenClaimsOf(await mutated({ type: 'remove', claim: 'iat' }, { type: 'remove', claim: 'nonce' }));
    expect(claims).not.toHaveProperty('iat');
    expect(claims).toHaveProperty('preferred_username');
  });

  it('shift sets exp relative to the emulator clock', async () => {
    const claims = idTokenClaimsOf(await mutated({ type: 'shift', claim: 'exp', seconds: -90 }));
    expect(claims.exp).toBe(nowSeconds(clock.now()) - 90);
  });

  it('shift adds an nbf in the future', async () => {
    const claims = idTokenClaimsOf(await mutated({ type: 'shift', claim: 'nbf', seconds: 90 }));
    expect(claims.nbf).toBe(nowSeconds(clock.now()) + 90);
  });

  it('shift moves iat into the future', async () => {
    const claims = idTokenClaimsOf(await mutated({ type: 'shift', claim: 'iat', seconds: 600 }));
    expect(claims.iat).toBe(nowSeconds(clock.now()) + 600);
  });

  it('auth_result deny makes a validly signed token that says deny', async () => {
    const jwt = idToken(await mutated({ type: 'auth_result', status: 'deny' }));
    const { payload } = await jwtVerify(jwt, secret(), { currentDate: new Date(clock.now()) });
    expect(payload.auth_result).toMatchObject({ result: 'deny', status: 'deny' });
    expect(payload.auth_context).toMatchObject({ result: 'denied' });
  });

  it('auth_result fraud makes a token whose status is fraud', async () => {
    const claims = idTokenClaimsOf(await mutated({ type: 'auth_result', status: 'fraud' }));
    expect(claims.auth_result).toMatchObject({ result: 'deny', status: 'fraud' });
    expect(claims.auth_context).toMatchObject({ result: 'fraud', reason: 'user_marked_fraud' });
  });
});
