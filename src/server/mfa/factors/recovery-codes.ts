import { createHash, randomInt } from 'node:crypto';

/**
 * Recovery codes: 10 single-use codes of 16 characters from Crockford's base32 alphabet (80 random
 * bits each, so a plain SHA-256 of a code cannot be reversed by guessing). Shown as four groups of
 * four; typed in any case, with or without dashes and spaces, and with I/L read as 1 and O as 0.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const CODE_LENGTH = 16;
export const RECOVERY_CODE_COUNT = 10;

export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    let code = '';
    for (let index = 0; index < CODE_LENGTH; index += 1) code += ALPHABET[randomInt(ALPHABET.length)];
    return code.match(/.{4}/g)?.join('-') ?? code;
  });
}

/** The code as stored (hashed): lower case, no separators, look-alike letters folded. Null when it cannot be one. */
export function normaliseRecoveryCode(input: string): string | null {
  const value = input.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
  if (value.length !== CODE_LENGTH) return null;
  for (const character of value) if (!ALPHABET.includes(character)) return null;
  return value;
}

export function hashRecoveryCode(normalised: string): string {
  return createHash('sha256').update(`portcullis-recovery-code:${normalised}`).digest('base64url');
}
