// Case 50: the official Node SDK, unmodified except for its pinned CA agent, talks to the emulator end to end.
// This is the emulator's proof that it speaks Duo's protocol rather than our own idea of it.
import https from 'node:https';
import { Client } from '@duosecurity/duo_universal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuoEmulator, startDuoEmulator } from '../index.ts';
import { httpsRequest, REDIRECT_URI } from './helpers.ts';

let emulator: DuoEmulator;

function sdkClient(creds: { clientId: string; clientSecret: string }, useDuoCodeAttribute = true): Client {
  const client = new Client({ ...creds, apiHost: emulator.apiHost, redirectUrl: REDIRECT_URI, useDuoCodeAttribute });
  // 3.0.0 pins Duo's CA bundle with no option to change it; only the agent is swapped.
  (client as unknown as { axios: { defaults: { httpsAgent: https.Agent } } }).axios.defaults.httpsAgent =
    new https.Agent({ ca: emulator.caPem });
  return client;
}

beforeAll(async () => {
  emulator = await startDuoEmulator();
});

afterAll(async () => {
  await emulator.close();
});

describe('official @duosecurity/duo_universal 3.0.0 against the emulator', () => {
  it('healthCheck() succeeds with a registered client', async () => {
    const client = sdkClient(emulator.registerClient());
    const health = await client.healthCheck();
    expect(health.stat).toBe('OK');
    expect(Number.isInteger(health.response.timestamp)).toBe(true);
  });

  it('healthCheck() fails with the SDK error text when the secret is wrong', async () => {
    const { clientId } = emulator.registerClient();
    const client = sdkClient({ clientId, clientSecret: 'x'.repeat(40) });
    await expect(client.healthCheck()).rejects.toThrow('invalid_client: Failed to verify signature.');
  });

  it('createAuthUrl(), the prompt and exchangeAuthorizationCodeFor2FAResult() complete a login', async () => {
    const creds = emulator.registerClient();
    const client = sdkClient(creds);
    emulator.setUser('alice', { enrolled: true, phone: '+1 555-0100' });
    const state = client.generateState();
    const authUrl = await client.createAuthUrl('alice', state);

    const outcome = await emulator.completeAuthorization(authUrl, 'approve');
    expect(outcome.kind).toBe('redirect');
    const callback = new URL((outcome as { url: string }).url);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('state')).toBe(state);

    const token = await client.exchangeAuthorizationCodeFor2FAResult(
      callback.searchParams.get('duo_code') ?? '',
      'alice',
    );
    expect(token.preferred_username).toBe('alice');
    expect(token.aud).toBe(creds.clientId);
    expect(token.iss).toBe(`https://${emulator.apiHost}/oauth/v1/token`);
    expect(token.auth_result).toEqual({ result: 'allow', status: 'allow', status_msg: 'Login Successful' });
    expect(token.auth_context.factor).toBe('duo_push');
    expect(token.auth_context.reason).toBe('user_approved');
  });

  it('an autoPush user is redirected straight back by GET /oauth/v1/authorize, and the SDK redeems the code', async () => {
    const client = sdkClient(emulator.registerClient());
    emulator.setUser('bob', { enrolled: true, autoPush: 'approve' });
    const state = client.generateState();
    const authUrl = new URL(await client.createAuthUrl('bob', state));

    const res = await httpsRequest(emulator, { path: `${authUrl.pathname}${authUrl.search}` });
    expect(res.status).toBe(302);
    const callback = new URL(String(res.headers.location));
    expect(callback.searchParams.get('state')).toBe(state);
    const token = await client.exchangeAuthorizationCodeFor2FAResult(
      callback.searchParams.get('duo_code') ?? '',
      'bob',
    );
    expect(token.preferred_username).toBe('bob');
  });

  it('with useDuoCodeAttribute false the callback carries code instead of duo_code', async () => {
    const client = sdkClient(emulator.registerClient(), false);
    emulator.setUser('carol', { enrolled: true });
    const outcome = await emulator.completeAuthorization(await client.createAuthUrl('carol', client.generateState()));
    const callback = new URL((outcome as { url: string }).url);
    expect(callback.searchParams.has('duo_code')).toBe(false);
    const token = await client.exchangeAuthorizationCodeFor2FAResult(callback.searchParams.get('code') ?? '', 'carol');
    expect(token.preferred_username).toBe('carol');
  });

  it('the SDK sees invalid_grant when it redeems the same code twice', async () => {
    const client = sdkClient(emulator.registerClient());
    emulator.setUser('dave', { enrolled: true });
    const outcome = await emulator.completeAuthorization(await client.createAuthUrl('dave', client.generateState()));
    const code = new URL((outcome as { url: string }).url).searchParams.get('duo_code') ?? '';
    await client.exchangeAuthorizationCodeFor2FAResult(code, 'dave');
    await expect(client.exchangeAuthorizationCodeFor2FAResult(code, 'dave')).rejects.toThrow(/^invalid_grant: /);
  });

  it('records the SDK requests exactly as sent: form-encoded client_id and client_assertion on health_check', async () => {
    const creds = emulator.registerClient();
    emulator.clearRequests();
    await sdkClient(creds).healthCheck();
    const [recorded] = emulator.requests;
    expect(recorded?.method).toBe('POST');
    expect(recorded?.path).toBe('/oauth/v1/health_check');
    expect(Object.keys(recorded?.form ?? {}).sort()).toEqual(['client_assertion', 'client_id']);
    expect(recorded?.form?.client_id).toBe(creds.clientId);
  });
});
