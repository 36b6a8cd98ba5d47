/**
 * A minimal signed-in HTTP client for the audit benchmark: one keep-alive connection, cookies and the
 * CSRF token kept like a browser keeps them, and responses either read whole or streamed and counted.
 */
import { Agent, request } from 'node:http';

export interface Reply {
  status: number;
  body: string;
  ms: number;
}

export function createBenchClient(base: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const jar = new Map<string, string>();
  let csrf = '';

  function send(
    method: string,
    path: string,
    options: { json?: unknown; onChunk?: (chunk: Buffer) => void } = {},
  ): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const body = options.json === undefined ? undefined : JSON.stringify(options.json);
      const outgoing = request(
        `${base}${path}`,
        {
          method,
          agent,
          headers: {
            ...(jar.size > 0 && { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') }),
            ...(body !== undefined && { 'content-type': 'application/json' }),
            ...(method !== 'GET' && { 'x-csrf-token': csrf }),
          },
        },
        (response) => {
          for (const line of response.headers['set-cookie'] ?? []) {
            const [pair] = line.split(';');
            const [name, value] = (pair ?? '').split('=');
            if (name) jar.set(name.trim(), value ?? '');
          }
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => {
            if (options.onChunk) options.onChunk(chunk);
            else chunks.push(chunk);
          });
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  const expectOk = (what: string, reply: Reply) => {
    if (reply.status < 200 || reply.status >= 300)
      throw new Error(`${what}: HTTP ${reply.status} ${reply.body.slice(0, 300)}`);
    return reply;
  };

  return {
    get: (path: string) => send('GET', path),
    post: (path: string, json?: unknown) => send('POST', path, { json }),
    /** Reads a response as it streams, keeping only its size (an export of a million rows). */
    stream: (path: string, onChunk: (chunk: Buffer) => void) => send('GET', path, { onChunk }),
    expectOk,
    async signIn(username: string, password: string) {
      csrf = (JSON.parse(expectOk('session', await send('GET', '/api/session')).body) as { csrfToken: string })
        .csrfToken;
      expectOk('sign-in', await send('POST', '/api/auth/login', { json: { username, password } }));
      csrf = (JSON.parse(expectOk('session', await send('GET', '/api/session')).body) as { csrfToken: string })
        .csrfToken;
    },
    close: () => agent.destroy(),
  };
}

export type BenchClient = ReturnType<typeof createBenchClient>;
