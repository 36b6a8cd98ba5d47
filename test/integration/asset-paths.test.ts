/**
 * Issue 12.4: path traversal through /assets/ — raw, percent-encoded, double-encoded, with
 * backslashes or NUL — is a plain 404 (or 400 for a request line that cannot be read), with our
 * error body, no stack trace and nothing logged as an error. Sent byte for byte over a real socket:
 * an HTTP library would normalise the dot segments before they reach the portal.
 */
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggerOptions } from '../../src/server/http/logging.ts';
import { CONSOLE_DIR } from '../../src/server/routes/console-static.ts';
import { ENGINES, listen, startTestPortal, type TestPortal } from '../helpers/portal.ts';

/** One GET with exactly this request target; the status line and body as the server sent them. */
function rawGet(port: number, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\nConnection: close\r\n\r\n`);
    });
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      resolve({ status, body: answer.slice(answer.indexOf('\r\n\r\n') + 4) });
    });
  });
}

const TRAVERSALS = [
  '/assets/../../package.json',
  '/assets/../../../../etc/passwd',
  '/assets/..%2f..%2fpackage.json',
  '/assets/%2e%2e/%2e%2e/package.json',
  '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
  '/assets/.%2e/.%2e/package.json',
  '/assets/%252e%252e%252f%252e%252e%252fpackage.json',
  '/assets/..%252f..%252fpackage.json',
  '/assets/..\\..\\package.json',
  '/assets/..%5c..%5cpackage.json',
  '/assets/%5c..%5c..%5cpackage.json',
  '/assets/%00',
  '/assets/index.js%00.html',
  '/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/package.json',
  '/assets//etc/passwd',
  '/assets/%2fetc%2fpasswd',
  '/assets/.env',
  '/assets/',
];

describe.each(ENGINES)('issue 12.4: /assets/ path traversal on %s', (engine) => {
  let portal: TestPortal;
  let port: number;
  let logged = '';

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    portal = await startTestPortal(engine, { logger: pino(loggerOptions('info'), sink) });
    port = Number(new URL(await listen(portal)).port);
  });
  afterAll(() => portal.close());

  it.each(TRAVERSALS)('%s is a plain 404/400 with no error logged', async (target) => {
    logged = '';
    const answer = await rawGet(port, target);
    expect([400, 404], `${target} answered ${answer.status}`).toContain(answer.status);
    expect(answer.body).not.toMatch(/"name"\s*:\s*"portcullis"|root:x:0|at \w+ \(|stack/i);
    if (answer.status === 404) expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const errors = logged
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; msg?: string; err?: unknown })
      .filter((line) => line.level >= 50);
    expect(errors, JSON.stringify(errors)).toEqual([]);
    expect(logged).not.toContain('"stack"');
  });

  it('still serves the real, hashed assets', async () => {
    const asset = readdirSync(join(CONSOLE_DIR, 'assets')).find((name) => name.endsWith('.js'));
    expect(asset).toBeDefined();
    const answer = await rawGet(port, `/assets/${asset}`);
    expect(answer.status, answer.body.slice(0, 200)).toBe(200);
    expect(answer.body.length).toBeGreaterThan(1000);
  });
});
