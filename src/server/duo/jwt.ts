/**
 * HS512 JWTs, the only algorithm Duo's Web SDK v4 uses (request object, client assertion, id_token).
 *
 * Signing uses node:crypto directly: createAuthUrl is synchronous by contract and an HMAC over a
 * few hundred bytes costs ~4 µs (anchors A.5), against ~150 µs for jose's WebCrypto path on Node 20.
 * Verification uses jose, which enforces the algorithm allow-list and constant-time MAC comparison.
 */
import { createHmac, type KeyObject, randomBytes } from 'node:crypto';
import { compactVerify, errors as joseErrors } from 'jose';

export type JwtClaims = Record<string, unknown>;

// Duo's Node SDK sends only {alg}; typ is harmless and what the rest of the ecosystem sends.
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS512', typ: 'JWT' })).toString('base64url');

export function signHs512(claims: JwtClaims, key: KeyObject): string {
  const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = createHmac('sha512', key).update(input).digest('base64url');
  return `${input}.${signature}`;
}

/** 128 random bits is the floor for jti (anchors #67); 256 costs nothing more. */
export function createJti(): string {
  return randomBytes(32).toString('base64url');
}

export const ASSERTION_LIFETIME_SECONDS = 300;

/**
 * Client assertion for health_check and token (private_key_jwt-style, HS512 with the secret).
 * exp stays at now+300: Duo rejects exp more than one hour ahead (duo_universal_java#65), and a
 * short window limits what a captured assertion is worth.
 */
export function clientAssertion(clientId: string, audience: string, key: KeyObject, nowSeconds: number): string {
  return signHs512(
    {
      iss: clientId,
      sub: clientId,
      aud: audience,
      exp: nowSeconds + ASSERTION_LIFETIME_SECONDS,
      iat: nowSeconds,
      jti: createJti(),
    },
    key,
  );
}

export type VerifyFailure = 'format' | 'alg' | 'signature';

export class JwtVerifyError extends Error {
  constructor(readonly reason: VerifyFailure) {
    super(`id_token ${reason} check failed`);
  }
}

/**
 * Checks the signature with the client secret and HS512 only ("none", HS256 and RS256 with an
 * attacker's key are refused: anchors #59), and returns the parsed payload. Claims are NOT checked
 * here; see id-token.ts.
 */
export async function verifyHs512(token: string, key: KeyObject): Promise<JwtClaims> {
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(token, key, { algorithms: ['HS512'] }));
  } catch (error) {
    if (error instanceof joseErrors.JOSEAlgNotAllowed) throw new JwtVerifyError('alg');
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) throw new JwtVerifyError('signature');
    throw new JwtVerifyError('format');
  }
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw new JwtVerifyError('format');
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new JwtVerifyError('format');
  return claims as JwtClaims;
}
