import type { UserFactor } from '../../db/repos/user-factors-repo.ts';
import type { RegisteredCredential, StoredCredential } from '../provider-type.ts';

/** A ceremony factor's credential as the contract speaks of it, from the factor's row. */
export function storedCredentialOf(factor: UserFactor): StoredCredential {
  const data = factor.publicData ?? {};
  return {
    id: factor.credentialId ?? '',
    publicKey: typeof data.publicKey === 'string' ? data.publicKey : '',
    counter: factor.counter ?? 0,
    transports: Array.isArray(data.transports) ? data.transports.filter((t): t is string => typeof t === 'string') : [],
  };
}

/** What is kept beside a new key: its public key and what the console shows (model, backup state). */
export function publicDataOf(credential: RegisteredCredential): Record<string, unknown> {
  return {
    publicKey: credential.publicKey,
    transports: credential.transports,
    aaguid: credential.aaguid,
    backupEligible: credential.backupEligible,
    backedUp: credential.backedUp,
    attestation: credential.attestation,
  };
}
