import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuoEmulator, startDuoEmulator } from '../../emulator/duo/index.ts';
import { runCli } from '../helpers/cli.ts';

// Issue 13.11 (the MFA policy, the Application URL, a user's MFA reset and skip, `user list`), 13.5
// (dry runs), 13.6 (doctor without the server's environment) and 13.2 (the Application URL's check),
// through the real command in child processes against a real SQLite file and the Duo emulator.
describe('portcullis mfa, application-url and user MFA commands', { timeout: 60_000 }, () => {
  let emulator: DuoEmulator;
  let env: Record<string, string>;
  let dir: string;
  let app: { clientId: string; clientSecret: string };
  const cli = (args: string[], input?: string) => runCli(args, { env, ...(input !== undefined && { input }) });

  beforeAll(async () => {
    emulator = await startDuoEmulator();
    app = emulator.registerClient();
    dir = mkdtempSync(join(tmpdir(), 'portcullis-mfa-cli-'));
    env = {
      PORTCULLIS_DATA_DIR: dir,
      PORTCULLIS_ENV: 'test',
      PORTCULLIS_DUO_CA_FILE: emulator.caFile,
      DUO_SECRET: app.clientSecret,
    };
    writeFileSync(join(dir, 'secret'), `${app.clientSecret}\n`);
    const admin = await cli(
      ['user', 'add', '--admin', '--username', 'root', '--email', 'root@example.com'],
      'correct-horse-battery-7\n',
    );
    expect(admin.code, admin.stderr).toBe(0);
    const user = await cli(
      ['user', 'add', '--username', 'ursula', '--email', 'ursula@example.com'],
      'correct-horse-battery-7\n',
    );
    expect(user.code, user.stderr).toBe(0);
  });
  afterAll(() => emulator.close());

  it('issue 13.11: application-url set, get and check run the console’s validation and diagnostics', async () => {
    const bad = await cli(['application-url', 'set', 'portcullis.example.com']);
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain('applicationUrl: Enter a full address starting with https://');
    // No provider yet: nothing is affected, so no confirmation is needed.
    const set = await cli(['application-url', 'set', 'http://localhost:8080/']);
    expect(set.stderr).toBe('');
    expect(set.stdout).toContain('ok    Application URL: http://localhost:8080 (from Settings)');
    expect(set.stdout).toContain('ok    DNS: localhost resolves to');
    expect(set.stdout).toContain('Application URL set to http://localhost:8080');
    expect((await cli(['application-url', 'get'])).stdout).toBe('http://localhost:8080 (settings)\n');
    const check = await cli(['application-url', 'check', 'http://portcullis.does-not-resolve.invalid']);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/FAIL {2}DNS: portcullis\.does-not-resolve\.invalid does not resolve/);
    expect(check.stdout).toContain('Warning: the checks above say this address would not work');
  });

  it('issue 13.5: provider apply --dry-run refuses what the real run refuses, and applies nothing', async () => {
    const file = join(dir, 'providers.yaml');
    const write = (extra: string, clientId = app.clientId) =>
      writeFileSync(
        file,
        `providers:\n  - name: Duo\n    type: duo\n    endpoint: ${emulator.apiHost}\n    clientId: ${clientId}\n    clientSecret:\n      env: DUO_SECRET\n${extra}`,
      );
    write('', app.clientId.slice(0, 19));
    const short = await cli(['provider', 'apply', '--dry-run', file]);
    expect(short.code).toBe(65);
    expect(short.stderr).toContain('"Duo": clientId: The Client ID is exactly 20 letters and digits (this one has 19)');
    expect(short.stdout).not.toContain('would be created');
    write('    failmode: open\n');
    const typo = await cli(['provider', 'apply', '--dry-run', file]);
    expect(typo.code).toBe(65);
    expect(typo.stderr).toContain('"Duo": failmode: This field is not recognised. Remove it.');
    write('');
    expect((await cli(['provider', 'apply', '--dry-run', file])).stdout).toContain('1 would be created');
    expect((await cli(['provider', 'list'])).stdout.trim().split('\n')).toHaveLength(1); // the header alone
    const applied = await cli(['provider', 'apply', file]);
    expect(applied.stdout).toContain('1 created');
    // Issue 13.12: the report says which file manages it.
    expect((await cli(['provider', 'list'])).stdout).toMatch(/MANAGED BY\n.*providers\.yaml$/m);
  });

  it('issue 13.11: mfa policy get and set, with the policy’s own refusals', async () => {
    expect((await cli(['mfa', 'policy', 'get'])).stdout).toBe('mode: off\ndefault provider: (none)\n');
    // Nobody has working MFA yet: requiring it would lock every administrator out.
    const locked = await cli(['mfa', 'policy', 'set', '--mode', 'required', '--default-provider', 'Duo']);
    expect(locked.code).toBe(65);
    expect(locked.stderr).toContain('Requiring MFA now would lock every administrator out.');
    expect((await cli(['user', 'skip-mfa', 'root'])).stdout).toBe('"root" now signs in without MFA\n');
    const required = await cli(['mfa', 'policy', 'set', '--mode', 'required', '--default-provider', 'Duo']);
    expect(required.stderr).toBe('');
    expect(required.stdout).toMatch(/^MFA policy: required; default provider: Duo \(id \d+\)\n$/);
    expect(JSON.parse((await cli(['mfa', 'policy', 'get', '--json'])).stdout)).toMatchObject({ mode: 'required' });
    expect((await cli(['mfa', 'policy', 'set', '--mode', 'sometimes'])).code).toBe(2);
  });

  it('issue 13.2 in the CLI: while MFA is required, an unusable address is refused; a change needs --yes', async () => {
    const refused = await cli(['application-url', 'set', '--yes', 'http://portcullis.does-not-resolve.invalid']);
    expect(refused.code).toBe(65);
    expect(refused.stdout).toContain('Refused: MFA is required');
    expect(refused.stderr).toContain('the diagnostics say this Application URL would not work');
    const unconfirmed = await cli(['application-url', 'set', 'http://localhost:8081']);
    expect(unconfirmed.code).toBe(65);
    expect(unconfirmed.stdout).toContain('Callbacks that move: Duo. People whose next sign-in goes through them: 1');
    expect(unconfirmed.stderr).toContain('Re-run with --yes');
    expect((await cli(['application-url', 'get'])).stdout).toBe('http://localhost:8080 (settings)\n');
    expect((await cli(['application-url', 'set', '--yes', 'http://localhost:8081'])).code).toBe(0);
    expect((await cli(['application-url', 'get'])).stdout).toBe('http://localhost:8081 (settings)\n');
  });

  it('issue 13.11: user list has an MFA column and ISO 8601 times; reset-mfa and require-mfa', async () => {
    const db = join(dir, 'portcullis.db');
    // Ursula set up Duo (the row Configure MFA leaves behind), as she would in the console.
    const { default: Database } = await import('better-sqlite3');
    const sqlite = new Database(db);
    sqlite
      .prepare(
        "insert into user_factors (id, user_id, type, provider_id, label, is_default, created_at) values ('ursula-duo', 2, 'duo', 1, 'Duo', 1, ?)",
      )
      .run(Date.now());
    sqlite.close();
    const table = await cli(['user', 'list']);
    expect(table.stdout).toMatch(/ID\s+USERNAME\s+NAME\s+EMAIL\s+ROLE\s+STATUS\s+MFA/);
    expect(table.stdout).toMatch(/root\s+.*\s+Skips MFA/);
    expect(table.stdout).toMatch(/ursula\s+.*\s+Duo$/m);
    const json = JSON.parse((await cli(['user', 'list', '--json'])).stdout) as Array<Record<string, unknown>>;
    const ursula = json.find((user) => user.username === 'ursula');
    expect(ursula?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(ursula).toMatchObject({ lastLoginAt: null, mfaSkip: false, mfa: { providerName: 'Duo' } });
    expect(JSON.stringify(json)).not.toMatch(/passwordHash|argon2/);
    expect((await cli(['user', 'reset-mfa', 'ursula'])).stdout).toBe(
      'MFA of "ursula" reset; their sessions have ended\n',
    );
    const again = await cli(['user', 'reset-mfa', 'ursula']);
    expect(again.code).toBe(65);
    expect(again.stderr).toContain('ursula has no MFA set up.');
    expect((await cli(['user', 'require-mfa', 'root'])).stdout).toBe('"root" signs in with MFA again\n');
    const audit = await cli(['audit', 'export', '--type', 'user.*']);
    expect(audit.stdout).toContain('user.mfa_reset');
    expect(audit.stdout).toMatch(/user\.updated.*mfaSkip/);
  });

  it('issue 13.6: doctor without the server’s environment names the real cause, not the stored secret', async () => {
    const { PORTCULLIS_ENV: _test, ...production } = env;
    const doctor = await runCli(['doctor'], { env: production });
    expect(doctor.stdout).toContain('ok    key canary: this node can open the stored secrets');
    expect(doctor.stdout).toMatch(
      /FAIL {2}Duo: settings: this node runs in production mode \(PORTCULLIS_ENV\), which refuses them: The API hostname must be the one Duo shows/,
    );
    expect(doctor.stdout).toContain('run the doctor with the same environment, e.g. PORTCULLIS_ENV=development');
    expect(doctor.stdout).not.toContain('stored secret cannot be opened');
    expect(doctor.code).toBe(1);
    // With the server's environment the same doctor passes the provider's checks.
    const same = await cli(['doctor']);
    expect(same.stdout).toContain('ok    Duo: reachable directly: Duo answered the health check directly.');
  });
});
