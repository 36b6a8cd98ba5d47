import type { HealthResultView, ProviderView } from '../../shared/api/providers.ts';
import type { ProviderRecord } from '../db/repos/providers-repo.ts';
import { csvRow } from '../http/csv.ts';
import { isoTime } from '../iso-time.ts';
import type { HealthResult } from './provider-type.ts';
import { providerTypeOf } from './registry.ts';

/** The allow-listed view of a record: configuration, whether each secret is set — never a secret. */
export function providerView(record: ProviderRecord, affectedUsers: number): ProviderView {
  const type = providerTypeOf(record.type);
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    typeLabel: type?.label ?? record.type,
    enabled: record.enabled,
    endpoint: type?.endpointOf(record.config) ?? '',
    values: { ...record.config },
    secretsSet: Object.fromEntries((type?.secretKeys ?? []).map((key) => [key, key in record.sealedSecrets])),
    createdAt: isoTime(record.createdAt),
    createdBy: record.createdBy,
    updatedAt: isoTime(record.updatedAt),
    updatedBy: record.updatedBy,
    lastCheck: record.lastCheck
      ? { status: record.lastCheck.status, message: record.lastCheck.message, at: isoTime(record.lastCheck.at) }
      : null,
    unusableReason: record.unusableReason,
    affectedUsers,
    managedBy: record.managedBy,
  };
}

export function healthView(check: HealthResult): HealthResultView {
  return { ...check, checkedAt: isoTime(check.checkedAt) };
}

const CSV_COLUMNS = [
  'ID',
  'Name',
  'Provider',
  'Enabled',
  'Endpoint',
  'Created',
  'Created by',
  'Last check',
  'Last check at',
  'Users',
];

/** The Providers report as CSV, the same columns as on screen (no secret, no sealed value). */
export function providersCsv(views: ProviderView[]): string {
  return [
    csvRow(CSV_COLUMNS),
    ...views.map((view) =>
      csvRow([
        view.id,
        view.name,
        view.typeLabel,
        view.enabled ? 'Yes' : 'No',
        view.endpoint,
        view.createdAt,
        view.createdBy,
        view.lastCheck?.status ?? '',
        view.lastCheck?.at ?? '',
        view.affectedUsers,
      ]),
    ),
  ].join('');
}
