// `npm run duo-emulator`: what a person trying Portcullis runs and copies from.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmulatorJson, startDuoEmulator } from '../index.ts';
import { authorizeUrl, clientAssertion, httpsRequest, postHealth } from './helpers.ts';

const BIN = resolve(import.meta.dirname, '../bin/duo-emulator.mjs');
const running: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  output: () => string;
  printed: Omit<EmulatorJson, 'baseUrl'>;
}

async function startCli(dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, [BIN, '--port', '0', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  await new Promise<void>((done, fail) => {
    const timer = setInterval(() => {
      if (out.includes('Press Ctrl+C')) {
        clearInterval(timer);
        done();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        fail(new Error(`CLI exited ${child.exitCode}: ${out}`));
      }
    }, 50);
  });
  const field = (label: string) => new RegExp(`${label}:\\s+(\\S+)`).exec(out)?.[1] ?? '';
  return {
    child,
    output: () => out,
    printed: {
      endpoint: field('Endpoint'),
      clientId: field('Client ID'),
      clientSecret: field('Client Secret'),
      adminIntegrationKey: field('Integration key'),
      adminSecretKey: field('Secret key'),
      caFile: field('CA certificate'),
    },
  };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((done) => (child.exitCode !== null ? done(child.exitCode) : child.on('exit', done)));

describe('duo-emulator CLI', () => {
  it('prints the Endpoint, a ready Client ID and Secret and the CA file, and writes emulator.json', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'duo-cli-test-'));
    dirs.push(dataDir);
    const { printed } = await startCli(dataDir);
    expect(printed.endpoint).toMatch(/^localhost:\d+$/);
    expect(printed.clientId).toMatch(/^DI[A-Z0-9]{18}$/);
    expect(printed.clientSecret).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(printed.adminIntegrationKey).toMatch(/^DI[A-Z0-9]{18}$/);
    expect(printed.adminSecretKey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(printed.caFile).toBe(join(dataDir, 'ca.pem'));
    expect(JSON.parse(readFileSync(join(dataDir, 'emulator.json'), 'utf8'))).toEqual({
      ...printed,
      baseUrl: `https://${printed.endpoint}`,
    });
  });

  it('the printed credentials pass a health check over HTTPS trusting only the printed CA file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'duo-cli-test-'));
    dirs.push(dataDir);
    const { printed } = await startCli(dataDir);
    const target = { baseUrl: `https://${printed.endpoint}`, caPem: readFileSync(printed.caFile, 'utf8') };
    const assertion = await clientAssertion(target, printed, 'health_check', Date.now());
    const res = await postHealth(target, { client_id: printed.clientId, client_assertion: assertion });
    expect(res.json()).toMatchObject({ stat: 'OK' });
  });

  it('logs requests without the request JWT or the client assertion', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'duo-cli-test-'));
    dirs.push(dataDir);
    const { printed, output } = await startCli(dataDir);
    const target = { baseUrl: `https://${printed.endpoint}`, caPem: readFileSync(printed.caFile, 'utf8') };
    const url = new URL(await authorizeUrl(target, printed, Date.now()));
    await httpsRequest(target, { path: `${url.pathname}${url.search}` });
    await new Promise((r) => setTimeout(r, 200));
    const requestJwt = url.searchParams.get('request') ?? '';
    expect(output()).toMatch(/\[duo-emulator\] GET \/oauth\/v1\/authorize\?\S+ 303 \d+ms/);
    expect(output()).not.toContain(requestJwt);
    expect(output()).not.toContain(requestJwt.slice(0, 40));
  });

  it('bypass-codes gets codes from the running emulator, and one of them signs the user in once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'duo-cli-test-'));
    dirs.push(dataDir);
    const seeded = await startDuoEmulator({ dataDir });
    seeded.setUser('alice', { enrolled: true });
    await seeded.close();
    const { printed } = await startCli(dataDir);
    const stdout = await new Promise<string>((done, fail) =>
      execFile(process.execPath, [BIN, 'bypass-codes', 'Alice', '--count', '2', '--data-dir', dataDir], (err, out) =>
        err ? fail(err) : done(out),
      ),
    );
    const codes = [...stdout.matchAll(/^ {2}(\d{9})$/gm)].map((m) => m[1] ?? '');
    expect(codes).toHaveLength(2);

    const target = { baseUrl: `https://${printed.endpoint}`, caPem: readFileSync(printed.caFile, 'utf8') };
    const signIn = async (code: string) => {
      const url = new URL(await authorizeUrl(target, printed, Date.now()));
      const opened = await httpsRequest(target, { path: `${url.pathname}${url.search}` });
      const txid = new URL(String(opened.headers.location), target.baseUrl).searchParams.get('txid') ?? '';
      await httpsRequest(target, { path: '/frame/options', form: { txid, option: 'bypass_code' } });
      return httpsRequest(target, { path: '/frame/passcode', form: { txid, kind: 'bypass_code', passcode: code } });
    };
    const first = await signIn(codes[0] ?? '');
    expect(first.status).toBe(302);
    expect(String(first.headers.location)).toContain('duo_code=');
    expect((await signIn(codes[0] ?? '')).status).toBe(303);
  });

  it('bypass-codes without a running emulator says so', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'duo-cli-test-'));
    dirs.push(dataDir);
    const result = await new Promise<{ code: number | null; stderr: string }>((done) =>
      execFile(process.execPath, [BIN, 'bypass-codes', 'alice', '--data-dir', dataDir], (err, _out, stderr) =>
        done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('start the emulator');
  });

  it('shuts down cleanly on SIGTERM and, restarted, reuses the CA and the ready client', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'duo-cli-test-'));
    dirs.push(dataDir);
    const first = await startCli(dataDir);
    const ca = readFileSync(first.printed.caFile, 'utf8');
    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);

    const second = await startCli(dataDir);
    expect(second.printed.clientId).toBe(first.printed.clientId);
    expect(second.printed.clientSecret).toBe(first.printed.clientSecret);
    expect(readFileSync(second.printed.caFile, 'utf8')).toBe(ca);
    second.child.kill('SIGINT');
    expect(await exited(second.child)).toBe(0);
  });

  it('--help prints the options and exits 0', async () => {
    const child = spawn(process.execPath, [BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    expect(await exited(child)).toBe(0);
    for (const flag of ['--port', '--data-dir', '--hostname']) expect(out).toContain(flag);
  });
});
