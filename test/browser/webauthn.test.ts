// Security keys and passkeys in real Chromium, with its virtual authenticators (DevTools protocol:
// WebAuthn.enable, addVirtualAuthenticator; CTAP2 with user verification, USB and internal
// transports): two keys registered and each used to sign in, passwordless sign-in, a removed key that
// no longer works, a copied key (a lower signature counter) flagged, and a page under another host
// name refused by the browser itself.
import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable } from '../helpers/browser.ts';
import { auditRows, STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { startTestPortal, type TestPortal } from '../helpers/portal.ts';
import { type BrowserSuite, openBrowserSuite } from './support/browser-suite.ts';
import { FLOW_TIMEOUT, heading, screenshot, signIn } from './support/console-page.ts';

interface VirtualCredential {
  credentialId: string;
  isResidentCredential: boolean;
  rpId: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
}

describe.skipIf(!browserAvailable())('security keys and passkeys in Chromium', () => {
  let portal: TestPortal;
  let suite: BrowserSuite;
  let page: Page;
  let baseUrl: string;
  let cdp: CDPSession;
  let current: string | null = null;
  const saved: Record<string, VirtualCredential[]> = {};

  /** Plugs in one virtual authenticator (unplugging the one before), optionally holding credentials. */
  async function plugIn(transport: 'usb' | 'internal', credentials: VirtualCredential[] = []): Promise<string> {
    if (current) await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: current });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport,
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    for (const credential of credentials) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
    current = authenticatorId;
    return authenticatorId;
  }

  async function credentialsOf(authenticatorId: string): Promise<VirtualCredential[]> {
    return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials as VirtualCredential[];
  }

  const mfaCard = () => page.getByRole('region', { name: 'Multi-factor authentication' });

  async function addKey(name: string) {
    await page.goto(`${baseUrl}/account`);
    await mfaCard()
      .getByLabel('Provider')
      .selectOption({ label: 'Security keys (Security key or passkey (WebAuthn))' });
    const button = mfaCard().getByRole('button', { name: /^(Configure MFA|Add method)$/ });
    await button.click();
    await heading(page, 'Register a security key or passkey').waitFor();
    await page.getByLabel('Name this key').fill(name);
    await page.getByRole('button', { name: 'Register this key' }).click();
    await page.waitForURL(`${baseUrl}/account?mfa=configured`);
    await mfaCard().getByRole('definition').filter({ hasText: name }).first().waitFor();
  }

  async function signOut() {
    await page.getByRole('button', { name: 'Carol' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
  }

  async function signInWithKey() {
    await signIn(page, baseUrl, 'carol', STRONG_PASSWORD);
    await heading(page, 'Use your security key').waitFor();
    await page.getByRole('button', { name: 'Use my security key or passkey' }).click();
  }

  beforeAll(async () => {
    portal = await startTestPortal('sqlite');
    suite = await openBrowserSuite(portal, { closeToo: () => portal.close() });
    ({ page, baseUrl } = suite);
    await seedUser(portal, 'admin', { role: 'administrator' });
    await seedUser(portal, 'carol');
    const admin = createClient(portal.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
    // Keys are bound to the Application URL's host: localhost here (a secure context over http).
    await admin.raw('PUT', '/api/admin/settings/application-url', { body: { applicationUrl: baseUrl } });
    await admin.post('/api/admin/mfa/providers', {
      type: 'webauthn',
      name: 'Security keys',
      enabled: true,
      values: {},
    });
    await admin.raw('PUT', '/api/admin/mfa/policy', {
      body: { mode: 'off', defaultProviderId: null, passwordless: true },
    });
    cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
  });

  afterAll(() => suite?.close());

  it(
    'registers two keys from My account, each with its own name',
    async () => {
      await signIn(page, baseUrl, 'carol', STRONG_PASSWORD);
      await heading(page, 'Welcome, Carol').waitFor();
      const usb = await plugIn('usb');
      await addKey('YubiKey (desk)');
      saved.usb = await credentialsOf(usb);
      expect(saved.usb).toHaveLength(1);
      await screenshot(page, 'account-security-key.png');
      const internal = await plugIn('internal');
      await addKey('MacBook Touch ID');
      saved.internal = await credentialsOf(internal);
      await mfaCard().getByText('2 methods').waitFor();
    },
    FLOW_TIMEOUT,
  );

  it(
    'signs in with each key after the password',
    async () => {
      await signOut();
      const internal = await plugIn('internal', saved.internal);
      await signInWithKey();
      await heading(page, 'Welcome, Carol').waitFor();
      // A real key keeps counting: remember where this one got to.
      saved.internal = await credentialsOf(internal);
      await screenshot(page, 'home-security-key.png');
      await signOut();
      await plugIn('usb', saved.usb);
      await signIn(page, baseUrl, 'carol', STRONG_PASSWORD);
      await heading(page, 'Use your security key').waitFor();
      await screenshot(page, 'signin-security-key.png');
      await page.getByRole('button', { name: 'Use my security key or passkey' }).click();
      await heading(page, 'Welcome, Carol').waitFor();
    },
    FLOW_TIMEOUT,
  );

  it(
    'signs in without a password with "Sign in with a passkey"',
    async () => {
      await signOut();
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await heading(page, 'Welcome, Carol').waitFor();
      const session = await page.evaluate<{ session: { phishingResistant: boolean; amr: string[] } }>(
        "fetch('/api/session').then((response) => response.json())",
      );
      expect(session.session.phishingResistant).toBe(true);
      expect(session.session.amr).toContain('mfa');
    },
    FLOW_TIMEOUT,
  );

  it(
    'flags a copied key (its signature counter went back) and refuses it',
    async () => {
      await signOut();
      const [usb] = saved.usb ?? [];
      if (!usb) throw new Error('no saved key');
      // The same private key, in another authenticator that has counted less: what a copy looks like.
      await plugIn('usb', [{ ...usb, signCount: 0 }]);
      await signInWithKey();
      await page.getByText('Your security key or passkey could not be accepted here.').waitFor();
      expect(await auditRows(portal, 'user.factor_clone_suspected')).toHaveLength(1);
      await page.getByRole('link', { name: 'Cancel and sign in again' }).click();
    },
    FLOW_TIMEOUT,
  );

  it(
    'a removed key no longer works',
    async () => {
      await plugIn('internal', saved.internal);
      await signInWithKey();
      await heading(page, 'Welcome, Carol').waitFor();
      await page.goto(`${baseUrl}/account`);
      await mfaCard().getByText('One of your security keys may have been copied').waitFor();
      await screenshot(page, 'account-key-copied.png');
      await page.getByRole('button', { name: 'Remove MacBook Touch ID' }).click();
      await page
        .getByRole('dialog', { name: 'Remove MacBook Touch ID?' })
        .getByRole('button', { name: 'Remove method' })
        .click();
      await mfaCard().getByText('One method').waitFor();
      await signOut();
      // The authenticator still holds the removed key's passkey: offered without a list, the portal refuses it.
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page.getByText('Your security key or passkey could not be accepted here.').waitFor();
      expect(await page.getByRole('heading', { name: 'Welcome, Carol' }).count()).toBe(0);
      expect((await auditRows(portal, 'login.mfa_failed')).at(-1)).toMatchObject({ reason: 'credential_unknown' });
    },
    FLOW_TIMEOUT,
  );

  it(
    'a page served under another host name is refused by the browser (keys are bound to the Application URL)',
    async () => {
      const other = baseUrl.replace('localhost', '127.0.0.1');
      await page.goto(`${other}/signin`);
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
      await page.getByText('this page is not at the portal’s own address').waitFor();
      await screenshot(page, 'signin-passkey-wrong-host.png');
      expect(await page.getByRole('heading', { name: 'Welcome, Carol' }).count()).toBe(0);
    },
    FLOW_TIMEOUT,
  );
});
