import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuoEmulator, startDuoEmulator } from '../../emulator/duo/index.ts';
import { runCli } from '../helpers/cli.ts';

describe('portcullis provider and keys commands', { timeout: 60_000 }, () => {
  let emulator: DuoEmulator;
  let env: Record<string, string>;
  let dir: string;
  let app: { clientId: string; clientSecret: string };

  beforeAll(async () => {
    emulator = await startDuoEmulator();
    app = emulator.registerClient();
    dir = mkdtempSync(join(tmpdir(), 'portcullis-provider-cli-'));
    env = {
      PORTCULLIS_DATA_DIR: dir,
      PORTCULLIS_ENV: 'test',
      PORTCULLIS_DUO_CA_FILE: emulator.caFile,
      DUO_SECRET: app.clientSecret,
    };
    writeFileSync(join(dir, 'secret'), `${app.clientSecret}\n`);
  });
  afterAll(() => emulator.close());

  it('adds a Duo provider from a secret file after a live check, and lists it', async () => {
    const added = await runCli(
      [
        'provider',
        'add',
        'duo',
        '--name',
        'Duo CLI',
        '--endpoint',
        `https://${emulator.apiHost}/`,
        '--client-id',
        app.clientId,
        '--client-secret-file',
        join(dir, 'secret'),
      ],
      { env },
    );
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(/^created provider 1 "Duo CLI" \(enabled\); check: ok/);
    const list = await runCli(['provider', 'list'], { env });
    expect(list.stdout).toMatch(/1\s+Duo CLI\s+Duo Security\s+yes\s+localhost:\d+\s+ok /);
    expect(list.stdout).not.toContain(app.clientSecret);
    expect((await runCli(['provider', 'test', 'Duo CLI'], { env })).stdout).toMatch(/^ok: Connected/);
  });

  it('refuses a secret on the command line and bad values with field messages (exit 65/2)', async () => {
    const noFile = await runCli(
      ['provider', 'add', 'duo', '--name', 'X', '--endpoint', emulator.apiHost, '--client-id', app.clientId],
      { env },
    );
    expect(noFile.code).toBe(2);
    writeFileSync(join(dir, 'short'), 'short');
    const bad = await runCli(
      [
        'provider',
        'add',
        'duo',
        '--name',
        'Duo CLI',
        '--endpoint',
        'http://x',
        '--client-id',
        'DI1',
        '--client-secret-file',
        join(dir, 'short'),
      ],
      { env },
    );
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain('name: A provider named "Duo CLI" already exists. Choose another name.');
    expect(bad.stderr).toContain('clientSecret: The Client Secret is exactly 40 characters (this one has 5)');
  });

  it('apply creates from a file, then a second run changes nothing (idempotent), then updates what differs', async () => {
    const file = join(dir, 'providers.yaml');
    const write = (enabled: boolean, name = 'Duo as code') =>
      writeFileSync(
        file,
        `providers:\n  - name: ${name}\n    type: duo\n    enabled: ${enabled}\n    endpoint: ${emulator.apiHost}\n    clientId: ${app.clientId}\n    clientSecret:\n      env: DUO_SECRET\n`,
      );
    write(true);
    const first = await runCli(['provider', 'apply', file], { env });
    expect(first.stdout).toContain('1 created, 0 updated, 0 unchanged, 0 deleted');
    const second = await runCli(['provider', 'apply', file], { env });
    expect(second.stdout).toContain('0 created, 0 updated, 1 unchanged, 0 deleted');
    emulator.clearRequests();
    write(false);
    const dry = await runCli(['provider', 'apply', '--dry-run', file], { env });
    expect(dry.stdout).toContain('0 would be created, 1 would be updated');
    expect((await runCli(['provider', 'apply', file], { env })).stdout).toContain('0 created, 1 updated, 0 unchanged');
    expect((await runCli(['provider', 'apply', file], { env })).stdout).toContain('1 unchanged');
    const pruned = await runCli(['provider', 'apply', '--prune', file], { env });
    expect(pruned.stdout).toContain('deleted: Duo CLI');
  });

  it('refuses a providers file that holds a secret itself', async () => {
    const file = join(dir, 'inline.yaml');
    writeFileSync(
      file,
      `providers:\n  - name: Inline\n    type: duo\n    endpoint: ${emulator.apiHost}\n    clientId: ${app.clientId}\n    clientSecret: ${app.clientSecret}\n`,
    );
    const result = await runCli(['provider', 'apply', file], { env });
    expect(result.code).toBe(65);
    expect(result.stderr).toContain(
      'clientSecret must be { file: <path> } or { env: <VARIABLE> }, never the secret itself',
    );
  });

  it('disables, enables and deletes by name; keys rotate re-seals the secrets', async () => {
    expect((await runCli(['provider', 'disable', 'Duo as code'], { env })).stdout).toContain('disabled provider');
    expect((await runCli(['provider', 'enable', 'Duo as code'], { env })).stdout).toContain('enabled provider');
    const rotated = await runCli(['keys', 'rotate', '--retire'], { env });
    expect(rotated.stdout).toContain('re-sealed 1 secret set(s) (MFA providers, audit forwarding) under key version 2');
    expect(rotated.stdout).toContain('retired key version(s): 1');
    expect((await runCli(['provider', 'test', 'Duo as code'], { env })).code).toBe(0);
    expect((await runCli(['provider', 'delete', 'Duo as code'], { env })).stdout).toContain('deleted provider');
    expect((await runCli(['provider', 'delete', 'Duo as code'], { env })).code).toBe(65);
  });
});
