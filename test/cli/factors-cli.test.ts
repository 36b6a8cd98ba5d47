// `portcullis factor …`: an operator lists, removes and resets a user's MFA methods from a shell, on
// the same database the portal uses; every change is audited as a CLI change.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { auditRows, STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { startTestPortal, type TestPortal } from '../helpers/portal.ts';
import { missingPrograms } from '../helpers/programs.ts';
import { enrolTotp, registerTotp } from '../helpers/totp.ts';

// Real programs from Debian (see test/helpers/programs.ts): skipped here when missing, required in CI.
const MISSING_PROGRAMS = missingPrograms('oathtool');

describe.skipIf(MISSING_PROGRAMS)('portcullis factor', { timeout: 60_000 }, () => {
  let portal: TestPortal;
  let env: Record<string, string>;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-factor-cli-'));
    portal = await startTestPortal('sqlite', { dataDir });
    env = { PORTCULLIS_ENV: 'test', PORTCULLIS_DATA_DIR: dataDir, PORTCULLIS_DATABASE_URL: portal.databaseUrl };
    await seedUser(portal, 'admin', { role: 'administrator' });
    const admin = createClient(portal.fastify);
    await admin.signIn('admin', STRONG_PASSWORD);
    const providerId = await registerTotp(admin);
    await seedUser(portal, 'carol');
    const carol = createClient(portal.fastify);
    await carol.signIn('carol', STRONG_PASSWORD);
    await enrolTotp(portal, carol, providerId, { label: 'Phone' });
    portal.clock.advance(30_000);
    await enrolTotp(portal, carol, providerId, { label: 'Tablet' });
    await carol.post('/api/me/recovery-codes');
  });
  afterAll(() => portal?.close());

  it('lists the methods as a table and as JSON with ISO times, never a secret', async () => {
    const table = await runCli(['factor', 'list', 'carol'], { env });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/METHOD\s+NAME\s+DEFAULT\s+ADDED\s+LAST USED/);
    expect(table.stdout).toMatch(/Authenticator app\s+Phone\s+yes/);
    expect(table.stdout).toMatch(/Recovery codes\s+Recovery codes \(10 left\)/);
    const json = await runCli(['factor', 'list', 'carol', '--json'], { env });
    const rows = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((row) => row.label)).toEqual(['Phone', 'Tablet', 'Recovery codes']);
    expect(rows[0]?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(json.stdout).not.toMatch(/secret|v\d+\.[A-Za-z0-9_-]{20}/);
  });

  it('removes one method, audited as the CLI, and says so for an unknown user or id', async () => {
    const rows = JSON.parse((await runCli(['factor', 'list', 'carol', '--json'], { env })).stdout) as Array<{
      id: string;
      label: string;
    }>;
    const tablet = rows.find((row) => row.label === 'Tablet')?.id ?? '';
    const removed = await runCli(['factor', 'remove', 'carol', tablet], { env });
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toMatch(/^removed method .+ of "carol"; \d+ session\(s\) ended\n$/);
    const audit = (await auditRows(portal, 'user.factor_removed')).at(-1);
    expect(audit).toMatchObject({ target_label: 'carol', user_agent: expect.stringContaining('cli') });
    expect((await runCli(['factor', 'list', 'nobody'], { env })).stderr).toContain('no user named "nobody"');
    const unknown = await runCli(['factor', 'remove', 'carol', 'not-an-id'], { env });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('That method does not exist');
  });

  it('resets all of them', async () => {
    const reset = await runCli(['factor', 'reset', 'carol'], { env });
    expect(reset.code, reset.stderr).toBe(0);
    expect((await runCli(['factor', 'list', 'carol'], { env })).stdout).toBe('"carol" has no MFA method set up\n');
    expect((await auditRows(portal, 'user.mfa_reset')).at(-1)).toMatchObject({ target_label: 'carol' });
  });
});
