// Where the emulator used to differ from Duo (issue 16, items 1–6), each pinned by a test named after the difference,
// and the request bodies Duo's SDKs send: urlencoded (Node, Python, Java, Go, C#) and multipart/form-data (PHP).
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  approvedCode,
  authorizeUrl,
  clientAssertion,
  emulatorSuite,
  httpsRequest,
  idTokenClaimsOf,
  postHealth,
  postToken,
  REDIRECT_URI,
  tokenForm,
} from './helpers.ts';

const { clock, emulator, client } = emulatorSuite({ alice: { enrolled: true, autoPush: 'approve' } });

const authorizeGet = async (url: string) => {
  const { pathname, search } = new URL(url);
  return httpsRequest(emulator, { path: `${pathname}${search}` });
};

/** A multipart body encoded by undici's FormData (as a browser or fetch() would). */
async function multipart(fields: Record<string, string>): Promise<{ body: string; type: string }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const request = new Request('https://encoder.invalid/', { method: 'POST', body: form });
  return { body: await request.text(), type: request.headers.get('content-type') ?? '' };
}

/** A multipart body laid out as PHP's curl sends it (CURLOPT_POSTFIELDS with an array). */
function curlMultipart(fields: Record<string, string>): { body: string; type: string } {
  const boundary = '------------------------5f1c0e4d7b8a9c21';
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return { body: `${parts.join('')}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` };
}

const postRaw = (path: string, encoded: { body: string; type: string }) =>
  httpsRequest(emulator, { method: 'POST', path, headers: { 'content-type': encoded.type }, body: encoded.body });

describe('1. preferred_username', () => {
  it('comes back lowercased, as Duo stores names (was: the sent case echoed; duo_universal_csharp#47)', async () => {
    emulator.setUser('Mixed.Case@Example.COM', { enrolled: true, autoPush: 'approve' });
    const url = await authorizeUrl(emulator, client, clock.now(), { username: 'Mixed.Case@Example.COM' });
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, await approvedCode(emulator, url), clock.now()),
    );
    const claims = idTokenClaimsOf(res);
    expect(claims.preferred_username).toBe('mixed.case@example.com');
    expect(claims.sub).toBe('mixed.case@example.com');
    expect(emulator.getUser('mixed.case@example.com')).toBeDefined();
  });
});

describe('2. applications that are not Web SDK ones, and accounts without frameless access', () => {
  it('Admin API credentials are refused with unauthorized_request at health check, authorize and token', async () => {
    const admin = emulator.registerClient({ type: 'admin_api' });
    const expected = { error: 'unauthorized_request', error_description: 'Unauthorized OIDC request' };
    const health = await postHealth(emulator, {
      client_id: admin.clientId,
      client_assertion: await clientAssertion(emulator, admin, 'health_check', clock.now()),
    });
    expect(health.status).toBe(401);
    expect(health.json()).toEqual(expected);
    const authorize = await authorizeGet(await authorizeUrl(emulator, admin, clock.now()));
    expect(authorize.status).toBe(401);
    expect(authorize.json()).toEqual(expected);
    const token = await postToken(emulator, await tokenForm(emulator, admin, 'no-such-code', clock.now()));
    expect(token.status).toBe(401);
    expect(token.json()).toEqual(expected);
  });

  it('an account without frameless access gets a 401 at the token call (duo_universal_java#8)', async () => {
    const code = await approvedCode(emulator, await authorizeUrl(emulator, client, clock.now()));
    emulator.setKnobs({ framelessAccess: false });
    try {
      const res = await postToken(emulator, await tokenForm(emulator, client, code, clock.now()));
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({
        error: 'invalid_client',
        error_description: 'Customer does not have frameless access enabled.',
      });
    } finally {
      emulator.setKnobs({ framelessAccess: true });
    }
  });
});

describe('3. a replayed client-assertion jti', () => {
  it('is refused by default at the token call and the health check (was: accepted)', async () => {
    const assertion = await clientAssertion(emulator, client, 'token', clock.now());
    const first = await postToken(
      emulator,
      await tokenForm(
        emulator,
        client,
        await approvedCode(emulator, await authorizeUrl(emulator, client, clock.now())),
        clock.now(),
        {
          client_assertion: assertion,
        },
      ),
    );
    expect(first.status).toBe(200);
    const code = await approvedCode(emulator, await authorizeUrl(emulator, client, clock.now()));
    const replay = await postToken(
      emulator,
      await tokenForm(emulator, client, code, clock.now(), { client_assertion: assertion }),
    );
    expect(replay.status).toBe(400);
    expect(replay.json()).toMatchObject({ error: 'invalid_client' });
    // The code was not spent by the refused call.
    expect((await postToken(emulator, await tokenForm(emulator, client, code, clock.now()))).status).toBe(200);

    const health = await clientAssertion(emulator, client, 'health_check', clock.now());
    expect((await postHealth(emulator, { client_id: client.clientId, client_assertion: health })).json()).toMatchObject(
      { stat: 'OK' },
    );
    expect((await postHealth(emulator, { client_id: client.clientId, client_assertion: health })).json()).toMatchObject(
      { stat: 'FAIL', code: 40002 },
    );
  });

  it('is accepted with the jtiReplay knob set to accept', async () => {
    emulator.setKnobs({ jtiReplay: 'accept' });
    try {
      const health = await clientAssertion(emulator, client, 'health_check', clock.now());
      for (let i = 0; i < 2; i += 1)
        expect(
          (await postHealth(emulator, { client_id: client.clientId, client_assertion: health })).json(),
        ).toMatchObject({ stat: 'OK' });
    } finally {
      emulator.setKnobs({ jtiReplay: 'reject' });
    }
  });
});

describe('4. the HTTP status of a failed health check', () => {
  const failedHealth = async () =>
    postHealth(emulator, {
      client_id: client.clientId,
      client_assertion: await clientAssertion(
        emulator,
        { ...client, clientSecret: 'k'.repeat(40) },
        'health_check',
        clock.now(),
      ),
    });

  it('is 200 with the FAIL envelope by default, as the Node and Go SDK fixtures show it', async () => {
    const res = await failedHealth();
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ stat: 'FAIL', code: 40002, message: 'invalid_client' });
  });

  it('is 400 with the healthCheckFailStatus knob', async () => {
    emulator.setKnobs({ healthCheckFailStatus: 400 });
    try {
      const res = await failedHealth();
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ stat: 'FAIL', code: 40002 });
    } finally {
      emulator.setKnobs({ healthCheckFailStatus: 200 });
    }
  });

  it('an unknown knob or value is refused', () => {
    expect(() => emulator.setKnobs({ healthCheckFailStatus: 500 as 400 })).toThrow(/healthCheckFailStatus/);
    expect(() => emulator.setKnobs({ nonsense: true } as never)).toThrow(/Unknown emulator knob/);
  });
});

describe('5. a redirect_uri over 256 characters', () => {
  it('passes the prompt and is refused at the token call (was: refused at authorize; duo_universal_java#14)', async () => {
    const redirect_uri = `${REDIRECT_URI}?${'r'.repeat(260)}`;
    const res = await authorizeGet(await authorizeUrl(emulator, client, clock.now(), { claims: { redirect_uri } }));
    expect(res.status).toBe(302);
    const callback = new URL(String(res.headers.location));
    const code = callback.searchParams.get('duo_code') ?? '';
    expect(code).not.toBe('');
    const token = await postToken(emulator, await tokenForm(emulator, client, code, clock.now(), { redirect_uri }));
    expect(token.status).toBe(400);
    expect(token.json()).toEqual({
      error: 'invalid_request',
      error_description: "redirect_uri: ['Length must be between 1 and 256.']",
    });
  });
});

describe('6. small shapes', () => {
  it('auth_context.user.key has 20 characters even for a user Duo does not know (was: 19)', async () => {
    emulator.setNewUserPolicy('allow');
    try {
      const url = await authorizeUrl(emulator, client, clock.now(), { username: 'stranger' });
      const res = await postToken(
        emulator,
        await tokenForm(emulator, client, await approvedCode(emulator, url), clock.now()),
      );
      const key = (idTokenClaimsOf(res).auth_context as { user: { key: string } }).user.key;
      expect(key).toMatch(/^DU[A-Z0-9]{18}$/);
    } finally {
      emulator.setNewUserPolicy('enroll');
    }
  });

  it('an authorize error is JSON, not a page (was: HTML)', async () => {
    const res = await authorizeGet(await authorizeUrl(emulator, client, clock.now(), { claims: { state: 'short' } }));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({
      error: 'invalid_request',
      error_description: "state: ['Length must be between 16 and 1024.']",
    });
  });

  it('an unknown path is a Duo 404, not Fastify\'s {"statusCode":404,…}', async () => {
    const res = await httpsRequest(emulator, { path: '/oauth/v1/nothing-here' });
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ stat: 'FAIL', code: 40401, message: 'Resource not found' });
  });

  it("an unsupported body type is a Duo 415, not Fastify's", async () => {
    const res = await httpsRequest(emulator, {
      method: 'POST',
      path: '/oauth/v1/health_check',
      headers: { 'content-type': 'text/plain' },
      body: 'client_id=x',
    });
    expect(res.status).toBe(415);
    expect(res.json()).toMatchObject({ stat: 'FAIL', code: 41501, message: 'Unsupported Media Type' });
    expect(res.body).not.toContain('statusCode');
  });
});

describe('request bodies', () => {
  for (const [name, encode] of [
    ['multipart/form-data (undici FormData)', multipart],
    ['multipart/form-data (PHP curl layout)', async (f: Record<string, string>) => curlMultipart(f)],
    [
      'application/x-www-form-urlencoded',
      async (f: Record<string, string>) => ({
        body: new URLSearchParams(f).toString(),
        type: 'application/x-www-form-urlencoded',
      }),
    ],
  ] as const) {
    it(`health check and token accept ${name}`, async () => {
      const health = await postRaw(
        '/oauth/v1/health_check',
        await encode({
          client_id: client.clientId,
          client_assertion: await clientAssertion(emulator, client, 'health_check', clock.now()),
        }),
      );
      expect(health.json()).toMatchObject({ stat: 'OK' });
      const code = await approvedCode(emulator, await authorizeUrl(emulator, client, clock.now()));
      const token = await postRaw(
        '/oauth/v1/token',
        await encode(await tokenForm(emulator, client, code, clock.now())),
      );
      expect(token.status).toBe(200);
      expect(decodeJwt(token.json<{ id_token: string }>().id_token).preferred_username).toBe('alice');
      expect(emulator.requests.at(-1)?.form).toMatchObject({ grant_type: 'authorization_code', code });
    });
  }

  it('a multipart part that is a file, or a body without a boundary, is refused', async () => {
    const boundary = 'XyZ123';
    const file = `--${boundary}\r\nContent-Disposition: form-data; name="client_id"; filename="id.txt"\r\n\r\nx\r\n--${boundary}--\r\n`;
    const res = await postRaw('/oauth/v1/health_check', {
      body: file,
      type: `multipart/form-data; boundary=${boundary}`,
    });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ stat: 'FAIL', code: 40001, message_detail: expect.stringContaining('file') });
    const unbounded = await postRaw('/oauth/v1/health_check', { body: 'x', type: 'multipart/form-data' });
    expect(unbounded.status).toBe(400);
  });
});
