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

/** Which queue a hash waits in: known devices (a valid device cookie) are served first. */
export type HashLane = 'known' | 'anonymous';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** `needsRehash` when the stored hash uses older parameters (re-hash after a successful sign-in). */
  verify(storedHash: string, password: string, lane?: HashLane): Promise<{ ok: boolean; needsRehash: boolean }>;
  /** Spend the same work as a real verify, for unknown users (no timing oracle for usernames). */
  verifyDummy(password: string, lane?: HashLane): Promise<void>;
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
 * must not starve every other request, so at most `concurrency` run at once and short queues wait;
 * anything beyond gets SERVER_BUSY (503 with Retry-After) rather than unbounded latency. Two queues,
 * served fairly by priority: a browser with a valid device cookie waits behind known devices only, so
 * an anonymous flood (a password spray) cannot starve the people who signed in here before.
 */
export function createPasswordHasher(options: { concurrency: number; queueLimit?: number }): PasswordHasher {
  const queueLimit = options.queueLimit ?? options.concurrency * 16;
  let running = 0;
  const waiting: Record<HashLane, Array<() => void>> = { known: [], anonymous: [] };

  async function withSlot<T>(work: () => Promise<T>, lane: HashLane = 'anonymous'): Promise<T> {
    if (running >= options.concurrency) {
      if (waiting[lane].length >= queueLimit) throw new AppError('SERVER_BUSY', { retryAfterSeconds: 2 });
      await new Promise<void>((resolve) => waiting[lane].push(resolve));
    } else {
      running += 1;
    }
    try {
      return await work();
    } finally {
      const next = waiting.known.shift() ?? waiting.anonymous.shift();
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
    async verify(storedHash, password, lane) {
      const ok = await withSlot(async () => {
        try {
          return await verify(storedHash, normalise(password));
        } catch {
          return false; // an unparseable stored hash never verifies
        }
      }, lane);
      return { ok, needsRehash: ok && !storedHash.startsWith(CURRENT_PREFIX) };
    },
    async verifyDummy(password, lane) {
      const dummy = await getDummy();
      await withSlot(() => verify(dummy, normalise(password)).catch(() => false), lane);
    },
  };
}
