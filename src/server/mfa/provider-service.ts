import type { AuditContext } from '../audit/events.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { SecretBoxError } from '../crypto/secret-box.ts';
import type { Storage } from '../db/database.ts';
import { createRepos, type Repos } from '../db/repos/index.ts';
import type { ProviderRecord, ProviderSort } from '../db/repos/providers-repo.ts';
import { AppError } from '../errors/catalogue.ts';
import { assertMayRetire } from './provider-guards.ts';
import type { ProviderRuntime } from './provider-runtime.ts';
import type { HealthResult } from './provider-type.ts';
import { providerView } from './provider-views.ts';
import { createProviderWrites, loadProvider } from './provider-writes.ts';
import { PROVIDER_TYPE_IDS, PROVIDER_TYPES } from './registry.ts';

export type { ProviderCreateInput, ProviderUpdateInput } from './provider-writes.ts';

export interface ProviderListFilters {
  id?: number | undefined;
  name?: string | undefined;
  type?: string | undefined;
  enabled?: boolean | undefined;
  sort: ProviderSort;
  order: 'asc' | 'desc';
}

const SECRET_UNREADABLE =
  'Its stored secret cannot be opened: it was sealed under a master key this node does not have, or altered. Enter the secret again.';

/**
 * MFA provider records: reads for the Providers report, "Test connection", deletion behind the
 * lock-out guards, and the handling of a secret that no longer opens. Creating and editing are in
 * provider-writes.ts. Every change is audited in the same transaction as the change.
 */
export function createProviderService(deps: {
  storage: Storage;
  secretBox: SecretBox;
  runtime: ProviderRuntime;
  clock: () => number;
  allowCustomHosts: boolean;
}) {
  const { storage, runtime, clock } = deps;
  const writes = createProviderWrites(deps);

  async function viewOf(repos: Repos, record: ProviderRecord) {
    return providerView(record, (await repos.providers.dependents(record.id, 0)).total);
  }

  /**
   * A secret that no longer opens (altered, moved, or sealed under a key this node lacks) disables
   * the provider with a visible reason: sign-ins with it fail closed, and the console says what to do.
   */
  async function markUnusable(record: ProviderRecord, context: AuditContext): Promise<void> {
    await storage.db.transaction().execute(async (trx) => {
      const tx = createRepos(trx);
      await tx.providers.update(record.id, {
        enabled: false,
        unusableReason: SECRET_UNREADABLE,
        at: clock(),
        by: 'portcullis',
      });
      if (record.enabled) {
        const affectedUsers = (await tx.providers.dependents(record.id, 0)).total;
        await tx.audit.record(
          {
            type: 'mfa_provider.disabled',
            outcome: 'failure',
            reason: 'secret_unopenable',
            target: { type: 'mfa_provider', id: record.id, label: record.name },
            details: { affectedUsers, reason: 'secret_unopenable' },
          },
          context,
          clock(),
        );
      }
    });
    runtime.evict(record.id);
  }

  return {
    markUnusable,

    types() {
      return PROVIDER_TYPE_IDS.map((id) => {
        const type = PROVIDER_TYPES[id];
        return { id: type.id, label: type.label, description: type.description, fields: type.fields };
      });
    },

    async list(filters: ProviderListFilters, page: { offset: number; limit: number }) {
      const repos = createRepos(storage.db);
      const [result, counts] = await Promise.all([
        repos.providers.list({ ...filters, ...page }),
        repos.providers.dependentCounts(),
      ]);
      return {
        items: result.items.map((record) => providerView(record, counts.get(record.id) ?? 0)),
        total: result.total,
      };
    },

    async get(id: number) {
      const repos = createRepos(storage.db);
      return viewOf(repos, await loadProvider(repos, id));
    },

    async dependents(id: number) {
      const repos = createRepos(storage.db);
      await loadProvider(repos, id);
      return repos.providers.dependents(id);
    },

    create: writes.create,
    update: writes.update,

    /** "Test connection": a live check with the stored settings; the result is kept as the last check. */
    async test(id: number, context: AuditContext): Promise<HealthResult> {
      const repos = createRepos(storage.db);
      const record = await loadProvider(repos, id);
      let check: HealthResult;
      try {
        check = await runtime.instanceFor(record).healthCheck();
      } catch (error) {
        if (!(error instanceof SecretBoxError)) throw error;
        await markUnusable(record, context);
        throw new AppError('PROVIDER_SECRET_UNREADABLE');
      }
      await storage.db.transaction().execute(async (trx) => {
        const tx = createRepos(trx);
        await tx.providers.recordCheck(id, { at: check.checkedAt, status: check.status, message: check.message });
        await tx.audit.record(
          {
            type: 'mfa_provider.tested',
            outcome: check.status === 'ok' ? 'success' : 'failure',
            target: { type: 'mfa_provider', id, label: record.name },
            details: { status: check.status, cause: check.cause, skewSeconds: check.skewSeconds },
          },
          context,
          clock(),
        );
      });
      return check;
    },

    async delete(id: number, confirmAffectedUsers: number | undefined, context: AuditContext): Promise<void> {
      const repos = createRepos(storage.db);
      const record = await loadProvider(repos, id);
      await assertMayRetire(repos, record, confirmAffectedUsers);
      await storage.db.transaction().execute(async (trx) => {
        const tx = createRepos(trx);
        const affectedUsers = (await tx.providers.dependents(id, 0)).total;
        await tx.providers.delete(id); // the users' MFA enrolments with it go too (ON DELETE CASCADE)
        await tx.audit.record(
          {
            type: 'mfa_provider.deleted',
            outcome: 'success',
            target: { type: 'mfa_provider', id, label: record.name },
            details: { name: record.name, type: record.type, affectedUsers },
          },
          context,
          clock(),
        );
      });
      runtime.evict(id);
    },
  };
}

export type ProviderService = ReturnType<typeof createProviderService>;
