import type { AuditContext } from '../audit/events.ts';
import { resealDestinationSecrets } from '../audit/forwarding/destination-config.ts';
import type { Config } from '../config/config.ts';
import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import { resealSigningKeys } from '../forward-auth/signing-keys.ts';
import { openSecrets, sealSecrets } from '../mfa/provider-runtime.ts';
import { resealUserSecrets } from '../sign-in/reseal.ts';
import { resealCanary } from './canary.ts';
import { addKeyVersion, loadKeyring, MasterKeyError, retireKeyVersions } from './master-keys.ts';
import { createSecretBox } from './secret-box.ts';

export interface RotationResult {
  toVersion: number;
  resealed: number;
  retiredVersions: number[];
}

/**
 * Re-seals every stored secret under the newest master key, while the portal keeps serving: nodes
 * that read the key file pick the new version up when they first meet it; nodes keyed by
 * PORTCULLIS_SECRET_KEYS must be given the new key (alongside the old) before this runs.
 * - key file: a new version is generated first;
 * - environment keys: the newest version in PORTCULLIS_SECRET_KEYS is used.
 * With `retire`, older versions are removed from the key file afterwards (nothing is sealed under them).
 */
export async function rotateMasterKey(
  config: Config,
  storage: Storage,
  context: AuditContext,
  options: { retire: boolean; now: number },
): Promise<RotationResult> {
  if (!config.secretKeys) addKeyVersion(config.dataDir);
  const { keyring, source } = loadKeyring({ spec: config.secretKeys, dataDir: config.dataDir });
  const box = createSecretBox(keyring);
  if (options.retire && source.kind !== 'file') {
    throw new MasterKeyError(
      'keys from PORTCULLIS_SECRET_KEYS are retired by removing them from that variable on every node',
    );
  }
  const toRetire = options.retire ? [...keyring.keys.keys()].filter((version) => version < keyring.active) : [];
  const resealed = await storage.db.transaction().execute(async (trx) => {
    const repos = createRepos(trx);
    let count = 0;
    for (const record of await repos.providers.all()) {
      let secrets: Record<string, string>;
      try {
        secrets = openSecrets(box, record);
      } catch {
        continue; // already unusable: it stays so until an administrator enters the secret again
      }
      await repos.providers.update(record.id, {
        sealedSecrets: sealSecrets(box, record.id, secrets),
        at: record.updatedAt,
        by: record.updatedBy,
      });
      count += 1;
    }
    count += await resealUserSecrets(repos, box);
    count += await resealDestinationSecrets(trx, box);
    count += await resealSigningKeys(repos, box);
    await repos.audit.record(
      {
        type: 'keys.rotated',
        outcome: 'success',
        target: { type: 'keys', id: keyring.active },
        details: { toVersion: keyring.active, resealed: count, retiredVersions: toRetire },
      },
      context,
      options.now,
    );
    return count;
  });
  await resealCanary(storage, box, options.now);
  const retiredVersions = toRetire.length > 0 ? retireKeyVersions(config.dataDir, keyring.active) : [];
  return { toVersion: keyring.active, resealed, retiredVersions };
}
