/**
 * Duo's request signature for the Admin and Auth APIs ("Authentication" in Duo's Admin API
 * documentation): HTTP Basic, with the integration key as user name and, as password, the hex
 * HMAC-SHA512 (keyed with the secret key) of the canonical request
 *
 *   Date \n METHOD \n host (lowercase) \n path \n parameters
 *
 * where the parameters are sorted by name (code-unit order) and percent-encoded with only the RFC
 * 3986 unreserved characters left bare. This is signature version 2 with SHA-512, what Duo's own
 * Node client sends by default; for GET and DELETE it is all a request needs.
 */
import { createHmac } from 'node:crypto';

export type SignedParams = Readonly<Record<string, string>>;

export interface RequestToSign {
  /** RFC 7231 IMF-fixdate, exactly as sent in the Date header. */
  date: string;
  method: string;
  /** The API hostname as configured (host[:port]). */
  host: string;
  path: string;
  params: SignedParams;
}

/** encodeURIComponent leaves !'()* bare; Duo's canonical form encodes them too. */
function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalQuery(params: SignedParams): string {
  // Plain < compares UTF-16 code units, so "foo" sorts before "foo_bar", as Duo's clients sort.
  return Object.keys(params)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
}

export function canonicalRequest(req: RequestToSign): string {
  return [req.date, req.method.toUpperCase(), req.host.toLowerCase(), req.path, canonicalQuery(req.params)].join('\n');
}

/** The Authorization header value. The secret is used only as the HMAC key, never placed in the output. */
export function signRequest(integrationKey: string, secretKey: string, req: RequestToSign): string {
  const signature = createHmac('sha512', secretKey).update(canonicalRequest(req)).digest('hex');
  return `Basic ${Buffer.from(`${integrationKey}:${signature}`).toString('base64')}`;
}
