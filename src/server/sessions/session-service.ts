import { hashToken, randomToken } from '../crypto/tokens.ts';
import type { Storage } from '../db/database.ts';
import { createRepos, type Repos } from '../db/repos/index.ts';
import type { AuthLevel, SessionWithUser } from '../db/repos/sessions-repo.ts';
import { isFresh, needsTouch, type SessionLimits, sessionState } from '../login/session-policy.ts';

export type ResolvedSession =
  | { status: 'active'; token: string; session: SessionWithUser; fresh: boolean }
  | { status: 'expired'; reason: 'idle' | 'absolute' | 'user_disabled' }
  | { status: 'none' };

export interface NewSessionContext {
  ip: string | null;
  userAgent: string | null;
  /** When the user last proved who they are; a new sign-in is now. */
  authenticatedAt?: number;
  mfa?: { providerId: number; factor: string | null };
  amr?: string[];
  factorId?: string | null;
  phishingResistant?: boolean;
  /** When a second factor was proven for this session (null: none). */
  mfaAt?: number | null;
  /** A session that continues another (a re-authentication): same start and absolute expiry. */
  keep?: { createdAt: number; expiresAt: number };
}

/**
 * Sessions are opaque 256-bit tokens held by the browser; the database keeps only their SHA-256, so a
 * leaked database or backup cannot be replayed as a cookie (ASVS 7.2.3, 16.2.5).
 */
export function createSessionService(deps: { storage: Storage; clock: () => number; limits: SessionLimits }) {
  const { storage, clock, limits } = deps;

  /**
   * As resolve, by the stored hash: forward-auth's cookie names the session by its hash (signed), never
   * by its token. Expired sessions end here; the last-seen time moves at most once a minute.
   */
  async function resolveIdHash(idHash: string, token = ''): Promise<ResolvedSession> {
    const repos = createRepos(storage.db);
    const session = await repos.sessions.findWithUser(idHash);
    if (!session) return { status: 'none' };
    const now = clock();
    const state = sessionState(session, now, limits);
    if (state !== 'active' || session.user.disabled) {
      await repos.sessions.delete(idHash);
      const reason = session.user.disabled ? 'user_disabled' : state === 'idle_expired' ? 'idle' : 'absolute';
      return { status: 'expired', reason };
    }
    if (needsTouch(session, now)) {
      await repos.sessions.touch(idHash, now);
      session.lastSeenAt = now;
    }
    return { status: 'active', token, session, fresh: isFresh(session, now, limits) };
  }

  return {
    limits,
    resolveIdHash,

    /** Called inside the sign-in transaction, so the session, the audit row and the login commit together. */
    async create(repos: Repos, userId: number, authLevel: AuthLevel, context: NewSessionContext) {
      const token = randomToken(32);
      const now = clock();
      const record = {
        idHash: hashToken(token),
        userId,
        createdAt: context.keep?.createdAt ?? now,
        lastSeenAt: now,
        expiresAt: context.keep?.expiresAt ?? now + limits.absoluteMs,
        authenticatedAt: context.authenticatedAt ?? now,
        authLevel,
        ip: context.ip,
        userAgent: context.userAgent?.slice(0, 512) ?? null,
        mfaProviderId: context.mfa?.providerId ?? null,
        mfaFactor: context.mfa?.factor?.slice(0, 100) ?? null,
        amr: context.amr ?? (authLevel === 'mfa' ? ['pwd', 'mfa'] : ['pwd']),
        factorId: context.factorId ?? null,
        phishingResistant: context.phishingResistant === true,
        mfaAt: context.mfaAt ?? (authLevel === 'mfa' ? now : null),
      };
      await repos.sessions.insert(record);
      return { token, record };
    },

    async resolve(token: string | undefined): Promise<ResolvedSession> {
      if (!token || token.length > 128) return { status: 'none' };
      return resolveIdHash(hashToken(token), token);
    },

    async end(token: string): Promise<boolean> {
      return createRepos(storage.db).sessions.delete(hashToken(token));
    },

    async listForUser(userId: number) {
      return createRepos(storage.db).sessions.listForUser(userId);
    },

    async sweepExpired(): Promise<number> {
      return createRepos(storage.db).sessions.deleteExpired(clock(), limits.idleMs);
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
