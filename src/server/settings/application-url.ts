import type { Diagnostic } from '../../shared/api/mfa.ts';
import type { AuditContext } from '../audit/events.ts';
import type { Config } from '../config/config.ts';
import type { Storage } from '../db/database.ts';
import { createRepos } from '../db/repos/index.ts';
import { AppError, fieldError } from '../errors/catalogue.ts';
import { type ApplicationUrlCheck, checkApplicationUrl } from '../login/application-url.ts';
import { readMfaPolicy } from '../mfa/policy.ts';

export const APPLICATION_URL_KEY = 'application_url';

export interface ApplicationUrlState {
  /** The valid Application URL, or null when it is missing or invalid. */
  url: string | null;
  /** What was configured, valid or not. */
  configured: string | null;
  source: 'environment' | 'settings' | 'unset';
  problem: string | null;
}

/** What readers of the Application URL need: sign-in, the MFA policy, the diagnostics. */
export interface ApplicationUrlService {
  current(): Promise<ApplicationUrlState>;
}

/** What a change of the Application URL would do, found before it is made (issue 13.2). */
export interface ApplicationUrlPreview {
  /** The new value, normalised as it would be stored. */
  applicationUrl: string;
  /** The value in use now (or configured but unusable), null when unset. */
  current: string | null;
  unchanged: boolean;
  /** The diagnostics, run against the new value. */
  checks: Diagnostic[];
  /** False when a check of the address itself (DNS, certificate) fails: Duo could not send anyone back. */
  usable: boolean;
  mfaRequired: boolean;
  /** Enabled providers: every one of their callback addresses moves to the new value. */
  providers: Array<{ id: number; name: string }>;
  /** People whose next sign-in goes through those callbacks (and fails if the new value does not work). */
  affectedUsers: number;
  /** Saving needs `confirmAffectedUsers` equal to `affectedUsers`. */
  needsConfirmation: boolean;
  /** MFA is required and the new value would not work: saving is refused, like the policy's own save. */
  refused: boolean;
}

/** The diagnostics about the address itself; the others (Duo reachable, clocks) do not depend on it. */
const ADDRESS_CHECKS = new Set(['application_url', 'dns', 'certificate']);

/**
 * The Application URL (Settings > System): where users reach this instance, and so where every
 * redirect URI points. PORTCULLIS_PUBLIC_URL, when set, wins and the setting is read-only. A change
 * runs the diagnostics against the new value first: while MFA is required an address that would not
 * work is refused (every sign-in would end at a browser error), and a change that moves the
 * callbacks of people who sign in with MFA needs the number of those people as confirmation, so a
 * stale screen cannot confirm (the same rule as disabling a provider).
 */
export function createApplicationUrlService(deps: {
  config: Config;
  storage: Storage;
  clock: () => number;
  /** The diagnostics, run against another Application URL than the stored one. */
  diagnosticsFor: (candidate: ApplicationUrlService) => { run(): Promise<Diagnostic[]> };
}) {
  const production = deps.config.env === 'production';
  const check = (value: string): ApplicationUrlCheck => checkApplicationUrl(value, { production });

  async function current(): Promise<ApplicationUrlState> {
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
  }

  async function preview(value: string): Promise<ApplicationUrlPreview> {
    if (deps.config.publicUrl)
      throw fieldError(
        'applicationUrl',
        'PORTCULLIS_PUBLIC_URL sets the Application URL on this server; change it there.',
      );
    const result = check(value);
    if (!result.ok) throw fieldError('applicationUrl', result.message);
    const candidate: ApplicationUrlState = {
      url: result.url,
      configured: result.url,
      source: 'settings',
      problem: null,
    };
    const repos = createRepos(deps.storage.db);
    const [checks, now, policy, records] = await Promise.all([
      deps.diagnosticsFor({ current: async () => candidate }).run(),
      current(),
      readMfaPolicy(repos),
      repos.providers.all(),
    ]);
    const providers = records.filter((record) => record.enabled).map(({ id, name }) => ({ id, name }));
    const mfaRequired = policy.mode === 'required';
    const unchanged = (now.url ?? now.configured) === result.url;
    const affectedUsers =
      unchanged || providers.length === 0 ? 0 : await repos.users.countSigningInWithMfa({ mfaRequired });
    const usable = checks.every((item) => !ADDRESS_CHECKS.has(item.id) || item.status !== 'fail');
    return {
      applicationUrl: result.url,
      current: now.url ?? now.configured,
      unchanged,
      checks,
      usable,
      mfaRequired,
      providers,
      affectedUsers,
      needsConfirmation: affectedUsers > 0,
      refused: !unchanged && mfaRequired && !usable,
    };
  }

  return {
    current,
    preview,

    async set(
      value: string,
      context: AuditContext,
      options: { confirmAffectedUsers?: number | undefined } = {},
    ): Promise<ApplicationUrlState> {
      const change = await preview(value);
      if (change.refused) throw new AppError('APPLICATION_URL_UNUSABLE', { details: { preview: change } });
      if (change.needsConfirmation && options.confirmAffectedUsers !== change.affectedUsers)
        throw new AppError('APPLICATION_URL_CONFIRM', { details: { preview: change } });
      await deps.storage.db.transaction().execute(async (trx) => {
        const repos = createRepos(trx);
        const before = (await repos.settings.get<string>(APPLICATION_URL_KEY)) ?? null;
        await repos.settings.set(APPLICATION_URL_KEY, change.applicationUrl, deps.clock(), context.actor?.id ?? null);
        await repos.audit.record(
          {
            type: 'settings.updated',
            outcome: 'success',
            target: { type: 'setting', id: APPLICATION_URL_KEY, label: 'Application URL' },
            details: {
              key: APPLICATION_URL_KEY,
              changes: { applicationUrl: { from: before, to: change.applicationUrl } },
            },
          },
          context,
          deps.clock(),
        );
      });
      return current();
    },
  };
}

export type ApplicationUrlSettings = ReturnType<typeof createApplicationUrlService>;
