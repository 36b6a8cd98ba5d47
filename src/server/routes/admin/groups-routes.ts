import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParamSchema } from '../../../shared/api/fields.ts';
import {
  createGroupBodySchema,
  groupDetailSchema,
  groupListQuerySchema,
  groupListResponseSchema,
  groupMembersBodySchema,
  groupViewSchema,
  membershipsQuerySchema,
  membershipsResponseSchema,
  updateGroupBodySchema,
} from '../../../shared/api/groups.ts';
import type { GroupMemberRecord, GroupRecord } from '../../db/repos/groups-repo.ts';
import { requireFreshSession } from '../../http/guards.ts';
import { auditContextOf } from '../../http/request-context.ts';
import { isoTime } from '../../iso-time.ts';
import type { Services } from '../../services.ts';

type GroupWithUse = GroupRecord & { memberCount: number; usedBy: Array<{ id: number; name: string }> };

const groupView = (group: GroupWithUse) => ({
  id: group.id,
  name: group.name,
  description: group.description,
  mfaPolicy: group.mfaPolicy,
  memberCount: group.memberCount,
  usedBy: group.usedBy,
  createdAt: isoTime(group.createdAt),
  updatedAt: isoTime(group.updatedAt),
});

const memberView = (member: GroupMemberRecord) => ({ ...member, addedAt: isoTime(member.addedAt) });

/** Settings > Access > Groups. Changing who is in a group changes who may reach applications: a fresh sign-in first. */
export function registerGroupRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['groups'];
  const base = '/api/admin/groups';
  const memberParams = idParamSchema.extend({ userId: z.coerce.number().int().positive() });

  async function detail(id: number) {
    const group = await services.groups.get(id);
    return { ...groupView(group), members: group.members.map(memberView) };
  }

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'List groups (30 a page)',
        querystring: groupListQuerySchema,
        response: { 200: groupListResponseSchema },
      },
    },
    async (request) => {
      const { q, page, pageSize } = request.query;
      const result = await services.groups.list({
        ...(q && { search: q }),
        offset: (page - 1) * pageSize,
        limit: pageSize,
      });
      return { items: result.items.map(groupView), total: result.total, page, pageSize };
    },
  );

  app.get(
    `${base}/memberships`,
    {
      schema: {
        tags,
        summary: 'The groups of each listed user (Settings > Access > Users)',
        querystring: membershipsQuerySchema,
        response: { 200: membershipsResponseSchema },
      },
    },
    async (request) => {
      const ids = [...new Set(request.query.userIds.split(',').map(Number))].slice(0, 500);
      const groups = await services.groups.membershipsOf(ids);
      return { items: ids.map((userId) => ({ userId, groups: groups.get(userId) ?? [] })) };
    },
  );

  app.post(
    base,
    { schema: { tags, summary: 'Create a group', body: createGroupBodySchema, response: { 201: groupViewSchema } } },
    async (request, reply) => {
      requireFreshSession(request);
      const group = await services.groups.create(request.body, auditContextOf(request));
      return reply.status(201).send(groupView({ ...group, memberCount: 0, usedBy: [] }));
    },
  );

  app.get(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'One group with its members',
        params: idParamSchema,
        response: { 200: groupDetailSchema },
      },
    },
    async (request) => detail(request.params.id),
  );

  app.patch(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Rename a group, or change its description or MFA policy',
        params: idParamSchema,
        body: updateGroupBodySchema,
        response: { 200: groupDetailSchema },
      },
    },
    async (request) => {
      requireFreshSession(request);
      await services.groups.update(request.params.id, request.body, auditContextOf(request));
      return detail(request.params.id);
    },
  );

  app.delete(
    `${base}/:id`,
    { schema: { tags, summary: 'Delete a group (refused while application rules name it)', params: idParamSchema } },
    async (request, reply) => {
      requireFreshSession(request);
      await services.groups.delete(request.params.id, auditContextOf(request));
      return reply.status(204).send();
    },
  );

  app.post(
    `${base}/:id/members`,
    {
      schema: {
        tags,
        summary: 'Add users to a group',
        params: idParamSchema,
        body: groupMembersBodySchema,
        response: { 200: z.object({ added: z.number() }) },
      },
    },
    async (request) => {
      requireFreshSession(request);
      return {
        added: await services.groups.addMembers(request.params.id, request.body.userIds, auditContextOf(request)),
      };
    },
  );

  app.delete(
    `${base}/:id/members/:userId`,
    { schema: { tags, summary: 'Remove a user from a group', params: memberParams } },
    async (request, reply) => {
      requireFreshSession(request);
      await services.groups.removeMember(request.params.id, request.params.userId, auditContextOf(request));
      return reply.status(204).send();
    },
  );
}
