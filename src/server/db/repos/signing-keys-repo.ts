import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface SigningKeyRecord {
  kid: string;
  alg: string;
  publicJwk: Record<string, unknown>;
  /** Sealed (`v<key version>.<base64url>`), bound to `signing_key:<kid>:private`. */
  sealedPrivateKey: string;
  createdAt: number;
}

/** The keys that sign identity tokens for applications; retired ones are kept out of the JWKS. */
export function createSigningKeysRepo(db: Kysely<Database>) {
  return {
    async active(): Promise<SigningKeyRecord[]> {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where('retired_at', 'is', null)
        .orderBy('created_at', 'desc')
        .orderBy('kid')
        .execute();
      return rows.map((row) => ({
        kid: row.kid,
        alg: row.alg,
        publicJwk: JSON.parse(row.public_jwk) as Record<string, unknown>,
        sealedPrivateKey: row.private_key,
        createdAt: Number(row.created_at),
      }));
    },

    async insert(key: SigningKeyRecord): Promise<void> {
      await db
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          alg: key.alg,
          public_jwk: JSON.stringify(key.publicJwk),
          private_key: key.sealedPrivateKey,
          created_at: key.createdAt,
          retired_at: null,
        })
        .execute();
    },

    async setPrivateKey(kid: string, sealed: string): Promise<void> {
      await db.updateTable('signing_keys').set({ private_key: sealed }).where('kid', '=', kid).execute();
    },
  };
}
