// Several factors in real Chromium: a user sets up an authenticator app from My account (codes from
// Debian's oathtool), signs in with a code, meets a replayed code and a locked challenge, uses and
// spends a recovery code; and with the Duo emulator stopped, a user holding Duo and an app signs in
// with the app.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable } from '../helpers/browser.ts';
import { type PortalWithDuo, registerDuo } from '../helpers/duo.ts';
import { atDuo } from '../helpers/duo-sign-in.ts';
import { seedFactor } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { missingPrograms } from '../helpers/programs.ts';
import { enrolTotp, oathtoolCode, registerTotp } from '../helpers/totp.ts';
import { apiAs, type DuoBrowserSuite, startDuoBrowserSuite } from './support/browser-suite.ts';
import { FLOW_TIMEOUT, heading, screenshot, signIn } from './support/console-page.ts';

// Real programs from Debian (see test/helpers/programs.ts): skipped here when missing, required in CI.
const MISSING_PROGRAMS = missingPrograms('oathtool');

const ADMIN = { username: 'ada', password: 'analytical-engine-1843' };
const ALICE = { username: 'alice', password: 'through-the-looking-glass-1871' };
const BOB = { username: 'bob', password: 'a-tale-of-two-cities-1859' };

describe.skipIf(!browserAvailable() || MISSING_PROGRAMS)('several MFA methods in Chromium', () => {
  let suite: DuoBrowserSuite;
  let env: PortalWithDuo;
  let baseUrl: string;
  let page: Page;
  let problems: string[];
  let secret = '';
  let recoveryCodes: string[] = [];
  let duoProviderId = 0;

  const mfaCard = () => page.getByRole('region', { name: 'Multi-factor authentication' });
  const codeNow = () => oathtoolCode(secret, env.portal.clock());
  const nextStep = () => env.portal.clock.advance(30_000);

  async function signOut(name: string) {
    await page.getByRole('button', { name }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
  }

  async function typeCode(code: string) {
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();
  }

  beforeAll(async () => {
    suite = await startDuoBrowserSuite({
      people: [{ ...ADMIN, role: 'administrator' }, ALICE, BOB],
      loopbackIp: true,
      trustEmulator: true,
      prepare: async (started, url) => {
        const admin = await apiAs(started, ADMIN);
        duoProviderId = await registerDuo(started, admin, { applicationUrl: url });
        await registerTotp(admin, {}, 'Authenticator app');
      },
    });
    ({ env, baseUrl, page, problems } = suite);
  });

  afterAll(() => suite?.close());

  it(
    'sets up an authenticator app from My account with a QR code, its key and a first code',
    async () => {
      await signIn(page, baseUrl, ALICE.username, ALICE.password);
      await heading(page, 'Welcome, Alice').waitFor();
      await page.goto(`${baseUrl}/account`);
      await mfaCard().getByText('Not set up').waitFor();
      await mfaCard().getByLabel('Provider').selectOption({ label: 'Authenticator app (Authenticator app (TOTP))' });
      await mfaCard().getByRole('button', { name: 'Configure MFA' }).click();

      await heading(page, 'Set up your authenticator app').waitFor();
      const qr = page.getByRole('img', { name: /QR code for Portcullis Test/ });
      await qr.waitFor();
      expect(await qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
      await page.getByText('Can’t scan it? Type the key instead').click();
      const key = (await page.locator('.enrol-key-value code').textContent()) ?? '';
      expect(key).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
      secret = key.replaceAll(' ', '');
      await screenshot(page, 'mfa-enrol-app.png');
      // A wrong first code sets nothing up; the page says so and keeps the same key.
      await page.getByLabel('Name this app').fill('Phone');
      await page.getByLabel('Code from the app').fill(codeNow() === '000000' ? '111111' : '000000');
      await page.getByRole('button', { name: 'Confirm and finish' }).click();
      await page.getByText('That code is not right.').waitFor();
      expect(await page.getByText('4 attempts left.').count()).toBe(1);
      await page.getByLabel('Name this app').fill('Phone');
      await page.getByLabel('Code from the app').fill(codeNow());
      await page.getByRole('button', { name: 'Confirm and finish' }).click();

      await page.waitForURL(`${baseUrl}/account?mfa=configured`);
      await mfaCard().getByText('Multi-factor authentication is set up').waitFor();
      await mfaCard().getByText('Set up', { exact: true }).waitFor();
      await mfaCard().getByRole('definition').filter({ hasText: 'Phone' }).waitFor();
      await screenshot(page, 'account-mfa-methods.png');
    },
    FLOW_TIMEOUT,
  );

  it(
    'generates ten recovery codes, shown once with copy, download and print',
    async () => {
      await mfaCard().getByRole('button', { name: 'Generate recovery codes' }).click();
      const dialog = page.getByRole('dialog', { name: 'Your recovery codes' });
      await dialog.waitFor();
      recoveryCodes = (await dialog.locator('.recovery-codes code').allTextContents()).map((code) => code.trim());
      expect(recoveryCodes).toHaveLength(10);
      expect(await dialog.getByRole('link', { name: 'Download .txt' }).getAttribute('download')).toBe(
        'portcullis-recovery-codes.txt',
      );
      await dialog.getByRole('button', { name: 'Print' }).waitFor();
      await screenshot(page, 'mfa-recovery-codes.png');
      await dialog.getByRole('button', { name: 'I have saved them' }).click();
      await mfaCard().getByText('10 of 10 left').waitFor();
    },
    FLOW_TIMEOUT,
  );

  it(
    'signs in with a code; the same code again is refused; wrong codes lock the challenge with a clear message',
    async () => {
      await signOut('Alice');
      nextStep();
      const used = codeNow();
      await signIn(page, baseUrl, ALICE.username, ALICE.password);
      await heading(page, 'Enter your code').waitFor();
      expect(await page.getByLabel('Code', { exact: true }).getAttribute('inputmode')).toBe('numeric');
      expect(await page.getByLabel('Code', { exact: true }).getAttribute('autocomplete')).toBe('one-time-code');
      await screenshot(page, 'signin-code.png');
      await typeCode(`${used.slice(0, 3)} ${used.slice(3)}`);
      await heading(page, 'Welcome, Alice').waitFor();
      await page.getByRole('region', { name: 'Your sign-in' }).getByText('Password and MFA').waitFor();

      await signOut('Alice');
      await signIn(page, baseUrl, ALICE.username, ALICE.password);
      await heading(page, 'Enter your code').waitFor();
      await typeCode(used);
      await page.getByText('This code was already used. Wait for the next code in your app, then enter it.').waitFor();
      const wrong = codeNow() === '123456' ? '654321' : '123456';
      for (let attempt = 0; attempt < 3; attempt += 1) await typeCode(wrong);
      await page.getByText('One attempt left.').waitFor();
      await typeCode(wrong);
      await page.getByText('Too many wrong codes. Sign in again to get new attempts.').waitFor();
      await screenshot(page, 'signin-code-locked.png');
      expect(new URL(page.url()).pathname).toBe('/signin');
    },
    FLOW_TIMEOUT,
  );

  it(
    'signs in with a recovery code ("Use another method"), is told how many are left, and the code is used up',
    async () => {
      nextStep();
      await signIn(page, baseUrl, ALICE.username, ALICE.password);
      await heading(page, 'Enter your code').waitFor();
      await page.getByRole('button', { name: 'Use a recovery code' }).click();
      await heading(page, 'Enter a recovery code').waitFor();
      const code = recoveryCodes[0] ?? '';
      await page.getByLabel('Recovery code').fill(code.toUpperCase());
      await page.getByRole('button', { name: 'Verify' }).click();
      await heading(page, 'Welcome, Alice').waitFor();
      await page.getByText('You signed in with a recovery code').waitFor();
      await page.getByText('You have 9 recovery codes left.').waitFor();
      await screenshot(page, 'home-recovery-code-used.png');

      await signOut('Alice');
      await signIn(page, baseUrl, ALICE.username, ALICE.password);
      await page.getByRole('button', { name: 'Use a recovery code' }).click();
      await page.getByLabel('Recovery code').fill(code);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByText('That code is not right.').waitFor();
    },
    FLOW_TIMEOUT,
  );

  it(
    "an administrator sees a user's methods under Settings › Users, never a secret",
    async () => {
      await page.context().clearCookies();
      await signIn(page, baseUrl, ADMIN.username, ADMIN.password);
      await heading(page, 'Welcome, Ada').waitFor();
      await page.goto(`${baseUrl}/settings/users`);
      await page.getByRole('button', { name: 'Actions for alice' }).click();
      await page.getByRole('menuitem', { name: 'MFA methods' }).click();
      const dialog = page.getByRole('dialog', { name: 'MFA methods of Alice' });
      await dialog.getByRole('cell', { name: 'Phone', exact: true }).waitFor();
      await dialog.getByRole('cell', { name: 'Recovery codes (9 left)' }).waitFor();
      expect(await dialog.textContent()).not.toMatch(/[A-Z2-7]{16}/);
      await screenshot(page, 'users-mfa-methods.png');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    },
    FLOW_TIMEOUT,
  );

  it(
    'with the Duo emulator stopped, a user holding Duo and an app is offered the app and signs in with it',
    async () => {
      const bob = await env.portal.services.accounts.listUsers({ search: 'bob', offset: 0, limit: 1 });
      await seedFactor(env.portal, bob.items[0]?.id ?? 0, duoProviderId);
      // Bob adds an app beside Duo (through the API: the screens were walked above).
      const bobSecret = await bobWithApp(env, BOB);
      await env.emulator.close();
      env.portal.clock.advance(31_000); // past the cached health check
      await page.context().clearCookies();
      await signIn(page, baseUrl, BOB.username, BOB.password);
      await heading(page, 'Enter your code').waitFor();
      await page.getByText('Duo Security is unavailable right now').waitFor();
      await screenshot(page, 'signin-duo-unavailable-app-offered.png');
      await typeCode(oathtoolCode(bobSecret, env.portal.clock()));
      await heading(page, 'Welcome, Bob').waitFor();
      expect(problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );
});

/** Bob, who holds Duo, signs in through Duo on the API and adds an authenticator app; returns its key. */
async function bobWithApp(env: PortalWithDuo, person: { username: string; password: string }): Promise<string> {
  const client = createClient(env.portal.fastify);
  await client.session();
  const login = await client.post('/api/auth/login', person);
  const back = await client.get(await atDuo(env, login.json<{ redirectTo: string }>().redirectTo));
  expect(back.headers.location).toBe('/');
  await client.session();
  const providers = (await client.get('/api/me/mfa')).json<{ providers: Array<{ id: number; type: string }> }>();
  const totp = providers.providers.find((provider) => provider.type === 'totp')?.id ?? 0;
  const { secret } = await enrolTotp(env.portal, client, totp);
  env.portal.clock.advance(30_000);
  return secret;
}
