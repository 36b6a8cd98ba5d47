import type { Kysely, Selectable } from 'kysely';
import type { Database, MfaChallengesTable } from '../schema.ts';

export type ChallengeKind = MfaChallengesTable['kind'];
export type ChallengePurpose = MfaChallengesTable['purpose'];

/** A pending second-factor step, bound to one browser; `state` is typed by its kind (see sign-in/challenge-state.ts). */
export interface ChallengeRecord {
  id: string;
  lookupHash: string | null;
  kind: ChallengeKind;
  userId: number;
  factorId: string | null;
  providerId: number | null;
  purpose: ChallengePurpose;
  browserBinding: string;
  sessionIdHash: string | null;
  returnPath: string;
  state: Record<string, unknown>;
  passwordAt: number | null;
  attempts: number;
  ip: string | null;
  userAgent: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface PasskeyChallenge {
  id: string;
  challenge: string;
  providerId: number;
  browserBinding: string;
  returnPath: string;
  createdAt: number;
  expiresAt: number;
}

function parseState(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function toChallenge(row: Selectable<MfaChallengesTable>): ChallengeRecord {
  return {
    id: row.id,
    lookupHash: row.lookup_hash,
    kind: row.kind,
    userId: Number(row.user_id),
    factorId: row.factor_id,
    providerId: row.provider_id === null ? null : Number(row.provider_id),
    purpose: row.purpose,
    browserBinding: row.browser_binding,
    sessionIdHash: row.session_id_hash,
    returnPath: row.return_path,
    state: parseState(row.state),
    passwordAt: row.password_at === null ? null : Number(row.password_at),
    attempts: Number(row.attempts),
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
}

/**
 * Pending challenges of every kind. A challenge that succeeds is taken with one DELETE ... RETURNING
 * whose WHERE clause holds every binding (id, browser, expiry, attempts): of two requests racing on
 * two nodes exactly one gets the row, and a request from another browser takes nothing (RFC 9700 §4.2).
 */
export function createChallengesRepo(db: Kysely<Database>) {
  return {
    async insert(challenge: Omit<ChallengeRecord, 'attempts'> & { attempts?: number }): Promise<void> {
      await db
        .insertInto('mfa_challenges')
        .values({
          id: challenge.id,
          lookup_hash: challenge.lookupHash,
          kind: challenge.kind,
          user_id: challenge.userId,
          factor_id: challenge.factorId,
          provider_id: challenge.providerId,
          purpose: challenge.purpose,
          browser_binding: challenge.browserBinding,
          session_id_hash: challenge.sessionIdHash,
          return_path: challenge.returnPath,
          state: JSON.stringify(challenge.state),
          password_at: challenge.passwordAt,
          attempts: challenge.attempts ?? 0,
          ip: challenge.ip,
          user_agent: challenge.userAgent,
          created_at: challenge.createdAt,
          expires_at: challenge.expiresAt,
        })
        .execute();
    },

    async find(id: string): Promise<ChallengeRecord | undefined> {
      const row = await db.selectFrom('mfa_challenges').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toChallenge(row) : undefined;
    },

    async findByLookup(lookupHash: string): Promise<ChallengeRecord | undefined> {
      const row = await db
        .selectFrom('mfa_challenges')
        .selectAll()
        .where('lookup_hash', '=', lookupHash)
        .executeTakeFirst();
      return row ? toChallenge(row) : undefined;
    },

    /** Takes the challenge only when every binding matches; otherwise nothing is spent. */
    async take(where: {
      id?: string;
      lookupHash?: string;
      browserBinding: string;
      now: number;
      maxAttempts?: number;
    }): Promise<ChallengeRecord | undefined> {
      let query = db
        .deleteFrom('mfa_challenges')
        .where('browser_binding', '=', where.browserBinding)
        .where('expires_at', '>', where.now);
      if (where.id !== undefined) query = query.where('id', '=', where.id);
      if (where.lookupHash !== undefined) query = query.where('lookup_hash', '=', where.lookupHash);
      if (where.maxAttempts !== undefined) query = query.where('attempts', '<', where.maxAttempts);
      const row = await query.returningAll().executeTakeFirst();
      return row ? toChallenge(row) : undefined;
    },

    /** Counts a wrong answer; returns the attempts made, or undefined when the challenge is gone or not this browser's. */
    async recordAttempt(id: string, browserBinding: string): Promise<number | undefined> {
      const row = await db
        .updateTable('mfa_challenges')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('browser_binding', '=', browserBinding)
        .returning('attempts')
        .executeTakeFirst();
      return row ? Number(row.attempts) : undefined;
    },

    async setState(id: string, state: Record<string, unknown>): Promise<void> {
      await db
        .updateTable('mfa_challenges')
        .set({ state: JSON.stringify(state) })
        .where('id', '=', id)
        .execute();
    },

    async withKind(kind: ChallengeKind): Promise<ChallengeRecord[]> {
      const rows = await db.selectFrom('mfa_challenges').selectAll().where('kind', '=', kind).execute();
      return rows.map(toChallenge);
    },

    async delete(id: string): Promise<boolean> {
      const result = await db.deleteFrom('mfa_challenges').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async countPending(userId: number, now: number): Promise<number> {
      const row = await db
        .selectFrom('mfa_challenges')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('expires_at', '>', now)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async deleteExpired(now: number): Promise<number> {
      const result = await db.deleteFrom('mfa_challenges').where('expires_at', '<=', now).executeTakeFirst();
      const passkeys = await db.deleteFrom('passkey_challenges').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows) + Number(passkeys.numDeletedRows);
    },

    /** Passwordless sign-in: a WebAuthn challenge not yet tied to a user. */
    async insertPasskey(row: PasskeyChallenge): Promise<void> {
      await db
        .insertInto('passkey_challenges')
        .values({
          id: row.id,
          challenge: row.challenge,
          provider_id: row.providerId,
          browser_binding: row.browserBinding,
          return_path: row.returnPath,
          created_at: row.createdAt,
          expires_at: row.expiresAt,
        })
        .execute();
    },

    /** Taken once, only by the browser it was given to, before it expires. */
    async takePasskey(id: string, browserBinding: string, now: number): Promise<PasskeyChallenge | undefined> {
      const row = await db
        .deleteFrom('passkey_challenges')
        .where('id', '=', id)
        .where('browser_binding', '=', browserBinding)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      return row
        ? {
            id: row.id,
            challenge: row.challenge,
            providerId: Number(row.provider_id),
            browserBinding: row.browser_binding,
            returnPath: row.return_path,
            createdAt: Number(row.created_at),
            expiresAt: Number(row.expires_at),
          }
        : undefined;
    },
  };
}

export type ChallengesRepo = ReturnType<typeof createChallengesRepo>;
