import { PASSWORD_MAX, PASSWORD_MIN } from '../../shared/api/fields.ts';

/**
 * NIST 800-63B / ASVS 6.2: length, no composition rules, and refuse passwords that are known to be
 * common or that are trivially derived from the account. Passwords shorter than 12 characters are
 * already refused, which rules out most of the breached-password top lists; these are the long ones
 * that still top those lists.
 */
const COMMON_LONG_PASSWORDS = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789123',
  '111111111111',
  '000000000000',
  '123123123123',
  'qwertyuiopas',
  'qwertyuiop123',
  'qwerty123456',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'zaq12wsxcde3',
  'passwordpassword',
  'password1234',
  'password12345',
  'password123456',
  'iloveyou1234',
  'administrator',
  'administrator1',
  'changeme1234',
  'letmein12345',
  'welcome12345',
  'trustno1trustno1',
  'abcdefghijkl',
  'abc123abc123',
  'asdfghjkl123',
  'qwertyuiopasdfghjkl',
  'correcthorsebatterystaple',
  'portcullis123',
  'portcullis1234',
]);

export function checkPasswordStrength(password: string, username: string): string | null {
  if (password.length < PASSWORD_MIN) return `Password must be at least ${PASSWORD_MIN} characters.`;
  if (password.length > PASSWORD_MAX) return `Password must be at most ${PASSWORD_MAX} characters.`;
  const lowered = password.toLowerCase();
  if (COMMON_LONG_PASSWORDS.has(lowered))
    return 'This password is too common. Choose a longer phrase only you would think of.';
  if (/^(.)\1+$/.test(password)) return 'A password of one repeated character is too easy to guess.';
  if (username.length >= 3 && lowered.includes(username.toLowerCase()))
    return 'The password must not contain the username.';
  return null;
}
