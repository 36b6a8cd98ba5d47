import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { listen, startTestPortal, type TestPortal } from '../helpers/portal.ts';
import { createTestCa } from '../helpers/test-pki.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  url: string,
  ca: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', ca, headers: init.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const cookiesOf = (answer: Answer) => (answer.headers['set-cookie'] as string[] | undefined) ?? [];

describe('served over HTTPS directly (PORTCULLIS_TLS_CERT / PORTCULLIS_TLS_KEY)', () => {
  let portal: TestPortal;
  let base: string;
  const ca = createTestCa();

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-tls-'));
    const leaf = ca.issue({ hosts: ['localhost', '127.0.0.1'] });
    writeFileSync(join(dir, 'cert.pem'), leaf.cert);
    writeFileSync(join(dir, 'key.pem'), leaf.key);
    portal = await startTestPortal('sqlite', {
      env: { PORTCULLIS_TLS_CERT: join(dir, 'cert.pem'), PORTCULLIS_TLS_KEY: join(dir, 'key.pem') },
    });
    await seedUser(portal, 'tls-user');
    base = await listen(portal);
  });
  afterAll(() => portal.close());

  it('answers over TLS with HSTS for a year', async () => {
    const answer = await call(`${base}/healthz`, ca.caPem);
    expect(answer.status).toBe(200);
    expect(answer.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('names its cookies __Host- and marks them Secure, HttpOnly, SameSite=Lax, Path=/ (no Domain)', async () => {
    const session = await call(`${base}/api/session`, ca.caPem);
    const pre = cookiesOf(session).find((cookie) => cookie.startsWith('__Host-portcullis_pre='));
    expect(pre).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const { csrfToken } = JSON.parse(session.body) as { csrfToken: string };
    const login = await call(`${base}/api/auth/login`, ca.caPem, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-csrf-token': csrfToken,
        cookie: (pre ?? '').split(';')[0] ?? '',
      },
      body: JSON.stringify({ username: 'tls-user', password: STRONG_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = cookiesOf(login).find((entry) => entry.startsWith('__Host-portcullis_session='));
    expect(cookie).toBeDefined();
    expect(cookie).toContain('; Path=/; HttpOnly; Secure; SameSite=Lax');
    expect(cookie).not.toMatch(/Domain=/i);
    const me = await call(`${base}/api/me`, ca.caPem, { headers: { cookie: (cookie ?? '').split(';')[0] ?? '' } });
    expect(me.status).toBe(200);
  });

  it('ignores a cookie without the __Host- prefix over HTTPS (it could have been set by a sibling host)', async () => {
    const session = await call(`${base}/api/me`, ca.caPem, { headers: { cookie: 'portcullis_session=anything' } });
    expect(session.status).toBe(401);
  });
});
