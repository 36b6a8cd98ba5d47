import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export function createSetupTokensRepo(db: Kysely<Database>) {
  return {
    async insert(tokenHash: string, createdAt: number, expiresAt: number): Promise<void> {
      await db
        .insertInto('setup_tokens')
        .values({ token_hash: tokenHash, created_at: createdAt, expires_at: expiresAt })
        .execute();
    },

    /** Single use across nodes: the DELETE that finds the row wins; a second attempt finds nothing. */
    async consume(tokenHash: string, now: number): Promise<boolean> {
      const row = await db
        .deleteFrom('setup_tokens')
        .where('token_hash', '=', tokenHash)
        .where('expires_at', '>', now)
        .returning('token_hash')
        .executeTakeFirst();
      return row !== undefined;
    },

    async deleteAll(): Promise<void> {
      await db.deleteFrom('setup_tokens').execute();
    },
  };
}
