/**
 * Defence in depth against a replayed authorization code (php#6; the emulator's replayable_code
 * knob): within one process, an id_token is accepted at most once per nonce. The portal's
 * single-use transaction row (consumed atomically, works across nodes) remains the real guard;
 * this catches a Duo-side or caller-side slip on the node that sees it.
 */
import { createHash } from 'node:crypto';

// id_tokens live about an hour after the second factor (duo-protocol.md §1.6), plus leeway.
const REMEMBER_MS = 3_660_000;
const MAX_ENTRIES = 10_000;

export interface ReplayGuard {
  /** Records the nonce; false if it was already recorded and still remembered. */
  firstUse(nonce: string): boolean;
}

export function createReplayGuard(now: () => number): ReplayGuard {
  // Hashes only: the map never holds a live nonce.
  const seen = new Map<string, number>();
  return {
    firstUse(nonce) {
      const at = now();
      for (const [key, expires] of seen) {
        if (expires > at && seen.size < MAX_ENTRIES) break;
        seen.delete(key);
      }
      const key = createHash('sha256').update(nonce).digest('base64url');
      const expires = seen.get(key);
      if (expires !== undefined && expires > at) return false;
      seen.set(key, at + REMEMBER_MS);
      return true;
    },
  };
}
