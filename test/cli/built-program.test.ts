import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realBrowser } from '../helpers/real-http.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PASSWORD = 'quiet-harbour-lantern-42';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end (a promise, so the test runner's timers keep running). */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }) {
  return new Promise<Ran>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? baseEnv(), stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** What an operator's shell has, without this test run's own PORTCULLIS_* settings. */
function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...extra };
}

async function ok(ran: Promise<Ran>, what: string): Promise<Ran> {
  const result = await ran;
  if (result.code !== 0) throw new Error(`${what} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

// A fresh clone of this repository's HEAD (committed work only), installed with `npm install` exactly
// as the README says. The dependencies are copied in first, so npm finds them up to date and only
// runs the "prepare" script (the build): a real `npm ci --offline` compiles better-sqlite3 and took
// 2 min 15 s here, copying node_modules takes ~3 s.
describe('the built program, installed from a fresh clone', () => {
  let clone: string;
  let dataRoot: string;

  beforeAll(async () => {
    clone = mkdtempSync(join(tmpdir(), 'portcullis-clone-'));
    dataRoot = mkdtempSync(join(tmpdir(), 'portcullis-clone-data-'));
    await ok(run('git', ['clone', '--quiet', ROOT, clone], { cwd: tmpdir() }), 'git clone');
    await ok(run('cp', ['-a', join(ROOT, 'node_modules'), join(clone, 'node_modules')], { cwd: clone }), 'copy');
    await ok(run('npm', ['install', '--offline', '--no-audit', '--no-fund'], { cwd: clone }), 'npm install');
  }, 240_000);

  afterAll(() => {
    rmSync(clone, { recursive: true, force: true });
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it('npm install built the server, the CLI and the console, with source maps and stamps', () => {
    for (const file of [
      'dist/cli/main.js',
      'dist/cli/main.js.map',
      'dist/server/app.js',
      'dist/server.stamp.json',
      'dist/console/index.html',
      'dist/console.stamp.json',
    ]) {
      expect(existsSync(join(clone, file)), file).toBe(true);
    }
    const map = JSON.parse(readFileSync(join(clone, 'dist/server/app.js.map'), 'utf8')) as { sources: string[] };
    expect(map.sources).toEqual(['../../src/server/app.ts']);
  });

  it('plain node serves the build: a user made by the built CLI signs in over HTTP and gets the console', async () => {
    const env = baseEnv({ PORTCULLIS_DATA_DIR: join(dataRoot, 'serve'), PORTCULLIS_PORT: '0' });
    await ok(
      run(
        process.execPath,
        ['bin/portcullis.mjs', 'user', 'add', '--admin', '--username', 'ops', '--email', 'ops@example.com'],
        { cwd: clone, env, input: `${PASSWORD}\n` },
      ),
      'user add',
    );

    const server = spawn(process.execPath, ['bin/portcullis.mjs', 'serve'], { cwd: clone, env, stdio: 'pipe' });
    let output = '';
    const base = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+) /.exec(output);
        if (match?.[1]) resolve(match[1]);
      };
      server.stdout.on('data', onData);
      server.stderr.on('data', onData);
      server.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening:\n${output}`)));
    });
    const browser = realBrowser(base);
    try {
      expect(await (await browser.request('GET', '/readyz')).json()).toEqual({ status: 'ready', database: 'sqlite' });
      // The administrator exists, so there is no setup link.
      expect(output).not.toContain('/setup#token=');

      const login = await browser.signIn('ops', PASSWORD);
      expect(login.status).toBe(200);
      expect(login.json()).toMatchObject({ status: 'signed_in' });
      const { user, session } = await browser.session();
      expect(user?.username).toBe('ops');
      expect(session?.authLevel).toBe('password');

      // The console Vite built, and one of its hashed assets.
      const page = await browser.request('GET', '/settings/users', undefined, { accept: 'text/html' });
      const html = page.body;
      expect(page.headers.get('content-type')).toContain('text/html');
      const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(script, html).toBeDefined();
      const asset = await browser.request('GET', script ?? '');
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toContain('javascript');
    } finally {
      await browser.close();
      server.kill('SIGTERM');
    }
    expect(await new Promise((resolve) => server.once('exit', resolve))).toBe(0);
  });

  it("an unexpected error's stack names the .ts source lines, not the built .js", async () => {
    // A data folder below a regular file cannot be created: an error no message is written for.
    const result = await run(process.execPath, ['bin/portcullis.mjs', 'user', 'list'], {
      cwd: clone,
      env: baseEnv({ PORTCULLIS_DATA_DIR: join(clone, 'package.json', 'data') }),
    });
    expect(result.code).toBe(70);
    expect(result.stderr).toContain('portcullis: unexpected error: ENOTDIR');
    expect(result.stderr).toMatch(/at openStorage \(\S+\/src\/server\/db\/database\.ts:\d+:\d+\)/);
    expect(result.stderr).not.toContain('dist/server');
  });

  it('refuses to run when a source changed since the build, says how to fix it, and runs after "npm run build"', async () => {
    const cli = () => run(process.execPath, ['bin/portcullis.mjs', '--version'], { cwd: clone });
    // Touched but unchanged (a copy, a checkout): the contents decide, so it still runs.
    const app = join(clone, 'src/server/app.ts');
    utimesSync(app, new Date(), new Date(Date.now() + 60_000));
    expect((await cli()).code).toBe(0);

    appendFileSync(app, '\n// a local change\n');
    const refused = await cli();
    expect(refused.code).toBe(78);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(
      'portcullis: the server and CLI build is out of date: src/server/app.ts changed since the last build.',
    );
    expect(refused.stderr).toContain('run "npm run build" (or "npm install"), then try again.');

    await ok(run('npm', ['run', 'build'], { cwd: clone }), 'npm run build');
    const after = await cli();
    expect(after.code).toBe(0);
    expect(after.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  }, 120_000);
});
