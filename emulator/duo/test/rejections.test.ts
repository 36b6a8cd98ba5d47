// Case 52: everything Duo refuses, the emulator refuses — or a portal bug would pass here and fail against Duo.
import { describe, expect, it } from 'vitest';
import {
  approvedCode,
  authorizeUrl,
  clientAssertion,
  emulatorSuite,
  httpsRequest,
  nowSeconds,
  postHealth,
  postToken,
  REDIRECT_URI,
  type TestClient,
  tokenForm,
} from './helpers.ts';

const { clock, emulator, client } = emulatorSuite({ emulator: { codeTtlSeconds: 60 } });
const INVALID_ASSERTION = { error: 'invalid_client', error_description: 'The provided client_assertion was invalid.' };

const freshCode = async (c: TestClient = client) =>
  approvedCode(emulator, await authorizeUrl(emulator, c, clock.now()));

async function authorizeGet(url: string) {
  const { pathname, search } = new URL(url);
  return httpsRequest(emulator, { path: `${pathname}${search}` });
}

describe('token endpoint rejections', () => {
  it('rejects an assertion signed with the wrong secret', async () => {
    const code = await freshCode();
    const forged = await clientAssertion(emulator, { ...client, clientSecret: 'y'.repeat(40) }, 'token', clock.now());
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, code, clock.now(), { client_assertion: forged }),
    );
    expect(res.status).toBe(400);
    expect(res.json()).toEqual(INVALID_ASSERTION);
  });

  it('rejects an assertion whose aud is the health-check URL', async () => {
    const wrongAud = await clientAssertion(emulator, client, 'health_check', clock.now());
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, await freshCode(), clock.now(), { client_assertion: wrongAud }),
    );
    expect(res.json()).toEqual(INVALID_ASSERTION);
  });

  it('rejects an assertion whose aud lacks the port', async () => {
    const aud = `https://${emulator.apiHost.split(':')[0]}/oauth/v1/token`;
    const assertion = await clientAssertion(emulator, client, 'token', clock.now(), { aud });
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, await freshCode(), clock.now(), { client_assertion: assertion }),
    );
    expect(res.json()).toEqual(INVALID_ASSERTION);
  });

  it('rejects an expired assertion (a client clock 10 minutes slow)', async () => {
    const slow = clock.now() - 600_000;
    const assertion = await clientAssertion(emulator, client, 'token', slow);
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, await freshCode(), clock.now(), { client_assertion: assertion }),
    );
    expect(res.json()).toEqual(INVALID_ASSERTION);
  });

  it('rejects an assertion whose exp is more than 3600 s ahead (duo_universal_java#65)', async () => {
    const assertion = await clientAssertion(emulator, client, 'token', clock.now(), {
      exp: nowSeconds(clock.now()) + 3601,
    });
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, await freshCode(), clock.now(), { client_assertion: assertion }),
    );
    expect(res.json()).toEqual(INVALID_ASSERTION);
  });

  it('rejects an unknown client', async () => {
    const stranger = { clientId: 'DIXXXXXXXXXXXXXXXXXX', clientSecret: 'z'.repeat(40) };
    const res = await postToken(emulator, await tokenForm(emulator, stranger, await freshCode(), clock.now()));
    expect(res.status).toBe(400);
    expect(res.json()).toEqual(INVALID_ASSERTION);
  });

  it('rejects a client_id that differs from the assertion iss', async () => {
    const other = emulator.registerClient();
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, await freshCode(), clock.now(), { client_id: other.clientId }),
    );
    expect(res.json<{ error: string }>().error).toBe('invalid_client');
  });

  it('rejects a reused code with invalid_grant', async () => {
    const code = await freshCode();
    expect((await postToken(emulator, await tokenForm(emulator, client, code, clock.now()))).status).toBe(200);
    const again = await postToken(emulator, await tokenForm(emulator, client, code, clock.now()));
    expect(again.status).toBe(400);
    expect(again.json<{ error: string }>().error).toBe('invalid_grant');
  });

  it('rejects a code issued to another client', async () => {
    const other = emulator.registerClient();
    const code = await freshCode(other);
    const res = await postToken(emulator, await tokenForm(emulator, client, code, clock.now()));
    expect(res.json<{ error: string }>().error).toBe('invalid_grant');
  });

  it('rejects a redirect_uri that differs from the authorize request', async () => {
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, await freshCode(), clock.now(), { redirect_uri: `${REDIRECT_URI}/` }),
    );
    expect(res.json<{ error: string }>().error).toBe('invalid_grant');
  });

  it('rejects a redirect_uri longer than 256 characters with the field message', async () => {
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, await freshCode(), clock.now(), {
        redirect_uri: `https://x.test/${'a'.repeat(250)}`,
      }),
    );
    expect(res.status).toBe(400);
    expect(res.json<{ error_description: string }>().error_description).toBe(
      "redirect_uri: ['Length must be between 1 and 256.']",
    );
  });

  it('rejects a code past its lifetime', async () => {
    const code = await freshCode();
    clock.advance(61_000);
    const res = await postToken(emulator, await tokenForm(emulator, client, code, clock.now()));
    expect(res.json<{ error: string }>().error).toBe('invalid_grant');
  });

  it('rejects a code the emulator never issued', async () => {
    const res = await postToken(emulator, await tokenForm(emulator, client, 'not-a-code', clock.now()));
    expect(res.json<{ error: string }>().error).toBe('invalid_grant');
  });

  it('rejects a grant_type other than authorization_code', async () => {
    const res = await postToken(
      emulator,
      await tokenForm(emulator, client, await freshCode(), clock.now(), { grant_type: 'client_credentials' }),
    );
    expect(res.json<{ error: string }>().error).toBe('unsupported_grant_type');
  });
});

describe('health check rejections', () => {
  it('answers FAIL 40002 for a bad signature', async () => {
    const forged = await clientAssertion(
      emulator,
      { ...client, clientSecret: 'q'.repeat(40) },
      'health_check',
      clock.now(),
    );
    const res = await postHealth(emulator, { client_id: client.clientId, client_assertion: forged });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      stat: 'FAIL',
      code: 40002,
      message: 'invalid_client',
      message_detail: 'Failed to verify signature.',
      timestamp: nowSeconds(clock.now()),
    });
  });

  it('answers FAIL 40002 for an assertion whose aud is the token URL', async () => {
    const assertion = await clientAssertion(emulator, client, 'token', clock.now());
    const res = await postHealth(emulator, { client_id: client.clientId, client_assertion: assertion });
    expect(res.json()).toMatchObject({ stat: 'FAIL', code: 40002, message: 'invalid_client' });
  });

  it('answers FAIL 40002 for an unknown client', async () => {
    const stranger = { clientId: 'DIUNKNOWNUNKNOWN0000', clientSecret: 'z'.repeat(40) };
    const assertion = await clientAssertion(emulator, stranger, 'health_check', clock.now());
    const res = await postHealth(emulator, { client_id: stranger.clientId, client_assertion: assertion });
    expect(res.json()).toMatchObject({ stat: 'FAIL', code: 40002 });
  });

  it('answers FAIL 40002 for an expired assertion', async () => {
    const assertion = await clientAssertion(emulator, client, 'health_check', clock.now() - 301_000);
    const res = await postHealth(emulator, { client_id: client.clientId, client_assertion: assertion });
    expect(res.json()).toMatchObject({ stat: 'FAIL', code: 40002 });
  });

  it('answers FAIL 40002 for an assertion without jti', async () => {
    const assertion = await clientAssertion(emulator, client, 'health_check', clock.now(), { jti: undefined });
    const res = await postHealth(emulator, { client_id: client.clientId, client_assertion: assertion });
    expect(res.json()).toMatchObject({ stat: 'FAIL', code: 40002 });
  });
});

describe('authorize rejections: a JSON error and never a redirect', () => {
  const expectErrorPage = async (url: string, text: RegExp) => {
    const res = await authorizeGet(url);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<{ error: string; error_description: string }>();
    expect(body.error).toMatch(/^(invalid_request|invalid_client|unauthorized_request)$/);
    expect(body.error_description).toMatch(text);
    const direct = await emulator.completeAuthorization(url);
    expect(direct.kind).toBe('error');
  };

  it('a request JWT signed with another secret', async () => {
    await expectErrorPage(await authorizeUrl(emulator, client, clock.now(), { secret: 'w'.repeat(40) }), /signature/);
  });

  it('an unknown client', async () => {
    const stranger = { clientId: 'DIUNKNOWNUNKNOWN0001', clientSecret: 'z'.repeat(40) };
    await expectErrorPage(await authorizeUrl(emulator, stranger, clock.now()), /Invalid client_id/);
  });

  it('a state shorter than 16 characters', async () => {
    await expectErrorPage(
      await authorizeUrl(emulator, client, clock.now(), { claims: { state: 's'.repeat(15) } }),
      /state/,
    );
  });

  it('a state longer than 1024 characters', async () => {
    await expectErrorPage(
      await authorizeUrl(emulator, client, clock.now(), { claims: { state: 's'.repeat(1025) } }),
      /state/,
    );
  });

  it('an empty duo_uname', async () => {
    await expectErrorPage(await authorizeUrl(emulator, client, clock.now(), { username: '' }), /duo_uname/);
  });

  it('an expired request JWT', async () => {
    const exp = nowSeconds(clock.now()) - 1;
    await expectErrorPage(await authorizeUrl(emulator, client, clock.now(), { claims: { exp } }), /expired/);
  });

  it('a request JWT whose exp is more than 3600 s ahead', async () => {
    const exp = nowSeconds(clock.now()) + 3601;
    await expectErrorPage(await authorizeUrl(emulator, client, clock.now(), { claims: { exp } }), /3600/);
  });

  it('a request JWT whose client_id differs from the query client_id', async () => {
    const other = emulator.registerClient();
    const url = await authorizeUrl(emulator, client, clock.now(), { claims: { client_id: other.clientId } });
    await expectErrorPage(url, /client_id/);
  });

  it('a request JWT whose aud names another host', async () => {
    const url = await authorizeUrl(emulator, client, clock.now(), {
      claims: { aud: 'https://api-evil.duosecurity.com' },
    });
    await expectErrorPage(url, /aud/);
  });
});
