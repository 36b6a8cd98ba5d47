import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

// Each command is a fresh Node process (≈1 s of start-up through tsx), so these tests get more time.
describe('portcullis CLI', { timeout: 60_000 }, () => {
  let env: Record<string, string>;

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
    env = { PORTCULLIS_DATA_DIR: dir, PORTCULLIS_ENV: 'test' };
  });

  it('prints help for every command, exit 0', async () => {
    for (const args of [
      ['--help'],
      ['user', '--help'],
      ['user', 'add', '--help'],
      ['audit', 'export', '--help'],
      ['doctor', '--help'],
      ['serve', '--help'],
    ]) {
      const result = await runCli(args, { env });
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout, args.join(' ')).toContain('Usage: portcullis');
    }
  });

  it('issue 13.11: docs/cli.md covers every command the CLI has, the provider and keys commands included', async () => {
    const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    for (const group of ['', 'user', 'provider', 'keys', 'audit', 'mfa policy', 'application-url']) {
      const help = await runCli([...group.split(' ').filter(Boolean), '--help'], { env });
      const commands = [...help.stdout.slice(help.stdout.indexOf('Commands:')).matchAll(/^ {2}([a-z][a-z-]*)/gm)]
        .map((match) => match[1])
        .filter((name) => name !== 'help');
      expect(commands.length, group).toBeGreaterThan(0);
      for (const name of commands) {
        if (!group && ['user', 'provider', 'keys', 'audit', 'mfa', 'application-url'].includes(name ?? '')) continue;
        expect(doc, `${group} ${name}`).toContain(`\`${group ? `${group} ` : ''}${name}`);
      }
    }
  });

  it('exits 2 on a usage mistake', async () => {
    const result = await runCli(['user', 'add', '--username'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/argument missing/);
  });

  it('exits 78 with one line naming a bad variable', async () => {
    const result = await runCli(['user', 'list'], { env: { ...env, PORTCULLIS_PORT: 'x' } });
    expect(result.code).toBe(78);
    expect(result.stderr.trim()).toBe(
      'portcullis: configuration error: PORTCULLIS_PORT: must be a whole number from 0 to 65535 (got "x")',
    );
  });

  it('migrates, then adds an administrator with the password from stdin (never argv)', async () => {
    expect((await runCli(['migrate'], { env })).stdout).toContain('applied: 0001-foundation');
    const added = await runCli(['user', 'add', '--admin', '--username', 'Root', '--email', 'root@example.com'], {
      env,
      input: 'a-long-cli-passphrase\n',
    });
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toBe('created administrator "root" (id 1)\n');
    expect(statSync(join(env.PORTCULLIS_DATA_DIR ?? '', 'master.key')).mode & 0o777).toBe(0o600);
  });

  it('exits 65 with field messages when the input is refused', async () => {
    const weak = await runCli(['user', 'add', '--username', 'sam', '--email', 'sam@example.com'], {
      env,
      input: 'short\n',
    });
    expect(weak.code).toBe(65);
    expect(weak.stderr).toContain('password: Password must be at least 12 characters.');
    const taken = await runCli(['user', 'add', '--username', 'root', '--email', 'x@example.com'], {
      env,
      input: 'another-long-passphrase\n',
    });
    expect(taken.code).toBe(65);
    expect(taken.stderr).toContain('That username is already taken');
    // Issue 13.4: one email address per account, whatever its case.
    const sameEmail = await runCli(['user', 'add', '--username', 'rooty', '--email', 'ROOT@example.com'], {
      env,
      input: 'another-long-passphrase\n',
    });
    expect(sameEmail.code).toBe(65);
    expect(sameEmail.stderr).toContain('email: root@example.com is already the email address of "root".');
  });

  it('reads the password from a file, lists, disables and resets', async () => {
    const file = join(env.PORTCULLIS_DATA_DIR ?? '', 'pw.txt');
    writeFileSync(file, 'file-based-passphrase\n');
    expect(
      (
        await runCli(['user', 'add', '--username', 'tina', '--email', 'tina@example.com', '--password-file', file], {
          env,
        })
      ).code,
    ).toBe(0);
    const list = await runCli(['user', 'list'], { env });
    expect(list.stdout).toMatch(/ID\s+USERNAME\s+NAME\s+EMAIL\s+ROLE\s+STATUS/);
    expect(list.stdout).toMatch(/tina\s+tina\s+tina@example.com\s+user\s+active/);
    expect((await runCli(['user', 'disable', 'tina'], { env })).code).toBe(0);
    const json = JSON.parse((await runCli(['user', 'list', '--json'], { env })).stdout) as Array<{
      username: string;
      disabled: boolean;
    }>;
    expect(json.find((user) => user.username === 'tina')?.disabled).toBe(true);
    expect((await runCli(['user', 'reset-password', 'tina'], { env, input: 'reset-passphrase-123\n' })).code).toBe(0);
    expect((await runCli(['user', 'disable', 'nobody'], { env })).code).toBe(65);
  });

  it('exports the audit log as CSV, with filters', async () => {
    const result = await runCli(['audit', 'export', '--type', 'user.*'], { env });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\r\n');
    expect(lines[0]).toMatch(/^"id","occurred_at","type"/);
    expect(lines.slice(1).every((line) => /,"user\.\w+",/.test(line))).toBe(true);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    const bad = await runCli(['audit', 'export', '--from', 'yesterday'], { env });
    expect(bad.code).toBe(2);
  });

  it('doctor reports each check and exits 0 when all is well', async () => {
    const result = await runCli(['doctor'], { env });
    expect(result.stdout).toContain('ok    database: sqlite reachable');
    expect(result.stdout).toContain('ok    key canary: this node can open the stored secrets');
    expect(result.code).toBe(0);
  });

  it('refuses to start with a master key that cannot open this database, exit 78', async () => {
    const result = await runCli(['user', 'list'], {
      env: { ...env, PORTCULLIS_SECRET_KEYS: `1:${Buffer.alloc(32, 7).toString('base64')}` },
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      "master key problem: this node's master key cannot open the secrets stored in this database",
    );
  });
});
