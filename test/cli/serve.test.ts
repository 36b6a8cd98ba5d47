import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServe } from '../helpers/cli.ts';

describe('portcullis serve', () => {
  it('starts on an empty database with a one-time setup link, serves, and stops gracefully on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-serve-'));
    const server = await startServe({ PORTCULLIS_DATA_DIR: dataDir, PORTCULLIS_PORT: '0', PORTCULLIS_ENV: 'test' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const output = server.output();
      expect(output).toContain(`Generated a master key for sealing secrets: ${join(dataDir, 'master.key')}`);
      const link = /(http:\/\/localhost:\d+\/setup#token=[\w-]{43})/.exec(output)?.[1];
      expect(link).toBeDefined();
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${server.baseUrl}/readyz`)).json()).toEqual({ status: 'ready', database: 'sqlite' });

      // The printed token creates the first administrator (the console does the same from the link).
      const sessionResponse = await fetch(`${server.baseUrl}/api/session`);
      const cookie = sessionResponse.headers
        .getSetCookie()
        .map((value) => value.split(';')[0])
        .join('; ');
      const { csrfToken, setupRequired } = (await sessionResponse.json()) as {
        csrfToken: string;
        setupRequired: boolean;
      };
      expect(setupRequired).toBe(true);
      const token = new URL(link ?? '').hash.replace('#token=', '');
      const setup = await fetch(`${server.baseUrl}/api/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken, cookie },
        body: JSON.stringify({
          token,
          username: 'first',
          displayName: 'First Admin',
          email: 'first@example.com',
          password: 'river-stone-quiet-88',
        }),
      });
      expect(setup.status).toBe(201);
    } finally {
      server.child.kill('SIGTERM');
    }
    const code = await new Promise((resolve) => server.child.once('exit', resolve));
    expect(code).toBe(0);
    expect(server.output()).toContain('SIGTERM received: finishing in-flight requests, then stopping.');
  });
});
