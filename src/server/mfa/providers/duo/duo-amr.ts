/**
 * The RFC 8176 method a Duo authentication adds beside `pwd` and `mfa`. Duo's `auth_context.factor` is
 * a human-readable string that varies ("duo_push", "Duo Push", "WebAuthn Chrome Touch ID"), so only
 * the forms we recognise add a value; anything else is reported as plain `mfa`, never as stronger.
 */
const METHODS: Array<{ pattern: RegExp; amr: string }> = [
  { pattern: /^(duo[ _]?)?push$/i, amr: 'swk' },
  { pattern: /^phone([ _]?call)?$/i, amr: 'tel' },
  { pattern: /^sms([ _]?passcode)?$/i, amr: 'sms' },
  { pattern: /^(duo[ _]mobile[ _])?passcode$|^hardware[ _]token$|^bypass[ _]code$/i, amr: 'otp' },
];

export function duoAmr(factor: string | null): string[] {
  if (!factor) return [];
  const method = METHODS.find((entry) => entry.pattern.test(factor.trim()));
  return method ? [method.amr] : [];
}
