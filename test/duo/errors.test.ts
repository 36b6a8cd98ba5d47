import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { safeServerText } from '../../src/server/duo/errors.ts';
import { DuoError, type DuoErrorKind, isOutage } from '../../src/server/duo/index.ts';

const KINDS: DuoErrorKind[] = [
  'configuration',
  'unreachable',
  'timeout',
  'tls',
  'invalid_credentials',
  'invalid_grant',
  'server_error',
  'rate_limited',
  'malformed_response',
  'health_failed',
  'invalid_token',
  'denied',
  'username_mismatch',
  'nonce_mismatch',
];

describe('isOutage', () => {
  it('is true only for unreachable, timeout and 5xx during the health check (issue 12.3: never a 429)', () => {
    const outages = KINDS.filter((kind) =>
      isOutage(new DuoError({ kind, operation: 'health_check', message: 'm', hint: 'h' })),
    );
    expect(outages).toEqual(['unreachable', 'timeout', 'server_error']);
  });

  it('is never true after the user was sent to Duo (token exchange), nor for foreign values', () => {
    for (const kind of KINDS) {
      expect(isOutage(new DuoError({ kind, operation: 'token', message: 'm', hint: 'h' }))).toBe(false);
      expect(isOutage(new DuoError({ kind, operation: 'authorize', message: 'm', hint: 'h' }))).toBe(false);
    }
    expect(isOutage(new Error('timeout'))).toBe(false);
    expect(isOutage({ kind: 'timeout', operation: 'health_check' })).toBe(false);
    expect(isOutage(undefined)).toBe(false);
  });
});

describe('DuoError', () => {
  it('serialises to its safe fields only', () => {
    const error = new DuoError({
      kind: 'invalid_credentials',
      operation: 'health_check',
      message: 'Duo refused the client credentials.',
      hint: 'check the Client ID',
      cause: 'invalid_client',
      httpStatus: 400,
      duoCode: 40002,
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'DuoError',
      kind: 'invalid_credentials',
      operation: 'health_check',
      message: 'Duo refused the client credentials.',
      hint: 'check the Client ID',
      cause: 'invalid_client',
      httpStatus: 400,
      duoCode: 40002,
    });
    expect(String(error)).toBe('DuoError: Duo refused the client credentials.');
    expect(inspect(error)).toContain("kind: 'invalid_credentials'");
  });

  it('scrubs echoed sensitive values (plain, base64, url-encoded) from server text and bounds it', () => {
    const secret = 'PLANTEDsecret0123456789abcdefghijklmnopq';
    const b64 = Buffer.from(secret).toString('base64');
    const text = safeServerText(`bad ${secret} / ${b64} / ${encodeURIComponent('a+b/c=PLANTEDcode!')}\n<x>`, [
      secret,
      'a+b/c=PLANTEDcode!',
    ]);
    expect(text).toBe('bad [redacted] / [redacted] / [redacted] <x>');
    expect(safeServerText('x'.repeat(500), [])).toHaveLength(201);
    expect(safeServerText(42, [])).toBeUndefined();
  });
});
