/**
 * ASVS 16.2.5 for the Duo Admin API: a "Duo" whose Admin API quotes our request back in its errors (the
 * Authorization header, the Date) — as some servers and intercepting proxies do — must not get the secret
 * key or a signature into an audit row, an HTTP answer or a log line, whichever path met the failure: the
 * pre-check at sign-in, Reset MFA removing phones, the log import, or the check on save.
 */
import { createServer, type Server } from 'node:https';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/server/http/logging.ts';
import { adminApplication, providerValues } from '../helpers/duo-admin.ts';
import { type DuoSignIn, freshAdmin, lastAudit, mfaUsers, startDuoSignIn } from '../helpers/duo-sign-in.ts';
import { auditRows, STRONG_PASSWORD } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { ENGINES } from '../helpers/portal.ts';
import { createTestCa } from '../helpers/test-pki.ts';

describe.each(ENGINES)('no Admin API secret or signature leaks on %s', (engine) => {
  const ca = createTestCa('Echo Admin API CA');
  let duo: DuoSignIn;
  let echo: Server;
  let echoing = false;
  let lines = '';
  const authorizations: string[] = [];
  const bodies: string[] = [];
  const newUser = mfaUsers('echo', () => duo);

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines += chunk.toString();
        done();
      },
    });
    duo = await startDuoSignIn(engine, { logger: pino(loggerOptions('trace'), sink), trustAlso: [ca.caPem] });
    const certificate = ca.issue({ hosts: ['localhost'] });
    echo = createServer({ cert: certificate.cert, key: certificate.key }, (request, response) => {
      const authorization = String(request.headers.authorization ?? '');
      authorizations.push(authorization);
      response.writeHead(echoing ? 401 : 200, { 'content-type': 'application/json' });
      const signature = Buffer.from(authorization.slice(6), 'base64').toString();
      response.end(
        JSON.stringify(
          echoing
            ? { stat: 'FAIL', code: 40103, message: authorization, message_detail: `${signature} ${request.url}` }
            : { stat: 'OK', response: request.url?.startsWith('/admin/v2') ? { authlogs: [], metadata: {} } : [] },
        ),
      );
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    echo.closeAllConnections();
    await new Promise((resolve) => echo.close(resolve));
    await duo.close();
  });

  it('the pre-check, Reset MFA, the log import and the check on save quote nothing secret', async () => {
    const keys = adminApplication(duo);
    const address = echo.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const admin = await freshAdmin(duo.portal);
    const saved = await admin.patch(`/api/admin/mfa/providers/${duo.providerId}`, {
      values: providerValues(duo, { adminApi: 'yes', ...keys, adminApiHost: `localhost:${port}` }),
    });
    expect(saved.status, saved.body).toBe(200);
    echoing = true;

    const { username, id } = await newUser();
    const browser = createClient(duo.portal.fastify);
    await browser.session();
    const login = await browser.post('/api/auth/login', { username, password: STRONG_PASSWORD });
    bodies.push(login.body);
    expect(login.json()).toMatchObject({ status: 'mfa_required' });
    expect(await lastAudit(duo.portal, 'login.mfa_prechecked')).toMatchObject({ reason: 'precheck_skipped' });

    const reset = await (await freshAdmin(duo.portal)).post(`/api/admin/users/${id}/mfa/reset`, {
      removeDevices: true,
    });
    bodies.push(reset.body);
    expect(reset.status).toBe(502);

    const [pulled] = await duo.portal.services.duoAuthLog.runOnce();
    expect(pulled?.status).toBe('failed');
    bodies.push(JSON.stringify(pulled));

    const resave = await (await freshAdmin(duo.portal)).patch(`/api/admin/mfa/providers/${duo.providerId}`, {
      values: providerValues(duo, { adminApi: 'yes', ...keys, adminApiHost: `localhost:${port}` }),
    });
    bodies.push(resave.body);
    expect(resave.status).toBe(400);

    const audit = JSON.stringify(await auditRows(duo.portal));
    const secrets = [
      keys.adminSecretKey,
      ...authorizations.flatMap((header) => [
        header.slice(6),
        Buffer.from(header.slice(6), 'base64').toString().split(':')[1] ?? '',
      ]),
    ];
    expect(authorizations.length).toBeGreaterThan(4);
    for (const secret of secrets.filter((value) => value.length >= 20)) {
      for (const haystack of [audit, lines, ...bodies]) expect(haystack).not.toContain(secret);
    }
    // The failures were still explained, with Duo's words scrubbed.
    expect(audit).toContain('[redacted]');
  });
});
