import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import { type SecretBox, SecretBoxError } from './secret-box.ts';

const CANARY_KEY = 'secret_canary';
const CANARY_AAD = 'settings:secret_canary';
const CANARY_TEXT = 'portcullis-master-key-canary';

export class CanaryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanaryError';
  }
}

/**
 * A node whose master key differs from the one that sealed this database's secrets must refuse to
 * start, rather than fail later on every provider (ASVS 13.3.1). The first node writes a canary
 * sealed under its key; every node opens it at start-up.
 */
export async function verifyCanary(storage: Storage, box: SecretBox, now: number): Promise<'created' | 'verified'> {
  const settings = createRepos(storage.db).settings;
  const existing = await settings.get<string>(CANARY_KEY);
  if (existing === undefined) {
    if (await settings.insertIfAbsent(CANARY_KEY, box.seal(CANARY_TEXT, CANARY_AAD), now)) return 'created';
    return verifyCanary(storage, box, now); // another node wrote it first: check theirs
  }
  try {
    if (box.open(existing, CANARY_AAD) === CANARY_TEXT) return 'verified';
  } catch (error) {
    if (!(error instanceof SecretBoxError)) throw error;
    const version = box.versionOf(existing);
    throw new CanaryError(
      error.reason === 'unknown_key'
        ? `this database's secrets were sealed with master key version ${version}, which this node does not have. Give this node the same PORTCULLIS_SECRET_KEYS (or master.key) as the other nodes.`
        : "this node's master key cannot open the secrets stored in this database (wrong key, or altered data). Give this node the same PORTCULLIS_SECRET_KEYS (or master.key) as the other nodes.",
    );
  }
  throw new CanaryError('the stored key canary is corrupt');
}

/** After a key rotation the canary is re-sealed under the new key, so the old key can be retired. */
export async function resealCanary(storage: Storage, box: SecretBox, now: number): Promise<void> {
  await createRepos(storage.db).settings.set(CANARY_KEY, box.seal(CANARY_TEXT, CANARY_AAD), now, null);
}
