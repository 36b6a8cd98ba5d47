import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { AuditContext } from '../audit/events.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import { openSecrets } from './provider-runtime.ts';
import type { ProviderService } from './provider-service.ts';
import { PROVIDER_TYPE_IDS, providerTypeOf } from './registry.ts';

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

/**
 * Makes the stored providers match the file, idempotently: an entry equal to what is stored (after
 * normalisation, secret compared with the stored one) is left alone — no check, no audit record.
 * Providers missing from the file are kept unless `prune` is set.
 */
export async function applyProviders(
  desired: DesiredProvider[],
  deps: { storage: Storage; secretBox: SecretBox; providers: ProviderService; allowCustomHosts: boolean },
  options: { prune: boolean; dryRun: boolean; saveAnyway: boolean; confirmAffected: boolean },
  context: AuditContext,
): Promise<ApplyResult> {
  const result: ApplyResult = { created: [], updated: [], unchanged: [], deleted: [] };
  const repos = createRepos(deps.storage.db);
  for (const entry of desired) {
    const existing = await repos.providers.findByName(entry.name);
    if (!existing) {
      if (!options.dryRun) await deps.providers.create({ ...entry, saveAnyway: options.saveAnyway }, context);
      result.created.push(entry.name);
      continue;
    }
    const type = providerTypeOf(entry.type);
    if (!type || existing.type !== entry.type)
      throw new ApplyError(`"${entry.name}" exists with type ${existing.type}; a provider's type cannot change`);
    const parsed = type.parse(entry.values, { allowCustomHosts: deps.allowCustomHosts, requireSecrets: true });
    if (!parsed.ok)
      throw new ApplyError(
        `"${entry.name}": ${Object.entries(parsed.fields)
          .map(([field, message]) => `${field}: ${message}`)
          .join(' ')}`,
      );
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
    if (same) {
      result.unchanged.push(entry.name);
      continue;
    }
    if (!options.dryRun) {
      const affected = entry.enabled ? 0 : (await repos.providers.dependents(existing.id, 0)).total;
      await deps.providers.update(
        existing.id,
        {
          name: entry.name,
          enabled: entry.enabled,
          values: entry.values,
          saveAnyway: options.saveAnyway,
          ...(options.confirmAffected && { confirmAffectedUsers: affected }),
        },
        context,
      );
    }
    result.updated.push(entry.name);
  }
  if (options.prune) {
    const wanted = new Set(desired.map((entry) => entry.name.toLowerCase()));
    for (const record of await repos.providers.all()) {
      if (wanted.has(record.name.toLowerCase())) continue;
      if (!options.dryRun) {
        const affected = (await repos.providers.dependents(record.id, 0)).total;
        await deps.providers.delete(record.id, options.confirmAffected ? affected : undefined, context);
      }
      result.deleted.push(record.name);
    }
  }
  return result;
}
