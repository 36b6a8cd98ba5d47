import type { AuditContext } from '../audit/events.ts';
import type { Config } from '../config/config.ts';
import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import { fieldError } from '../errors/catalogue.ts';
import { type ApplicationUrlCheck, checkApplicationUrl } from '../login/application-url.ts';

export const APPLICATION_URL_KEY = 'application_url';

export interface ApplicationUrlState {
  /** The valid Application URL, or null when it is missing or invalid. */
  url: string | null;
  /** What was configured, valid or not. */
  configured: string | null;
  source: 'environment' | 'settings' | 'unset';
  problem: string | null;
}

/**
 * The Application URL (Settings > System): where users reach this instance, and so where every
 * redirect URI points. PORTCULLIS_PUBLIC_URL, when set, wins and the setting is read-only.
 */
export function createApplicationUrlService(deps: { config: Config; storage: Storage; clock: () => number }) {
  const production = deps.config.env === 'production';
  const check = (value: string): ApplicationUrlCheck => checkApplicationUrl(value, { production });

  return {
    async current(): Promise<ApplicationUrlState> {
      const fromEnv = deps.config.publicUrl?.href ?? null;
      const configured =
        fromEnv ?? (await createRepos(deps.storage.db).settings.get<string>(APPLICATION_URL_KEY)) ?? null;
      if (configured === null)
        return { url: null, configured: null, source: 'unset', problem: 'The Application URL is not set.' };
      const result = check(configured);
      return {
        url: result.ok ? result.url : null,
        configured,
        source: fromEnv ? 'environment' : 'settings',
        problem: result.ok ? null : result.message,
      };
    },

    async set(value: string, context: AuditContext): Promise<ApplicationUrlState> {
      if (deps.config.publicUrl)
        throw fieldError(
          'applicationUrl',
          'PORTCULLIS_PUBLIC_URL sets the Application URL on this server; change it there.',
        );
      const result = check(value);
      if (!result.ok) throw fieldError('applicationUrl', result.message);
      await deps.storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        const before = (await repos.settings.get<string>(APPLICATION_URL_KEY)) ?? null;
        await repos.settings.set(APPLICATION_URL_KEY, result.url, deps.clock(), context.actor?.id ?? null);
        await repos.audit.record(
          {
            type: 'settings.updated',
            outcome: 'success',
            target: { type: 'setting', id: APPLICATION_URL_KEY, label: 'Application URL' },
            details: { key: APPLICATION_URL_KEY, changes: { applicationUrl: { from: before, to: result.url } } },
          },
          context,
          deps.clock(),
        );
      });
      return this.current();
    },
  };
}

export type ApplicationUrlService = ReturnType<typeof createApplicationUrlService>;
