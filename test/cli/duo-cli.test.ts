// `portcullis factor reset --remove-duo-phones` and `portcullis duo pull-log`, run as an operator runs them
// (a child process on the portal's database and key file), against the Duo emulator's Admin API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { useAdminApi } from '../helpers/duo-admin.ts';
import { beginDuoSignIn, type DuoSignIn, lastAudit, mfaUsers, startDuoSignIn } from '../helpers/duo-sign-in.ts';
import { auditRows } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { testClock } from '../helpers/portal.ts';

describe('portcullis and the Duo Admin API', { timeout: 60_000 }, () => {
  let duo: DuoSignIn;
  let env: Record<string, string>;
  const newUser = mfaUsers('cli', () => duo);

  beforeAll(async () => {
    // The portal and Duo run two and a half minutes behind this machine's clock, so what they log now is
    // already past Duo's two-minute delay for the CLI, which reads the real clock (within Duo's Date window).
    duo = await startDuoSignIn('sqlite', { clock: testClock(Date.now() - 150_000) });
    duo.env.emulator.setKnobs({ authLogDelaySeconds: 0 });
    await useAdminApi(duo);
    env = {
      PORTCULLIS_ENV: 'test',
      PORTCULLIS_DATA_DIR: duo.portal.dataDir,
      PORTCULLIS_DATABASE_URL: duo.portal.databaseUrl,
      PORTCULLIS_DUO_CA_FILE: duo.env.emulator.caFile,
    };
  });
  afterAll(() => duo?.close());

  it('factor reset --remove-duo-phones removes the phones in Duo, then resets, and says which', async () => {
    const { username } = await newUser();
    duo.env.emulator.setUser(username, { phone: '+1 555-0140' });
    const result = await runCli(['factor', 'reset', username, '--remove-duo-phones'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^Duo Security: removed Simulated phone \\(Google Android, Mobile, number ending 0140\\) \\[DP[A-Z0-9]{18}\\]\\nMFA of "${username}" reset; their sessions have ended\\n$`,
      ),
    );
    expect(duo.env.emulator.getUser(username)).toMatchObject({ enrolled: false });
    expect(await lastAudit(duo.portal, 'user.provider_devices_removed')).toMatchObject({
      target_label: username,
      user_agent: expect.stringContaining('portcullis-cli'),
    });
  });

  it('factor reset without the flag leaves the phone in Duo and prints what to do there', async () => {
    const { username } = await newUser();
    duo.env.emulator.setUser(username, { phone: '+1 555-0141' });
    const result = await runCli(['factor', 'reset', username], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`note: Duo Security still holds the phones of "${username}"`);
    expect(result.stderr).toContain('--remove-duo-phones');
    expect(result.stderr).toContain(`open Users and select "${username}"`);
    expect(duo.env.emulator.getUser(username)).toMatchObject({ enrolled: true });
  });

  it('factor reset --remove-duo-phones with Duo unreachable resets nothing and exits 69', async () => {
    const { username } = await newUser();
    duo.env.emulator.setUser(username, { phone: '+1 555-0142' });
    duo.env.emulator.setFaults([{ endpoint: 'admin', kind: 'http_500_html' }]);
    try {
      const result = await runCli(['factor', 'reset', username, '--remove-duo-phones'], { env });
      expect(result.code).toBe(69);
      expect(result.stderr).toMatch(/Duo could not remove the phones of .*Nothing was reset in Portcullis\./);
      expect((await runCli(['factor', 'list', username], { env })).stdout).toContain('Duo Security');
    } finally {
      duo.env.emulator.setFaults([]);
    }
  });

  it('duo pull-log copies the denials into the audit log once, then waits for Duo’s minute', async () => {
    const { username } = await newUser();
    duo.env.emulator.setUser(username, { phone: '+1 555-0143' });
    const url = await beginDuoSignIn(createClient(duo.portal.fastify), username);
    expect((await duo.env.emulator.completeAuthorization(url, 'deny')).kind).toBe('denied');

    const first = await runCli(['duo', 'pull-log', '--json'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual([
      expect.objectContaining({ providerId: duo.providerId, status: 'imported', imported: 1, message: null }),
    ]);
    expect((await auditRows(duo.portal, 'duo.authentication_denied')).map((row) => row.target_label)).toEqual([
      username,
    ]);
    const again = await runCli(['duo', 'pull-log', '--provider', String(duo.providerId)], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/PROVIDER\s+STATUS\s+READ\s+IMPORTED\s+READ UP TO\s+NOTE/);
    expect(again.stdout).toMatch(
      /Duo Security \(\d+\)\s+waiting\s+0\s+0\s+Duo allows one request a minute: try again after /,
    );
    expect(await auditRows(duo.portal, 'duo.authentication_denied')).toHaveLength(1);
  });

  it('duo pull-log says what is wrong with a provider that does not use the Admin API, or a bad id', async () => {
    const unknown = await runCli(['duo', 'pull-log', '--provider', '999'], { env });
    expect(unknown.code).toBe(65);
    expect(unknown.stderr).toContain('provider 999 is not a Duo provider that uses the Duo Admin API');
    const bad = await runCli(['duo', 'pull-log', '--provider', 'first'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--provider takes a provider id');
  });
});
