import type { Kysely } from 'kysely';
import type { AuditQuery as AuditQueryInput } from '../../shared/api/audit.ts';
import type { Database } from '../db/schema.ts';
import { csvRow } from '../http/csv.ts';
import { type AuditQuery, createAuditLog } from './audit-log.ts';

export type AuditFilters = Omit<AuditQuery, 'offset' | 'limit' | 'beforeId'>;

/** From the API/CLI query (ISO dates) to repository filters (epoch ms). */
export function auditFiltersOf(query: Partial<Omit<AuditQueryInput, 'page' | 'pageSize'>>): AuditFilters {
  return {
    ...(query.type && { type: query.type }),
    ...(query.actor && { actor: query.actor }),
    ...(query.target && { target: query.target }),
    ...(query.outcome && { outcome: query.outcome }),
    ...(query.from && { from: Date.parse(query.from) }),
    ...(query.to && { to: Date.parse(query.to) }),
  };
}

const COLUMNS = [
  'id',
  'occurred_at',
  'type',
  'outcome',
  'actor',
  'target_type',
  'target_id',
  'target',
  'ip',
  'user_agent',
  'reason',
  'request_id',
  'details',
];
const CHUNK = 1000;

/** The matching audit records as CSV, newest first. Keyset paging keeps memory flat while events keep arriving. */
export async function exportAuditCsv(
  db: Kysely<Database>,
  filters: AuditFilters,
): Promise<{ csv: string; rows: number }> {
  const audit = createAuditLog(db);
  const parts: string[] = [csvRow(COLUMNS)];
  let beforeId: number | undefined;
  let rows = 0;
  for (;;) {
    const { items } = await audit.query({
      ...filters,
      ...(beforeId !== undefined && { beforeId }),
      offset: 0,
      limit: CHUNK,
    });
    for (const record of items) {
      parts.push(
        csvRow([
          record.id,
          record.occurredAt,
          record.type,
          record.outcome,
          record.actorUsername,
          record.targetType,
          record.targetId,
          record.targetLabel,
          record.ip,
          record.userAgent,
          record.reason,
          record.requestId,
          record.details,
        ]),
      );
    }
    rows += items.length;
    const last = items.at(-1);
    if (!last || items.length < CHUNK) break;
    beforeId = last.id;
  }
  return { csv: parts.join(''), rows };
}
