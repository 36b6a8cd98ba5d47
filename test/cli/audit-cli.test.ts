import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

/** The CLI shares the export and retention code with the API: the same files, the same audit records. */
describe('portcullis audit (CLI)', { timeout: 90_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  const records = async (type: string) => {
    const result = await runCli(['audit', 'export', '--format', 'jsonl', '--type', type], { env });
    expect(result.code, result.stderr).toBe(0);
    return result.stdout
      .trimEnd()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; userAgent: string; details: Record<string, unknown> });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-audit-cli-'));
    env = { PORTCULLIS_DATA_DIR: dir, PORTCULLIS_ENV: 'test' };
    for (const username of ['ann', 'ben', 'cat']) {
      const added = await runCli(['user', 'add', '--username', username, '--email', `${username}@example.com`], {
        env,
        input: 'a-long-cli-passphrase\n',
      });
      expect(added.code, added.stderr).toBe(0);
    }
  });

  it('exports JSON Lines to a file only its owner can read, and records the export as the API does', async () => {
    const file = join(dir, 'users.jsonl');
    const result = await runCli(['audit', 'export', '--format', 'jsonl', '--type', 'user.created', '-o', file], {
      env,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe(`wrote 3 audit records to ${file}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).targetLabel)).toEqual(['cat', 'ben', 'ann']);
    const [exported] = (await records('audit.exported')).slice(-2);
    expect(exported?.details).toEqual({ rows: 3, filters: { type: 'user.created' }, format: 'jsonl', completed: true });
    expect(exported?.userAgent).toMatch(/^portcullis-cli \(os user /);
  });

  it('refuses bad options with exit 2 and the field named', async () => {
    const format = await runCli(['audit', 'export', '--format', 'xml'], { env });
    expect([format.code, format.stderr]).toEqual([2, 'portcullis: --format: use csv or jsonl\n']);
    const days = await runCli(['audit', 'archive', '--older-than-days', '0', '-o', join(dir, 'x.jsonl')], { env });
    expect(days.code).toBe(2);
    expect(days.stderr).toContain('--older-than-days: olderThanDays must be at least 1');
    const archive = await runCli(['audit', 'prune', '--archive', 'abc'], { env });
    expect(archive.code).toBe(2);
    expect((await runCli(['audit', 'prune', '--archive', '42'], { env })).code).toBe(65);
  });

  it('archives records older than N days with their SHA-256, lists the archive, and prunes it', async () => {
    const file = join(dir, 'archive.jsonl');
    // Nothing is older than a day in this fresh database: an empty, valid archive.
    const archived = await runCli(['audit', 'archive', '--older-than-days', '1', '-o', file], { env });
    expect(archived.code, archived.stderr).toBe(0);
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(archived.stdout).toMatch(/^archive 1: 0 records older than \d{4}-\d{2}-\d{2}T[\d:.]+Z in /);
    expect(archived.stdout).toContain(`sha256 ${sha}\n`);
    const listed = await runCli(['audit', 'archives'], { env });
    expect(listed.stdout).toMatch(/^ID {2}BEFORE +RECORDS {2}FORMAT {2}CREATED +PRUNED\n1 {3}\S+ +0 +jsonl/);
    const pruned = await runCli(['audit', 'prune', '--archive', '1'], { env });
    expect([pruned.code, pruned.stdout]).toEqual([0, 'pruned 0 records (archive 1)\n']);
    expect((await records('audit.pruned'))[0]?.details).toMatchObject({ archiveId: 1, rows: 0 });
    expect((await runCli(['audit', 'prune', '--archive', '1'], { env })).stderr).toContain('already pruned');
  });
});
