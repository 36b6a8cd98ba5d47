import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import { providerTypeOf } from './registry.ts';

const STALE_AFTER_MS = 10_000;

/**
 * The origins a page's form may be redirected to (CSP form-action): browsers apply form-action to the
 * redirects that follow a form post, and sign-in posts to us, then 302s to Duo. Read from the enabled
 * providers, refreshed at most every 10 s when a page is served, so a change on another node arrives.
 */
export function createBrowserOrigins(deps: { storage: Storage; clock: () => number }) {
  let origins: string[] = [];
  let loadedAt = Number.NEGATIVE_INFINITY;

  return {
    current: () => origins,
    async refreshIfStale(): Promise<void> {
      if (deps.clock() - loadedAt < STALE_AFTER_MS) return;
      loadedAt = deps.clock();
      const providers = await createRepos(deps.storage.db).providers.all();
      origins = [
        ...new Set(
          providers
            .filter((provider) => provider.enabled)
            .flatMap((provider) => providerTypeOf(provider.type)?.browserOrigins(provider.config) ?? []),
        ),
      ];
    },
  };
}
