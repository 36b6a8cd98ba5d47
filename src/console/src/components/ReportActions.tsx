import type { ReactNode } from 'react';
import { formatDateTime } from '../lib/format.ts';
import { Button, buttonClass } from './Button.tsx';
import { Icon } from './Icon.tsx';

/** A report's header actions: Export CSV (the same filters and order; the server audits it), Print, then its own. */
export function ReportActions({ exportUrl, children }: { exportUrl: string; children?: ReactNode }) {
  return (
    <>
      <a className={buttonClass('secondary')} href={exportUrl} download>
        <Icon name="download" />
        <span>Export CSV</span>
      </a>
      <Button icon="printer" onClick={() => window.print()}>
        Print
      </Button>
      {children}
    </>
  );
}

/** The line a printed report starts with: what it is and when it was printed. */
export function PrintedLine({ report }: { report: string }) {
  return (
    <p className="print-only print-meta">
      Portcullis · {report} · printed {formatDateTime(new Date().toISOString())}
    </p>
  );
}
