import { hashToken, randomToken } from '../crypto/tokens.ts';
import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';

export const SETUP_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * No default password exists anywhere: an empty portal prints a one-time setup link instead. Every
 * start on an empty database issues a fresh token (the old ones stay valid until used or expired); the
 * first administrator's creation consumes them all.
 */
export async function issueSetupTokenIfNeeded(storage: Storage, now: number): Promise<string | null> {
  const repos = createRepos(storage.db);
  if ((await repos.users.count()) > 0) return null;
  const token = randomToken(32);
  await repos.setupTokens.insert(hashToken(token), now, now + SETUP_TOKEN_LIFETIME_MS);
  return token;
}
