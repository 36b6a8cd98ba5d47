import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

// Groups, applications as code and the rule tester from the command line: the same services, checks
// and messages as the API. Each command is a fresh process (about a second through tsx).
describe('portcullis group and app commands', { timeout: 90_000 }, () => {
  let env: Record<string, string>;
  let dir: string;
  const cli = (args: string[]) => runCli(args, { env });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-access-cli-'));
    env = { PORTCULLIS_DATA_DIR: dir, PORTCULLIS_ENV: 'test' };
    for (const username of ['alice', 'bob'])
      expect(
        (
          await runCli(['user', 'add', '--username', username, '--email', `${username}@example.com`], {
            env,
            input: 'a-long-cli-passphrase\n',
          })
        ).code,
      ).toBe(0);
  });

  it('groups: add with an MFA policy, members by username, list, rename; bad input refused with exit 65', async () => {
    expect((await cli(['group', 'add', 'admins', '--mfa', 'required'])).stdout).toMatch(
      /^created group "admins" \(id \d+, MFA required\)\n$/,
    );
    expect((await cli(['group', 'add-members', 'admins', 'alice'])).stdout).toBe('added 1 to "admins"\n');
    const listed = JSON.parse((await cli(['group', 'list', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(listed).toMatchObject([{ name: 'admins', mfaPolicy: 'required', memberCount: 1, usedBy: [] }]);
    const bad = await cli(['group', 'add', 'a,b', '--mfa', 'sometimes']);
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain('mfaPolicy: MFA must be inherit (the instance policy), required or off.');
    const nobody = await cli(['group', 'add-members', 'admins', 'mallory']);
    expect(nobody.code).toBe(65);
    expect(nobody.stderr).toBe('portcullis: no user named "mallory"\n');
    expect((await cli(['group', 'add', 'ops'])).code).toBe(0);
    expect((await cli(['group', 'rename', 'ops', 'operations'])).stdout).toBe('renamed "ops" to "operations"\n');
    expect((await cli(['group', 'set-mfa', 'operations', 'off'])).stdout).toBe('"operations": MFA off\n');
  });

  it('applications as code: apply a file, show it back, apply again; every bad rule refused by name', async () => {
    const grafana = file(
      'apps.yaml',
      `applications:
  - name: Grafana
    urls: [grafana.example.com]
    rules:
      - who: { groups: [admins] }
        requirement: mfa
        mfaMaxAgeMinutes: 15
      - who: everyone
        requirement: deny
    headers: { jwt: true }
`,
    );
    const applied = await cli(['app', 'apply', grafana]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toBe('created "Grafana": 2 rules\n');
    const shown = await cli(['app', 'show', 'Grafana']);
    expect(shown.stdout).toContain(
      '- who:\n          groups:\n            - admins\n        requirement: mfa\n        mfaMaxAgeMinutes: 15',
    );
    expect((await cli(['app', 'apply', file('shown.yaml', shown.stdout)])).stdout).toBe('updated "Grafana": 2 rules\n');
    expect((await cli(['app', 'list'])).stdout).toContain(
      '1. Group admins · MFA within 15 minutes; 2. Everyone signed in · deny',
    );

    const unknownGroup = await cli([
      'app',
      'apply',
      file(
        'ghost.yaml',
        'applications:\n  - name: Ghost\n    urls: [ghost.example.com]\n    rules:\n      - who: { groups: [ghosts] }\n        requirement: mfa\n',
      ),
    ]);
    expect(unknownGroup.code).toBe(65);
    expect(unknownGroup.stderr).toContain('"Ghost", rule 1: there is no group named "ghosts"');
    const badCidr = await cli([
      'app',
      'apply',
      file(
        'cidr.yaml',
        'applications:\n  - name: Cidr\n    urls: [cidr.example.com]\n    rules:\n      - requirement: mfa\n        networks: [10.0.0.0/33]\n',
      ),
    ]);
    expect(badCidr.code).toBe(65);
    expect(badCidr.stderr).toContain(
      'rules.0.networks.0: "10.0.0.0/33" has an invalid prefix length: IPv4 allows 0 to 32.',
    );
    const overlap = await cli([
      'app',
      'apply',
      file('overlap.yaml', 'applications:\n  - name: Other\n    urls: [grafana.example.com]\n'),
    ]);
    expect(overlap.code).toBe(65);
    expect(overlap.stderr).toContain('grafana.example.com already belongs to the application "Grafana"');
  });

  it('the rule tester, and a group named by a rule cannot be deleted', async () => {
    const allowed = await cli(['app', 'test', '--user', 'alice', '--url', 'https://grafana.example.com/d/1']);
    expect(allowed.stdout).toBe(
      'allow: Rule 1 matched: Group admins · MFA within 15 minutes → allow: alice is let in.\n  rule 1 (Group admins · MFA within 15 minutes): matched\n',
    );
    const refused = await cli(['app', 'test', '--user', 'bob', '--url', 'https://grafana.example.com/']);
    expect(refused.stdout).toMatch(/^deny: Rule 2 matched: Everyone signed in · deny → deny: bob is refused\./);
    const inUse = await cli(['group', 'delete', 'admins']);
    expect(inUse.code).toBe(65);
    expect(inUse.stderr).toBe(
      'portcullis: The rules of "Grafana" name this group. Remove it from those rules first.\n',
    );
    expect((await cli(['app', 'delete', 'Grafana'])).stdout).toBe('deleted "Grafana"\n');
    expect((await cli(['group', 'delete', 'admins'])).stdout).toBe('deleted group "admins"\n');
  });
});
