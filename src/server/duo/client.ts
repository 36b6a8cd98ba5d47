/**
 * Our Duo Web SDK v4 (Universal Prompt) client: the wire format of Duo's official SDKs
 * (duo-protocol.md §1) with the checks they miss. Pure: no Fastify, no DB, no process.env; the
 * clock, CA and timeouts are injected.
 */
import { createSecretKey, X509Certificate } from 'node:crypto';
import pkg from '../../../package.json' with { type: 'json' };
import {
  checkClientId,
  checkClientSecret,
  checkRedirectUri,
  normalizeApiHost,
  STATE_MAX,
  STATE_MIN,
} from './config.ts';
import { DuoError, type DuoOperation, HINTS } from './errors.ts';
import { type DuoAuthResult, validateIdToken } from './id-token.ts';
import { ASSERTION_LIFETIME_SECONDS, clientAssertion, signHs512 } from './jwt.ts';
import { createReplayGuard } from './replay-guard.ts';
import { parseJson, readDuoError } from './responses.ts';
import { createTransport, malformed } from './transport.ts';

export interface DuoClientSettings {
  clientId: string;
  clientSecret: string;
  /** Already normalised (see normalizeApiHost). */
  apiHost: string;
  /** The portal's callback URL for this provider; sent identically to authorize and token. */
  redirectUri: string;
  /** Default true: Duo answers with duo_code= instead of code=. */
  useDuoCodeAttribute?: boolean;
}

export interface DuoClientOptions {
  /** false in production: apiHost must match api-*.duosecurity.com / api-*.duofederal.com. */
  allowCustomHosts: boolean;
  /** An extra trusted CA (e.g. the emulator's); the default roots stay trusted; TLS is always verified. */
  extraCaPem?: string;
  /** Per call (connect + response), default 5000. */
  timeoutMs?: number;
  /** ms clock, default Date.now. */
  now?: () => number;
  userAgent?: string;
}

export interface DuoHealth {
  /** Duo's clock, seconds. */
  duoTime: number;
  /** duoTime - local now, seconds. */
  skewSeconds: number;
}

export interface DuoClient {
  healthCheck(): Promise<DuoHealth>;
  createAuthUrl(username: string, state: string, nonce: string): string;
  exchangeCode(code: string, username: string, nonce: string): Promise<DuoAuthResult>;
  /** Destroys the keep-alive agent. */
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 5000;
const MAX_CODE_LENGTH = 4096;
const DEFAULT_USER_AGENT = `portcullis/${pkg.version} node/${process.versions.node}`;

export function createDuoClient(settings: DuoClientSettings, options: DuoClientOptions): DuoClient {
  validateSettings(settings, options);
  const { clientId, apiHost, redirectUri } = settings;
  const useDuoCode = settings.useDuoCodeAttribute ?? true;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Signing and verifying use a KeyObject (util.inspect on it shows no key bytes); the string is
  // kept in this closure only to scrub it from any server text quoted in an error.
  const key = createSecretKey(Buffer.from(settings.clientSecret, 'utf8'));
  const secret = settings.clientSecret;
  const base = `https://${apiHost}`;
  const healthUrl = `${base}/oauth/v1/health_check`;
  const tokenUrl = `${base}/oauth/v1/token`;
  const transport = createTransport({
    apiHost,
    timeoutMs,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    ...(options.extraCaPem !== undefined && { extraCaPem: options.extraCaPem }),
  });
  const seconds = () => Math.floor(now() / 1000);
  const replayGuard = createReplayGuard(now);

  async function healthCheck(): Promise<DuoHealth> {
    const assertion = clientAssertion(clientId, healthUrl, key, seconds());
    const res = await transport.postForm(
      '/oauth/v1/health_check',
      { client_id: clientId, client_assertion: assertion },
      'health_check',
    );
    const sensitive = [secret, assertion];
    const body = parseJson(res, 'health_check', sensitive);
    if (res.status === 200 && body.stat === 'OK') {
      const response = body.response;
      const timestamp =
        response !== null && typeof response === 'object' ? (response as Record<string, unknown>).timestamp : undefined;
      if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
        throw malformed('health_check', 'health check answer without a timestamp', 'timestamp', res.status);
      }
      return { duoTime: timestamp, skewSeconds: timestamp - seconds() };
    }
    throw readDuoError(res, body, 'health_check', sensitive);
  }

  function createAuthUrl(username: string, state: string, nonce: string): string {
    requireUsername(username, 'authorize');
    requireBounded(state, 'state', 'authorize');
    requireBounded(nonce, 'nonce', 'authorize');
    const request = signHs512(
      {
        response_type: 'code',
        scope: 'openid',
        exp: seconds() + ASSERTION_LIFETIME_SECONDS,
        client_id: clientId,
        redirect_uri: redirectUri,
        state,
        duo_uname: username,
        iss: clientId,
        aud: base,
        use_duo_code_attribute: useDuoCode,
        nonce,
      },
      key,
    );
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      request,
      redirect_uri: redirectUri,
      scope: 'openid',
    });
    return `${base}/oauth/v1/authorize?${query.toString()}`;
  }

  async function exchangeCode(code: string, username: string, nonce: string): Promise<DuoAuthResult> {
    if (typeof code !== 'string' || code.length === 0 || code.length > MAX_CODE_LENGTH) {
      throw configuration('token', 'The Duo callback carried no usable authorization code.', HINTS.restart);
    }
    requireUsername(username, 'token');
    requireBounded(nonce, 'nonce', 'token');
    const assertion = clientAssertion(clientId, tokenUrl, key, seconds());
    const res = await transport.postForm(
      '/oauth/v1/token',
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: clientId,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      },
      'token',
    );
    const sensitive = [secret, assertion, code, nonce];
    const body = parseJson(res, 'token', sensitive);
    if (res.status !== 200) throw readDuoError(res, body, 'token', sensitive);
    for (const field of ['id_token', 'access_token'] as const) {
      if (typeof body[field] !== 'string' || body[field] === '') {
        throw malformed('token', `token response without ${field}`, field, res.status);
      }
    }
    if (typeof body.expires_in !== 'number' || !Number.isFinite(body.expires_in)) {
      throw malformed('token', 'token response without a numeric expires_in', 'expires_in', res.status);
    }
    // Case-sensitive, as Duo's Node and PHP SDKs: Duo sends exactly "Bearer".
    if (body.token_type !== 'Bearer') {
      throw malformed('token', 'token_type is not "Bearer"', 'token_type', res.status);
    }
    const result = await validateIdToken(body.id_token as string, {
      key,
      apiHost,
      clientId,
      username,
      nonce,
      nowSeconds: now() / 1000,
    });
    if (!replayGuard.firstUse(nonce)) {
      throw new DuoError({
        kind: 'invalid_grant',
        cause: 'replayed',
        operation: 'token',
        message: 'This sign-in attempt was already completed; a second id_token for it is refused.',
        hint: `the Duo callback was replayed; ${HINTS.restart}`,
      });
    }
    return result;
  }

  return { healthCheck, createAuthUrl, exchangeCode, close: () => transport.close() };
}

function validateSettings(settings: DuoClientSettings, options: DuoClientOptions): void {
  const problem =
    checkClientId(settings.clientId) ??
    checkClientSecret(settings.clientSecret) ??
    checkRedirectUri(settings.redirectUri);
  if (problem) throw configuration('configuration', problem, 'correct the Duo provider settings');
  const host = normalizeApiHost(settings.apiHost, { allowCustomHosts: options.allowCustomHosts });
  if (!host.ok) throw configuration('configuration', host.message, 'correct the Duo provider settings');
  if (host.host !== settings.apiHost) {
    // The host string is part of the id_token issuer; a non-normalised value would break verification.
    throw configuration(
      'configuration',
      `The API hostname must be stored normalised (${host.host}).`,
      'save the provider again',
    );
  }
  const timeout = options.timeoutMs;
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0 && timeout <= 120_000)) {
    throw configuration(
      'configuration',
      'timeoutMs must be an integer between 1 and 120000.',
      'fix the server configuration',
    );
  }
  if (options.extraCaPem !== undefined) {
    try {
      new X509Certificate(options.extraCaPem);
    } catch {
      throw configuration('configuration', 'The extra CA is not a PEM certificate.', 'check the CA file given for Duo');
    }
  }
}

function requireUsername(username: string, operation: DuoOperation): void {
  if (typeof username !== 'string' || username.length === 0 || username.length > 1024) {
    throw configuration(operation, 'A non-empty username is required for Duo.', 'this is a bug in the caller');
  }
}

function requireBounded(value: string, name: 'state' | 'nonce', operation: DuoOperation): void {
  if (typeof value !== 'string' || value.length < STATE_MIN || value.length > STATE_MAX) {
    // Only the length is reported: state and nonce are never logged.
    const length = typeof value === 'string' ? value.length : 0;
    throw configuration(
      operation,
      `The ${name} must be ${STATE_MIN} to ${STATE_MAX} characters long (got ${length}).`,
      `use create${name === 'state' ? 'State' : 'Nonce'}()`,
    );
  }
}

function configuration(operation: DuoOperation, message: string, hint: string): DuoError {
  return new DuoError({ kind: 'configuration', operation, message, hint });
}
