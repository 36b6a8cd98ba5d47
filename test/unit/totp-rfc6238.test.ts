// RFC 6238 Appendix B test vectors through our authenticator-app provider (8 digits, 30 s steps,
// the RFC's ASCII keys for SHA-1, SHA-256 and SHA-512), and the codes' time steps.
import { Secret } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { createTotpProvider } from '../../src/server/mfa/providers/totp/totp-provider.ts';

const KEYS = {
  SHA1: '12345678901234567890',
  SHA256: '12345678901234567890123456789012',
  SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
} as const;

const VECTORS: Array<[number, string, keyof typeof KEYS]> = [
  [59, '94287082', 'SHA1'],
  [59, '46119246', 'SHA256'],
  [59, '90693936', 'SHA512'],
  [1111111109, '07081804', 'SHA1'],
  [1111111109, '68084774', 'SHA256'],
  [1111111109, '25091201', 'SHA512'],
  [1111111111, '14050471', 'SHA1'],
  [1111111111, '67062674', 'SHA256'],
  [1111111111, '99943326', 'SHA512'],
  [1234567890, '89005924', 'SHA1'],
  [1234567890, '91819424', 'SHA256'],
  [1234567890, '93441116', 'SHA512'],
  [2000000000, '69279037', 'SHA1'],
  [2000000000, '90698825', 'SHA256'],
  [2000000000, '38618901', 'SHA512'],
  [20000000000, '65353130', 'SHA1'],
  [20000000000, '77737706', 'SHA256'],
  [20000000000, '47863826', 'SHA512'],
];

function providerAt(seconds: number, algorithm: keyof typeof KEYS, drift = 0) {
  return createTotpProvider(
    { issuer: 'RFC 6238', digits: 8, period: 30, algorithm, drift },
    { allowCustomHosts: false, now: () => seconds * 1000, redirectUri: '', applicationUrl: null },
  );
}

describe('TOTP (RFC 6238)', () => {
  it.each(VECTORS)('at T=%i the code is %s with %s', (seconds, code, algorithm) => {
    const secret = Secret.fromLatin1(KEYS[algorithm]).base32;
    expect(providerAt(seconds, algorithm).verify(secret, code)).toEqual({
      ok: true,
      step: Math.floor(seconds / 30),
    });
  });

  it('refuses a code from the neighbouring step without drift, accepts it with ±1 and says which step', () => {
    const secret = Secret.fromLatin1(KEYS.SHA1).base32;
    // 94287082 is the code of step 1 (T=59); at T=89 we are in step 2.
    expect(providerAt(89, 'SHA1', 0).verify(secret, '94287082')).toEqual({ ok: false, reason: 'wrong_code' });
    expect(providerAt(89, 'SHA1', 1).verify(secret, '94287082')).toEqual({ ok: true, step: 1 });
  });

  it('refuses codes of the wrong length or with letters before any arithmetic', () => {
    const secret = Secret.fromLatin1(KEYS.SHA1).base32;
    for (const code of ['9428708', '942870821', '9428708a', ''])
      expect(providerAt(59, 'SHA1').verify(secret, code)).toEqual({ ok: false, reason: 'code_format' });
  });

  it('generates keys as long as the HMAC output, and an otpauth:// URI an app understands', () => {
    const provider = createTotpProvider(
      { issuer: 'Example Corp', digits: 6, period: 30, algorithm: 'SHA256', drift: 1 },
      { allowCustomHosts: false, now: () => 0, redirectUri: '', applicationUrl: null },
    );
    const secret = provider.newSecret();
    expect(Secret.fromBase32(secret).bytes).toHaveLength(32);
    expect(provider.uriFor(secret, 'alice')).toBe(
      `otpauth://totp/Example%20Corp:alice?issuer=Example%20Corp&secret=${secret}&algorithm=SHA256&digits=6&period=30`,
    );
  });
});
