import { formatDate, formatDateTime, formatTime, formatUtc } from '../lib/format.ts';

/**
 * A timestamp in the reader's local time, with the exact UTC time as a tooltip. `stacked` puts the
 * day above the time (with seconds), for narrow table columns such as the audit log's.
 */
export function Time({
  value,
  fallback = '—',
  stacked = false,
}: {
  value: string | null | undefined;
  fallback?: string;
  stacked?: boolean;
}) {
  if (!value) return <span className="muted">{fallback}</span>;
  if (stacked) {
    return (
      <time dateTime={value} title={formatUtc(value)} className="time-stacked">
        <span>{formatDate(value)}</span>
        <span className="cell-sub">{formatTime(value)}</span>
      </time>
    );
  }
  return (
    <time dateTime={value} title={formatUtc(value)}>
      {formatDateTime(value)}
    </time>
  );
}
