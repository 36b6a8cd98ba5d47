import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Storage } from './database.ts';
import { foundation } from './migrations/0001-foundation.ts';
import { mfaProviders } from './migrations/0002-mfa-providers.ts';
import { mfaSignIn } from './migrations/0003-mfa-sign-in.ts';
import { userFactors } from './migrations/0004-user-factors.ts';
import { webauthn } from './migrations/0009-webauthn.ts';
import { throttleWindows } from './migrations/0010-throttle-windows.ts';
import { auditAtScale } from './migrations/0011-audit-at-scale.ts';
import { duoAdminApi } from './migrations/0012-duo-admin-api.ts';
import { providersManagedBy } from './migrations/0013-providers-managed-by.ts';
import { applications } from './migrations/0014-applications.ts';

function migrationsFor(storage: Storage): Record<string, Migration> {
  return {
    '0001-foundation': foundation(storage.engine),
    '0002-mfa-providers': mfaProviders(storage.engine),
    '0003-mfa-sign-in': mfaSignIn(),
    '0004-user-factors': userFactors(),
    '0009-webauthn': webauthn(),
    '0010-throttle-windows': throttleWindows(),
    '0011-audit-at-scale': auditAtScale(storage.engine),
    '0012-duo-admin-api': duoAdminApi(),
    '0013-providers-managed-by': providersManagedBy(),
    '0014-applications': applications(storage.engine),
  };
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** Applies pending migrations in order; returns the names applied. Fails loudly, never half-way silently. */
export async function migrateToLatest(storage: Storage): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(storage) };
  const migrator = new Migrator({ db: storage.db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new MigrationError(`migration ${failed ?? '(unknown)'} failed: ${(error as Error).message ?? String(error)}`);
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

export async function pendingMigrations(storage: Storage): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(storage) };
  const migrator = new Migrator({ db: storage.db, provider });
  const all = await migrator.getMigrations();
  return all.filter((migration) => !migration.executedAt).map((migration) => migration.name);
}
