// The prompt's "Other options" over HTTPS without a browser: Duo Mobile passcodes, bypass codes and phone calls,
// and what the id_token and the authentication log say about the factor used.
import { describe, expect, it } from 'vitest';
import { authorizeUrl, emulatorSuite, httpsRequest, idTokenClaimsOf, postToken, tokenForm } from './helpers.ts';

const { clock, emulator, client } = emulatorSuite({ alice: { enrolled: true } });

const urlFor = (username: string) => authorizeUrl(emulator, client, clock.now(), { username });

/** Redeems the redirect's code and returns the id_token's auth_context. */
async function contextOf(redirect: { kind: string; url?: string }) {
  expect(redirect.kind).toBe('redirect');
  const code = new URL(redirect.url ?? '').searchParams.get('duo_code') ?? '';
  const claims = idTokenClaimsOf(await postToken(emulator, await tokenForm(emulator, client, code, clock.now())));
  return claims.auth_context as {
    factor: string;
    reason: string;
    result: string;
    txid: string;
    auth_device: { name: string | null };
  };
}

const txidOf = (location: unknown) => new URL(String(location), emulator.baseUrl).searchParams.get('txid') ?? '';
const post = (path: string, txid: string, fields: Record<string, string>) =>
  httpsRequest(emulator, { path, form: { txid, ...fields } });
const page = (txid: string) => httpsRequest(emulator, { path: `/frame/prompt?txid=${encodeURIComponent(txid)}` });

describe('completeAuthorization with other options', () => {
  it('a Duo Mobile passcode: factor duo_mobile_passcode, reason valid_passcode, each passcode once', async () => {
    emulator.setUser('pat', { enrolled: true });
    const passcode = emulator.passcodeFor('pat') ?? '';
    expect(passcode).toMatch(/^\d{6}$/);
    const ctx = await contextOf(
      await emulator.completeAuthorization(await urlFor('pat'), 'passcode', { code: passcode }),
    );
    expect(ctx).toMatchObject({ factor: 'duo_mobile_passcode', reason: 'valid_passcode', result: 'success' });
    expect(ctx.auth_device.name).toBe('+1 555-0100');
    expect(emulator.passcodeFor('pat')).not.toBe(passcode);
    expect(await emulator.completeAuthorization(await urlFor('pat'), 'passcode', { code: passcode })).toMatchObject({
      kind: 'denied',
      reason: 'invalid_passcode',
    });
    // Without a code, the phone's current passcode is typed.
    expect((await contextOf(await emulator.completeAuthorization(await urlFor('pat'), 'passcode'))).factor).toBe(
      'duo_mobile_passcode',
    );
  });

  it('a bypass code: factor bypass_code, single use, and new codes replace the old ones', async () => {
    emulator.setUser('bea', { enrolled: true });
    const [first, second] = emulator.createBypassCodes('bea', { count: 2 });
    expect(first).toMatch(/^\d{9}$/);
    const ctx = await contextOf(
      await emulator.completeAuthorization(await urlFor('bea'), 'bypass_code', { code: first }),
    );
    expect(ctx).toMatchObject({ factor: 'bypass_code', reason: 'valid_passcode' });
    expect(ctx.auth_device.name).toBeNull();
    const reused = await emulator.completeAuthorization(await urlFor('bea'), 'bypass_code', { code: first });
    expect(reused).toMatchObject({ kind: 'denied', reason: 'invalid_passcode' });
    emulator.createBypassCodes('bea', { count: 1 });
    const replaced = await emulator.completeAuthorization(await urlFor('bea'), 'bypass_code', { code: second });
    expect(replaced).toMatchObject({ kind: 'denied', reason: 'invalid_passcode' });
    expect(() => emulator.createBypassCodes('bea', { count: 11 })).toThrow(/1 to 10/);
    expect(() => emulator.createBypassCodes('nobody', { count: 1 })).toThrow(/No Duo user/);
  });

  it('a phone call: factor phone_call, reason user_approved', async () => {
    emulator.setUser('cal', { enrolled: true });
    const ctx = await contextOf(await emulator.completeAuthorization(await urlFor('cal'), 'phone_call'));
    expect(ctx).toMatchObject({ factor: 'phone_call', reason: 'user_approved', result: 'success' });
  });

  it('the id_token txid is the authentication log entry of that login', async () => {
    emulator.setUser('tex', { enrolled: true });
    const ctx = await contextOf(await emulator.completeAuthorization(await urlFor('tex'), 'approve'));
    expect(emulator.authLog.at(-1)).toMatchObject({ txid: ctx.txid, result: 'success', user: { name: 'tex' } });
  });
});

describe('the pages behind "Other options"', () => {
  async function openOptions(username: string) {
    const { pathname, search } = new URL(await urlFor(username));
    const opened = await httpsRequest(emulator, { path: `${pathname}${search}` });
    const txid = txidOf(opened.headers.location);
    expect((await page(txid)).body).toContain('Other options');
    await post('/frame/options', txid, { option: 'other_options' });
    return txid;
  }

  it('lists the push, a passcode, a phone call and a bypass code', async () => {
    emulator.setUser('opt', { enrolled: true });
    const body = (await page(await openOptions('opt'))).body;
    for (const label of ['Duo Push', 'Duo Mobile passcode', 'Phone call', 'Bypass code']) expect(body).toContain(label);
  });

  it('a wrong passcode shows an error and the form again; the phone shows the right one', async () => {
    emulator.setUser('wrong', { enrolled: true });
    const txid = await openOptions('wrong');
    await post('/frame/options', txid, { option: 'passcode' });
    const form = await page(txid);
    expect(form.body).toContain(emulator.passcodeFor('wrong'));
    const bad = await post('/frame/passcode', txid, { kind: 'passcode', passcode: '000000' });
    expect(bad.status).toBe(303);
    const again = await page(txid);
    expect(again.body).toContain('Incorrect passcode');
    const good = await post('/frame/passcode', txid, {
      kind: 'passcode',
      passcode: emulator.passcodeFor('wrong') ?? '',
    });
    expect(good.status).toBe(302);
    expect(emulator.authLog.slice(-2).map((e) => e.reason)).toEqual(['invalid_passcode', 'valid_passcode']);
  });

  it('a declined call says so; an unanswered call times out into the log as no_response', async () => {
    emulator.setUser('ring', { enrolled: true, phoneCall: 'deny' });
    const txid = await openOptions('ring');
    await post('/frame/options', txid, { option: 'phone_call' });
    expect((await page(txid)).body).toContain('Phone call denied.');
    emulator.setUser('ring', { phoneCall: 'no_answer', pushTimeoutMs: 5_000 });
    await post('/frame/options', txid, { option: 'phone_call' });
    expect((await page(txid)).body).toContain('Calling your phone');
    clock.advance(6_000);
    expect((await page(txid)).body).toContain('The phone call was not answered.');
    expect(emulator.authLog.at(-1)).toMatchObject({ result: 'denied', reason: 'no_response', factor: 'phone_call' });
  });
});
