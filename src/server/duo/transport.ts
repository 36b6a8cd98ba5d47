/**
 * The back channel to Duo: one keep-alive HTTPS agent per client, direct connections only, TLS always
 * verified, one deadline per call, no redirects, bounded bodies, and network failures mapped to
 * DuoError kinds without ever attaching the low-level error (it can carry request options).
 *
 * Why node:https and not fetch/undici: node:https never reads HTTP(S)_PROXY (the seed says proxies
 * are unsupported: "Direct network connection ... is required"), whereas undici's global dispatcher
 * can be swapped process-wide for an EnvHttpProxyAgent by any other module. Since Node 22.21/24.5
 * NODE_USE_ENV_PROXY only affects the global agents; ours is a private Agent without proxyEnv.
 */

import type { IncomingHttpHeaders } from 'node:http';
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import * as tls from 'node:tls';
import { DuoError, type DuoOperation, HINTS } from './errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;

export interface TransportOptions {
  apiHost: string;
  extraCaPem?: string;
  timeoutMs: number;
  userAgent: string;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RequestInit {
  /** Sent as is; the caller sets the matching content-type header. */
  body?: string;
  headers?: Record<string, string>;
}

export interface Transport {
  postForm(path: string, form: Record<string, string>, operation: DuoOperation): Promise<HttpResponse>;
  /** Any method, for the Admin API: path includes the query string; headers add to (and override) the defaults. */
  request(method: string, path: string, init: RequestInit, operation: DuoOperation): Promise<HttpResponse>;
  close(): Promise<void>;
}

export function createTransport(options: TransportOptions): Transport {
  const target = new URL(`https://${options.apiHost}`);
  const hostname = target.hostname;
  const port = target.port === '' ? 443 : Number(target.port);
  const agent = new Agent({
    keepAlive: true,
    // Retire idle sockets before typical load balancers drop them silently (and Node also honours
    // the server's Keep-Alive: timeout= hint).
    timeout: 15_000,
    maxSockets: 32,
    maxFreeSockets: 8,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    // One secure context built once: a `ca` array in the agent options would be concatenated into the
    // agent's connection-pool key (~200 KB of PEM) several times per request (measured: ~0.65 ms CPU).
    ...(options.extraCaPem !== undefined && {
      secureContext: tls.createSecureContext({ ca: trustStore(options.extraCaPem), minVersion: 'TLSv1.2' }),
    }),
  });
  let closed = false;

  function postForm(path: string, form: Record<string, string>, operation: DuoOperation): Promise<HttpResponse> {
    const body = new URLSearchParams(form).toString();
    return requestWith(
      'POST',
      path,
      { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      operation,
    );
  }

  async function requestWith(
    method: string,
    path: string,
    init: RequestInit,
    operation: DuoOperation,
  ): Promise<HttpResponse> {
    if (closed) {
      throw new DuoError({
        kind: 'configuration',
        operation,
        message: 'The Duo client was closed.',
        hint: 'create a new client (the provider configuration was reloaded)',
      });
    }
    const body = init.body ?? '';
    // Monotonic time: the injected wall clock (for JWT timestamps) may be skewed or frozen in tests.
    const deadline = performance.now() + options.timeoutMs;
    // A keep-alive socket the server closed while idle fails with ECONNRESET on reuse before any
    // response byte: that request never reached the application, so one retry on a fresh socket is
    // safe, even for the token call (a code is single-use at Duo anyway).
    for (let attempt = 0; ; attempt++) {
      const outcome = await send(method, path, body, init.headers ?? {}, deadline, operation);
      if (outcome.ok) return outcome.response;
      if (outcome.retryable && attempt === 0 && performance.now() < deadline) continue;
      throw outcome.error;
    }
  }

  type Outcome = { ok: true; response: HttpResponse } | { ok: false; error: DuoError; retryable: boolean };

  function send(
    method: string,
    path: string,
    body: string,
    headers: Record<string, string>,
    deadline: number,
    operation: DuoOperation,
  ): Promise<Outcome> {
    return new Promise((resolve) => {
      let settled = false;
      let timedOut = false;
      let gotResponse = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const req = request({
        agent,
        hostname,
        port,
        path,
        method,
        headers: {
          // A GET or DELETE without a body sends no length; a POST always does (never chunked).
          ...(body === '' && (method === 'GET' || method === 'DELETE')
            ? {}
            : { 'content-length': Buffer.byteLength(body) }),
          accept: 'application/json',
          'user-agent': options.userAgent,
          ...headers,
        },
      });
      // One deadline covers queueing, DNS, connect, TLS, headers and body.
      timer = setTimeout(
        () => {
          timedOut = true;
          req.destroy();
        },
        Math.max(1, deadline - performance.now()),
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (timedOut) return finish({ ok: false, retryable: false, error: timeoutError(operation, options) });
        finish({
          ok: false,
          retryable: req.reusedSocket && !gotResponse && error.code === 'ECONNRESET',
          error: networkError(error, operation, options.apiHost),
        });
      });
      req.on('response', (res) => {
        gotResponse = true;
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          // Never follow: a redirect could take the back channel (and the assertion) elsewhere (anchors #69).
          res.resume();
          return finish({
            ok: false,
            retryable: false,
            error: malformed(operation, `HTTP ${status} redirect`, 'redirect', status),
          });
        }
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > MAX_BODY_BYTES) {
          req.destroy();
          return finish({ ok: false, retryable: false, error: tooLarge(operation, status) });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            req.destroy();
            finish({ ok: false, retryable: false, error: tooLarge(operation, status) });
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error: NodeJS.ErrnoException) => {
          if (timedOut) return finish({ ok: false, retryable: false, error: timeoutError(operation, options) });
          finish({ ok: false, retryable: false, error: networkError(error, operation, options.apiHost) });
        });
        res.on('close', () => {
          // Closed before the body was complete (peer reset mid-body); a complete body resolved on 'end'.
          if (res.complete) return;
          if (timedOut) return finish({ ok: false, retryable: false, error: timeoutError(operation, options) });
          finish({
            ok: false,
            retryable: false,
            error: networkError({ code: 'ECONNRESET' }, operation, options.apiHost),
          });
        });
        res.on('end', () => {
          finish({
            ok: true,
            response: { status, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') },
          });
        });
      });
      req.end(body === '' ? undefined : body);
    });
  }

  return {
    postForm,
    request: requestWith,
    async close() {
      closed = true;
      agent.destroy();
    },
  };
}

/**
 * Passing `ca` replaces Node's trust store, so the default roots are added back: the extra CA (the
 * emulator's, or a private one) is trusted in addition to, never instead of, the public roots.
 */
function trustStore(extraCaPem: string): string[] {
  const getDefault = (tls as { getCACertificates?: (type: 'default') => string[] }).getCACertificates;
  // Node >= 22.15 exposes the effective default store (including NODE_EXTRA_CA_CERTS).
  const defaults = typeof getDefault === 'function' ? getDefault('default') : [...tls.rootCertificates];
  return [...defaults, extraCaPem];
}

const TLS_CAUSES: Record<string, string> = {
  CERT_HAS_EXPIRED: 'cert_expired',
  CERT_NOT_YET_VALID: 'cert_not_yet_valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'cert_hostname',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'cert_untrusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'cert_untrusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'cert_untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'cert_untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'cert_untrusted',
  CERT_UNTRUSTED: 'cert_untrusted',
  CERT_SIGNATURE_FAILURE: 'cert_untrusted',
  CERT_REJECTED: 'cert_untrusted',
  CERT_REVOKED: 'cert_revoked',
  INVALID_CA: 'cert_untrusted',
};

const NETWORK_CAUSES: Record<string, string> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
  EHOSTUNREACH: 'no_route',
  ENETUNREACH: 'no_route',
  ENETDOWN: 'no_route',
  ETIMEDOUT: 'timeout',
};

export function networkError(error: { code?: string }, operation: DuoOperation, apiHost: string): DuoError {
  const code = error.code ?? '';
  const tlsCause = TLS_CAUSES[code] ?? (/^ERR_SSL_|^ERR_TLS_|^EPROTO$/.test(code) ? 'handshake' : undefined);
  if (tlsCause !== undefined) {
    return new DuoError({
      kind: 'tls',
      cause: tlsCause,
      operation,
      message: `The TLS connection to ${apiHost} failed (${tlsCause}).`,
      hint:
        tlsCause === 'cert_expired' || tlsCause === 'cert_not_yet_valid'
          ? "check this server's clock; if it is right, the certificate presented for the API host is not valid now"
          : 'the certificate presented for the API host is not trusted here; check for a TLS-intercepting proxy or firewall (certificate verification is never disabled)',
    });
  }
  const cause = NETWORK_CAUSES[code] ?? 'network';
  if (cause === 'timeout') {
    return new DuoError({
      kind: 'timeout',
      cause,
      operation,
      message: `Connecting to ${apiHost} timed out.`,
      hint: egressHint(apiHost),
    });
  }
  return new DuoError({
    kind: 'unreachable',
    cause,
    operation,
    message:
      cause === 'dns'
        ? `The API hostname ${apiHost} could not be resolved (DNS).`
        : `Could not talk to ${apiHost} (${cause === 'refused' ? 'connection refused' : cause === 'reset' ? 'connection reset' : cause}).`,
    hint: cause === 'dns' ? "check the API hostname and this server's DNS configuration" : egressHint(apiHost),
  });
}

function egressHint(apiHost: string): string {
  return `check that this server can connect directly to ${apiHost} on port 443 (firewall, egress rules); proxies are not supported`;
}

function timeoutError(operation: DuoOperation, options: TransportOptions): DuoError {
  return new DuoError({
    kind: 'timeout',
    cause: 'timeout',
    operation,
    message: `Duo (${options.apiHost}) did not answer within ${options.timeoutMs} ms.`,
    hint: `${egressHint(options.apiHost)}; if Duo is slow, retry later`,
  });
}

export function malformed(operation: DuoOperation, what: string, cause: string, httpStatus?: number): DuoError {
  return new DuoError({
    kind: 'malformed_response',
    cause,
    operation,
    message: `Unexpected answer from Duo: ${what}.`,
    hint: HINTS.malformed,
    ...(httpStatus !== undefined && { httpStatus }),
  });
}

function tooLarge(operation: DuoOperation, status: number): DuoError {
  return malformed(operation, `body larger than ${MAX_BODY_BYTES} bytes`, 'too_large', status);
}
