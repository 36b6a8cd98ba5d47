// Duo's request signatures for its Auth and Admin APIs, as Duo documents them ("Authentication" in the Admin API
// docs) and as the official clients send them: HTTP Basic with the integration key as user and, as password, the
// hex HMAC of a canonical request keyed with the secret key.
//   v2: Date \n METHOD \n host \n path \n params             — HMAC-SHA1 (the documented original) or HMAC-SHA512
//   v5: Date \n METHOD \n host \n path \n params \n SHA-512(body) \n SHA-512(extra headers) — HMAC-SHA512
// params are the query (GET, DELETE) or form body (POST v2) parameters, sorted by name and percent-encoded with
// RFC 3986 unreserved characters only.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type Params = Record<string, string | string[]>;

/** encodeURIComponent leaves !'()* alone; Duo's canonical form escapes them too. */
const encode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Code-unit order, so "foo" sorts before "foo_bar" (the official clients' compare). */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function canonicalParams(params: Params): string {
  return Object.keys(params)
    .sort(byCodeUnits)
    .flatMap((name) => {
      const value = params[name];
      return (Array.isArray(value) ? value : [value ?? '']).map((v) => `${encode(name)}=${encode(v)}`);
    })
    .join('&');
}

export interface CanonicalRequest {
  date: string;
  method: string;
  host: string;
  path: string;
  params: Params;
  /** v5 only: the exact body bytes sent (JSON for POST, '' otherwise). */
  body?: string;
}

const sha512Hex = (value: string): string => createHash('sha512').update(value).digest('hex');

export function canonicalV2(req: CanonicalRequest): string {
  return [req.date, req.method.toUpperCase(), req.host.toLowerCase(), req.path, canonicalParams(req.params)].join('\n');
}

export function canonicalV5(req: CanonicalRequest): string {
  return [canonicalV2(req), sha512Hex(req.body ?? ''), sha512Hex('')].join('\n');
}

export type SignatureKind = 'v2-sha1' | 'v2-sha512' | 'v5-sha512';

export function signature(kind: SignatureKind, secretKey: string, req: CanonicalRequest): string {
  const canonical = kind === 'v5-sha512' ? canonicalV5(req) : canonicalV2(req);
  return createHmac(kind === 'v2-sha1' ? 'sha1' : 'sha512', secretKey)
    .update(canonical)
    .digest('hex');
}

/** The Authorization header value for a request signed with `kind`. */
export function authorizationHeader(
  kind: SignatureKind,
  integrationKey: string,
  secretKey: string,
  req: CanonicalRequest,
): string {
  return `Basic ${Buffer.from(`${integrationKey}:${signature(kind, secretKey, req)}`).toString('base64')}`;
}

/** Basic credentials split into integration key and signature, or undefined when the header is not of that form. */
export function readCredentials(header: string | undefined): { integrationKey: string; signature: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { integrationKey: decoded.slice(0, colon), signature: decoded.slice(colon + 1) };
}

/**
 * Which scheme produced `sent`, if any. v2 signs the form parameters of a POST, v5 its body, so the caller gives
 * the request as each scheme sees it. The signature's length tells SHA-1 (40 hex) from SHA-512 (128 hex).
 */
export function matchingSignature(
  sent: string,
  secretKey: string,
  asSigned: { v2: CanonicalRequest; v5: CanonicalRequest },
): SignatureKind | undefined {
  const kinds: SignatureKind[] = sent.length === 40 ? ['v2-sha1'] : ['v2-sha512', 'v5-sha512'];
  const given = Buffer.from(sent.toLowerCase());
  return kinds.find((kind) => {
    const expected = Buffer.from(signature(kind, secretKey, kind === 'v5-sha512' ? asSigned.v5 : asSigned.v2));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
