import {
  type ApplicationIndex,
  type CompiledApplication,
  compileApplication,
  indexApplications,
} from '../applications/access-rules.ts';
import { randomToken } from '../crypto/tokens.ts';
import type { Storage } from '../db/database.ts';
import type { GroupRecord } from '../db/repos/groups-repo.ts';
import { createRepos, type Repos } from '../db/repos/index.ts';
import { APPLICATION_URL_KEY, type ApplicationUrlService } from '../settings/application-url.ts';

/** A change to applications or groups writes a new random version; nodes compare it, never count it. */
export const ACCESS_VERSION_KEY = 'access_version';
/** How often a node asks whether applications or groups changed (one primary-key read). */
export const ACCESS_CHECK_INTERVAL_MS = 1_000;

export interface AccessSnapshot {
  applications: CompiledApplication[];
  index: ApplicationIndex;
  groups: ReadonlyMap<number, GroupRecord>;
  /** The portal's Application URL, where sign-in and step-up happen; null when not set (or invalid). */
  portalUrl: string | null;
  /**
   * The applications' hosts as CSP sources: a sign-in form (or a typed code) is answered with
   * redirects that end at the application, and browsers apply form-action to those redirects.
   */
  formActionSources: string[];
}

/** `grafana.example.com` → `grafana.example.com:*`; `*.lab.example.com` stays a wildcard (CSP host-source). */
export function cspSources(apps: readonly CompiledApplication[]): string[] {
  const sources = apps.flatMap((app) =>
    app.urls.map((url) => {
      const host = url.host.kind === 'wildcard' ? `*${url.host.host}` : url.host.host;
      return `${host}:${url.host.port ?? '*'}`;
    }),
  );
  return [...new Set(sources)].sort();
}

/** Called inside the transaction of every change to applications or groups. */
export async function bumpAccessVersion(repos: Repos, at: number, by: number | null): Promise<void> {
  await repos.settings.set(ACCESS_VERSION_KEY, `${at}.${randomToken(6)}`, at, by);
}

/**
 * Applications, their compiled rules and the groups, held in memory: the proxy asks on every request
 * and rules are evaluated here, not in SQL. At most once a second a node reads the access version
 * (and the Application URL) and reloads everything when it changed; a change made on this node is
 * seen at once (`invalidate`).
 */
export function createAccessSnapshots(deps: {
  storage: Storage;
  applicationUrl: ApplicationUrlService;
  clock: () => number;
}) {
  let current: AccessSnapshot | null = null;
  let version: string | null = null;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<AccessSnapshot> | null = null;

  async function reload(): Promise<AccessSnapshot> {
    const repos = createRepos(deps.storage.db);
    const [records, groups, portal] = await Promise.all([
      repos.applications.all(),
      repos.groups.all(),
      deps.applicationUrl.current(),
    ]);
    const applications = records.map(compileApplication);
    return {
      applications,
      index: indexApplications(applications),
      groups: new Map(groups.map((group) => [group.id, group])),
      portalUrl: portal.url,
      formActionSources: cspSources(applications),
    };
  }

  async function refresh(): Promise<AccessSnapshot> {
    const seen = await createRepos(deps.storage.db).applications.stamp([ACCESS_VERSION_KEY, APPLICATION_URL_KEY]);
    if (!current || seen !== version) {
      current = await reload();
      version = seen;
    }
    return current;
  }

  return {
    async current(): Promise<AccessSnapshot> {
      const now = deps.clock();
      if (current && now - checkedAt < ACCESS_CHECK_INTERVAL_MS) return current;
      pending ??= refresh().finally(() => {
        pending = null;
      });
      const snapshot = await pending;
      checkedAt = now;
      return snapshot;
    },

    /** This node changed applications or groups: the next check reloads. */
    invalidate(): void {
      current = null;
    },

    /** The last snapshot's CSP sources, for the security headers (synchronous; refreshed when pages are served). */
    formActionSources(): string[] {
      return current?.formActionSources ?? [];
    },
  };
}

export type AccessSnapshots = ReturnType<typeof createAccessSnapshots>;
