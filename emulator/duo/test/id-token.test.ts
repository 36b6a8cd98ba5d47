// Case 53 and the id_token claim set (docs/duo-emulator.md, "The protocol as emulated").
import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  approvedCode,
  authorizeUrl,
  emulatorSuite,
  idTokenClaimsOf,
  nowSeconds,
  postToken,
  tokenForm,
} from './helpers.ts';

const { clock, emulator, client } = emulatorSuite({
  clientName: 'Portcullis staging',
  alice: { enrolled: true, phone: '+1 555-0100' },
});

async function loginAs(username: string) {
  const url = await authorizeUrl(emulator, client, clock.now(), { username });
  const code = await approvedCode(emulator, url);
  return postToken(emulator, await tokenForm(emulator, client, code, clock.now()));
}

describe('token response and id_token (case 53)', () => {
  it('iss is https://<configured host including port>/oauth/v1/token', async () => {
    const claims = idTokenClaimsOf(await loginAs('alice'));
    expect(emulator.apiHost).toMatch(/^localhost:\d+$/);
    expect(claims.iss).toBe(`https://${emulator.apiHost}/oauth/v1/token`);
  });

  it('aud is the client ID as a string, not an array', async () => {
    const claims = idTokenClaimsOf(await loginAs('alice'));
    expect(claims.aud).toBe(client.clientId);
  });

  it('expires_in is an integer and token_type is exactly "Bearer"', async () => {
    const body = (await loginAs('alice')).json();
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'token_type']);
    expect(Number.isInteger(body.expires_in)).toBe(true);
    expect(body.token_type).toBe('Bearer');
  });

  it('the id_token is HS512-signed with the client secret', async () => {
    const { id_token } = (await loginAs('alice')).json<{ id_token: string }>();
    const { protectedHeader } = await jwtVerify(id_token, new TextEncoder().encode(client.clientSecret), {
      algorithms: ['HS512'],
      currentDate: new Date(clock.now()),
    });
    expect(protectedHeader.alg).toBe('HS512');
  });

  it('iat is the token call, auth_time the approval, and exp is auth_time + 3600', async () => {
    const url = await authorizeUrl(emulator, client, clock.now());
    const approvedAt = nowSeconds(clock.now());
    const code = await approvedCode(emulator, url);
    clock.advance(20_000);
    const claims = idTokenClaimsOf(await postToken(emulator, await tokenForm(emulator, client, code, clock.now())));
    expect(claims.auth_time).toBe(approvedAt);
    expect(claims.iat).toBe(approvedAt + 20);
    expect(claims.exp).toBe(approvedAt + 3600);
  });

  it("preferred_username is Duo's lowercased copy of the sent duo_uname (was: the sent case echoed)", async () => {
    const claims = idTokenClaimsOf(await loginAs('Alice'));
    expect(claims.preferred_username).toBe('alice');
    expect(claims.sub).toBe('alice');
  });

  it('sub is the canonical name when the user signs in with an alias', async () => {
    emulator.setUser('a.smith@example.test', { enrolled: true, canonicalName: 'asmith' });
    const claims = idTokenClaimsOf(await loginAs('a.smith@example.test'));
    expect(claims.sub).toBe('asmith');
    expect(claims.preferred_username).toBe('a.smith@example.test');
    expect((claims.auth_context as { alias: string }).alias).toBe('a.smith@example.test');
  });

  it('auth_result is allow and auth_context describes the push', async () => {
    const claims = idTokenClaimsOf(await loginAs('alice'));
    expect(claims.auth_result).toEqual({ result: 'allow', status: 'allow', status_msg: 'Login Successful' });
    const ctx = claims.auth_context as Record<string, unknown>;
    expect(ctx.txid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ctx).toMatchObject({
      event_type: 'authentication',
      result: 'success',
      reason: 'user_approved',
      factor: 'duo_push',
      timestamp: claims.auth_time,
      user: { name: 'alice' },
      application: { name: 'Portcullis staging', key: client.clientId },
      auth_device: { name: '+1 555-0100' },
      access_device: { ip: '127.0.0.1' },
    });
    expect((ctx.user as { key: string }).key).toMatch(/^DU[A-Z0-9]{18}$/);
    expect((ctx.auth_device as { key: string }).key).toMatch(/^DP[A-Z0-9]{18}$/);
    expect(ctx.isotimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
  });

  it('a bypass user gets an allow token with reason bypass_user', async () => {
    emulator.setUser('bypassed', { status: 'bypass' });
    const ctx = idTokenClaimsOf(await loginAs('bypassed')).auth_context as Record<string, unknown>;
    expect(ctx.reason).toBe('bypass_user');
  });

  it('a remembered device gets an allow token with reason remembered_device', async () => {
    emulator.setUser('remembered', { enrolled: true, rememberedDevice: true });
    const ctx = idTokenClaimsOf(await loginAs('remembered')).auth_context as Record<string, unknown>;
    expect(ctx.reason).toBe('remembered_device');
  });

  it('an unenrolled user under the allow policy gets reason allow_unenrolled_user', async () => {
    emulator.setNewUserPolicy('allow');
    try {
      const ctx = idTokenClaimsOf(await loginAs('newcomer-allowed')).auth_context as Record<string, unknown>;
      expect(ctx.reason).toBe('allow_unenrolled_user');
    } finally {
      emulator.setNewUserPolicy('enroll');
    }
  });
});
