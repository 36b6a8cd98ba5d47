import { createHmac, timingSafeEqual } from 'node:crypto';

const FORMAT = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;

/**
 * The forward-auth cookie's value: the session's id hash and an HMAC of it under a key derived from
 * the master key. It is not the session token (which stays in the console's host-only cookie), so a
 * protected application that receives it cannot act on the console with it; it cannot be forged
 * without the key, even from a copy of the database; it dies with the session.
 */
export function createProxyTokens(csrfKey: Buffer) {
  // A key of its own, derived from the one every node already shares (key separation).
  const key = createHmac('sha256', csrfKey).update('portcullis/proxy-cookie/v1').digest();
  const mac = (idHash: string) => createHmac('sha256', key).update(`proxy:${idHash}`, 'utf8').digest('base64url');
  return {
    issue: (idHash: string): string => `${idHash}.${mac(idHash)}`,
    /** The session id hash it names, or null when it is not one of ours. */
    verify(value: string | undefined): string | null {
      const match = value ? FORMAT.exec(value) : null;
      if (!match?.[1] || !match[2]) return null;
      // Both are 43 base64url characters (the format says so): a constant-time compare of equal lengths.
      return timingSafeEqual(Buffer.from(match[2]), Buffer.from(mac(match[1]))) ? match[1] : null;
    },
  };
}

export type ProxyTokens = ReturnType<typeof createProxyTokens>;
