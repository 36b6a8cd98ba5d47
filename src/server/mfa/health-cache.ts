import type { HealthResult, MfaProvider } from './provider-type.ts';

/**
 * Health checks before each redirect, cached per provider for up to 30 s (anchors 76): during an
 * outage thousands of sign-ins make one check per 30 s, not one each, and recovery is seen within
 * 30 s. Concurrent sign-ins share one in-flight check.
 */
export function createHealthCache(clock: () => number, ttlMs = 30_000) {
  const entries = new Map<string, { at: number; result: Promise<HealthResult> }>();

  return {
    get(key: string, provider: MfaProvider): Promise<HealthResult> {
      const entry = entries.get(key);
      if (entry && clock() - entry.at < ttlMs) return entry.result;
      const result = provider.healthCheck();
      entries.set(key, { at: clock(), result });
      return result;
    },
    clear(): void {
      entries.clear();
    },
  };
}

export type HealthCache = ReturnType<typeof createHealthCache>;
