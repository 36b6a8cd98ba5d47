import { compactVerify, decodeJwt } from 'jose';

export type Claims = Record<string, unknown>;

/** Duo rejects client JWTs whose exp is more than an hour ahead (duo_universal_java#65), with no slack. */
export const MAX_CLIENT_JWT_LIFETIME_SECONDS = 3600;

/** Payload without verifying: only to learn which client's secret to verify with. */
export function peekClaims(jwt: string): Claims | undefined {
  try {
    return decodeJwt(jwt);
  } catch {
    return undefined;
  }
}

/**
 * Signature only, HS512 only. Claims are checked by hand afterwards because the official SDKs disagree on their types
 * (C# sends exp as a string, Python as a float) and a generic JWT library would refuse some of them.
 */
export async function verifyHs512(jwt: string, secret: string): Promise<Claims | undefined> {
  try {
    const { payload } = await compactVerify(jwt, new TextEncoder().encode(secret), { algorithms: ['HS512'] });
    const claims: unknown = JSON.parse(new TextDecoder().decode(payload));
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Claims) : undefined;
  } catch {
    return undefined;
  }
}

/** A NumericDate as any official SDK sends it: integer, float (Python) or decimal string (C#). */
export function numericDate(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** Why exp is unacceptable, or undefined when it is fine. */
export function expiryProblem(exp: unknown, nowSeconds: number): string | undefined {
  const value = numericDate(exp);
  if (value === undefined) return 'exp is missing or not a NumericDate';
  if (value <= nowSeconds) return 'the JWT has expired';
  if (value > nowSeconds + MAX_CLIENT_JWT_LIFETIME_SECONDS) return 'exp is more than 3600 seconds in the future';
  return undefined;
}

export function notYetValid(claims: Claims, nowSeconds: number): boolean {
  const nbf = numericDate(claims.nbf);
  return claims.nbf !== undefined && (nbf === undefined || nbf > nowSeconds);
}

function audienceMatches(aud: unknown, expected: string): boolean {
  if (typeof aud === 'string') return aud === expected;
  return Array.isArray(aud) && aud.includes(expected);
}

export interface AssertionCheck {
  ok: boolean;
  /** Which check failed, for the emulator's own error detail (Duo itself mostly answers with a catch-all). */
  problem?: string;
  signatureFailed?: boolean;
}

/** The client_assertion of health_check and token: iss = sub = client ID, aud = the exact endpoint URL. */
export async function checkClientAssertion(
  assertion: string,
  client: { clientId: string; clientSecret: string },
  audience: string,
  nowSeconds: number,
): Promise<AssertionCheck> {
  const claims = await verifyHs512(assertion, client.clientSecret);
  if (!claims) return { ok: false, problem: 'signature', signatureFailed: true };
  const problem =
    claims.iss !== client.clientId
      ? 'iss must be the client ID'
      : claims.sub !== client.clientId
        ? 'sub must be the client ID'
        : !audienceMatches(claims.aud, audience)
          ? `aud must be ${audience}`
          : typeof claims.jti !== 'string' || claims.jti === ''
            ? 'jti is missing'
            : notYetValid(claims, nowSeconds)
              ? 'nbf is in the future'
              : expiryProblem(claims.exp, nowSeconds);
  return problem ? { ok: false, problem } : { ok: true };
}
