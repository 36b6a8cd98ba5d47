/**
 * id_token checks: everything Duo's SDKs check, plus what the Node SDK misses (iat in the future,
 * auth_result, a mandatory nonce). Nothing from the token is returned until every check passed
 * (anchors #66): validateIdToken either throws or returns the finished result.
 */
import type { KeyObject } from 'node:crypto';
import { timingSafeEqual } from 'node:crypto';
import { DuoError, type DuoErrorKind, HINTS, safeToken } from './errors.ts';
import { type JwtClaims, JwtVerifyError, verifyHs512 } from './jwt.ts';

/** Clock leeway of every Duo SDK (Node, Python, PHP, Java, Go). */
export const LEEWAY_SECONDS = 60;

export interface DuoAuthResult {
  /** preferred_username: the duo_uname we sent, as Duo echoes it. */
  username: string;
  /** sub: Duo's canonical name for the user; differs when aliases are used, so never compared (duo_universal_nodejs#2). */
  subject: string;
  txid: string | null;
  factor: string | null;
  reason: string | null;
  /** seconds */
  authTime: number | null;
  /** The device that answered the second factor (auth_context.auth_device). */
  device: { name: string | null; ip: string | null } | null;
}

export interface IdTokenExpectations {
  key: KeyObject;
  apiHost: string;
  clientId: string;
  username: string;
  nonce: string;
  nowSeconds: number;
}

export async function validateIdToken(token: string, expect: IdTokenExpectations): Promise<DuoAuthResult> {
  let claims: JwtClaims;
  try {
    claims = await verifyHs512(token, expect.key);
  } catch (error) {
    const reason = error instanceof JwtVerifyError ? error.reason : 'format';
    throw tokenError(
      'invalid_token',
      reason,
      reason === 'signature'
        ? 'The id_token signature does not match the Client Secret.'
        : reason === 'alg'
          ? 'The id_token is not signed with HS512.'
          : 'The id_token is not a well-formed signed JWT.',
      reason === 'signature' ? 'check that the Client Secret is the one of this Duo application' : HINTS.malformed,
    );
  }

  // The issuer is built from the host string exactly as configured, port included; an extra slash or
  // another host is a different issuer (anchors #60).
  if (claims.iss !== `https://${expect.apiHost}/oauth/v1/token`) {
    throw claimError('iss', 'The id_token was not issued by this Duo API host.', HINTS.malformed);
  }
  // Policy: aud must be exactly our client ID as a string. Duo sends a string; PHP and Go refuse
  // anything else; an array (even [clientId]) is refused so that a token minted for a multi-audience
  // use can never be replayed here (anchors #61). jose/the Node SDK would accept [clientId]; we do not.
  if (typeof claims.aud !== 'string' || claims.aud !== expect.clientId) {
    throw claimError('aud', 'The id_token was issued for another application.', HINTS.malformed);
  }
  const now = expect.nowSeconds;
  const exp = numericDate(claims.exp);
  if (exp === undefined) throw claimError('exp', 'The id_token has no valid expiry (exp).', HINTS.malformed);
  if (exp + LEEWAY_SECONDS < now) throw claimError('exp', 'The id_token has expired.', HINTS.clock);
  const iat = numericDate(claims.iat);
  if (iat === undefined) throw claimError('iat', 'The id_token has no valid issue time (iat).', HINTS.malformed);
  // The Node SDK does not check this; Python and PHP do. A token "issued" in the future means a
  // clock problem or a forged token (anchors #62).
  if (iat - LEEWAY_SECONDS > now)
    throw claimError('iat', 'The id_token claims to be issued in the future.', HINTS.clock);
  if (claims.nbf !== undefined) {
    const nbf = numericDate(claims.nbf);
    if (nbf === undefined)
      throw claimError('nbf', 'The id_token has an invalid not-before time (nbf).', HINTS.malformed);
    if (nbf - LEEWAY_SECONDS > now) throw claimError('nbf', 'The id_token is not valid yet.', HINTS.clock);
  }
  // The nonce binds the token to this sign-in attempt; a valid token from an earlier login must not
  // be accepted (anchors #63). We always send one, so absence is a failure.
  if (typeof claims.nonce !== 'string' || !sameString(claims.nonce, expect.nonce)) {
    throw tokenError(
      'nonce_mismatch',
      'nonce',
      claims.nonce === undefined
        ? 'The id_token carries no nonce.'
        : 'The id_token belongs to another sign-in attempt.',
      HINTS.restart,
    );
  }
  // Case policy: exact, case-sensitive comparison (as Duo's Node SDK). The portal sends the username
  // already lowercased, matching Duo, which lowercases aliases; comparing case-insensitively here
  // would let "Alice" at Duo satisfy a login as "alice" if the two were ever distinct accounts.
  if (typeof claims.preferred_username !== 'string' || claims.preferred_username !== expect.username) {
    throw tokenError(
      'username_mismatch',
      'preferred_username',
      claims.preferred_username === undefined
        ? 'The id_token does not name the user (preferred_username).'
        : 'Duo authenticated a different user than the one signing in.',
      HINTS.restart,
    );
  }
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    throw claimError('sub', 'The id_token has no subject (sub).', HINTS.malformed);
  }
  // Duo's SDKs return success whatever auth_result says; a token saying "deny" must not log anyone
  // in (anchors #65, duo-protocol.md §0).
  const authResult = asRecord(claims.auth_result);
  if (authResult?.status !== 'allow') {
    const status = safeToken(authResult?.status, authResult ? 'unknown' : 'missing');
    throw tokenError(
      'denied',
      status,
      `Duo did not allow this sign-in (status: ${status}).`,
      'the user was not approved at Duo; they may try again',
    );
  }

  const context = asRecord(claims.auth_context);
  const device = asRecord(context?.auth_device);
  return {
    username: claims.preferred_username,
    subject: claims.sub,
    txid: stringOrNull(context?.txid),
    factor: stringOrNull(context?.factor),
    reason: stringOrNull(context?.reason),
    authTime: numericDate(claims.auth_time) ?? null,
    device: device ? { name: stringOrNull(device.name), ip: stringOrNull(device.ip) } : null,
  };
}

function numericDate(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function claimError(claim: string, message: string, hint: string): DuoError {
  return tokenError('invalid_token', claim, message, hint);
}

function tokenError(kind: DuoErrorKind, cause: string, message: string, hint: string): DuoError {
  return new DuoError({ kind, cause, message, hint, operation: 'token' });
}
