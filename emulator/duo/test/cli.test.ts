// `npm run duo-emulator`: what a person trying Portcullis runs and copies from.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
  printed: {
    endpoint: string;
    clientId: string;
    clientSecret: string;
    adminIntegrationKey: string;
    adminSecretKey: string;
    caFile: string;
  };
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
