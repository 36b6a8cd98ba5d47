// The prompt's decisions over plain HTTPS (no browser): user status, New User policy, push answers, enrolment.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuoEmulator, startDuoEmulator } from '../index.ts';
import { authorizeUrl, httpsRequest, REDIRECT_URI, type TestClient, testClock } from './helpers.ts';

const clock = testClock();
const dataDir = mkdtempSync(join(tmpdir(), 'duo-prompt-test-'));
let emulator: DuoEmulator;
let client: TestClient;

beforeAll(async () => {
  emulator = await startDuoEmulator({ now: clock.now, dataDir, pushTimeoutMs: 60_000 });
  client = emulator.registerClient({ name: 'Portcullis' });
});

afterAll(async () => {
  await emulator.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function openPrompt(username: string) {
  const { pathname, search } = new URL(await authorizeUrl(emulator, client, clock.now(), { username }));
  return httpsRequest(emulator, { path: `${pathname}${search}` });
}

const txidOf = (location: unknown): string =>
  new URL(String(location), emulator.baseUrl).searchParams.get('txid') ?? '';
const page = (txid: string) => httpsRequest(emulator, { path: `/frame/prompt?txid=${encodeURIComponent(txid)}` });
const post = (path: string, txid: string, fields: Record<string, string> = {}) =>
  httpsRequest(emulator, { path, form: { txid, ...fields } });

function expectCallback(location: unknown) {
  const url = new URL(String(location));
  expect(`${url.origin}${url.pathname}`).toBe(REDIRECT_URI);
  expect(url.searchParams.get('duo_code')).toBeTruthy();
  expect(url.searchParams.get('state')).toBe('state-0123456789abcdef-0123456789');
}

describe('what GET /oauth/v1/authorize does for each kind of user', () => {
  it('an enrolled user with autoPush approve is redirected straight back with duo_code and state', async () => {
    emulator.setUser('auto', { enrolled: true, autoPush: 'approve' });
    const res = await openPrompt('auto');
    expect(res.status).toBe(302);
    expectCallback(res.headers.location);
  });

  it('an enrolled user without autoPush is shown the prompt with "Send Me a Push"', async () => {
    emulator.setUser('manual', { enrolled: true, phone: '+1 555-0142' });
    const res = await openPrompt('manual');
    expect(res.status).toBe(303);
    const prompt = await page(txidOf(res.headers.location));
    expect(prompt.body).toContain('Send Me a Push');
    expect(prompt.body).toContain('+1 555-0142');
  });

  it('an enrolled user with autoPush deny lands on the prompt with the denial and a fraud report', async () => {
    emulator.setUser('autodeny', { enrolled: true, autoPush: 'deny' });
    const res = await openPrompt('autodeny');
    const prompt = await page(txidOf(res.headers.location));
    expect(prompt.body).toContain('Login request denied.');
    expect(prompt.body).toContain('Report as fraud');
  });

  it('a bypass user is redirected back without a push', async () => {
    emulator.setUser('bypass', { status: 'bypass' });
    expectCallback((await openPrompt('bypass')).headers.location);
  });

  it('a remembered device is redirected back without a push', async () => {
    emulator.setUser('remember', { enrolled: true, rememberedDevice: true });
    expectCallback((await openPrompt('remember')).headers.location);
  });

  it.each([
    ['disabled', 'user_disabled'],
    ['locked_out', 'locked_out'],
  ] as const)('a %s user gets the access denied page and no redirect', async (status, reason) => {
    emulator.setUser(`u-${status}`, { enrolled: true, status });
    const res = await openPrompt(`u-${status}`);
    expect(res.status).toBe(200);
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toContain('Access denied');
    expect(res.body).toContain(reason);
  });

  it('an unknown user under the deny policy is denied, with no redirect', async () => {
    emulator.setNewUserPolicy('deny');
    const res = await openPrompt('stranger-deny');
    emulator.setNewUserPolicy('enroll');
    expect(res.headers.location).toBeUndefined();
    expect(res.body).toContain('deny_unenrolled_user');
  });

  it('an unknown user under the allow policy is let through without 2FA', async () => {
    emulator.setNewUserPolicy('allow');
    const res = await openPrompt('stranger-allow');
    emulator.setNewUserPolicy('enroll');
    expectCallback(res.headers.location);
  });

  it('an unknown user under the enroll policy starts the enrolment walk', async () => {
    const res = await openPrompt('stranger-enroll');
    const prompt = await page(txidOf(res.headers.location));
    expect(prompt.body).toContain('Choose an authentication method');
    expect(prompt.body).toContain('>Duo Mobile</button>');
  });
});

describe('push answers', () => {
  it('deny, then "Send Me a Push" again, then approve redirects once', async () => {
    emulator.setUser('retry', { enrolled: true });
    const txid = txidOf((await openPrompt('retry')).headers.location);
    expect((await post('/frame/push', txid)).status).toBe(303);
    expect((await page(txid)).body).toContain('Check for a Duo Push');
    await post('/frame/push/answer', txid, { answer: 'deny' });
    expect((await page(txid)).body).toContain('Login request denied.');
    await post('/frame/push', txid);
    const approved = await post('/frame/push/answer', txid, { answer: 'approve' });
    expect(approved.status).toBe(302);
    expectCallback(approved.headers.location);
    expect((await post('/frame/push/answer', txid, { answer: 'approve' })).status).toBe(400);
  });

  it('no answer within the push timeout shows the timeout notice, and a late approval does not redirect', async () => {
    emulator.setUser('sleepy', { enrolled: true, pushTimeoutMs: 5_000 });
    const txid = txidOf((await openPrompt('sleepy')).headers.location);
    await post('/frame/push', txid);
    clock.advance(5_000);
    expect((await page(txid)).body).toContain('Login request timed out.');
    const late = await post('/frame/push/answer', txid, { answer: 'approve' });
    expect(late.status).toBe(303);
  });

  it('reporting a denial as fraud locks the user out', async () => {
    emulator.setUser('victim', { enrolled: true });
    const txid = txidOf((await openPrompt('victim')).headers.location);
    await post('/frame/push', txid);
    await post('/frame/push/answer', txid, { answer: 'deny' });
    const reported = await post('/frame/push/fraud', txid);
    expect(reported.body).toContain('user_marked_fraud');
    expect(emulator.getUser('victim')?.status).toBe('locked_out');
    expect((await openPrompt('victim')).body).toContain('Access denied');
  });

  it('an unknown transaction id gets the expiry page', async () => {
    const res = await post('/frame/push', 'not-a-transaction');
    expect(res.status).toBe(400);
    expect(res.body).toContain('Session expired');
  });
});

describe('completeAuthorization()', () => {
  it('says denied with Duo’s reason for a deny and a timeout', async () => {
    emulator.setUser('answers', { enrolled: true });
    const url = await authorizeUrl(emulator, client, clock.now(), { username: 'answers' });
    expect(await emulator.completeAuthorization(url, 'deny')).toEqual({ kind: 'denied', reason: 'user_mistake' });
    expect(await emulator.completeAuthorization(url, 'timeout')).toEqual({ kind: 'denied', reason: 'no_response' });
  });

  it('enrols an unknown user under the enroll policy before the approved push', async () => {
    const url = await authorizeUrl(emulator, client, clock.now(), { username: 'walker' });
    expect((await emulator.completeAuthorization(url)).kind).toBe('redirect');
    expect(emulator.getUser('walker')).toMatchObject({ status: 'active', enrolled: true });
  });

  it('refuses a URL that is not this emulator’s authorize endpoint', async () => {
    const result = await emulator.completeAuthorization('https://api-x.duosecurity.com/oauth/v1/authorize?x=1');
    expect(result.kind).toBe('error');
  });
});

describe('enrolment walk over HTTP', () => {
  it('walks method, number, confirm, QR, phone scan, continue and the first push, and persists the user', async () => {
    const txid = txidOf((await openPrompt('newbie')).headers.location);
    await post('/frame/enroll/method', txid, { method: 'duo_mobile' });
    await post('/frame/enroll/phone', txid, { country: 'BR', phone: '12' });
    expect((await page(txid)).body).toContain('Enter a valid mobile phone number');
    await post('/frame/enroll/phone', txid, { country: 'BR', phone: '11 98765-4321' });
    expect((await page(txid)).body).toContain('+55 11987654321');
    await post('/frame/enroll/confirm', txid, { correct: 'yes' });
    await post('/frame/enroll/next', txid);
    const qr = (await page(txid)).body;
    expect(qr).toMatch(/<img class="qr" src="data:image\/png;base64,/);
    const link = /<code>(https:\/\/[^<]+\/frame\/enroll\/activate\/[^<]+)<\/code>/.exec(qr)?.[1] ?? '';
    const scanned = await httpsRequest(emulator, { path: new URL(link).pathname });
    expect(scanned.body).toContain('Duo Mobile activated');
    expect((await httpsRequest(emulator, { path: new URL(link).pathname })).status).toBe(404);
    expect((await page(txid)).body).toContain('Duo Mobile added');
    await post('/frame/enroll/continue', txid);
    expect((await page(txid)).body).toContain('Log in with Duo');
    await post('/frame/enroll/login', txid);
    const done = await post('/frame/push/answer', txid, { answer: 'approve' });
    expectCallback(done.headers.location);

    expect(emulator.getUser('newbie')).toMatchObject({ enrolled: true, phone: '+55 11987654321' });
    const saved = JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')) as { users: { username: string }[] };
    expect(saved.users.map((u) => u.username)).toContain('newbie');
  });

  it('a button from a later step does not skip the walk ahead', async () => {
    const txid = txidOf((await openPrompt('skipper')).headers.location);
    await post('/frame/enroll/continue', txid);
    await post('/frame/enroll/login', txid);
    expect((await page(txid)).body).toContain('Choose an authentication method');
    expect(emulator.getUser('skipper')).toBeUndefined();
  });
});

describe('status page and recording', () => {
  it('GET / names the ready Client ID and the users, never the secret', async () => {
    emulator.setUser('listed', { enrolled: true });
    const res = await httpsRequest(emulator, { path: '/' });
    expect(res.body).toContain(emulator.readyClient.clientId);
    expect(res.body).toContain('listed');
    expect(res.body).not.toContain(emulator.readyClient.clientSecret);
  });

  it('pages forbid loading anything from anywhere', async () => {
    const res = await httpsRequest(emulator, { path: '/' });
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).not.toMatch(/(src|href)="https?:/);
  });

  it('records every request in order with method, path, query and headers', async () => {
    emulator.clearRequests();
    await openPrompt('recorded');
    await httpsRequest(emulator, { path: '/?probe=1' });
    expect(emulator.requests.map((r) => [r.method, r.path])).toEqual([
      ['GET', '/oauth/v1/authorize'],
      ['GET', '/'],
    ]);
    expect(emulator.requests[0]?.query.client_id).toBe(client.clientId);
    expect(emulator.requests[1]?.query).toEqual({ probe: '1' });
    expect(emulator.requests[1]?.headers.host).toBe(emulator.apiHost);
    emulator.clearRequests();
    expect(emulator.requests).toHaveLength(0);
  });
});
