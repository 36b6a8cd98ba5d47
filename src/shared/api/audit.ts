import { z } from 'zod';
import { pageNumberSchema, pageSizeSchema } from './fields.ts';

const isoDate = (label: string) =>
  z.string().refine((value) => !Number.isNaN(Date.parse(value)), {
    error: `${label} must be a date such as 2026-01-31 or 2026-01-31T12:00:00Z.`,
  });

export const auditQuerySchema = z
  .object({
    type: z
      .string()
      .max(64)
      .regex(/^[a-z_]+(\.[a-z_]+|\.\*)$/, {
        error: 'type must be an event name such as login.failed, or a family such as login.*.',
      })
      .optional(),
    actor: z.string().max(64).optional(),
    target: z.string().max(128).optional(),
    outcome: z.enum(['success', 'failure'], { error: 'outcome must be success or failure.' }).optional(),
    from: isoDate('from').optional(),
    to: isoDate('to').optional(),
    page: pageNumberSchema,
    pageSize: pageSizeSchema(50),
  })
  .strict();

export const auditRecordSchema = z.object({
  id: z.number(),
  occurredAt: z.string(),
  type: z.string(),
  outcome: z.enum(['success', 'failure']),
  actorId: z.number().nullable(),
  actorUsername: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  targetLabel: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  reason: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const auditListResponseSchema = z.object({
  items: z.array(auditRecordSchema),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  eventTypes: z.array(z.string()),
});

export type AuditQuery = z.infer<typeof auditQuerySchema>;
export type AuditRecordView = z.infer<typeof auditRecordSchema>;
export type AuditListResponse = z.infer<typeof auditListResponseSchema>;
