// The Duo Admin API as an administrator meets it in real Chromium (issue 16 item 4, issue 13 item 3): the
// provider form's "Use the Duo Admin API" box and the fields it shows, a refused key named on its field,
// Reset MFA removing a lost phone in Duo (or saying what to do in Duo's Admin Panel without the Admin API),
// and denied Duo pushes on the home page's Attention card.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable } from '../helpers/browser.ts';
import type { PortalWithDuo } from '../helpers/duo.ts';
import { beginDuoSignIn, seedMfaUser } from '../helpers/duo-sign-in.ts';
import { createClient } from '../helpers/http-client.ts';
import { apiAs, type DuoBrowserSuite, startDuoBrowserSuite } from './support/browser-suite.ts';
import { dismissToasts, FLOW_TIMEOUT, heading, screenshot } from './support/console-page.ts';

const ADMIN = { username: 'ada', password: 'analytical-engine-1843' };

describe.skipIf(!browserAvailable())('the Duo Admin API in Chromium', () => {
  let suite: DuoBrowserSuite;
  let env: PortalWithDuo;
  let baseUrl: string;
  let page: Page;
  let problems: string[];
  let duoId = 0;
  let plainId = 0;
  let admin = { integrationKey: '', secretKey: '' };

  beforeAll(async () => {
    suite = await startDuoBrowserSuite({
      people: [{ ...ADMIN, role: 'administrator' }],
      prepare: async (prepared, url) => {
        const api = await apiAs(prepared, ADMIN);
        await api.raw('PUT', '/api/admin/settings/application-url', { body: { applicationUrl: url } });
        const register = async (name: string, keys: { clientId: string; clientSecret: string }) => {
          const created = await api.post('/api/admin/mfa/providers', {
            type: 'duo',
            name,
            enabled: true,
            values: { endpoint: prepared.app.endpoint, ...keys },
          });
          if (created.status !== 201) throw new Error(`could not register ${name}: ${created.body}`);
          return created.json<{ provider: { id: number } }>().provider.id;
        };
        duoId = await register('Duo Security', prepared.app);
        plainId = await register('Duo (branch office)', prepared.emulator.registerClient({ name: 'Branch office' }));
        const keys = prepared.emulator.registerClient({
          type: 'admin_api',
          name: 'Portcullis Admin API',
          permissions: ['read_resource', 'write_resource', 'read_log'],
        });
        admin = { integrationKey: keys.clientId, secretKey: keys.clientSecret };
        await seedMfaUser(prepared.portal, 'alice', duoId);
        await seedMfaUser(prepared.portal, 'bruno', plainId);
        prepared.emulator.setUser('alice', { phone: '+1 555-0150' });
        prepared.emulator.setUser('bruno', { phone: '+1 555-0151' });
      },
      signInAs: { ...ADMIN, displayName: 'Ada' },
    });
    ({ env, baseUrl, page, problems } = suite);
  });
  afterAll(() => suite?.close());

  const form = () => page.getByRole('form', { name: 'Duo Security' });

  it(
    'ticking "Use the Duo Admin API" shows its fields; a key Duo does not know is named on its field; the right keys save',
    async () => {
      await page.goto(`${baseUrl}/settings/mfa/providers/${duoId}`);
      await form().waitFor();
      expect(await page.getByLabel('Admin API integration key').count()).toBe(0);
      const box = page.getByRole('checkbox', { name: 'Use the Duo Admin API' });
      expect(await box.isChecked()).toBe(false);
      await box.check();
      const key = page.getByLabel('Admin API integration key');
      await key.waitFor();
      await page.getByText('Usually the same as the Endpoint above').waitFor();
      expect(await page.getByLabel('Admin API hostname').getAttribute('placeholder')).toBe('Same as the Endpoint');
      await key.fill('DIUNKNOWN00000000000');
      await page.getByLabel('Admin API secret key').fill(admin.secretKey);
      await screenshot(page, 'mfa-provider-admin-api.png');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Duo does not know this integration key.').waitFor();
      expect(await key.getAttribute('aria-invalid')).toBe('true');
      await screenshot(page, 'mfa-provider-admin-api-refused.png');

      await key.fill(admin.integrationKey);
      await page.getByRole('button', { name: 'Save' }).click();
      await heading(page, 'Providers').waitFor();
      const saved = (await (await apiAs(env, ADMIN)).get(`/api/admin/mfa/providers/${duoId}`)).json<{
        values: Record<string, string>;
        secretsSet: Record<string, boolean>;
      }>();
      expect(saved.values).toMatchObject({ adminApi: 'yes', adminIntegrationKey: admin.integrationKey });
      expect(saved.secretsSet.adminSecretKey).toBe(true);

      // Editing again: the box is ticked, the secret key is stored (blank keeps it) and never shown.
      await page.goto(`${baseUrl}/settings/mfa/providers/${duoId}`);
      await form().waitFor();
      expect(await page.getByRole('checkbox', { name: 'Use the Duo Admin API' }).isChecked()).toBe(true);
      expect(await page.getByLabel('Admin API secret key').inputValue()).toBe('');
      await page.getByText('Stored — leave blank to keep it. The secret key of that Admin API application').waitFor();
      expect(await page.content()).not.toContain(admin.secretKey);
      expect(problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );

  async function openReset(username: string, displayName: string) {
    await page.goto(`${baseUrl}/settings/users`);
    await heading(page, 'Users').waitFor();
    await dismissToasts(page);
    await page.getByRole('button', { name: `Actions for ${username}` }).click();
    await page.getByRole('menuitem', { name: 'Reset MFA' }).click();
    return page.getByRole('dialog', { name: `Reset MFA of ${displayName}?` });
  }

  it(
    'Reset MFA with the box ticked removes the lost phone in Duo, and the toast says which',
    async () => {
      const dialog = await openReset('alice', 'Alice');
      const tick = dialog.getByRole('checkbox', { name: 'Also remove the phones of “alice” in Duo Security' });
      await tick.waitFor();
      // Unticked, the dialog still says what is left in Duo.
      await dialog.getByText('Duo Security still holds their phones').waitFor();
      await tick.check();
      expect(await dialog.getByText('Duo Security still holds their phones').count()).toBe(0);
      await dialog.getByRole('button', { name: 'Reset MFA and remove phones' }).waitFor();
      await screenshot(page, 'users-reset-mfa-remove-phones.png');
      await dialog.getByRole('button', { name: 'Reset MFA and remove phones' }).click();
      await page
        .getByText(
          'The MFA of Alice is reset and their sessions have ended. Removed in Duo Security: Simulated phone (Google Android, Mobile, number ending 0150).',
        )
        .waitFor();
      expect(env.emulator.getUser('alice')).toMatchObject({ enrolled: false });
      expect(problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );

  it(
    'without the Admin API, the Reset MFA dialog says exactly what to do in the Duo Admin Panel',
    async () => {
      const dialog = await openReset('bruno', 'Bruno');
      const steps = dialog.getByRole('status').filter({ hasText: 'Duo (branch office) still holds their phones' });
      await steps.waitFor();
      expect(await dialog.getByRole('checkbox').count()).toBe(0);
      await steps.getByText('In the Duo Admin Panel, open Users and select "bruno"').waitFor();
      await steps.getByText('Under Phones, remove the lost phone').waitFor();
      await steps.getByText('Reactivate Duo Mobile').waitFor();
      await screenshot(page, 'users-reset-mfa-duo-steps.png');
      await dialog.getByRole('button', { name: 'Reset MFA', exact: true }).click();
      await page.getByText('The MFA of Bruno is reset and their sessions have ended.').waitFor();
      expect(env.emulator.getUser('bruno')).toMatchObject({ enrolled: true });
      expect(problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );

  it(
    'a push denied at Duo shows on the Attention card once Duo’s log is imported',
    async () => {
      await seedMfaUser(env.portal, 'carmen', duoId);
      env.emulator.setUser('carmen', { phone: '+1 555-0152' });
      const url = await beginDuoSignIn(createClient(env.portal.fastify), 'carmen');
      expect((await env.emulator.completeAuthorization(url, 'deny')).kind).toBe('denied');
      env.portal.clock.advance(2 * 60_000 + 1_000); // Duo's two-minute delay
      expect((await env.portal.services.duoAuthLog.runOnce())[0]).toMatchObject({ imported: 1 });
      await page.goto(`${baseUrl}/`);
      await heading(page, 'Welcome, Ada').waitFor();
      await page.getByText('1 denied or fraud-reported Duo push in the last 24 hours').waitFor();
      await screenshot(page, 'home-attention-duo-denied.png');
      await page.getByRole('link', { name: 'Review the denied Duo sign-ins' }).click();
      await heading(page, 'Audit log').waitFor();
      await page.getByText('carmen').first().waitFor();
      expect(problems).toEqual([]);
    },
    FLOW_TIMEOUT,
  );
});
