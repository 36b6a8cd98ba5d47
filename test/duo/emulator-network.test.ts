/** Back-channel behaviour against the Duo emulator over real HTTPS: TLS (41), proxies (42), timeouts, keep-alive. */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createDuoClient, isOutage, proxyVariablesSet } from '../../src/server/duo/index.ts';
import { approvedLogin, CLIENT_ID, emulatorHarness, REDIRECT_URI, SECRET } from './support/emulator.ts';
import { expectDuoError } from './support/errors.ts';

const h = emulatorHarness();

describe('TLS', () => {
  it('case 41: without the emulator CA the certificate is untrusted → tls, never relaxed, never an outage', async () => {
    const duo = h.client({ extraCaPem: undefined });
    const error = await expectDuoError(duo.healthCheck(), 'tls', 'cert_untrusted', [SECRET]);
    expect(isOutage(error)).toBe(false);
    expect(error.hint).toMatch(/never disabled/);
    // Nothing reached the application layer: the handshake failed before any request.
    expect(h.emulator.requests).toHaveLength(0);
    // Production settings refuse the emulator's host outright (only api-*.duosecurity.com).
    expect(() =>
      createDuoClient(
        { clientId: CLIENT_ID, clientSecret: SECRET, apiHost: h.emulator.apiHost, redirectUri: REDIRECT_URI },
        { allowCustomHosts: false, extraCaPem: h.emulator.caPem },
      ),
    ).toThrow(/api-XXXXXXXX\.duosecurity\.com/);
  });
});

describe('proxies', () => {
  it('case 42: HTTPS_PROXY and friends are ignored: calls go straight to the emulator, the proxy sees nothing', async () => {
    let proxyConnections = 0;
    const proxy = createServer((socket: Socket) => {
      proxyConnections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    const proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const names = [
      'HTTPS_PROXY',
      'https_proxy',
      'HTTP_PROXY',
      'http_proxy',
      'ALL_PROXY',
      'NODE_USE_ENV_PROXY',
      'NO_PROXY',
      'no_proxy',
    ];
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    try {
      for (const name of names.slice(0, 5)) process.env[name] = proxyUrl;
      // Node >= 22.21/24.5 would route its global agents through the proxy with this set.
      process.env.NODE_USE_ENV_PROXY = '1';
      delete process.env.NO_PROXY;
      delete process.env.no_proxy;
      expect(proxyVariablesSet(process.env)).toEqual(
        ['ALL_PROXY', 'HTTPS_PROXY', 'HTTP_PROXY', 'http_proxy', 'https_proxy'].sort(),
      );
      const duo = h.client();
      await duo.healthCheck();
      const login = await approvedLogin(h.emulator, duo);
      await expect(duo.exchangeCode(login.code, login.username, login.nonce)).resolves.toMatchObject({
        username: 'alice',
      });
      const paths = h.emulator.requests.map((r) => r.path);
      expect(paths).toContain('/oauth/v1/health_check');
      expect(paths).toContain('/oauth/v1/token');
      expect(proxyConnections).toBe(0);
    } finally {
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

describe('timeouts', () => {
  it('a slow health check times out at timeoutMs and is an outage', async () => {
    h.emulator.setFaults([{ endpoint: 'health_check', kind: 'slow', delayMs: 2000 }]);
    const started = Date.now();
    const error = await expectDuoError(h.client({ timeoutMs: 300 }).healthCheck(), 'timeout', 'timeout', h.planted());
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
    expect(isOutage(error)).toBe(true);
  });

  it('a slow token call times out at timeoutMs and is not an outage (the user is already past Duo)', async () => {
    const duo = h.client({ timeoutMs: 300 });
    const login = await approvedLogin(h.emulator, duo);
    h.emulator.setFaults([{ endpoint: 'token', kind: 'slow', delayMs: 2000 }]);
    const started = Date.now();
    const error = await expectDuoError(
      duo.exchangeCode(login.code, login.username, login.nonce),
      'timeout',
      'timeout',
      h.planted(login),
    );
    expect(Date.now() - started).toBeLessThan(1500);
    expect(isOutage(error)).toBe(false);
  });

  it('the default timeout is 5 s: a 1 s delay is still answered', async () => {
    h.emulator.setFaults([{ endpoint: 'health_check', kind: 'slow', delayMs: 1000 }]);
    await expect(h.client().healthCheck()).resolves.toBeDefined();
  });
});

describe('keep-alive', () => {
  it('several calls reuse one TLS connection (observed through node:diagnostics_channel)', async () => {
    const requests: ClientRequest[] = [];
    const port = h.emulator.apiHost.split(':')[1];
    const onStart = (message: unknown) => {
      const { request } = message as { request: ClientRequest };
      if (request.getHeader('host') === `localhost:${port}`) requests.push(request);
    };
    diagnosticsChannel.subscribe('http.client.request.start', onStart);
    try {
      const duo = h.client();
      for (let i = 0; i < 4; i++) await duo.healthCheck();
      const login = await approvedLogin(h.emulator, duo);
      await duo.exchangeCode(login.code, login.username, login.nonce);
    } finally {
      diagnosticsChannel.unsubscribe('http.client.request.start', onStart);
    }
    expect(requests.map((r) => r.reusedSocket)).toEqual([false, true, true, true, true]);
    expect(new Set(requests.map((r) => r.socket)).size).toBe(1);
  });
});
