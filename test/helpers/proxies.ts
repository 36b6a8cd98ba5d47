/**
 * Real reverse proxies for the forward-auth suites: Debian's nginx (with its auth_request module)
 * and Caddy, started on loopback ports with the configurations of docs/protect-an-app.md, over HTTPS
 * with a test certificate for *.portcullis.test; and a small application that echoes what it receives.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caddySite, nginxSite } from './proxy-configs.ts';
import { createTestCa } from './test-pki.ts';

export const DOMAIN = 'portcullis.test';
export const PORTAL_HOST = `auth.${DOMAIN}`;
export const APP_HOST = `grafana.${DOMAIN}`;

export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address !== 'object') throw new Error('no port');
  return address.port;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`proxy exited (${child.exitCode}): ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`proxy did not listen on ${port}: ${log()}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** One certificate for every test host, and what Chromium needs to trust exactly it. */
export function testCertificate(dir: string) {
  const ca = createTestCa('Portcullis forward-auth test CA');
  const leaf = ca.issue({ hosts: [`*.${DOMAIN}`, DOMAIN] });
  const certificate = join(dir, 'cert.pem');
  const certificateKey = join(dir, 'key.pem');
  writeFileSync(certificate, leaf.cert);
  writeFileSync(certificateKey, leaf.key, { mode: 0o600 });
  const spki = createHash('sha256')
    .update(new X509Certificate(leaf.cert).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  return { caPem: ca.caPem, certificate, certificateKey, spki };
}

export interface RunningProxy {
  port: number;
  /** https://<host>:<port> */
  url(host: string): string;
  caPem: string;
  spki: string;
  /** The proxy's own error log (nginx) or output (Caddy), for failures. */
  log(): string;
  close(): Promise<void>;
}

/** Once the proxy listens: what a test needs of it; on a failed start, everything is undone. */
async function running(
  child: ChildProcess,
  started: { port: number; dir: string; tls: ReturnType<typeof testCertificate>; log: () => string },
): Promise<RunningProxy> {
  const close = async () => {
    await stop(child);
    rmSync(started.dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(started.port, child, started.log);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    port: started.port,
    url: (host) => `https://${host}:${started.port}`,
    caPem: started.tls.caPem,
    spki: started.tls.spki,
    log: started.log,
    close,
  };
}

export async function startNginx(options: { port: number; portals: string[]; app: string }): Promise<RunningProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-nginx-'));
  const tls = testCertificate(dir);
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  const site = nginxSite({
    portal: { host: PORTAL_HOST, upstreams: options.portals },
    app: { host: APP_HOST, name: 'grafana', upstream: options.app },
    listen: `127.0.0.1:${options.port} ssl`,
    certificate: tls.certificate,
    certificateKey: tls.certificateKey,
  });
  // Only what a test run needs around the documented site: files in the temp folder, no daemon.
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
    default_type application/octet-stream;
${site}
}
`,
  );
  const child = spawn(
    'nginx',
    ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'],
    {
      stdio: 'ignore',
    },
  );
  const log = () => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');
  return running(child, { port: options.port, dir, tls, log });
}

export async function startCaddy(options: { port: number; portal: string; app: string }): Promise<RunningProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-caddy-'));
  const tls = testCertificate(dir);
  const site = caddySite({
    portal: { host: PORTAL_HOST, upstream: options.portal },
    app: { host: APP_HOST, upstream: options.app },
    address: (host) => `https://${host}:${options.port}`,
    tls: { certificate: tls.certificate, key: tls.certificateKey },
  });
  writeFileSync(
    join(dir, 'Caddyfile'),
    `{
\tadmin off
\tauto_https off
}

${site}`,
  );
  let output = '';
  const child = spawn('caddy', ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      XDG_DATA_HOME: join(dir, 'data'),
      XDG_CONFIG_HOME: join(dir, 'config'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return running(child, { port: options.port, dir, tls, log: () => output });
}

export interface EchoApp {
  /** 127.0.0.1:<port>, as the proxies' upstream. */
  address: string;
  /** The requests it received, newest last. */
  received: Array<{ method: string; url: string; headers: Record<string, string | string[] | undefined> }>;
  close(): Promise<void>;
}

/**
 * The protected application: it answers every request with what it received, as JSON or (for a
 * browser) as a small page listing the identity headers.
 */
export async function startEchoApp(): Promise<EchoApp> {
  const received: EchoApp['received'] = [];
  const server: Server = createServer((request, response) => {
    const entry = { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers };
    received.push(entry);
    if ((request.headers.accept ?? '').includes('text/html')) {
      const rows = Object.entries(request.headers)
        .filter(([name]) => name.startsWith('remote-') && name !== 'remote-jwt')
        .map(([name, value]) => `<tr><th>${name}</th><td>${String(value).replace(/[<>&]/g, '')}</td></tr>`)
        .join('');
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><html lang="en"><head><title>Grafana (test application)</title><style>body{font:15px system-ui;margin:40px}th{text-align:left;padding-right:24px}td,th{padding:6px 0}</style></head><body><h1>Grafana (test application)</h1><p>The request arrived with these headers from Portcullis:</p><table>${rows}</table></body></html>`,
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(entry));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('echo app not listening');
  return {
    address: `127.0.0.1:${address.port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
