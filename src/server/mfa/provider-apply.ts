import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { AuditContext } from '../audit/events.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { Storage } from '../db/database.ts';
import { createRepos, type Repos } from '../db/repos/index.ts';
import type { ProviderRecord } from '../db/repos/providers-repo.ts';
import { AppError } from '../errors/catalogue.ts';
import { assertMayRetire } from './provider-guards.ts';
import { openSecrets, type ProviderRuntime } from './provider-runtime.ts';
import type { ProviderService } from './provider-service.ts';
import type { HealthResult, MfaProviderType } from './provider-type.ts';
import { PROVIDER_TYPE_IDS, providerTypeOf } from './registry.ts';
import { refuseUnlessSaved } from './save-policy.ts';

/** A secret in a providers file is a reference, never the value: a file path or an environment variable. */
const secretReferenceSchema = z.union([
  z.object({ file: z.string().min(1) }).strict(),
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'env must be a variable name' }) }).strict(),
]);

const entrySchema = z
  .object({
    name: z.string().trim().min(1, { error: 'name is required' }).max(100),
    type: z.string(),
    enabled: z.boolean({ error: 'enabled must be true or false' }).default(true),
  })
  .catchall(z.unknown());

const fileSchema = z.object({ providers: z.array(entrySchema) }).strict();

export class ApplyError extends Error {}

export interface DesiredProvider {
  name: string;
  type: string;
  enabled: boolean;
  values: Record<string, unknown>;
}

/** Reads and checks a providers.yaml, resolving secret references (`{ file: ... }` or `{ env: ... }`). */
export function readProvidersFile(path: string, env: Record<string, string | undefined>): DesiredProvider[] {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ApplyError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const parsed = fileSchema.safeParse(document);
  if (!parsed.success) {
    throw new ApplyError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'file'}: ${issue.message}`).join('; '),
    );
  }
  const names = new Set<string>();
  return parsed.data.providers.map((entry, index) => {
    const where = `providers.${index} ("${entry.name}")`;
    const type = providerTypeOf(entry.type);
    if (!type) throw new ApplyError(`${where}: type must be one of ${PROVIDER_TYPE_IDS.join(', ')}`);
    if (names.has(entry.name.toLowerCase())) throw new ApplyError(`${where}: the name appears twice`);
    names.add(entry.name.toLowerCase());
    const { name, type: _type, enabled, ...rest } = entry;
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rest)) {
      if (!type.secretKeys.includes(key)) {
        values[key] = value;
        continue;
      }
      const reference = secretReferenceSchema.safeParse(value);
      if (!reference.success)
        throw new ApplyError(
          `${where}: ${key} must be { file: <path> } or { env: <VARIABLE> }, never the secret itself`,
        );
      if ('file' in reference.data) {
        try {
          values[key] = readFileSync(reference.data.file, 'utf8').replace(/\r?\n$/, '');
        } catch (error) {
          throw new ApplyError(
            `${where}: cannot read ${key} file ${reference.data.file} (${(error as NodeJS.ErrnoException).code})`,
          );
        }
      } else {
        const fromEnv = env[reference.data.env];
        if (!fromEnv) throw new ApplyError(`${where}: ${key} refers to ${reference.data.env}, which is not set`);
        values[key] = fromEnv;
      }
    }
    return { name, type: entry.type, enabled, values };
  });
}

export interface ApplyResult {
  created: string[];
  updated: string[];
  unchanged: string[];
  deleted: string[];
}

export interface ApplyDeps {
  storage: Storage;
  secretBox: SecretBox;
  providers: ProviderService;
  runtime: ProviderRuntime;
  allowCustomHosts: boolean;
  clock: () => number;
}

/** What apply needs, from the composition root's services (the CLI's, or a test's). */
export function applyDepsOf(services: {
  storage: Storage;
  secretBox: SecretBox;
  providers: ProviderService;
  providerRuntime: ProviderRuntime;
  clock: () => number;
  config: { env: string };
}): ApplyDeps {
  return {
    storage: services.storage,
    secretBox: services.secretBox,
    providers: services.providers,
    runtime: services.providerRuntime,
    // The same rule as the provider service: custom Duo hosts (the emulator) outside production only.
    allowCustomHosts: services.config.env !== 'production',
    clock: services.clock,
  };
}

export interface ApplyOptions {
  prune: boolean;
  dryRun: boolean;
  saveAnyway: boolean;
  confirmAffected: boolean;
  /** What marks the providers this file manages (its file name), shown in the console. */
  source: string;
}

type Step =
  | { action: 'create'; entry: DesiredProvider; type: MfaProviderType; parsed: ValidSettings }
  | {
      action: 'update' | 'unchanged';
      entry: DesiredProvider;
      type: MfaProviderType;
      parsed: ValidSettings;
      existing: ProviderRecord;
    };

type ValidSettings = Extract<ReturnType<MfaProviderType['parse']>, { ok: true }>;

/** A refusal names the entry it is about: a file can hold several providers. */
function about(name: string, error: unknown): never {
  if (error instanceof AppError)
    throw new AppError(error.code, { ...error.options, message: `"${name}": ${error.message}` });
  throw error;
}

/**
 * Reads every entry against the stored providers before anything changes, with the rules the
 * provider service applies when it saves (the type's own parse, secrets required): a file the real
 * run would refuse is refused as a whole, by a dry run too (issue 13.5), and never half applied.
 */
async function planSteps(desired: DesiredProvider[], deps: ApplyDeps, repos: Repos): Promise<Step[]> {
  const steps: Step[] = [];
  for (const entry of desired) {
    const type = providerTypeOf(entry.type);
    if (!type) throw new ApplyError(`"${entry.name}": type must be one of ${PROVIDER_TYPE_IDS.join(', ')}`);
    const existing = await repos.providers.findByName(entry.name);
    if (existing && existing.type !== entry.type)
      throw new ApplyError(`"${entry.name}" exists with type ${existing.type}; a provider's type cannot change`);
    const parsed = type.parse(entry.values, { allowCustomHosts: deps.allowCustomHosts, requireSecrets: true });
    if (!parsed.ok)
      throw new ApplyError(
        `"${entry.name}": ${Object.entries(parsed.fields)
          .map(([field, message]) => `${field}: ${message}`)
          .join(' ')}`,
      );
    if (!existing) {
      steps.push({ action: 'create', entry, type, parsed });
      continue;
    }
    let storedSecrets: Record<string, string> | null;
    try {
      storedSecrets = openSecrets(deps.secretBox, existing);
    } catch {
      storedSecrets = null;
    }
    const same =
      existing.name === entry.name &&
      existing.enabled === entry.enabled &&
      JSON.stringify(existing.config) === JSON.stringify(parsed.config) &&
      storedSecrets !== null &&
      type.secretKeys.every((key) => storedSecrets?.[key] === parsed.secrets[key]);
    steps.push({ action: same ? 'unchanged' : 'update', entry, type, parsed, existing });
  }
  return steps;
}

/**
 * What the real run's saves would decide, without saving: the lock-out guards of a provider being
 * disabled, and the live check with the provider judged by the same save policy.
 */
async function verifyStep(step: Step, deps: ApplyDeps, repos: Repos, options: ApplyOptions): Promise<void> {
  if (step.action === 'unchanged') return;
  if (step.action === 'update' && step.existing.enabled && !step.entry.enabled) {
    const affected = (await repos.providers.dependents(step.existing.id, 0)).total;
    await assertMayRetire(repos, step.existing, options.confirmAffected ? affected : undefined);
  }
  const id = step.action === 'update' ? step.existing.id : null;
  const provider = deps.runtime.build(step.type, step.parsed.config, step.parsed.secrets, id);
  let check: HealthResult;
  try {
    check = await provider.healthCheck();
  } finally {
    await provider.close();
  }
  refuseUnlessSaved(step.type, check, step.entry.enabled, options.saveAnyway);
}

/** Marks a provider as managed by this file (or no longer), audited when the mark changes. */
async function markManaged(
  deps: ApplyDeps,
  record: ProviderRecord,
  managedBy: string | null,
  context: AuditContext,
): Promise<void> {
  if (record.managedBy === managedBy) return;
  await deps.storage.db.transaction().execute(async (trx) => {
    const tx = createRepos(trx);
    await tx.providers.setManagedBy(record.id, managedBy);
    await tx.audit.record(
      {
        type: 'mfa_provider.updated',
        outcome: 'success',
        target: { type: 'mfa_provider', id: record.id, label: record.name },
        details: {
          changes: { managedBy: { from: record.managedBy, to: managedBy } },
          check: 'skipped',
          savedDespiteCheck: false,
        },
      },
      context,
      deps.clock(),
    );
  });
}

/**
 * Makes the stored providers match the file, idempotently: an entry equal to what is stored (after
 * normalisation, secret compared with the stored one) is left alone — no check, no audit record.
 * Providers missing from the file are kept unless `prune` is set (and lose the "managed by" mark of
 * this file). A dry run validates, guards and checks exactly as the real run, and changes nothing.
 */
export async function applyProviders(
  desired: DesiredProvider[],
  deps: ApplyDeps,
  options: ApplyOptions,
  context: AuditContext,
): Promise<ApplyResult> {
  const result: ApplyResult = { created: [], updated: [], unchanged: [], deleted: [] };
  const repos = createRepos(deps.storage.db);
  const steps = await planSteps(desired, deps, repos);
  const wanted = new Set(desired.map((entry) => entry.name.toLowerCase()));
  const leftOver = (await repos.providers.all()).filter((record) => !wanted.has(record.name.toLowerCase()));

  for (const step of steps) {
    const { name } = step.entry;
    if (options.dryRun) await verifyStep(step, deps, repos, options).catch((error: unknown) => about(name, error));
    else if (step.action === 'create')
      await deps.providers
        .create({ ...step.entry, saveAnyway: options.saveAnyway }, context)
        .catch((error: unknown) => about(name, error));
    else if (step.action === 'update') {
      const affected = step.entry.enabled ? 0 : (await repos.providers.dependents(step.existing.id, 0)).total;
      await deps.providers
        .update(
          step.existing.id,
          {
            name,
            enabled: step.entry.enabled,
            values: step.entry.values,
            saveAnyway: options.saveAnyway,
            ...(options.confirmAffected && { confirmAffectedUsers: affected }),
          },
          context,
        )
        .catch((error: unknown) => about(name, error));
    }
    if (!options.dryRun) {
      const saved = await repos.providers.findByName(name);
      if (saved) await markManaged(deps, saved, options.source, context);
    }
    result[step.action === 'create' ? 'created' : step.action === 'update' ? 'updated' : 'unchanged'].push(name);
  }

  for (const record of leftOver) {
    if (options.prune) {
      const affected = (await repos.providers.dependents(record.id, 0)).total;
      const confirm = options.confirmAffected ? affected : undefined;
      if (options.dryRun)
        await assertMayRetire(repos, record, confirm).catch((error: unknown) => about(record.name, error));
      else
        await deps.providers.delete(record.id, confirm, context).catch((error: unknown) => about(record.name, error));
      result.deleted.push(record.name);
    } else if (!options.dryRun && record.managedBy === options.source) {
      await markManaged(deps, record, null, context);
    }
  }
  return result;
}
