import type { AuditContext } from '../audit/events.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { SecretBoxError } from '../crypto/secret-box.ts';
import type { Storage } from '../db/database.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { createRepos, type Repos } from '../db/repos/index.ts';
import type { ProviderRecord } from '../db/repos/providers-repo.ts';
import { AppError, type FieldErrors } from '../errors/catalogue.ts';
import { assertMayRetire } from './provider-guards.ts';
import { openSecrets, type ProviderRuntime, sealSecrets, typeOfRecord } from './provider-runtime.ts';
import type { HealthResult, MfaProviderType } from './provider-type.ts';
import { providerView } from './provider-views.ts';
import { PROVIDER_TYPE_IDS, providerTypeOf } from './registry.ts';
import { refuseUnlessSaved } from './save-policy.ts';

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

type Change = { from: string | null; to: string | null };

export async function loadProvider(repos: Repos, id: number): Promise<ProviderRecord> {
  const record = await repos.providers.findById(id);
  if (!record) throw new AppError('PROVIDER_NOT_FOUND');
  return record;
}

function actorLabel(context: AuditContext): string | null {
  return context.actor?.username ?? context.userAgent;
}

/** What the audit log may say about settings: every value but the secrets, which are only "(set)". */
function publicSettings(
  type: MfaProviderType,
  config: Record<string, string>,
  secrets: Record<string, string>,
): Record<string, string> {
  const set = type.secretKeys.filter((key) => key in secrets);
  return { ...config, ...Object.fromEntries(set.map((key) => [key, '(set)'])) };
}

function nameTaken(name: string): AppError {
  return new AppError('PROVIDER_NAME_TAKEN', {
    fields: { name: `A provider named "${name}" already exists. Choose another name.` },
  });
}

/** Before/after of a change, for the audit log. Secrets appear only as "changed", never as a value or a fingerprint. */
function changesOf(
  before: ProviderRecord,
  name: string,
  config: Record<string, string>,
  typedSecrets: Record<string, string>,
  clearedSecrets: string[],
): Record<string, Change> {
  const changes: Record<string, Change> = {};
  if (name !== before.name) changes.name = { from: before.name, to: name };
  for (const key of new Set([...Object.keys(before.config), ...Object.keys(config)])) {
    if (before.config[key] !== config[key])
      changes[key] = { from: before.config[key] ?? null, to: config[key] ?? null };
  }
  for (const key of Object.keys(typedSecrets)) changes[key] = { from: '(hidden)', to: '(changed)' };
  for (const key of clearedSecrets) changes[key] = { from: '(hidden)', to: '(removed)' };
  return changes;
}

/**
 * Creating and changing provider records: per-field validation (every problem at once), a live check
 * before anything is saved, secrets sealed with the record id in their additional data, and the audit
 * records in the same transaction as the change.
 */
export function createProviderWrites(deps: {
  storage: Storage;
  secretBox: SecretBox;
  runtime: ProviderRuntime;
  clock: () => number;
  allowCustomHosts: boolean;
}) {
  const { storage, secretBox, runtime, clock } = deps;

  /**
   * The live check of settings before they are saved: the provider's health check, then (when it
   * passes) its optional settings (Duo's Admin API keys). A field the provider's answer shows to be
   * wrong is a field error; `main` is what the record keeps as its last check (the sign-in health).
   */
  async function checkCandidate(
    type: MfaProviderType,
    config: Record<string, string>,
    secrets: Record<string, string>,
    id: number | null,
  ): Promise<{ check: HealthResult; main: HealthResult }> {
    const provider = runtime.build(type, config, secrets, id);
    try {
      const main = await provider.healthCheck();
      if (main.status !== 'ok' || provider.challenge !== 'redirect' || !provider.checkOptionalSettings)
        return { check: main, main };
      const optional = await provider.checkOptionalSettings();
      if (optional.ok) return { check: main, main };
      if ('fields' in optional) throw new AppError('VALIDATION_FAILED', { fields: optional.fields });
      return { check: optional.check, main };
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

  /** The stored secrets, for a check with settings where the administrator left a secret blank. */
  function storedSecrets(type: MfaProviderType, before: ProviderRecord): Record<string, string> {
    try {
      return openSecrets(secretBox, before);
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      throw new AppError('PROVIDER_SECRET_UNREADABLE', {
        fields: Object.fromEntries(
          type.secretKeys.map((key) => [key, 'The stored secret cannot be opened. Enter it again.']),
        ),
      });
    }
  }

  return {
    async create(input: ProviderCreateInput, context: AuditContext) {
      const type = providerTypeOf(input.type);
      if (!type)
        throw new AppError('VALIDATION_FAILED', {
          fields: { type: `Choose a provider type: ${PROVIDER_TYPE_IDS.join(', ')}.` },
        });
      const name = input.name.trim();
      const parsed = type.parse(input.values, { allowCustomHosts: deps.allowCustomHosts, requireSecrets: true });
      const fields: FieldErrors = parsed.ok ? {} : { ...parsed.fields };
      const taken = await nameProblem(createRepos(storage.db), name);
      if (taken) fields.name = taken;
      if (!parsed.ok || Object.keys(fields).length > 0) throw new AppError('VALIDATION_FAILED', { fields });

      const { check, main } = await checkCandidate(type, parsed.config, parsed.secrets, null);
      const despiteCheck = refuseUnlessSaved(type, check, input.enabled, input.saveAnyway === true);
      const now = clock();
      const by = actorLabel(context);
      try {
        const record = await storage.db.transaction().execute(async (trx) => {
          const tx = createRepos(trx);
          const id = await tx.providers.insert({
            name,
            type: type.id,
            enabled: input.enabled,
            config: parsed.config,
            at: now,
            by,
          });
          await tx.providers.update(id, { sealedSecrets: sealSecrets(secretBox, id, parsed.secrets), at: now, by });
          await tx.providers.recordCheck(id, { at: main.checkedAt, status: main.status, message: main.message });
          await tx.audit.record(
            {
              type: 'mfa_provider.created',
              outcome: 'success',
              target: { type: 'mfa_provider', id, label: name },
              details: {
                name,
                type: type.id,
                enabled: input.enabled,
                settings: publicSettings(type, parsed.config, parsed.secrets),
                check: check.status,
                savedDespiteCheck: despiteCheck,
              },
            },
            context,
            now,
          );
          return loadProvider(tx, id);
        });
        return { provider: providerView(record, 0), check };
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(name);
        throw error;
      }
    },

    async update(id: number, input: ProviderUpdateInput, context: AuditContext) {
      const repos = createRepos(storage.db);
      const before = await loadProvider(repos, id);
      const type = typeOfRecord(before);
      const fields: FieldErrors = {};
      const name = input.name?.trim() ?? before.name;
      if (name !== before.name || name === '') {
        const taken = await nameProblem(repos, name, id);
        if (taken) fields.name = taken;
      }
      let config = before.config;
      let typedSecrets: Record<string, string> = {};
      let cleared: string[] = [];
      if (input.values !== undefined) {
        const parsed = type.parse(input.values, {
          allowCustomHosts: deps.allowCustomHosts,
          requireSecrets: false,
          storedSecrets: Object.keys(before.sealedSecrets),
        });
        if (parsed.ok) {
          ({ config, secrets: typedSecrets } = parsed);
          cleared = (parsed.clearSecrets ?? []).filter((key) => key in before.sealedSecrets);
        } else Object.assign(fields, parsed.fields);
      }
      if (Object.keys(fields).length > 0) throw new AppError('VALIDATION_FAILED', { fields });

      const enabled = input.enabled ?? before.enabled;
      const enabling = enabled && !before.enabled;
      const disabling = !enabled && before.enabled;
      const settingsChanged =
        JSON.stringify(config) !== JSON.stringify(before.config) ||
        Object.keys(typedSecrets).length > 0 ||
        cleared.length > 0;
      if (disabling) await assertMayRetire(repos, before, input.confirmAffectedUsers);

      // New settings are checked, and so is a provider being enabled: bad credentials never go live silently.
      let check: HealthResult | null = null;
      let main: HealthResult | null = null;
      if (enabling || settingsChanged) {
        // Stored secrets are opened only when one is still needed (not retyped, not removed).
        const needed = Object.keys(before.sealedSecrets).filter(
          (key) => !(key in typedSecrets) && !cleared.includes(key),
        );
        const stored = needed.length > 0 ? storedSecrets(type, before) : {};
        const kept = Object.fromEntries(
          needed.flatMap((key) => (stored[key] === undefined ? [] : [[key, stored[key]]])),
        );
        ({ check, main } = await checkCandidate(type, config, { ...kept, ...typedSecrets }, id));
      }
      const despiteCheck = refuseUnlessSaved(type, check, enabled, input.saveAnyway === true);

      const now = clock();
      try {
        const after = await storage.db.transaction().execute(async (trx) => {
          const tx = createRepos(trx);
          const target = { type: 'mfa_provider' as const, id, label: name };
          const kept = Object.fromEntries(
            Object.entries(before.sealedSecrets).filter(([key]) => !cleared.includes(key)),
          );
          const sealed =
            Object.keys(typedSecrets).length > 0 || cleared.length > 0
              ? { ...kept, ...sealSecrets(secretBox, id, typedSecrets) }
              : undefined;
          await tx.providers.update(id, {
            name,
            enabled,
            config,
            ...(sealed && { sealedSecrets: sealed, unusableReason: null }),
            at: now,
            by: actorLabel(context),
          });
          if (main)
            await tx.providers.recordCheck(id, { at: main.checkedAt, status: main.status, message: main.message });
          const changes = changesOf(before, name, config, typedSecrets, cleared);
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
          return loadProvider(tx, id);
        });
        runtime.evict(id);
        return { provider: providerView(after, (await repos.providers.dependents(id, 0)).total), check };
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(name);
        throw error;
      }
    },
  };
}
