import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedUser } from '../helpers/fixtures.ts';
import { ENGINES, listen, startTestPortal, type TestPortal } from '../helpers/portal.ts';
import { missingPrograms } from '../helpers/programs.ts';
import { realBrowser } from '../helpers/real-http.ts';
import { createTestCa } from '../helpers/test-pki.ts';

const SITE = fileURLToPath(new URL('../../docs/deploy/nginx.conf', import.meta.url));
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));
const PASSWORD = 'lantern-orchard-velvet-61';

// Debian's nginx: skipped here when missing, required in CI (test/helpers/programs.ts).
const MISSING_PROGRAMS = missingPrograms('nginx');

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

/** Replaces `from` in the site file exactly as often as expected, so a reworded docs file fails loudly. */
function substitute(text: string, from: string | RegExp, to: string, times = 1): string {
  const pattern = typeof from === 'string' ? new RegExp(from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g') : from;
  const found = text.match(pattern)?.length ?? 0;
  if (found !== times) throw new Error(`docs/deploy/nginx.conf: expected ${times} × ${pattern}, found ${found}`);
  return text.replace(pattern, to);
}

interface Nginx {
  https: string;
  http: string;
  stop(): Promise<void>;
}

/** docs/deploy/nginx.conf in front of `upstreamPort`, on free loopback ports, with a certificate for localhost. */
async function startNginx(upstreamPort: number, certificate: { cert: string; key: string }): Promise<Nginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'portcullis-nginx-'));
  // Workers run as nobody when the master is root: they must reach the temp folders nginx makes here.
  chmodSync(prefix, 0o755);
  writeFileSync(join(prefix, 'portal.pem'), certificate.cert);
  writeFileSync(join(prefix, 'portal.key'), certificate.key, { mode: 0o600 });
  const [tlsPort, httpPort] = [await freePort(), await freePort()];
  let site = readFileSync(SITE, 'utf8');
  site = substitute(site, 'server 127.0.0.1:8080;', `server 127.0.0.1:${upstreamPort};`);
  site = substitute(site, /^\s*listen \[::\]:.*$/gm, '', 2);
  site = substitute(site, 'listen 80;', `listen 127.0.0.1:${httpPort};`);
  site = substitute(site, 'listen 443 ssl http2;', `listen 127.0.0.1:${tlsPort} ssl http2;`);
  site = substitute(site, '/etc/ssl/certs/portal.example.com.pem', join(prefix, 'portal.pem'));
  site = substitute(site, '/etc/ssl/private/portal.example.com.key', join(prefix, 'portal.key'));
  writeFileSync(join(prefix, 'portcullis.conf'), site);
  // What /etc/nginx/nginx.conf gives a site on Debian, reduced to what a test run needs.
  writeFileSync(
    join(prefix, 'nginx.conf'),
    `worker_processes 1;
pid ${join(prefix, 'nginx.pid')};
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, 'body')};
  proxy_temp_path ${join(prefix, 'proxy')};
  fastcgi_temp_path ${join(prefix, 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'uwsgi')};
  scgi_temp_path ${join(prefix, 'scgi')};
  include ${join(prefix, 'portcullis.conf')};
}
`,
  );
  const child: ChildProcess = spawn(
    NGINX as string,
    ['-e', 'stderr', '-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = once(child, 'exit');
  for (let attempt = 0; ; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}):\n${errors}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(tlsPort, '127.0.0.1', () => resolve(true)).on('error', () => resolve(false));
      socket.unref();
      setTimeout(() => socket.destroy(), 200);
    });
    if (up) break;
    if (attempt > 100) throw new Error(`nginx did not listen on ${tlsPort}:\n${errors}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    https: `https://localhost:${tlsPort}`,
    http: `http://localhost:${httpPort}`,
    async stop() {
      child.kill('SIGQUIT'); // graceful: finish what is in flight
      await exited;
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

async function sessionIp(browser: ReturnType<typeof realBrowser>): Promise<string | null> {
  const response = await browser.request('GET', '/api/me/sessions');
  const { items } = response.json<{ items: Array<{ current: boolean; ip: string | null }> }>();
  return items.find((session) => session.current)?.ip ?? null;
}

describe.skipIf(MISSING_PROGRAMS).each(ENGINES)(
  'behind nginx with TLS, as docs/deploy/nginx.conf says (%s)',
  (engine) => {
    const ca = createTestCa('Portcullis nginx test CA');
    const certificate = ca.issue({ hosts: ['localhost', '127.0.0.1'] });
    let trusting: TestPortal;
    let trustingBase: string;
    let nginx: Nginx;
    let untrusting: TestPortal;
    let nginxForUntrusting: Nginx;

    beforeAll(async () => {
      trusting = await startTestPortal(engine, { env: { PORTCULLIS_TRUSTED_PROXIES: '127.0.0.1' } });
      await seedUser(trusting, 'alice', { password: PASSWORD });
      trustingBase = await listen(trusting);
      nginx = await startNginx(Number(new URL(trustingBase).port), certificate);
      untrusting = await startTestPortal(engine);
      await seedUser(untrusting, 'alice', { password: PASSWORD });
      nginxForUntrusting = await startNginx(Number(new URL(await listen(untrusting)).port), certificate);
    });

    afterAll(async () => {
      await nginx?.stop();
      await nginxForUntrusting?.stop();
      await trusting?.close();
      await untrusting?.close();
    });

    it('signs in over HTTPS through nginx: Secure __Host- cookies, HSTS, and the client address nginx saw', async () => {
      // Connecting from 127.0.0.2 makes the client distinguishable from nginx (127.0.0.1).
      const browser = realBrowser(nginx.https, { ca: ca.caPem, localAddress: '127.0.0.2' });
      try {
        const login = await browser.signIn('alice', PASSWORD);
        expect(login.status).toBe(200);
        expect(login.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
        const { user, session } = await browser.session();
        expect(user?.username).toBe('alice');
        expect(session?.authLevel).toBe('password');
        const sessionCookie = browser.setCookies().find((line) => line.startsWith('__Host-portcullis_session='));
        expect(sessionCookie).toMatch(/; Secure/);
        expect(sessionCookie).toMatch(/; HttpOnly/);
        expect(await sessionIp(browser)).toBe('127.0.0.2');
      } finally {
        await browser.close();
      }
    });

    it('ignores the X-Forwarded-For a client sends: nginx appends the real address and that one is believed', async () => {
      const browser = realBrowser(nginx.https, {
        ca: ca.caPem,
        localAddress: '127.0.0.2',
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      try {
        expect((await browser.signIn('alice', PASSWORD)).status).toBe(200);
        expect(await sessionIp(browser)).toBe('127.0.0.2');
      } finally {
        await browser.close();
      }
    });

    it('a client reaching the portal directly from an untrusted address cannot claim HTTPS or another address', async () => {
      const browser = realBrowser(trustingBase.replace('localhost', '127.0.0.1'), {
        localAddress: '127.0.0.3',
        headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' },
      });
      try {
        const login = await browser.signIn('alice', PASSWORD);
        expect(login.status).toBe(200);
        expect(login.headers.get('strict-transport-security')).toBeNull();
        expect([...browser.cookies().keys()]).toContain('portcullis_session');
        expect(await sessionIp(browser)).toBe('127.0.0.3');
      } finally {
        await browser.close();
      }
    });

    it('without PORTCULLIS_TRUSTED_PROXIES the portal sees only nginx: plain cookies, no HSTS, nginx as the address', async () => {
      // What docs/deploy.md warns about: sign-in works, but cookies lose Secure and every session shows nginx's address.
      const browser = realBrowser(nginxForUntrusting.https, { ca: ca.caPem, localAddress: '127.0.0.2' });
      try {
        const login = await browser.signIn('alice', PASSWORD);
        expect(login.status).toBe(200);
        expect(login.headers.get('strict-transport-security')).toBeNull();
        const sessionCookie = browser.setCookies().find((line) => line.startsWith('portcullis_session='));
        expect(sessionCookie).toBeDefined();
        expect(sessionCookie).not.toMatch(/Secure/);
        expect(await sessionIp(browser)).toBe('127.0.0.1');
      } finally {
        await browser.close();
      }
    });

    it('redirects plain HTTP to HTTPS', async () => {
      const response = await fetch(`${nginx.http}/settings/users?tab=1`, { redirect: 'manual' });
      expect(response.status).toBe(301);
      expect(response.headers.get('location')).toBe('https://localhost/settings/users?tab=1');
    });
  },
);
