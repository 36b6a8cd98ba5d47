import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../errors/catalogue.ts';

/** OWASP Password Storage Cheat Sheet, argon2id row "m=19456 (19 MiB), t=2, p=1". */
export const ARGON2_PARAMS = {
  algorithm: 2 /* Algorithm.Argon2id: a const enum, not importable under verbatimModuleSyntax */,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;
const CURRENT_PREFIX = `$argon2id$v=19$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}$`;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** `needsRehash` when the stored hash uses older parameters (re-hash after a successful sign-in). */
  verify(storedHash: string, password: string): Promise<{ ok: boolean; needsRehash: boolean }>;
  /** Spend the same work as a real verify, for unknown users (no timing oracle for usernames). */
  verifyDummy(password: string): Promise<void>;
}

/**
 * NIST 800-63B asks for one documented Unicode rule applied on set and on verify: we normalise to NFC,
 * so a password typed on a system that produces NFD still matches.
 */
function normalise(password: string): string {
  return password.normalize('NFC');
}

/**
 * Hashes run on libuv's thread pool (off the event loop). Each holds 19 MiB, and a flood of sign-ins
 * must not starve every other request, so at most `concurrency` run at once and a short queue waits;
 * anything beyond gets SERVER_BUSY (503 with Retry-After) rather than unbounded latency.
 */
export function createPasswordHasher(options: { concurrency: number; queueLimit?: number }): PasswordHasher {
  const queueLimit = options.queueLimit ?? options.concurrency * 16;
  let running = 0;
  const waiting: Array<() => void> = [];

  async function withSlot<T>(work: () => Promise<T>): Promise<T> {
    if (running >= options.concurrency) {
      if (waiting.length >= queueLimit) throw new AppError('SERVER_BUSY', { retryAfterSeconds: 2 });
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running += 1;
    }
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  }

  let dummyHash: Promise<string> | null = null;
  const getDummy = () => {
    dummyHash ??= hash('portcullis-dummy-password-for-equal-work', ARGON2_PARAMS);
    return dummyHash;
  };

  return {
    hash: (password) => withSlot(() => hash(normalise(password), ARGON2_PARAMS)),
    async verify(storedHash, password) {
      const ok = await withSlot(async () => {
        try {
          return await verify(storedHash, normalise(password));
        } catch {
          return false; // an unparseable stored hash never verifies
        }
      });
      return { ok, needsRehash: ok && !storedHash.startsWith(CURRENT_PREFIX) };
    },
    async verifyDummy(password) {
      const dummy = await getDummy();
      await withSlot(() => verify(dummy, normalise(password)).catch(() => false));
    },
  };
}
