import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { AuditContext } from '../audit/events.ts';
import { type SecretBox, SecretBoxError } from '../crypto/secret-box.ts';
import { randomToken } from '../crypto/tokens.ts';
import type { Storage } from '../db/database.ts';
import { createRepos, type Repos } from '../db/repos/index.ts';

/** ES256: the algorithm every JWT library verifies (RFC 7518 §3.4). */
export const TOKEN_ALG = 'ES256';
/** Identity tokens are short-lived: the proxy asks again on every request, so a fresh one is at hand. */
export const TOKEN_LIFETIME_S = 120;

const privateKeyAad = (kid: string) => `signing_key:${kid}:private`;

const SYSTEM: AuditContext = { actor: null, ip: null, userAgent: 'portcullis (forward-auth)', requestId: null };

/**
 * The keys that sign the identity tokens sent to applications (Remote-Jwt). The private half is sealed
 * with the master key, bound to its kid; the public half is served as a JWKS. The first key is made
 * when an application first asks for tokens; every node then uses the newest key.
 */
export function createTokenSigner(deps: { storage: Storage; secretBox: SecretBox; clock: () => number }) {
  let signing: Promise<{ kid: string; key: KeyObject }> | null = null;

  async function create(): Promise<void> {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = randomToken(12);
    const now = deps.clock();
    await deps.storage.db.transaction().execute(async (trx) => {
      const tx = createRepos(trx);
      await tx.signingKeys.insert({
        kid,
        alg: TOKEN_ALG,
        publicJwk: { ...pair.publicKey.export({ format: 'jwk' }), kid, alg: TOKEN_ALG, use: 'sig' },
        sealedPrivateKey: deps.secretBox.seal(
          pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
          privateKeyAad(kid),
        ),
        createdAt: now,
      });
      await tx.audit.record(
        {
          type: 'signing_key.created',
          outcome: 'success',
          target: { type: 'keys', id: kid },
          details: { kid, alg: TOKEN_ALG },
        },
        SYSTEM,
        now,
      );
    });
  }

  /** The newest key whose private half opens; a key sealed under a lost master key is passed over. */
  async function newestUsable(): Promise<{ kid: string; key: KeyObject } | null> {
    for (const record of await createRepos(deps.storage.db).signingKeys.active()) {
      try {
        return {
          kid: record.kid,
          key: createPrivateKey(deps.secretBox.open(record.sealedPrivateKey, privateKeyAad(record.kid))),
        };
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
      }
    }
    return null;
  }

  async function loadOrCreate(): Promise<{ kid: string; key: KeyObject }> {
    const existing = await newestUsable();
    if (existing) return existing;
    await create();
    // Two nodes may have raced: whichever key is newest is the one everyone signs with.
    const created = await newestUsable();
    if (!created) throw new Error('the signing key just written does not open');
    return created;
  }

  return {
    async sign(
      claims: Record<string, unknown>,
      token: { issuer: string; audience: string; subject: string },
    ): Promise<{ jwt: string; expiresAt: number }> {
      signing ??= loadOrCreate().catch((error: unknown) => {
        signing = null;
        throw error;
      });
      const { kid, key } = await signing;
      const now = Math.floor(deps.clock() / 1000);
      const jwt = await new SignJWT(claims)
        .setProtectedHeader({ alg: TOKEN_ALG, kid, typ: 'JWT' })
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + TOKEN_LIFETIME_S)
        .setIssuer(token.issuer)
        .setAudience(token.audience)
        .setSubject(token.subject)
        .setJti(randomToken(12))
        .sign(key);
      return { jwt, expiresAt: (now + TOKEN_LIFETIME_S) * 1000 };
    },

    /** The public keys, as `GET /api/authz/jwks` serves them (RFC 7517 §5). */
    async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
      const keys = await createRepos(deps.storage.db).signingKeys.active();
      return { keys: keys.map((key) => key.publicJwk) };
    },
  };
}

export type TokenSigner = ReturnType<typeof createTokenSigner>;

/** Part of `keys rotate`: every signing key's private half is sealed again under the newest master key. */
export async function resealSigningKeys(repos: Repos, box: SecretBox): Promise<number> {
  let count = 0;
  for (const key of await repos.signingKeys.active()) {
    const aad = privateKeyAad(key.kid);
    let pem: string;
    try {
      pem = box.open(key.sealedPrivateKey, aad);
    } catch {
      continue; // sealed under a key that is gone: signing passes over it and makes a new one
    }
    await repos.signingKeys.setPrivateKey(key.kid, box.seal(pem, aad));
    count += 1;
  }
  return count;
}
