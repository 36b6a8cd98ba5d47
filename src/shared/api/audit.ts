import { z } from 'zod';

const isoDate = (label: string) =>
  z.string().refine((value) => !Number.isNaN(Date.parse(value)), {
    error: `${label} must be a date such as 2026-01-31 or 2026-01-31T12:00:00Z.`,
  });

/**
 * A position in the log: the (occurred_at, id) of a record, as `<epoch ms>.<id>`. Pages are read from
 * a position, never by offset, so new records arriving meanwhile neither repeat nor hide a row.
 */
export const auditCursorSchema = z
  .string()
  .regex(/^\d{1,15}\.\d{1,15}$/, { error: 'Use the cursor from a previous page (next or previous).' })
  .transform((value) => {
    const [at, id] = value.split('.').map(Number) as [number, number];
    return { at, id };
  });

export type AuditCursor = z.output<typeof auditCursorSchema>;

export function auditCursorText(position: AuditCursor): string {
  return `${position.at}.${position.id}`;
}

/** The filters shared by the list, the exports and the CLI. */
const auditFilterFields = {
  type: z
    .string()
    .max(64)
    .regex(/^[a-z_]+(\.[a-z_]+|\.\*)$/, {
      error: 'type must be an event name such as login.failed, or a family such as login.*.',
    })
    .optional(),
  actor: z.string().max(64, { error: 'actor must be at most 64 characters.' }).optional(),
  target: z.string().max(128, { error: 'target must be at most 128 characters.' }).optional(),
  outcome: z.enum(['success', 'failure'], { error: 'outcome must be success or failure.' }).optional(),
  from: isoDate('from').optional(),
  to: isoDate('to').optional(),
};

const datesInOrder = {
  check: (filters: { from?: string | undefined; to?: string | undefined }) =>
    !filters.from || !filters.to || Date.parse(filters.from) <= Date.parse(filters.to),
  message: { error: 'to must be on or after from.', path: ['to'] },
};

export const auditFiltersSchema = z.object(auditFilterFields).strict().refine(datesInOrder.check, datesInOrder.message);

export const AUDIT_COUNT_CAP = 1000;

export const auditListQuerySchema = z
  .object({
    ...auditFilterFields,
    after: auditCursorSchema.optional(),
    before: auditCursorSchema.optional(),
    pageSize: z.coerce
      .number({ error: 'pageSize must be a number.' })
      .int({ error: 'pageSize must be a whole number.' })
      .min(1, { error: 'pageSize must be at least 1.' })
      .max(200, { error: 'pageSize must be at most 200.' })
      .default(50),
    count: z
      .enum(['estimate', 'exact'], { error: 'count must be estimate or exact.' })
      .default('estimate')
      .describe(`estimate: exact up to ${AUDIT_COUNT_CAP}, else "more than ${AUDIT_COUNT_CAP}"; exact: a full count`),
  })
  .strict()
  .refine((query) => !(query.after && query.before), {
    error: 'Give after or before, not both.',
    path: ['before'],
  })
  .refine(datesInOrder.check, datesInOrder.message);

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

export const auditCountSchema = z.object({
  /** Exact when `exact`; otherwise at least this many ("more than 1,000"). */
  value: z.number(),
  exact: z.boolean(),
});

export const auditListResponseSchema = z.object({
  items: z.array(auditRecordSchema),
  pageSize: z.number(),
  /** Cursor of the next (older) page, or null at the oldest record. */
  next: z.string().nullable(),
  /** Cursor of the previous (newer) page, or null on the newest page. */
  previous: z.string().nullable(),
  /** How many records match the filters (all pages). */
  count: auditCountSchema,
  eventTypes: z.array(z.string()),
});

export type AuditFiltersInput = z.infer<typeof auditFiltersSchema>;
export type AuditListQuery = z.infer<typeof auditListQuerySchema>;
export type AuditRecordView = z.infer<typeof auditRecordSchema>;
export type AuditListResponse = z.infer<typeof auditListResponseSchema>;
