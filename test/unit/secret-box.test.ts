import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseKeySpec } from '../../src/server/crypto/master-keys.ts';
import { createSecretBox, SecretBoxError } from '../../src/server/crypto/secret-box.ts';

const key = () => randomBytes(32).toString('base64');

describe('secret box (AES-256-GCM, versioned keys)', () => {
  const keyOne = key();
  const box = createSecretBox(parseKeySpec(`1:${keyOne}`));

  it('seals with a fresh nonce each time and opens with the same additional data', () => {
    const first = box.seal('s3cret-value', 'mfa_provider:1:clientSecret');
    const second = box.seal('s3cret-value', 'mfa_provider:1:clientSecret');
    expect(first).toMatch(/^v1\.[\w-]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('s3cret');
    expect(box.open(first, 'mfa_provider:1:clientSecret')).toBe('s3cret-value');
  });

  it('will not open a ciphertext moved to another record or field', () => {
    const sealed = box.seal('s3cret-value', 'mfa_provider:1:clientSecret');
    expect(() => box.open(sealed, 'mfa_provider:2:clientSecret')).toThrow(SecretBoxError);
    expect(() => box.open(sealed, 'mfa_provider:1:other')).toThrow(/altered, moved/);
  });

  it('detects any altered byte', () => {
    const sealed = box.seal('s3cret-value', 'aad');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[20] = (raw[20] ?? 0) ^ 1;
    expect(() => box.open(`v1.${raw.toString('base64url')}`, 'aad')).toThrow(SecretBoxError);
  });

  it('cannot be relabelled with another key version', () => {
    const two = createSecretBox(parseKeySpec(`1:${keyOne},2:${keyOne}`));
    const sealed = two.seal('value', 'aad');
    expect(sealed.startsWith('v2.')).toBe(true);
    expect(() => two.open(`v1.${sealed.slice(3)}`, 'aad')).toThrow(SecretBoxError);
  });

  it('opens old versions after rotation and seals new values under the newest key', () => {
    const old = box.seal('value', 'aad');
    const rotated = createSecretBox(parseKeySpec(`1:${keyOne},2:${key()}`));
    expect(rotated.activeVersion).toBe(2);
    expect(rotated.open(old, 'aad')).toBe('value');
    expect(rotated.versionOf(rotated.seal('value', 'aad'))).toBe(2);
  });

  it('fails clearly with a wrong key or a missing key version', () => {
    const other = createSecretBox(parseKeySpec(`1:${key()}`));
    expect(() => other.open(box.seal('value', 'aad'), 'aad')).toThrow(
      expect.objectContaining({ reason: 'authentication_failed' }),
    );
    expect(() => box.open(`v9.${'A'.repeat(60)}`, 'aad')).toThrow(expect.objectContaining({ reason: 'unknown_key' }));
    expect(() => box.open('not sealed', 'aad')).toThrow(expect.objectContaining({ reason: 'malformed' }));
  });

  it('refuses malformed key specifications', () => {
    expect(() => parseKeySpec('1:short')).toThrow(/must be 32 bytes/);
    expect(() => parseKeySpec(`x:${keyOne}`)).toThrow(/<version>:<base64 key>/);
    expect(() => parseKeySpec(`1:${keyOne},1:${keyOne}`)).toThrow(/appears twice/);
  });
});
