/**
 * Validators for the provider form ("Endpoint", "Client ID", "Client Secret") and for the values the
 * client is created with. Messages are shown to administrators, so each one says what to do.
 */
import { randomBytes } from 'node:crypto';

// Duo's API hosts (Bitwarden applies the same rule). Anything else in production would let an
// administrator (or an attacker with admin access) point the back channel at an internal address
// (SSRF, anchors #69/#112) or at a server that mints its own id_tokens.
const PRODUCTION_HOST = /^api-[a-z0-9]+\.(duosecurity|duofederal)\.com$/;
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const CUSTOM_HOST = new RegExp(`^(${LABEL}(?:\\.${LABEL})*)(?::(\\d{1,5}))?$`);

export type HostCheck = { ok: true; host: string } | { ok: false; message: string };

export function normalizeApiHost(input: string, opts: { allowCustomHosts: boolean }): HostCheck {
  let value = input.trim();
  if (value === '')
    return fail('Enter the API hostname shown on the Duo application page (api-XXXXXXXX.duosecurity.com).');
  if (/\s/.test(value)) return fail('The API hostname must not contain spaces.');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (scheme) {
    if (scheme[1]?.toLowerCase() !== 'https') {
      return fail('Duo is only reached over HTTPS: enter the hostname alone, e.g. api-XXXXXXXX.duosecurity.com.');
    }
    value = value.slice(scheme[0].length);
  }
  value = value.replace(/\/+$/, '');
  if (value.includes('@')) return fail('The API hostname must not contain a user name or password ("@").');
  if (value.includes('/')) return fail('Enter the hostname only, without a path (nothing after the first "/").');
  if (/[?#]/.test(value)) return fail('Enter the hostname only, without "?" or "#" parts.');
  const host = value.toLowerCase();
  if (host === '')
    return fail('Enter the API hostname shown on the Duo application page (api-XXXXXXXX.duosecurity.com).');
  if (PRODUCTION_HOST.test(host)) return { ok: true, host };
  if (!opts.allowCustomHosts) {
    return fail(
      'The API hostname must be the one Duo shows on the application page: api-XXXXXXXX.duosecurity.com (or .duofederal.com), without a port.',
    );
  }
  const custom = CUSTOM_HOST.exec(host);
  const port = custom?.[2] === undefined ? undefined : Number(custom[2]);
  if (!custom || (port !== undefined && (port < 1 || port > 65535))) {
    return fail('Enter a hostname, optionally with a port (e.g. localhost:9443).');
  }
  return { ok: true, host };
}

export function checkClientId(value: string): string | null {
  if (/^[A-Za-z0-9]{20}$/.test(value)) return null;
  if (value.trim() !== value) return 'The Client ID has spaces around it; paste it again without them.';
  if (!/^[A-Za-z0-9]*$/.test(value)) return 'The Client ID contains only letters and digits; check what was pasted.';
  return `The Client ID is exactly 20 letters and digits (this one has ${value.length}); copy it again from the Duo application page.`;
}

export function checkClientSecret(value: string): string | null {
  if (value.length === 40) return null;
  if (value.trim().length === 40) return 'The Client Secret has spaces around it; paste it again without them.';
  // Only the length is reported: the value itself is never echoed.
  return `The Client Secret is exactly 40 characters (this one has ${value.length}); copy it again from the Duo application page.`;
}

// Duo refuses longer redirect URIs with an opaque 400 at the token call (duo_universal_java#14).
const MAX_REDIRECT_URI = 256;

export function checkRedirectUri(value: string): string | null {
  if (value.length === 0) return 'The redirect URI is empty.';
  if (value.length > MAX_REDIRECT_URI) {
    return `The redirect URI is ${value.length} characters long; Duo accepts at most ${MAX_REDIRECT_URI}. Use a shorter public URL for the portal.`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'The redirect URI must be an absolute URL such as https://portal.example.com/auth/mfa/duo/callback.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return 'The redirect URI must start with https:// (or http://).';
  if (url.username || url.password) return 'The redirect URI must not contain a user name or password.';
  // RFC 6749 §3.1.2: the redirection endpoint URI must not include a fragment.
  if (value.includes('#')) return 'The redirect URI must not contain a "#" fragment.';
  return null;
}

/** Bounds shared by Duo's SDKs for `state` (and used for our nonce too). */
export const STATE_MIN = 22;
export const STATE_MAX = 1024;

/** 256 random bits, base64url (43 chars): well above the 128 bits of anchors #51. */
export function createState(): string {
  return randomBytes(32).toString('base64url');
}

export function createNonce(): string {
  return randomBytes(32).toString('base64url');
}

const PROXY_VARIABLES = new Set(['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY']);

/**
 * Names of proxy variables that are set. The client never uses a proxy ("Direct network connection
 * ... Proxies aren't supported"); diagnostics report these so an operator knows they are ignored.
 */
export function proxyVariablesSet(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((name) => PROXY_VARIABLES.has(name.toUpperCase()) && (env[name] ?? '').trim() !== '')
    .sort();
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}
