/**
 * Back-channel properties that need a server misbehaving in ways Duo (and the emulator) never do:
 * redirects, huge bodies, silent peers, bad certificates. The servers here are bare HTTPS/TCP
 * listeners, not Duo fakes; the protocol itself is tested against the emulator.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDuoClient, type DuoClient, type DuoClientOptions, isOutage } from '../../src/server/duo/index.ts';
import { expectDuoError } from './support/errors.ts';
import { createTlsFixture, type TlsFixture } from './support/tls-fixture.ts';

const CLIENT_ID = 'DITRANSPORTTEST00001';
const SECRET = 'TransportSecretPLANTED0123456789abcdefgh';

let tls: TlsFixture;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(() => {
  tls = createTlsFixture();
});
afterAll(() => tls.cleanup());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Handler = Parameters<typeof createHttpsServer>[1];

async function listen(server: Server | TcpServer | ReturnType<typeof createHttpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function httpsServer(handler: Handler, cert = tls.good): Promise<{ port: number; server: Server }> {
  const server = createHttpsServer({ ...cert }, handler);
  return { port: await listen(server), server };
}

function client(port: number, options: Partial<DuoClientOptions> = {}, host = 'localhost'): DuoClient {
  const duo = createDuoClient(
    {
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      apiHost: `${host}:${port}`,
      redirectUri: 'https://portal.example.com/cb',
    },
    { allowCustomHosts: true, extraCaPem: tls.caPem, ...options },
  );
  cleanups.push(() => duo.close());
  return duo;
}

function answerOk(res: Parameters<Handler & object>[1]): void {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ stat: 'OK', response: { timestamp: Math.floor(Date.now() / 1000) } }));
}

const healthy: Handler = (req, res) => {
  req.resume();
  req.on('end', () => answerOk(res));
};

describe('transport', () => {
  it('reuses one keep-alive TLS connection for consecutive calls, and close() releases it', async () => {
    const { port, server } = await httpsServer(healthy);
    let connections = 0;
    let open = 0;
    server.on('secureConnection', (socket) => {
      connections++;
      open++;
      socket.on('close', () => open--);
    });
    const duo = client(port);
    for (let i = 0; i < 5; i++) await duo.healthCheck();
    expect(connections).toBe(1);
    await duo.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(open).toBe(0);
    await expectDuoError(duo.healthCheck(), 'configuration');
    expect(connections).toBe(1);
  });

  it('sends a form body with our User-Agent and never a proxy', async () => {
    let seen: { headers: Record<string, unknown>; body: string } | undefined;
    const { port } = await httpsServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        seen = { headers: req.headers, body };
        answerOk(res);
      });
    });
    await client(port).healthCheck();
    expect(seen?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(seen?.headers['user-agent']).toMatch(/^portcullis\/\d+\.\d+\.\d+\S* node\/\d+\.\d+\.\d+$/);
    expect([...new URLSearchParams(seen?.body).keys()]).toEqual(['client_id', 'client_assertion']);
  });

  it('retries once on a fresh connection when a reused keep-alive socket was reset before any answer', async () => {
    const perSocket = new Map<unknown, number>();
    const { port, server } = await httpsServer((req, res) => {
      const count = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, count);
      // A peer that silently dropped the idle connection: the second request on it is reset unanswered.
      if (count > 1) return req.socket.destroy();
      healthy(req, res);
    });
    let connections = 0;
    server.on('secureConnection', () => connections++);
    const duo = client(port);
    await duo.healthCheck();
    await duo.healthCheck();
    expect(connections).toBe(2);
    expect([...perSocket.values()]).toEqual([2, 1]);
  });

  it('refuses answers that are not Duo health answers: OK without timestamp, a 404 page', async () => {
    const { port } = await httpsServer((req, res) => {
      req.resume();
      if (req.url === '/oauth/v1/health_check' && req.headers['user-agent']?.includes('probe-404')) {
        res.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not Found</html>');
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end('{"stat":"OK"}');
    });
    await expectDuoError(client(port).healthCheck(), 'malformed_response', 'timestamp');
    const notFound = await expectDuoError(
      client(port, { userAgent: 'probe-404' }).healthCheck(),
      'malformed_response',
      'json',
    );
    expect(notFound.message).not.toContain('<html>');
    expect(isOutage(notFound)).toBe(false);
  });

  it('never follows a redirect (3xx is malformed_response) and never contacts the target', async () => {
    let stolen = 0;
    const { port: thief } = await httpsServer((_req, res) => {
      stolen++;
      res.end('{}');
    });
    const { port } = await httpsServer((req, res) => {
      req.resume();
      res.writeHead(307, { location: `https://localhost:${thief}/oauth/v1/health_check` }).end();
    });
    const error = await expectDuoError(client(port).healthCheck(), 'malformed_response', 'redirect', [SECRET]);
    expect(error.httpStatus).toBe(307);
    expect(isOutage(error)).toBe(false);
    expect(stolen).toBe(0);
  });

  it('caps response bodies at 64 KiB, declared or streamed', async () => {
    const big = JSON.stringify({ stat: 'OK', response: { timestamp: 1, pad: 'x'.repeat(70 * 1024) } });
    const { port: declared } = await httpsServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(big) }).end(big);
    });
    await expectDuoError(client(declared).healthCheck(), 'malformed_response', 'too_large');
    const { port: streamed } = await httpsServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < big.length; i += 8192) res.write(big.slice(i, i + 8192));
      res.end();
    });
    await expectDuoError(client(streamed).healthCheck(), 'malformed_response', 'too_large');
  });

  it('times out when the server accepts but never answers (timeoutMs bounds the whole call)', async () => {
    const { port } = await httpsServer(() => {
      // never answers
    });
    const started = Date.now();
    const error = await expectDuoError(client(port, { timeoutMs: 300 }).healthCheck(), 'timeout', 'timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(isOutage(error)).toBe(true);
  });

  it('times out during the TLS handshake when the peer stays silent (connect phase included)', async () => {
    const port = await listen(createTcpServer(() => {}));
    const started = Date.now();
    await expectDuoError(client(port, { timeoutMs: 300 }).healthCheck(), 'timeout', 'timeout');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('maps a refused connection and a DNS failure to unreachable (outages)', async () => {
    const port = await listen(createTcpServer());
    cleanups.pop()?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await expectDuoError(client(port).healthCheck(), 'unreachable', 'refused', [SECRET]);
    expect(isOutage(refused)).toBe(true);
    const dns = await expectDuoError(
      client(443, {}, 'duo-portcullis-test.invalid').healthCheck(),
      'unreachable',
      'dns',
    );
    expect(isOutage(dns)).toBe(true);
  });

  it('maps a connection reset to unreachable/reset', async () => {
    const { port } = await httpsServer((req) => {
      req.socket.destroy();
    });
    const error = await expectDuoError(client(port).healthCheck(), 'unreachable', 'reset', [SECRET]);
    expect(isOutage(error)).toBe(true);
  });

  it('case 41: untrusted, expired and mis-named certificates fail as tls, never as an outage', async () => {
    const cases = [
      // Our CA is not given: the default roots alone must refuse it (no NODE_TLS_REJECT_UNAUTHORIZED tricks).
      { cert: tls.good, trustOurCa: false, cause: 'cert_untrusted' },
      { cert: tls.foreign, trustOurCa: true, cause: 'cert_untrusted' },
      { cert: tls.expired, trustOurCa: true, cause: 'cert_expired' },
      { cert: tls.wrongName, trustOurCa: true, cause: 'cert_hostname' },
    ] as const;
    for (const { cert, trustOurCa, cause } of cases) {
      const { port } = await httpsServer(healthy, cert);
      const duo = createDuoClient(
        {
          clientId: CLIENT_ID,
          clientSecret: SECRET,
          apiHost: `localhost:${port}`,
          redirectUri: 'https://p.example/cb',
        },
        { allowCustomHosts: true, ...(trustOurCa && { extraCaPem: tls.caPem }) },
      );
      cleanups.push(() => duo.close());
      const error = await expectDuoError(duo.healthCheck(), 'tls', cause, [SECRET]);
      expect(isOutage(error)).toBe(false);
    }
  });

  it('refuses to speak TLS to a plain-HTTP server', async () => {
    const port = await listen(createHttpServer((_req, res) => res.end('{"stat":"OK"}')));
    const error = await expectDuoError(client(port).healthCheck(), 'tls', 'handshake');
    expect(isOutage(error)).toBe(false);
  });
});
