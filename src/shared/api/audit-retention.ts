import { z } from 'zod';

export const RETENTION_MAX_DAYS = 36_500;

export const olderThanDaysSchema = z.coerce
  .number({ error: 'olderThanDays must be a number of days.' })
  .int({ error: 'olderThanDays must be a whole number of days.' })
  .min(1, { error: 'olderThanDays must be at least 1 (records of the last day are always kept).' })
  .max(RETENTION_MAX_DAYS, { error: `olderThanDays must be at most ${RETENTION_MAX_DAYS}.` });

export const retentionQuerySchema = z.object({ olderThanDays: olderThanDaysSchema }).strict();

export const retentionPreviewSchema = z.object({
  olderThanDays: z.number(),
  /** Records that occurred before this instant are the ones an archive (then a prune) would take. */
  cutoff: z.string(),
  records: z.number(),
  oldest: z.string().nullable(),
  /** Of those, records still waiting for a forwarding destination (a prune would refuse). */
  unforwarded: z.number(),
});

export const archiveViewSchema = z.object({
  id: z.number(),
  cutoff: z.string(),
  format: z.enum(['jsonl', 'csv']),
  records: z.number(),
  sha256: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  prunedAt: z.string().nullable(),
  prunedRecords: z.number().nullable(),
  prunedBy: z.string().nullable(),
});

export const archiveListResponseSchema = z.object({ items: z.array(archiveViewSchema) });

export const pruneResultSchema = z.object({ archiveId: z.number(), pruned: z.number() });

export type RetentionPreview = z.infer<typeof retentionPreviewSchema>;
export type ArchiveView = z.infer<typeof archiveViewSchema>;
export type PruneResult = z.infer<typeof pruneResultSchema>;
