import { type AuditFilterParams, auditEndpoints } from '../../../api/audit-endpoints.ts';
import { buttonClass } from '../../../components/Button.tsx';
import { Icon } from '../../../components/Icon.tsx';

/**
 * Downloads of the records that match the filters. They stream from the server (the browser shows its
 * own download progress), so even a million records never sit in this page's memory.
 */
export function AuditExportLinks({ search }: { search: AuditFilterParams }) {
  return (
    <>
      <a
        className={buttonClass('secondary')}
        href={auditEndpoints.exportUrl('csv', search)}
        title="For spreadsheets: every field quoted, formulas neutralised"
        download
      >
        <Icon name="download" />
        <span>Export CSV</span>
      </a>
      <a
        className={buttonClass('secondary')}
        href={auditEndpoints.exportUrl('jsonl', search)}
        title="One record per line, for scripts and SIEMs"
        download
      >
        <Icon name="download" />
        <span>Export JSON Lines</span>
      </a>
    </>
  );
}
