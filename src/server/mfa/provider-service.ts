import type { AuditContext } from '../audit/events.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { SecretBoxError } from '../crypto/secret-box.ts';
import type { Storage } from '../db/database.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { createRepos, type Repos } from '../db/repos/index.ts';
import type { ProviderRecord, ProviderSort } from '../db/repos/providers-repo.ts';
import { AppError, type FieldErrors } from '../errors/catalogue.ts';
import { assertMayDisable } from './provider-guards.ts';
import { openSecrets, type ProviderRuntime, sealSecrets, typeOfRecord } from './provider-runtime.ts';
import type { HealthResult, MfaProviderType } from './provider-type.ts';
import { healthView, providerView } from './provider-views.ts';
import { PROVIDER_TYPE_IDS, PROVIDER_TYPES, providerTypeOf } from './registry.ts';
import { decideSave } from './save-policy.ts';

export interface ProviderCreateInput {
  type: string;
  name: string;
  enabled: boolean;
  values: Record<string, unknown>;
  saveAnyway?: boolean | undefined;
}

export interface ProviderUpdateInput {
  name?: string | undefined;
  enabled?: boolean | undefined;
  values?: Record<string, unknown> | undefined;
  saveAnyway?: boolean | undefined;
  confirmAffectedUsers?: number | undefined;
}

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

function actorLabel(context: AuditContext): string | null {
  return context.actor?.username ?? context.userAgent;
}

function publicSettings(type: MfaProviderType, config: Record<string, string>): Record<string, string> {
  return { ...config, ...Object.fromEntries(type.secretKeys.map((key) => [key, '(set)'])) };
}

/**
 * MFA provider records: validation with per-field messages, a live check before anything is saved,
 * secrets sealed under the master key with the record id in their additional data, lock-out guards,
 * and one audit record per change in the same transaction as the change.
 */
export function createProviderService(deps: {
  storage: Storage;
  secretBox: SecretBox;
  runtime: ProviderRuntime;
  clock: () => number;
  allowCustomHosts: boolean;
}) {
  const { storage, secretBox, runtime, clock } = deps;

  async function load(repos: Repos, id: number): Promise<ProviderRecord> {
    const record = await repos.providers.findById(id);
    if (!record) throw new AppError('PROVIDER_NOT_FOUND');
    return record;
  }

  async function checkCandidate(
    type: MfaProviderType,
    config: Record<string, string>,
    secrets: Record<string, string>,
    id: number | null,
  ): Promise<HealthResult> {
    const provider = runtime.build(type, config, secrets, id);
    try {
      return await provider.healthCheck();
    } finally {
      await provider.close();
    }
  }

  async function nameProblem(repos: Repos, name: string, exceptId?: number): Promise<string | null> {
    if (name === '') return 'Name is required.';
    const existing = await repos.providers.findByName(name);
    return existing && existing.id !== exceptId
      ? `A provider named "${existing.name}" already exists. Choose another name.`
      : null;
  }

  function refuseIfChecked(check: HealthResult | null, enabled: boolean, saveAnyway: boolean): boolean {
    const decision = decideSave(check, enabled, saveAnyway);
    if (!decision.save) throw new AppError(decision.code, { details: { check: check ? healthView(check) : null } });
    return decision.despiteCheck;
  }

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
      return viewOf(repos, await load(repos, id));
    },

    async dependents(id: number) {
      const repos = createRepos(storage.db);
      await load(repos, id);
      return repos.providers.dependents(id);
    },

    async create(input: ProviderCreateInput, context: AuditContext) {
      const type = providerTypeOf(input.type);
      if (!type)
        throw new AppError('VALIDATION_FAILED', {
          fields: { type: `Choose a provider type: ${PROVIDER_TYPE_IDS.join(', ')}.` },
        });
      const repos = createRepos(storage.db);
      const name = input.name.trim();
      const parsed = type.parse(input.values, { allowCustomHosts: deps.allowCustomHosts, requireSecrets: true });
      const fields: FieldErrors = parsed.ok ? {} : { ...parsed.fields };
      const taken = await nameProblem(repos, name);
      if (taken) fields.name = taken;
      if (!parsed.ok || Object.keys(fields).length > 0) throw new AppError('VALIDATION_FAILED', { fields });

      const check = await checkCandidate(type, parsed.config, parsed.secrets, null);
      const despiteCheck = refuseIfChecked(check, input.enabled, input.saveAnyway === true);
      const now = clock();
      try {
        const record = await storage.db.transaction().execute(async (trx) => {
          const tx = createRepos(trx);
          const id = await tx.providers.insert({
            name,
            type: type.id,
            enabled: input.enabled,
            config: parsed.config,
            at: now,
            by: actorLabel(context),
          });
          await tx.providers.update(id, {
            sealedSecrets: sealSecrets(secretBox, id, parsed.secrets),
            at: now,
            by: actorLabel(context),
          });
          await tx.providers.recordCheck(id, { at: check.checkedAt, status: check.status, message: check.message });
          await tx.audit.record(
            {
              type: 'mfa_provider.created',
              outcome: 'success',
              target: { type: 'mfa_provider', id, label: name },
              details: {
                name,
                type: type.id,
                enabled: input.enabled,
                settings: publicSettings(type, parsed.config),
                check: check.status,
                savedDespiteCheck: despiteCheck,
              },
            },
            context,
            now,
          );
          return load(tx, id);
        });
        return { provider: providerView(record, 0), check };
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError('PROVIDER_NAME_TAKEN', {
            fields: { name: `A provider named "${name}" already exists. Choose another name.` },
          });
        throw error;
      }
    },

    async update(id: number, input: ProviderUpdateInput, context: AuditContext) {
      const repos = createRepos(storage.db);
      const before = await load(repos, id);
      const type = typeOfRecord(before);
      const fields: FieldErrors = {};
      const name = input.name?.trim() ?? before.name;
      if (name !== before.name || name === '') {
        const taken = await nameProblem(repos, name, id);
        if (taken) fields.name = taken;
      }
      let config = before.config;
      let typedSecrets: Record<string, string> = {};
      if (input.values !== undefined) {
        const parsed = type.parse(input.values, { allowCustomHosts: deps.allowCustomHosts, requireSecrets: false });
        if (parsed.ok) {
          config = parsed.config;
          typedSecrets = parsed.secrets;
        } else Object.assign(fields, parsed.fields);
      }
      if (Object.keys(fields).length > 0) throw new AppError('VALIDATION_FAILED', { fields });

      const enabled = input.enabled ?? before.enabled;
      const configChanged = JSON.stringify(config) !== JSON.stringify(before.config);
      const secretsChanged = Object.keys(typedSecrets).length > 0;
      const enabling = enabled && !before.enabled;
      const disabling = !enabled && before.enabled;
      if (disabling) await assertMayDisable(repos, before, input.confirmAffectedUsers);

      let stored: Record<string, string> = {};
      const needsCheck =
        enabling || (enabled && (configChanged || secretsChanged)) || (!enabled && (configChanged || secretsChanged));
      if (needsCheck && Object.keys(typedSecrets).length < type.secretKeys.length) {
        try {
          stored = openSecrets(secretBox, before);
        } catch (error) {
          if (!(error instanceof SecretBoxError)) throw error;
          throw new AppError('PROVIDER_SECRET_UNREADABLE', {
            fields: Object.fromEntries(
              type.secretKeys.map((key) => [key, 'The stored secret cannot be opened. Enter it again.']),
            ),
          });
        }
      }
      const check = needsCheck ? await checkCandidate(type, config, { ...stored, ...typedSecrets }, id) : null;
      const despiteCheck = refuseIfChecked(check, enabled, input.saveAnyway === true);

      const now = clock();
      const by = actorLabel(context);
      try {
        const after = await storage.db.transaction().execute(async (trx) => {
          const tx = createRepos(trx);
          const target = { type: 'mfa_provider' as const, id, label: name };
          await tx.providers.update(id, {
            name,
            enabled,
            config,
            ...(secretsChanged && {
              sealedSecrets: { ...before.sealedSecrets, ...sealSecrets(secretBox, id, typedSecrets) },
              unusableReason: null,
            }),
            at: now,
            by,
          });
          if (check)
            await tx.providers.recordCheck(id, { at: check.checkedAt, status: check.status, message: check.message });
          const changes: Record<string, { from: string | null; to: string | null }> = {};
          if (name !== before.name) changes.name = { from: before.name, to: name };
          for (const key of new Set([...Object.keys(before.config), ...Object.keys(config)])) {
            if (before.config[key] !== config[key])
              changes[key] = { from: before.config[key] ?? null, to: config[key] ?? null };
          }
          // Secrets appear in the audit log only as "changed", never as a value or a fingerprint.
          for (const key of Object.keys(typedSecrets)) changes[key] = { from: '(hidden)', to: '(changed)' };
          if (Object.keys(changes).length > 0) {
            await tx.audit.record(
              {
                type: 'mfa_provider.updated',
                outcome: 'success',
                target,
                details: { changes, check: check?.status ?? 'skipped', savedDespiteCheck: despiteCheck },
              },
              context,
              now,
            );
          }
          for (const key of Object.keys(typedSecrets)) {
            await tx.audit.record(
              { type: 'mfa_provider.secret_rotated', outcome: 'success', target, details: { secret: key } },
              context,
              now,
            );
          }
          if (enabling)
            await tx.audit.record(
              {
                type: 'mfa_provider.enabled',
                outcome: 'success',
                target,
                details: { check: check?.status ?? 'skipped' },
              },
              context,
              now,
            );
          if (disabling) {
            const affectedUsers = (await tx.providers.dependents(id, 0)).total;
            await tx.audit.record(
              {
                type: 'mfa_provider.disabled',
                outcome: 'success',
                target,
                details: { affectedUsers, reason: 'administrator' },
              },
              context,
              now,
            );
          }
          return load(tx, id);
        });
        runtime.evict(id);
        return { provider: await viewOf(repos, after), check };
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError('PROVIDER_NAME_TAKEN', {
            fields: { name: `A provider named "${name}" already exists. Choose another name.` },
          });
        throw error;
      }
    },

    /** "Test connection": a live check with the stored settings; the result is kept as the last check. */
    async test(id: number, context: AuditContext): Promise<HealthResult> {
      const repos = createRepos(storage.db);
      const record = await load(repos, id);
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
      const record = await load(repos, id);
      if (record.enabled) await assertMayDisable(repos, record, confirmAffectedUsers);
      else {
        const affected = await repos.providers.dependents(id);
        if (affected.total > 0 && confirmAffectedUsers !== affected.total) {
          throw new AppError('PROVIDER_IN_USE', {
            details: { affectedUsers: affected.total, usernames: affected.usernames },
          });
        }
      }
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
