import { randomBytes, randomInt } from 'node:crypto';

const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALPHANUMERIC = `${UPPER_DIGITS}abcdefghijklmnopqrstuvwxyz`;

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Duo's object keys: a two-letter kind prefix ("DI" integration, "DU" user, "DP" phone) and 18 upper-case chars. */
export const duoKey = (prefix: 'DI' | 'DU' | 'DP'): string => `${prefix}${pick(UPPER_DIGITS, 18)}`;

export const clientSecret = (): string => pick(ALPHANUMERIC, 40);

/** Prompt transaction ids, codes, activation codes: 256 bits, so they cannot be guessed. */
export const opaqueToken = (): string => randomBytes(32).toString('base64url');

/** Duo's bypass codes are nine digits. */
export const bypassCode = (): string => String(randomInt(100_000_000, 1_000_000_000));

/** A 160-bit HOTP key (RFC 4226 recommends 160 bits), hex. */
export const hotpSecret = (): string => randomBytes(20).toString('hex');
