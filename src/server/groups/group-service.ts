import type { CreateGroupBody, GroupMfaPolicy, UpdateGroupBody } from '../../shared/api/groups.ts';
import type { AuditContext } from '../audit/events.ts';
import type { Storage } from '../db/database.ts';
import { isUniqueViolation } from '../db/errors.ts';
import type { ApplicationRecord } from '../db/repos/applications-repo.ts';
import type { GroupRecord } from '../db/repos/groups-repo.ts';
import { createRepos, type Repos } from '../db/repos/index.ts';
import { AppError, fieldError } from '../errors/catalogue.ts';
import { bumpAccessVersion } from '../forward-auth/access-snapshot.ts';

/** The applications whose rules name a group. */
export function applicationsUsing(
  groupId: number,
  apps: readonly ApplicationRecord[],
): Array<{ id: number; name: string }> {
  return apps
    .filter((app) => app.rules.some((rule) => rule.who.kind === 'members' && rule.who.groupIds.includes(groupId)))
    .map((app) => ({ id: app.id, name: app.name }));
}

/**
 * Settings > Access > Groups. Each change is one transaction with its audit record and a new access
 * version (so every node's forward-auth sees it within a second); `onChange` tells this node at once.
 */
export function createGroupService(deps: { storage: Storage; clock: () => number; onChange: () => void }) {
  const { storage, clock } = deps;

  async function change<T>(work: (repos: Repos, now: number) => Promise<T>, context: AuditContext): Promise<T> {
    const result = await storage.db.transaction().execute(async (trx) => {
      const repos = createRepos(trx);
      const now = clock();
      const value = await work(repos, now);
      await bumpAccessVersion(repos, now, context.actor?.id ?? null);
      return value;
    });
    deps.onChange();
    return result;
  }

  async function existing(repos: Repos, id: number): Promise<GroupRecord> {
    const group = await repos.groups.findById(id);
    if (!group) throw new AppError('GROUP_NOT_FOUND');
    return group;
  }

  const nameTaken = (error: unknown) => {
    if (isUniqueViolation(error))
      throw new AppError('GROUP_NAME_TAKEN', { fields: { name: 'Another group already has this name.' } });
    throw error;
  };

  const target = (group: { id: number; name: string }) => ({ type: 'group' as const, id: group.id, label: group.name });

  return {
    async list(query: { search?: string; offset: number; limit: number }) {
      const repos = createRepos(storage.db);
      const [page, apps] = await Promise.all([repos.groups.list(query), repos.applications.all()]);
      const counts = await repos.groups.memberCounts(page.items.map((group) => group.id));
      return {
        total: page.total,
        items: page.items.map((group) => ({
          ...group,
          memberCount: counts.get(group.id) ?? 0,
          usedBy: applicationsUsing(group.id, apps),
        })),
      };
    },

    async all(): Promise<GroupRecord[]> {
      return createRepos(storage.db).groups.all();
    },

    async get(id: number) {
      const repos = createRepos(storage.db);
      const group = await existing(repos, id);
      const [members, apps] = await Promise.all([repos.groups.members(id), repos.applications.all()]);
      return { ...group, memberCount: members.length, usedBy: applicationsUsing(id, apps), members };
    },

    async findByName(name: string): Promise<GroupRecord> {
      const group = await createRepos(storage.db).groups.findByName(name);
      if (!group) throw new AppError('GROUP_NOT_FOUND', { message: `There is no group named "${name}".` });
      return group;
    },

    async create(input: CreateGroupBody & { mfaPolicy: GroupMfaPolicy; description: string }, context: AuditContext) {
      return change(async (repos, now) => {
        const id = await repos.groups
          .insert({
            name: input.name,
            description: input.description,
            mfaPolicy: input.mfaPolicy,
            createdAt: now,
            updatedAt: now,
          })
          .catch(nameTaken);
        await repos.audit.record(
          {
            type: 'group.created',
            outcome: 'success',
            target: target({ id, name: input.name }),
            details: { name: input.name, mfaPolicy: input.mfaPolicy, description: input.description },
          },
          context,
          now,
        );
        return existing(repos, id);
      }, context);
    },

    async update(id: number, input: UpdateGroupBody, context: AuditContext) {
      return change(async (repos, now) => {
        const before = await existing(repos, id);
        const changes: Record<string, { from: string | null; to: string | null }> = {};
        for (const key of ['name', 'description', 'mfaPolicy'] as const) {
          const next = input[key];
          if (next !== undefined && next !== before[key]) changes[key] = { from: before[key], to: next };
        }
        if (Object.keys(changes).length === 0) return before;
        await repos.groups.update(id, input, now).catch(nameTaken);
        await repos.audit.record(
          {
            type: 'group.updated',
            outcome: 'success',
            target: target({ id, name: input.name ?? before.name }),
            details: { changes },
          },
          context,
          now,
        );
        return existing(repos, id);
      }, context);
    },

    /** Refused while a rule names the group: deleting it would silently change who may reach those applications. */
    async delete(id: number, context: AuditContext): Promise<void> {
      await change(async (repos, now) => {
        const group = await existing(repos, id);
        const usedBy = applicationsUsing(id, await repos.applications.all());
        if (usedBy.length > 0)
          throw new AppError('GROUP_IN_USE', {
            message: `The rules of ${usedBy.map((app) => `"${app.name}"`).join(', ')} name this group. Remove it from those rules first.`,
            details: { applications: usedBy },
          });
        const members = (await repos.groups.memberCounts([id])).get(id) ?? 0;
        await repos.groups.delete(id);
        await repos.audit.record(
          { type: 'group.deleted', outcome: 'success', target: target(group), details: { name: group.name, members } },
          context,
          now,
        );
      }, context);
    },

    async addMembers(id: number, userIds: number[], context: AuditContext): Promise<number> {
      return change(async (repos, now) => {
        const group = await existing(repos, id);
        const users = await Promise.all([...new Set(userIds)].map((userId) => repos.users.findById(userId)));
        const missing = [...new Set(userIds)].filter((_, index) => !users[index]);
        if (missing.length > 0)
          throw fieldError('userIds', `There is no user with id ${missing.join(', ')}: choose existing users.`);
        const added = await repos.groups.addMembers(id, userIds, now);
        if (added.length > 0) {
          const names = users.filter((user) => user && added.includes(user.id)).map((user) => user?.username ?? '');
          await repos.audit.record(
            {
              type: 'group.members_added',
              outcome: 'success',
              target: target(group),
              details: { group: group.name, usernames: names },
            },
            context,
            now,
          );
        }
        return added.length;
      }, context);
    },

    async removeMember(id: number, userId: number, context: AuditContext): Promise<void> {
      await change(async (repos, now) => {
        const group = await existing(repos, id);
        const user = await repos.users.findById(userId);
        if (!user || !(await repos.groups.removeMember(id, userId))) throw new AppError('GROUP_MEMBER_NOT_FOUND');
        await repos.audit.record(
          {
            type: 'group.member_removed',
            outcome: 'success',
            target: target(group),
            details: { group: group.name, username: user.username },
          },
          context,
          now,
        );
      }, context);
    },

    async membershipsOf(userIds: number[]) {
      return createRepos(storage.db).groups.groupsOfUsers(userIds);
    },
  };
}

export type GroupService = ReturnType<typeof createGroupService>;
