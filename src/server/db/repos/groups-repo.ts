import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import type { GroupMfaPolicy } from '../../../shared/api/groups.ts';
import { like, likeEscaped } from '../like.ts';
import type { Database, GroupsTable } from '../schema.ts';

export interface GroupRecord {
  id: number;
  name: string;
  description: string;
  mfaPolicy: GroupMfaPolicy;
  createdAt: number;
  updatedAt: number;
}

export interface GroupMemberRecord {
  id: number;
  username: string;
  displayName: string;
  email: string;
  disabled: boolean;
  addedAt: number;
}

function toGroup(row: Selectable<GroupsTable>): GroupRecord {
  return {
    id: Number(row.id),
    name: row.name,
    description: row.description,
    mfaPolicy: row.mfa_policy,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Groups and their members. */
export function createGroupsRepo(db: Kysely<Database>) {
  return {
    async all(): Promise<GroupRecord[]> {
      const rows = await db.selectFrom('groups').selectAll().orderBy('name_key').execute();
      return rows.map(toGroup);
    },

    async list(query: { search?: string; offset: number; limit: number }) {
      let base = db.selectFrom('groups');
      if (query.search) base = base.where(like(sql`name_key`, `%${likeEscaped(query.search.toLowerCase())}%`));
      const [rows, total] = await Promise.all([
        base.selectAll().orderBy('name_key').offset(query.offset).limit(query.limit).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items: rows.map(toGroup), total: Number(total.n) };
    },

    async findById(id: number): Promise<GroupRecord | undefined> {
      const row = await db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toGroup(row) : undefined;
    },

    async findByName(name: string): Promise<GroupRecord | undefined> {
      const row = await db
        .selectFrom('groups')
        .selectAll()
        .where('name_key', '=', name.trim().toLowerCase())
        .executeTakeFirst();
      return row ? toGroup(row) : undefined;
    },

    async insert(group: Omit<GroupRecord, 'id'>): Promise<number> {
      const row = await db
        .insertInto('groups')
        .values({
          name: group.name,
          name_key: group.name.toLowerCase(),
          description: group.description,
          mfa_policy: group.mfaPolicy,
          created_at: group.createdAt,
          updated_at: group.updatedAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    async update(id: number, changes: Partial<Pick<GroupRecord, 'name' | 'description' | 'mfaPolicy'>>, at: number) {
      await db
        .updateTable('groups')
        .set({
          ...(changes.name !== undefined && { name: changes.name, name_key: changes.name.toLowerCase() }),
          ...(changes.description !== undefined && { description: changes.description }),
          ...(changes.mfaPolicy !== undefined && { mfa_policy: changes.mfaPolicy }),
          updated_at: at,
        })
        .where('id', '=', id)
        .execute();
    },

    async delete(id: number): Promise<boolean> {
      const result = await db.deleteFrom('groups').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async memberCounts(ids: number[]): Promise<Map<number, number>> {
      const counts = new Map<number, number>();
      if (ids.length === 0) return counts;
      const rows = await db
        .selectFrom('group_members')
        .select(['group_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('group_id', 'in', ids)
        .groupBy('group_id')
        .execute();
      for (const row of rows) counts.set(Number(row.group_id), Number(row.n));
      return counts;
    },

    async members(groupId: number): Promise<GroupMemberRecord[]> {
      const rows = await db
        .selectFrom('group_members')
        .innerJoin('users', 'users.id', 'group_members.user_id')
        .select([
          'users.id',
          'users.username',
          'users.display_name',
          'users.email',
          'users.disabled',
          'group_members.added_at',
        ])
        .where('group_members.group_id', '=', groupId)
        .orderBy('users.username')
        .execute();
      return rows.map((row) => ({
        id: Number(row.id),
        username: row.username,
        displayName: row.display_name,
        email: row.email,
        disabled: Boolean(row.disabled),
        addedAt: Number(row.added_at),
      }));
    },

    /** Adds the users not yet members; returns the ids actually added. */
    async addMembers(groupId: number, userIds: number[], at: number): Promise<number[]> {
      if (userIds.length === 0) return [];
      const present = new Set(
        (
          await db
            .selectFrom('group_members')
            .select('user_id')
            .where('group_id', '=', groupId)
            .where('user_id', 'in', userIds)
            .execute()
        ).map((row) => Number(row.user_id)),
      );
      const added = [...new Set(userIds)].filter((id) => !present.has(id));
      if (added.length > 0)
        await db
          .insertInto('group_members')
          .values(added.map((userId) => ({ group_id: groupId, user_id: userId, added_at: at })))
          .execute();
      return added;
    },

    async removeMember(groupId: number, userId: number): Promise<boolean> {
      const result = await db
        .deleteFrom('group_members')
        .where('group_id', '=', groupId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** The ids of the groups a user is in. */
    async groupIdsOf(userId: number): Promise<number[]> {
      const rows = await db.selectFrom('group_members').select('group_id').where('user_id', '=', userId).execute();
      return rows.map((row) => Number(row.group_id));
    },

    async groupsOfUsers(userIds: number[]): Promise<Map<number, Array<{ id: number; name: string }>>> {
      const result = new Map<number, Array<{ id: number; name: string }>>();
      if (userIds.length === 0) return result;
      const rows = await db
        .selectFrom('group_members')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .select(['group_members.user_id', 'groups.id', 'groups.name'])
        .where('group_members.user_id', 'in', userIds)
        .orderBy('groups.name_key')
        .execute();
      for (const row of rows) {
        const userId = Number(row.user_id);
        result.set(userId, [...(result.get(userId) ?? []), { id: Number(row.id), name: row.name }]);
      }
      return result;
    },

    /** The MFA policies of the groups a user is in (the sign-in decision combines them). */
    async mfaPoliciesOf(userId: number): Promise<GroupMfaPolicy[]> {
      const rows = await db
        .selectFrom('group_members')
        .innerJoin('groups', 'groups.id', 'group_members.group_id')
        .select('groups.mfa_policy')
        .where('group_members.user_id', '=', userId)
        .execute();
      return rows.map((row) => row.mfa_policy);
    },
  };
}

export type GroupsRepo = ReturnType<typeof createGroupsRepo>;
