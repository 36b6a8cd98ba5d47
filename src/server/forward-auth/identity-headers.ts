import type { IdentityHeaders } from '../../shared/api/applications.ts';

/**
 * The headers an allowed request carries to the application. Every one of them is always sent (empty
 * when unknown or not shared with this application): a proxy told to copy a header the answer lacks
 * may pass something else on (Caddy 2.6 passes its own `{http.reverse_proxy.header.…}` placeholder
 * text). The documented proxy configurations overwrite these names, so a client cannot send its own.
 */
export const IDENTITY_HEADER_NAMES = [
  'Remote-User',
  'Remote-Groups',
  'Remote-Email',
  'Remote-Name',
  'Remote-Auth-Level',
  'Remote-Amr',
  'Remote-Jwt',
] as const;

export type IdentityHeaderName = (typeof IDENTITY_HEADER_NAMES)[number];

/**
 * Header values are bytes: UTF-8 text (a display name "Zoë") is sent as its UTF-8 bytes, which is what
 * applications reading these headers expect; control characters never reach a header.
 */
function headerValue(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  // Plain ASCII (most names) is already what goes on the wire: no copy on every request.
  return /^[\x20-\x7e]*$/.test(clean) ? clean : Buffer.from(clean, 'utf8').toString('latin1');
}

export interface Identity {
  username: string;
  groups: string[];
  email: string;
  displayName: string;
  authLevel: string;
  amr: string[];
  jwt: string;
}

export function identityHeaders(identity: Identity, shared: IdentityHeaders): Record<IdentityHeaderName, string> {
  return {
    'Remote-User': shared.user ? headerValue(identity.username) : '',
    'Remote-Groups': shared.groups ? headerValue(identity.groups.join(',')) : '',
    'Remote-Email': shared.email ? headerValue(identity.email) : '',
    'Remote-Name': shared.name ? headerValue(identity.displayName) : '',
    'Remote-Auth-Level': shared.authLevel ? identity.authLevel : '',
    'Remote-Amr': shared.authLevel ? identity.amr.join(',') : '',
    'Remote-Jwt': shared.jwt ? identity.jwt : '',
  };
}
