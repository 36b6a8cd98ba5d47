import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  createDestinationBodySchema,
  destinationListResponseSchema,
  destinationTestResultSchema,
  destinationViewSchema,
  updateDestinationBodySchema,
} from '../../../shared/api/audit-forwarding.ts';
import { idParamSchema } from '../../../shared/api/fields.ts';
import { requireFreshSession } from '../../http/guards.ts';
import { auditContextOf } from '../../http/request-context.ts';
import type { Services } from '../../services.ts';

/**
 * Settings > System > Audit forwarding. Changing where the audit trail goes is sensitive (it could
 * send it elsewhere, or stop sending it), so changes need a fresh sign-in; secrets are write-only.
 */
export function registerAuditForwardingRoutes(root: FastifyInstance, services: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const tags = ['audit forwarding'];
  const base = '/api/admin/audit/destinations';

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'Forwarding destinations with their delivery status',
        response: { 200: destinationListResponseSchema },
      },
    },
    async () => ({ items: await services.auditDestinations.list() }),
  );

  app.post(
    base,
    {
      schema: {
        tags,
        summary: 'Add a syslog or webhook destination (events committed from now on are forwarded)',
        body: createDestinationBodySchema,
        response: { 201: destinationViewSchema },
      },
    },
    async (request, reply) => {
      requireFreshSession(request);
      const created = await services.auditDestinations.create(request.body, auditContextOf(request));
      return reply.status(201).send(created);
    },
  );

  app.get(
    `${base}/:id`,
    {
      schema: { tags, summary: 'One destination', params: idParamSchema, response: { 200: destinationViewSchema } },
    },
    async (request) => services.auditDestinations.get(request.params.id),
  );

  app.patch(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary:
          'Change a destination; secrets stay as they are unless new ones are given; disabling drops its backlog',
        params: idParamSchema,
        body: updateDestinationBodySchema,
        response: { 200: destinationViewSchema },
      },
    },
    async (request) => {
      requireFreshSession(request);
      return services.auditDestinations.update(request.params.id, request.body, auditContextOf(request));
    },
  );

  app.delete(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Remove a destination (what it had not received yet is dropped)',
        params: idParamSchema,
      },
    },
    async (request, reply) => {
      requireFreshSession(request);
      await services.auditDestinations.remove(request.params.id, auditContextOf(request));
      return reply.status(204).send();
    },
  );

  app.post(
    `${base}/:id/test`,
    {
      schema: {
        tags,
        summary: 'Send a test event (marked "test": true) with the stored settings, now',
        params: idParamSchema,
        response: { 200: destinationTestResultSchema },
      },
    },
    async (request) => services.auditDestinations.test(request.params.id, auditContextOf(request)),
  );
}
