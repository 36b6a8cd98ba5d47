import { createHmac } from 'node:crypto';
import type { Config } from './config/config.ts';
import { verifyCanary } from './crypto/canary.ts';
import { type KeySource, loadKeyring } from './crypto/master-keys.ts';
import { createPasswordHasher } from './crypto/passwords.ts';
import { createSecretBox } from './crypto/secret-box.ts';
import { openStorage, type Storage } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import type { AppDeps } from './services.ts';

export interface Portal {
  deps: AppDeps;
  storage: Storage;
  keySource: KeySource;
  migrationsApplied: string[];
  close(): Promise<void>;
}

/**
 * Everything a running portal needs before it serves: storage migrated, master keys loaded and proven
 * against the stored canary. Shared by `serve`, every CLI command and the test harness, so they all
 * start the same way. Throws (with a message for the operator) instead of starting half-ready.
 */
export async function openPortal(
  config: Config,
  options: { migrate?: boolean; clock?: () => number; onQuery?: (sql: string) => void } = {},
): Promise<Portal> {
  const clock = options.clock ?? Date.now;
  const storage = openStorage(config.databaseUrl, { ...(options.onQuery && { onQuery: options.onQuery }) });
  try {
    const migrationsApplied = options.migrate === false ? [] : await migrateToLatest(storage);
    const { keyring, source } = loadKeyring({ spec: config.secretKeys, dataDir: config.dataDir });
    const secretBox = createSecretBox(keyring, {
      ...(source.kind === 'file' && { reload: () => loadKeyring({ spec: null, dataDir: config.dataDir }).keyring }),
    });
    await verifyCanary(storage, secretBox, clock());
    // The CSRF key is derived from the oldest loaded key: stable across nodes and across a rotation.
    const oldest = keyring.keys.get(Math.min(...keyring.keys.keys()));
    const csrfKey = createHmac('sha256', oldest ?? Buffer.alloc(32))
      .update('portcullis/csrf/v1')
      .digest();
    return {
      deps: {
        storage,
        secretBox,
        passwords: createPasswordHasher({ concurrency: config.hashConcurrency }),
        csrfKey,
        clock,
      },
      storage,
      keySource: source,
      migrationsApplied,
      close: () => storage.close(),
    };
  } catch (error) {
    await storage.close();
    throw error;
  }
}
