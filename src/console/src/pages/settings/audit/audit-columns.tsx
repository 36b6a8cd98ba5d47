import type { AuditRecordView } from '../../../../../shared/api/audit.ts';
import { OutcomeBadge } from '../../../components/Badge.tsx';
import type { Column } from '../../../components/DataTable.tsx';
import { Icon } from '../../../components/Icon.tsx';
import { Time } from '../../../components/Time.tsx';
import { eventLabel } from './event-labels.ts';

const dash = <span className="muted">—</span>;

function target(record: AuditRecordView) {
  if (!record.targetType) return dash;
  const label = record.targetLabel ?? record.targetId;
  return (
    <span className="cell-stack">
      <span>{label ?? dash}</span>
      <span className="cell-sub">{record.targetType}</span>
    </span>
  );
}

export function auditColumns(expanded: Set<number>, toggle: (id: number) => void): Column<AuditRecordView>[] {
  return [
    {
      key: 'time',
      header: 'Time',
      className: 'cell-nowrap',
      cell: (record) => <Time value={record.occurredAt} stacked />,
    },
    {
      key: 'event',
      header: 'Event',
      cell: (record) => (
        <span className="cell-stack">
          <span>{eventLabel(record.type)}</span>
          <span className="cell-sub mono">{record.type}</span>
        </span>
      ),
    },
    { key: 'outcome', header: 'Outcome', cell: (record) => <OutcomeBadge outcome={record.outcome} /> },
    {
      key: 'actor',
      header: 'Actor',
      cell: (record) =>
        record.actorUsername ? (
          <span className="mono">{record.actorUsername}</span>
        ) : (
          <span className="muted">System</span>
        ),
    },
    { key: 'target', header: 'Target', cell: target },
    {
      key: 'ip',
      header: 'IP address',
      cell: (record) => (record.ip ? <span className="mono">{record.ip}</span> : dash),
    },
    {
      key: 'reason',
      header: 'Reason',
      cell: (record) => (record.reason ? <span className="mono">{record.reason}</span> : dash),
    },
    {
      key: 'details',
      header: <span className="sr-only">Details</span>,
      className: 'cell-actions',
      cell: (record) => {
        const open = expanded.has(record.id);
        return (
          <button
            type="button"
            className="icon-button"
            aria-expanded={open}
            aria-controls={open ? `audit-details-${record.id}` : undefined}
            aria-label={`${open ? 'Hide' : 'Show'} details of record ${record.id}`}
            title={open ? 'Hide details' : 'Show details'}
            onClick={() => toggle(record.id)}
          >
            <Icon name="chevronDown" size={16} className={open ? 'chevron chevron-open' : 'chevron'} />
          </button>
        );
      },
    },
  ];
}

export function AuditDetails({ record }: { record: AuditRecordView }) {
  return (
    <div className="audit-details" id={`audit-details-${record.id}`}>
      <dl className="audit-meta">
        <div>
          <dt>Record</dt>
          <dd className="mono">#{record.id}</dd>
        </div>
        <div>
          <dt>Request</dt>
          <dd className="mono">{record.requestId ?? '—'}</dd>
        </div>
        <div>
          <dt>User agent</dt>
          <dd className="mono">{record.userAgent ?? '—'}</dd>
        </div>
      </dl>
      <div className="audit-json">
        <p className="audit-json-label">Details</p>
        <pre className="code-block">{JSON.stringify(record.details, null, 2)}</pre>
      </div>
    </div>
  );
}
