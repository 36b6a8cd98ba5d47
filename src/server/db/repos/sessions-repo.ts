import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable } from '../schema.ts';
import type { Role } from './users-repo.ts';

export type AuthLevel = SessionsTable['auth_level'];

export interface SessionRecord {
  idHash: string;
  userId: number;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  authenticatedAt: number;
  authLevel: AuthLevel;
  ip: string | null;
  userAgent: string | null;
  mfaProviderId: number | null;
  mfaFactor: string | null;
  /** RFC 8176 `amr` values: how the user proved who they are. */
  amr: string[];
  /** The user factor that proved the second step, if any. */
  factorId: string | null;
  /** Proven with a phishing-resistant factor (WebAuthn). */
  phishingResistant: boolean;
  /** When a second factor was last proven in this session (step-up renews it), or null. */
  mfaAt: number | null;
}

export interface SessionWithUser extends SessionRecord {
  user: { username: string; displayName: string; email: string; role: Role; disabled: boolean };
}

function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return {
    idHash: row.id_hash,
    userId: Number(row.user_id),
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    authenticatedAt: row.authenticated_at,
    authLevel: row.auth_level,
    ip: row.ip,
    userAgent: row.user_agent,
    mfaProviderId: row.mfa_provider_id === null ? null : Number(row.mfa_provider_id),
    mfaFactor: row.mfa_factor,
    amr: amrOf(row),
    factorId: row.factor_id,
    phishingResistant: Boolean(row.phishing_resistant),
    // Sessions opened before the MFA time was recorded: an MFA session proved it when it was opened.
    mfaAt: row.mfa_at ?? (row.auth_level === 'mfa' ? row.authenticated_at : null),
  };
}

/** Sessions opened before `amr` was recorded: derived from their auth level. */
function amrOf(row: Selectable<SessionsTable>): string[] {
  if (row.amr) {
    const parsed: unknown = JSON.parse(row.amr);
    if (Array.isArray(parsed)) return parsed.filter((value): value is string => typeof value === 'string');
  }
  return row.auth_level === 'mfa' ? ['pwd', 'mfa'] : ['pwd'];
}

export function createSessionsRepo(db: Kysely<Database>) {
  return {
    async insert(session: SessionRecord): Promise<void> {
      await db
        .insertInto('sessions')
        .values({
          id_hash: session.idHash,
          user_id: session.userId,
          created_at: session.createdAt,
          last_seen_at: session.lastSeenAt,
          expires_at: session.expiresAt,
          authenticated_at: session.authenticatedAt,
          auth_level: session.authLevel,
          ip: session.ip,
          user_agent: session.userAgent,
          mfa_provider_id: session.mfaProviderId,
          mfa_factor: session.mfaFactor,
          amr: JSON.stringify(session.amr),
          factor_id: session.factorId,
          phishing_resistant: session.phishingResistant ? 1 : 0,
          mfa_at: session.mfaAt,
        })
        .execute();
    },

    async findWithUser(idHash: string): Promise<SessionWithUser | undefined> {
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .selectAll('sessions')
        .select(['users.username', 'users.display_name', 'users.email', 'users.role', 'users.disabled'])
        .where('sessions.id_hash', '=', idHash)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        ...toSession(row),
        user: {
          username: row.username,
          displayName: row.display_name,
          email: row.email,
          role: row.role,
          disabled: Boolean(row.disabled),
        },
      };
    },

    async listForUser(userId: number): Promise<SessionRecord[]> {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('last_seen_at', 'desc')
        .execute();
      return rows.map(toSession);
    },

    async touch(idHash: string, at: number): Promise<void> {
      await db.updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
    },

    async delete(idHash: string): Promise<boolean> {
      const result = await db.deleteFrom('sessions').where('id_hash', '=', idHash).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async deleteForUser(userId: number, exceptIdHash?: string): Promise<number> {
      let query = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (exceptIdHash) query = query.where('id_hash', '!=', exceptIdHash);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Sessions opened with this factor (it was removed), except the one making the change. */
    async deleteForFactor(factorId: string, exceptIdHash?: string): Promise<number> {
      let query = db.deleteFrom('sessions').where('factor_id', '=', factorId);
      if (exceptIdHash) query = query.where('id_hash', '!=', exceptIdHash);
      const result = await query.executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async deleteExpired(now: number, idleMs: number): Promise<number> {
      const result = await db
        .deleteFrom('sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', now - idleMs)]))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
