/**
 * Settings > System > Diagnostics: each check seen passing and failing — Application URL, DNS, the
 * certificate served at the Application URL (the portal itself over real HTTPS with a test-PKI
 * certificate), Duo reachable directly, proxy variables, and the clock against Duo's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuoSignIn, freshAdmin, startDuoSignIn } from '../helpers/duo-sign-in.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES, listen, startTestPortal, type TestPortal, testClock } from '../helpers/portal.ts';
import { createTestCa, type TestCertificate } from '../helpers/test-pki.ts';

const DAY_MS = 86_400_000;
type Check = {
  id: string;
  label: string;
  status: 'pass' | 'fail' | 'warn' | 'skipped';
  message: string;
  fix: string | null;
};

async function tlsServer(certificate: TestCertificate): Promise<{ server: Server; url: string }> {
  const server = createServer({ cert: certificate.cert, key: certificate.key }, (_request, response) => response.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, url: `https://localhost:${typeof address === 'object' && address ? address.port : 0}` };
}

async function diagnostics(portal: TestPortal): Promise<Record<string, Check>> {
  const admin = await freshAdmin(portal);
  const response = await admin.post('/api/admin/diagnostics');
  expect(response.status).toBe(200);
  return Object.fromEntries(response.json<{ checks: Check[] }>().checks.map((check) => [check.id, check]));
}

describe.each(ENGINES)('diagnostics on %s', (engine) => {
  const ca = createTestCa('Diagnostics test CA');
  const foreignCa = createTestCa('Nobody trusts this CA');
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-diagnostics-'));
  const clock = testClock(Date.now());
  let skewMs = 0;
  let duo: DuoSignIn;
  let httpsUrl: string;
  let servers: Server[] = [];
  let untrustedUrl: string;
  let expiredUrl: string;
  let expiringUrl: string;

  const setUrl = async (applicationUrl: string) => {
    const admin = await freshAdmin(duo.portal);
    const response = await admin.raw('PUT', '/api/admin/settings/application-url', { body: { applicationUrl } });
    expect(response.status, response.body).toBe(200);
  };

  beforeAll(async () => {
    const now = Date.now();
    const own = ca.issue({
      hosts: ['localhost', '127.0.0.1'],
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 90 * DAY_MS),
    });
    writeFileSync(join(dir, 'cert.pem'), own.cert);
    writeFileSync(join(dir, 'key.pem'), own.key);
    // The portal serves HTTPS itself, and trusts the test CA (with the emulator's) through PORTCULLIS_DUO_CA_FILE.
    duo = await startDuoSignIn(engine, {
      clock,
      emulatorNow: () => clock() + skewMs,
      trustAlso: [ca.caPem],
      env: { PORTCULLIS_TLS_CERT: join(dir, 'cert.pem'), PORTCULLIS_TLS_KEY: join(dir, 'key.pem') },
    });
    httpsUrl = await listen(duo.portal);
    const untrusted = await tlsServer(foreignCa.issue({ hosts: ['localhost', '127.0.0.1'] }));
    // Trusted, but valid for one more day only.
    const expiring = await tlsServer(ca.issue({ hosts: ['localhost', '127.0.0.1'] }));
    const expired = await tlsServer(
      ca.issue({
        hosts: ['localhost', '127.0.0.1'],
        notBefore: new Date(now - 3 * DAY_MS),
        notAfter: new Date(now - DAY_MS),
      }),
    );
    servers = [untrusted.server, expiring.server, expired.server];
    untrustedUrl = untrusted.url;
    expiringUrl = expiring.url;
    expiredUrl = expired.url;
  });
  afterAll(async () => {
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await duo.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Application URL valid, DNS resolves (localhost), certificate warns for http:// in test mode', async () => {
    await setUrl('http://localhost:8080');
    const checks = await diagnostics(duo.portal);
    expect(checks.application_url).toMatchObject({
      status: 'pass',
      message: expect.stringContaining('http://localhost:8080'),
    });
    expect(checks.dns).toMatchObject({ status: 'pass', message: expect.stringMatching(/^localhost resolves to /) });
    expect(checks.certificate).toMatchObject({ status: 'warn', fix: expect.stringMatching(/HTTPS/) });
  });

  it('DNS fails for a name that does not resolve, and the certificate check is skipped', async () => {
    await setUrl('https://portcullis.invalid');
    const checks = await diagnostics(duo.portal);
    expect(checks.application_url?.status).toBe('pass');
    expect(checks.dns).toMatchObject({ status: 'fail', fix: expect.stringContaining('portcullis.invalid') });
    expect(checks.certificate?.status).toBe('skipped');
  });

  it('certificate passes for the portal itself over HTTPS with a certificate from a trusted CA', async () => {
    await setUrl(httpsUrl);
    // The portal really is serving that certificate on that address.
    const checks = await diagnostics(duo.portal);
    expect(checks.certificate).toMatchObject({
      status: 'pass',
      message: expect.stringMatching(/^Valid certificate for localhost from Diagnostics test CA, (89|90) days left\.$/),
      fix: null,
    });
    // A trusted certificate about to expire is a warning to renew.
    await setUrl(expiringUrl);
    expect((await diagnostics(duo.portal)).certificate).toMatchObject({
      status: 'warn',
      fix: 'Renew the certificate soon.',
    });
  });

  it('certificate fails when the certificate is from an untrusted CA, or expired', async () => {
    for (const [url, problem] of [
      [untrustedUrl, /not valid: .*(UNABLE_TO_VERIFY|unable to verify|self.signed|issuer)/i],
      [expiredUrl, /not valid: .*expired/i],
    ] as const) {
      await setUrl(url);
      const checks = await diagnostics(duo.portal);
      expect(checks.dns?.status).toBe('pass');
      expect(checks.certificate?.status, url).toBe('fail');
      expect(checks.certificate?.message).toMatch(problem);
      expect(checks.certificate?.fix).toMatch(/trusted CA/);
    }
  });

  it('clock: in sync with Duo passes; 90 s off fails (and Duo still counts as reachable)', async () => {
    const id = duo.providerId;
    skewMs = 0;
    const inSync = await diagnostics(duo.portal);
    expect(inSync[`duo_reachable:${id}`]?.status).toBe('pass');
    expect(inSync[`clock:${id}`]).toMatchObject({ status: 'pass', fix: null });
    skewMs = 90_000;
    try {
      const skewed = await diagnostics(duo.portal);
      expect(skewed[`duo_reachable:${id}`]?.status).toBe('pass');
      expect(skewed[`clock:${id}`]).toMatchObject({
        status: 'fail',
        message: "This server's clock is 90 s behind Duo's.",
        fix: expect.stringMatching(/NTP/),
      });
    } finally {
      skewMs = 0;
    }
  });

  it('Duo reachable passes while the emulator is up, and fails once it is gone', async () => {
    const id = duo.providerId;
    expect((await diagnostics(duo.portal))[`duo_reachable:${id}`]).toMatchObject({
      status: 'pass',
      message: 'Duo answered the health check directly.',
    });
    await duo.env.emulator.close();
    const checks = await diagnostics(duo.portal);
    expect(checks[`duo_reachable:${id}`]).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/could not be reached/),
    });
    expect(checks[`clock:${id}`]?.status).toBe('skipped');
  });

  describe('on a portal with no Application URL and proxy variables set', () => {
    let portal: TestPortal;

    beforeAll(async () => {
      portal = await startTestPortal(engine, { env: { HTTPS_PROXY: 'http://proxy.example:3128' } });
      await seedUser(portal, 'admin', { role: 'administrator' });
      await createClient(portal.fastify).signIn('admin', STRONG_PASSWORD);
    });
    afterAll(() => portal.close());

    it('Application URL missing fails (DNS and certificate skipped); the proxy variables warn', async () => {
      const checks = await diagnostics(portal);
      expect(checks.application_url).toMatchObject({ status: 'fail', message: 'The Application URL is not set.' });
      expect(checks.dns?.status).toBe('skipped');
      expect(checks.certificate?.status).toBe('skipped');
      expect(checks.proxy).toMatchObject({
        status: 'warn',
        message: expect.stringMatching(/^HTTPS_PROXY is set, but Portcullis connects to Duo directly/),
      });
      expect(checks.duo_reachable?.status).toBe('skipped');
    });

    it('without proxy variables there is no proxy warning', async () => {
      expect((await diagnostics(duo.portal)).proxy).toBeUndefined();
    });
  });
});
