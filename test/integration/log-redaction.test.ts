import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/server/http/logging.ts';
import { STRONG_PASSWORD, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http-client.ts';
import { startTestPortal, type TestPortal } from '../helpers/portal.ts';

describe('logs never carry credentials (ASVS 16.2.5)', () => {
  let portal: TestPortal;
  let lines = '';

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines += chunk.toString();
        done();
      },
    });
    portal = await startTestPortal('sqlite', { logger: pino(loggerOptions('trace'), sink) });
    await seedUser(portal, 'nora', { role: 'administrator' });
  });
  afterAll(() => portal.close());

  it('logs requests without cookies, CSRF tokens, passwords, session tokens or query strings', async () => {
    const client = createClient(portal.fastify);
    await client.signIn('nora', STRONG_PASSWORD);
    await createClient(portal.fastify).signIn('nora', 'a-wrong-password-value');
    await client.post('/api/me/password', {
      currentPassword: STRONG_PASSWORD,
      newPassword: 'fresh-passphrase-for-nora',
      endOtherSessions: false,
    });
    await client.get('/api/admin/users?q=secret-query-value');
    await client.post('/api/admin/users', { username: 'x', password: 'planted-password-value' });
    const sessionToken = client.jar.get('portcullis_session') ?? 'missing';

    expect(lines.length).toBeGreaterThan(1000);
    for (const secret of [
      STRONG_PASSWORD,
      'a-wrong-password-value',
      'fresh-passphrase-for-nora',
      'planted-password-value',
      sessionToken,
      client.csrfToken ?? 'missing',
      'secret-query-value',
    ]) {
      expect(lines).not.toContain(secret);
    }
    expect(lines).toContain('"path":"/api/admin/users"');
  });
});
