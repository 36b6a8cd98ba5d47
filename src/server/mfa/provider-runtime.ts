import type { Config } from '../config/config.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { ProviderRecord } from '../db/repos/providers-repo.ts';
import type { MfaProvider, MfaProviderType, ProviderContext } from './provider-type.ts';
import { providerTypeOf } from './registry.ts';

/** Additional data for a sealed secret: the ciphertext opens only in this record's field. */
export function secretAad(providerId: number, key: string): string {
  return `mfa_provider:${providerId}:${key}`;
}

export function sealSecrets(
  box: SecretBox,
  providerId: number,
  secrets: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secrets).map(([key, value]) => [key, box.seal(value, secretAad(providerId, key))]),
  );
}

/** Throws SecretBoxError when a secret was altered, moved, or sealed under a key this node lacks. */
export function openSecrets(
  box: SecretBox,
  record: Pick<ProviderRecord, 'id' | 'sealedSecrets'>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record.sealedSecrets).map(([key, sealed]) => [key, box.open(sealed, secretAad(record.id, key))]),
  );
}

export function typeOfRecord(record: Pick<ProviderRecord, 'type'>): MfaProviderType {
  const type = providerTypeOf(record.type);
  if (!type) throw new Error(`provider type "${record.type}" is not known to this version of Portcullis`);
  return type;
}

/**
 * Record -> opened secrets -> provider instance. Instances (each with its keep-alive connections) are
 * reused while the record is unchanged; the record is read from the database on every use, so a change
 * made on another node applies here at once.
 */
export function createProviderRuntime(deps: {
  secretBox: SecretBox;
  config: Config;
  contextFor: (providerId: number | null, applicationUrl: string | null) => ProviderContext;
}) {
  // Keyed by record and callback: a connection test (no callback) and sign-ins do not evict each other.
  const cache = new Map<string, { version: string; provider: MfaProvider }>();
  // Each type's slice of the process configuration, read once (Duo reads its trust store file).
  const settings = new Map<MfaProviderType, unknown>();
  const settingsOf = (type: MfaProviderType): unknown => {
    if (!settings.has(type)) settings.set(type, type.settingsFrom(deps.config));
    return settings.get(type);
  };

  return {
    /** A throwaway instance for checking settings before they are saved; the caller closes it. */
    build(
      type: MfaProviderType,
      config: Record<string, string>,
      secrets: Record<string, string>,
      providerId: number | null,
    ): MfaProvider {
      return type.create(config, secrets, deps.contextFor(providerId, null), settingsOf(type));
    },

    settingsOf,

    /** `applicationUrl` sets the callback; null is enough for a connection test (it sends no redirect URI). */
    instanceFor(record: ProviderRecord, applicationUrl: string | null = null): MfaProvider {
      const key = `${record.id}|${applicationUrl ?? ''}`;
      const version = `${record.updatedAt}|${JSON.stringify(record.sealedSecrets)}`;
      const cached = cache.get(key);
      if (cached && cached.version === version) return cached.provider;
      if (cached) void cached.provider.close();
      const type = typeOfRecord(record);
      const provider = type.create(
        record.config,
        openSecrets(deps.secretBox, record),
        deps.contextFor(record.id, applicationUrl),
        settingsOf(type),
      );
      cache.set(key, { version, provider });
      return provider;
    },

    evict(providerId: number): void {
      for (const [key, cached] of cache) {
        if (!key.startsWith(`${providerId}|`)) continue;
        cache.delete(key);
        void cached.provider.close();
      }
    },

    async closeAll(): Promise<void> {
      const providers = [...cache.values()].map((entry) => entry.provider);
      cache.clear();
      await Promise.all(providers.map((provider) => provider.close()));
    },
  };
}

export type ProviderRuntime = ReturnType<typeof createProviderRuntime>;
