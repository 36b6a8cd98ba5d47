import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import type { SessionWithUser } from '../db/repos/sessions-repo.ts';
import type { SessionService } from '../sessions/session-service.ts';

/**
 * How long a node trusts what it read about a session before reading it again. This is the bound on
 * revocation: a sign-out, an administrator ending sessions, a disabled user, a removed factor or a
 * changed group membership stops passing forward-auth on every node within this time, because no node
 * answers from a copy older than this (ADR 0018). A proxy asks on every request (a page is often
 * dozens), so most checks are served from memory and the database sees one read per session per TTL.
 */
export const SESSION_CACHE_TTL_MS = 2_000;
/** Bounded: at most this many sessions are held; the oldest entry goes first. */
export const SESSION_CACHE_MAX = 10_000;

export interface CachedSession {
  idHash: string;
  session: SessionWithUser;
  groupIds: number[];
  factorType: string | null;
  /** Signed identity tokens already made for this session, by application and origin (valid until the entry is re-read). */
  tokens: Map<string, { jwt: string; expiresAt: number }>;
}

type Entry = { value: CachedSession | null; loadedAt: number };

export function createSessionCache(deps: { storage: Storage; sessions: SessionService; clock: () => number }) {
  const entries = new Map<string, Entry>();
  const loading = new Map<string, Promise<CachedSession | null>>();

  async function load(idHash: string): Promise<CachedSession | null> {
    const resolved = await deps.sessions.resolveIdHash(idHash);
    if (resolved.status !== 'active') return null;
    const repos = createRepos(deps.storage.db);
    const [groupIds, factor] = await Promise.all([
      repos.groups.groupIdsOf(resolved.session.userId),
      resolved.session.factorId ? repos.userFactors.findById(resolved.session.factorId) : undefined,
    ]);
    return { idHash, session: resolved.session, groupIds, factorType: factor?.type ?? null, tokens: new Map() };
  }

  function remember(idHash: string, value: CachedSession | null, at: number) {
    entries.delete(idHash);
    entries.set(idHash, { value, loadedAt: at });
    if (entries.size > SESSION_CACHE_MAX) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
  }

  return {
    /** The session by its id hash (null: none, ended or expired), read again once the cached copy is TTL old. */
    async get(idHash: string): Promise<CachedSession | null> {
      const now = deps.clock();
      const entry = entries.get(idHash);
      if (entry && now - entry.loadedAt < SESSION_CACHE_TTL_MS) {
        // Between two reads the limits still apply (a session may expire inside the TTL).
        const session = entry.value?.session;
        if (!session || (now < session.expiresAt && now - session.lastSeenAt < deps.sessions.limits.idleMs))
          return entry.value;
      }
      let pending = loading.get(idHash);
      if (!pending) {
        // Concurrent checks of one session (a page's assets) share one read.
        pending = load(idHash).finally(() => loading.delete(idHash));
        loading.set(idHash, pending);
        const value = await pending;
        remember(idHash, value, now);
        return value;
      }
      return pending;
    },
  };
}

export type SessionCache = ReturnType<typeof createSessionCache>;
