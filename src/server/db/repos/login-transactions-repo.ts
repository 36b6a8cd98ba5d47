import type { Kysely, Selectable } from 'kysely';
import type { Database, LoginTransactionsTable } from '../schema.ts';

export type LoginPurpose = LoginTransactionsTable['purpose'];

export interface LoginTransaction {
  stateHash: string;
  nonce: string;
  purpose: LoginPurpose;
  userId: number;
  providerId: number;
  browserBinding: string;
  sessionIdHash: string | null;
  returnPath: string;
  providerUsername: string;
  enrolling: boolean;
  ip: string | null;
  userAgent: string | null;
  createdAt: number;
  expiresAt: number;
}

function toTransaction(row: Selectable<LoginTransactionsTable>): LoginTransaction {
  return {
    stateHash: row.state_hash,
    nonce: row.nonce,
    purpose: row.purpose,
    userId: Number(row.user_id),
    providerId: Number(row.provider_id),
    browserBinding: row.browser_binding,
    sessionIdHash: row.session_id_hash,
    returnPath: row.return_path,
    providerUsername: row.provider_username,
    enrolling: Boolean(row.enrolling),
    ip: row.ip,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/**
 * Pending MFA round trips. A transaction is taken with one DELETE ... RETURNING: of two callbacks
 * racing on two nodes, exactly one gets the row (RFC 9700 §4.2; ASVS 15.4.2).
 */
export function createLoginTransactionsRepo(db: Kysely<Database>) {
  return {
    async insert(transaction: LoginTransaction): Promise<void> {
      await db
        .insertInto('login_transactions')
        .values({
          state_hash: transaction.stateHash,
          nonce: transaction.nonce,
          purpose: transaction.purpose,
          user_id: transaction.userId,
          provider_id: transaction.providerId,
          browser_binding: transaction.browserBinding,
          session_id_hash: transaction.sessionIdHash,
          return_path: transaction.returnPath,
          provider_username: transaction.providerUsername,
          enrolling: transaction.enrolling ? 1 : 0,
          ip: transaction.ip,
          user_agent: transaction.userAgent,
          created_at: transaction.createdAt,
          expires_at: transaction.expiresAt,
        })
        .execute();
    },

    async take(stateHash: string): Promise<LoginTransaction | undefined> {
      const row = await db
        .deleteFrom('login_transactions')
        .where('state_hash', '=', stateHash)
        .returningAll()
        .executeTakeFirst();
      return row ? toTransaction(row) : undefined;
    },

    async countPending(userId: number, now: number): Promise<number> {
      const row = await db
        .selectFrom('login_transactions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('expires_at', '>', now)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async deleteExpired(now: number): Promise<number> {
      const result = await db.deleteFrom('login_transactions').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
