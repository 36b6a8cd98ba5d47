import { Secret, TOTP } from 'otpauth';
import type { CodeProvider, ProviderContext } from '../../provider-type.ts';

export const TOTP_ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'] as const;

export interface TotpConfig {
  issuer: string;
  digits: 6 | 8;
  period: number;
  algorithm: (typeof TOTP_ALGORITHMS)[number];
  drift: number;
}

/** RFC 4226 §4 asks for a key at least as long as the HMAC output: 20, 32 or 64 bytes. */
const KEY_BYTES: Record<TotpConfig['algorithm'], number> = { SHA1: 20, SHA256: 32, SHA512: 64 };

/**
 * TOTP (RFC 6238) through the `otpauth` library: it does the HOTP arithmetic and compares codes in
 * constant time. The time step of a match is returned so the caller can refuse a code, or an older
 * one, that was already accepted.
 */
export function createTotpProvider(config: TotpConfig, context: ProviderContext): CodeProvider {
  const totpFor = (secret: Secret, label: string) =>
    new TOTP({
      issuer: config.issuer,
      label,
      algorithm: config.algorithm,
      digits: config.digits,
      period: config.period,
      secret,
    });

  return {
    challenge: 'code',
    digits: config.digits,
    async healthCheck() {
      return {
        status: 'ok',
        message: 'Ready: codes are checked on this server, no connection to another service is needed.',
        hint: null,
        cause: null,
        skewSeconds: null,
        outage: false,
        checkedAt: context.now(),
      };
    },
    newSecret: () => new Secret({ size: KEY_BYTES[config.algorithm] }).base32,
    uriFor: (secret, account) => totpFor(Secret.fromBase32(secret), account).toString(),
    verify(secretBase32, code) {
      if (!new RegExp(`^\\d{${config.digits}}$`).test(code)) return { ok: false, reason: 'code_format' };
      const now = context.now();
      const delta = TOTP.validate({
        token: code,
        secret: Secret.fromBase32(secretBase32),
        algorithm: config.algorithm,
        digits: config.digits,
        period: config.period,
        timestamp: now,
        window: config.drift,
      });
      if (delta === null) return { ok: false, reason: 'wrong_code' };
      return { ok: true, step: Math.floor(now / 1000 / config.period) + delta };
    },
    async close() {},
  };
}
