import type { ApplicationInput, ApplicationView } from '../../shared/api/applications.ts';
import { urlText } from '../../shared/api/applications.ts';
import type { AuditContext } from '../audit/events.ts';
import type { Storage } from '../db/database.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { ApplicationListQuery, ApplicationRecord } from '../db/repos/applications-repo.ts';
import { createRepos, type Repos } from '../db/repos/index.ts';
import { AppError } from '../errors/catalogue.ts';
import { bumpAccessVersion } from '../forward-auth/access-snapshot.ts';
import { csvRow } from '../http/csv.ts';
import { isoTime } from '../iso-time.ts';
import { describeRule, type Names } from './explain.ts';
import { canonical, checkAgainstOthers } from './validation.ts';

type Change = { from: string | null; to: string | null };

/** Group and user names for the rules of these applications (ids are what rules store). */
export async function namesFor(repos: Repos, apps: readonly Pick<ApplicationRecord, 'rules'>[]): Promise<Names> {
  const userIds = [
    ...new Set(
      apps.flatMap((app) => app.rules.flatMap((rule) => (rule.who.kind === 'members' ? rule.who.userIds : []))),
    ),
  ];
  const [groups, users] = await Promise.all([
    repos.groups.all(),
    Promise.all(userIds.map((id) => repos.users.findById(id))),
  ]);
  const groupNames = new Map(groups.map((group) => [group.id, group.name]));
  const userNames = new Map(users.flatMap((user) => (user ? [[user.id, user.username] as const] : [])));
  return { group: (id) => groupNames.get(id), user: (id) => userNames.get(id) };
}

export function applicationView(record: ApplicationRecord, names: Names): ApplicationView {
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    colour: record.colour,
    protocol: record.protocol,
    enabled: record.enabled,
    urls: record.urls,
    rules: record.rules,
    ruleSummaries: record.rules.map((rule) => describeRule(rule, names)),
    headers: record.headers,
    createdAt: isoTime(record.createdAt),
    createdBy: record.createdBy,
    updatedAt: isoTime(record.updatedAt),
    updatedBy: record.updatedBy,
  };
}

const CSV_COLUMNS = ['ID', 'Name', 'Protocol', 'Enabled', 'URLs', 'Rules', 'Headers', 'Updated', 'Updated by'];

/** The Applications report as CSV: the columns on screen, each rule in words. */
export function applicationsCsv(views: ApplicationView[]): string {
  return [
    csvRow(CSV_COLUMNS),
    ...views.map((view) =>
      csvRow([
        view.id,
        view.name,
        'Forward auth',
        view.enabled ? 'Yes' : 'No',
        view.urls.map((url) => urlText({ host: url.host, path: url.pathPrefix })).join(' '),
        view.ruleSummaries.map((text, index) => `${index + 1}. ${text}`).join('; '),
        Object.entries(view.headers)
          .filter(([, on]) => on)
          .map(([name]) => name)
          .join(' '),
        view.updatedAt,
        view.updatedBy,
      ]),
    ),
  ].join('');
}

function changesBetween(before: ApplicationRecord, after: ReturnType<typeof canonical>): Record<string, Change> {
  const changes: Record<string, Change> = {};
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  for (const key of ['name', 'description', 'colour', 'enabled', 'urls', 'rules', 'headers'] as const) {
    const from = text(before[key]);
    const to = text(after[key]);
    if (from !== to) changes[key] = { from, to };
  }
  return changes;
}

/**
 * Settings > Applications: the records, validated against each other and the groups, each change in
 * one transaction with its audit record and a new access version.
 */
export function createApplicationService(deps: { storage: Storage; clock: () => number; onChange: () => void }) {
  const { storage, clock } = deps;

  async function existing(repos: Repos, id: number): Promise<ApplicationRecord> {
    const app = await repos.applications.findById(id);
    if (!app) throw new AppError('APPLICATION_NOT_FOUND');
    return app;
  }

  async function checked(repos: Repos, input: ApplicationInput, exceptId: number | null) {
    const [apps, groups] = await Promise.all([repos.applications.all(), repos.groups.all()]);
    const userIds = input.rules.flatMap((rule) => (rule.who.kind === 'members' ? rule.who.userIds : []));
    const users = await Promise.all([...new Set(userIds)].map((id) => repos.users.findById(id)));
    const fields = checkAgainstOthers(input, {
      others: apps.filter((app) => app.id !== exceptId),
      groupIds: new Set(groups.map((group) => group.id)),
      userIds: new Set(users.flatMap((user) => (user ? [user.id] : []))),
    });
    if (Object.keys(fields).length > 0) throw new AppError('VALIDATION_FAILED', { fields });
    return canonical(input);
  }

  const nameTaken = (error: unknown): never => {
    if (isUniqueViolation(error))
      throw new AppError('APPLICATION_NAME_TAKEN', { fields: { name: 'Another application already has this name.' } });
    throw error;
  };

  /** `work` says whether it changed anything: an edit that changes nothing writes nothing (apply twice = once). */
  async function write<T>(
    work: (repos: Repos, now: number) => Promise<{ value: T; changed: boolean }>,
    context: AuditContext,
  ): Promise<T> {
    const result = await storage.db.transaction().execute(async (trx) => {
      const repos = createRepos(trx);
      const now = clock();
      const done = await work(repos, now);
      if (done.changed) await bumpAccessVersion(repos, now, context.actor?.id ?? null);
      return done;
    });
    if (result.changed) deps.onChange();
    return result.value;
  }

  const target = (app: { id: number; name: string }) => ({ type: 'application' as const, id: app.id, label: app.name });
  // As the providers report: the administrator, or the CLI's own label ("portcullis-cli (os user root)").
  const actor = (context: AuditContext) => context.actor?.username ?? context.userAgent;

  async function viewsOf(repos: Repos, records: ApplicationRecord[]) {
    const names = await namesFor(repos, records);
    return records.map((record) => applicationView(record, names));
  }

  return {
    async list(query: ApplicationListQuery) {
      const repos = createRepos(storage.db);
      const page = await repos.applications.list(query);
      return { total: page.total, items: await viewsOf(repos, page.items) };
    },

    async get(id: number): Promise<ApplicationView> {
      const repos = createRepos(storage.db);
      const [view] = await viewsOf(repos, [await existing(repos, id)]);
      if (!view) throw new AppError('APPLICATION_NOT_FOUND');
      return view;
    },

    async findByName(name: string): Promise<ApplicationRecord | undefined> {
      return createRepos(storage.db).applications.findByName(name);
    },

    async create(input: ApplicationInput, context: AuditContext): Promise<ApplicationView> {
      return write(async (repos, now) => {
        const app = await checked(repos, input, null);
        const id = await repos.applications.insert(app, now, actor(context)).catch(nameTaken);
        const names = await namesFor(repos, [app]);
        await repos.audit.record(
          {
            type: 'application.created',
            outcome: 'success',
            target: target({ id, name: app.name }),
            details: {
              name: app.name,
              protocol: app.protocol,
              enabled: app.enabled,
              urls: app.urls.map((url) => urlText({ host: url.host, path: url.pathPrefix })),
              rules: app.rules.map((rule) => describeRule(rule, names)),
            },
          },
          context,
          now,
        );
        return { value: applicationView(await existing(repos, id), names), changed: true };
      }, context);
    },

    async update(id: number, input: ApplicationInput, context: AuditContext): Promise<ApplicationView> {
      return write(async (repos, now) => {
        const before = await existing(repos, id);
        const app = await checked(repos, input, id);
        const changes = changesBetween(before, app);
        if (Object.keys(changes).length > 0) {
          await repos.applications.update(id, app, now, actor(context)).catch(nameTaken);
          await repos.audit.record(
            {
              type: 'application.updated',
              outcome: 'success',
              target: target({ id, name: app.name }),
              details: { changes },
            },
            context,
            now,
          );
        }
        const [view] = await viewsOf(repos, [await existing(repos, id)]);
        if (!view) throw new AppError('APPLICATION_NOT_FOUND');
        return { value: view, changed: Object.keys(changes).length > 0 };
      }, context);
    },

    async delete(id: number, context: AuditContext): Promise<void> {
      await write(async (repos, now) => {
        const app = await existing(repos, id);
        await repos.applications.delete(id);
        await repos.audit.record(
          {
            type: 'application.deleted',
            outcome: 'success',
            target: target(app),
            details: { name: app.name, urls: app.urls.map((url) => urlText({ host: url.host, path: url.pathPrefix })) },
          },
          context,
          now,
        );
        return { value: undefined, changed: true };
      }, context);
    },
  };
}

export type ApplicationService = ReturnType<typeof createApplicationService>;
