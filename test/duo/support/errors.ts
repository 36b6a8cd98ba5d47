import { inspect } from 'node:util';
import { expect } from 'vitest';
import { DuoError, type DuoErrorKind } from '../../../src/server/duo/index.ts';

/** Awaits a promise that must reject with a DuoError, and returns that error. */
export async function duoError(promise: Promise<unknown>): Promise<DuoError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DuoError) return error;
    throw new Error(`expected a DuoError, got ${inspect(error)}`);
  }
  throw new Error('expected a DuoError, but the call succeeded');
}

export async function expectDuoError(
  promise: Promise<unknown>,
  kind: DuoErrorKind,
  cause?: string,
  planted: readonly string[] = [],
): Promise<DuoError> {
  const error = await duoError(promise);
  expect({ kind: error.kind, cause: error.cause }, error.message).toEqual({ kind, cause: cause ?? error.cause });
  expect(error.hint.length).toBeGreaterThan(10);
  expectNoLeak(error, planted);
  return error;
}

/**
 * Anchors #90: every way an error can reach a log (String, JSON, util.inspect with hidden
 * properties, the stack) must be free of the secret, assertions, codes, id_tokens, state and nonce,
 * in plain, base64 and base64url forms.
 */
export function expectNoLeak(error: unknown, planted: readonly string[]): void {
  const renderings = [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
    error instanceof Error ? (error.stack ?? '') : '',
  ].join('\n');
  // Any JWT (client assertion, request object, id_token) in an error is a leak, whoever minted it.
  expect(renderings).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\./);
  for (const value of planted) {
    if (!value) continue;
    const bytes = Buffer.from(value, 'utf8');
    for (const form of new Set([value, bytes.toString('base64'), bytes.toString('base64url')])) {
      expect(renderings.includes(form), `error output contains a planted value (${value.slice(0, 6)}…)`).toBe(false);
    }
  }
}
