import { useCallback, useMemo, useState } from 'react';
import { auditEndpoints } from '../../../api/audit-endpoints.ts';
import { isAuthError, isForbidden } from '../../../api/client.ts';
import { useQuery } from '../../../api/use-query.ts';
import { Button } from '../../../components/Button.tsx';
import { CursorPagination } from '../../../components/CursorPagination.tsx';
import { DataTable } from '../../../components/DataTable.tsx';
import { EmptyState, NoMatches } from '../../../components/EmptyState.tsx';
import { ErrorBanner } from '../../../components/ErrorBanner.tsx';
import { ForbiddenState } from '../../../components/ForbiddenState.tsx';
import { PageHeader } from '../../../layout/PageHeader.tsx';
import { usePageTitle } from '../../../lib/page-title.ts';
import { AuditExportLinks } from './AuditExportLinks.tsx';
import { AuditFiltersBar } from './AuditFiltersBar.tsx';
import { AuditDetails, auditColumns } from './audit-columns.tsx';
import { RetentionDialog } from './RetentionDialog.tsx';
import { AUDIT_PAGE_SIZE, useAuditFilters } from './use-audit-filters.ts';
import '../../../styles/audit.css';

export function AuditPage() {
  usePageTitle('Audit log', 'Settings');
  const { filters, position, exactCount, update, reset, goTo, countExactly, search, filtered } = useAuditFilters();
  const params = { ...search, ...position, pageSize: AUDIT_PAGE_SIZE, ...(exactCount && { count: 'exact' as const }) };
  const list = useQuery(JSON.stringify(params), (signal) => auditEndpoints.list(params, signal));
  const [expanded, setExpanded] = useState<Set<number>>(new Set());
  const [retention, setRetention] = useState(false);

  const toggle = useCallback(
    (id: number) =>
      setExpanded((current) => {
        const next = new Set(current);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );
  const columns = useMemo(() => auditColumns(expanded, toggle), [expanded, toggle]);

  if (isForbidden(list.error)) return <ForbiddenState />;

  const empty = filtered ? (
    <NoMatches title="No records match these filters" onReset={reset}>
      <p>Widen the dates or choose another event to see more.</p>
    </NoMatches>
  ) : (
    <EmptyState icon="scroll" title="Nothing recorded yet">
      <p>Sign-ins, changes to users and exports appear here as they happen.</p>
    </EmptyState>
  );
  const page = list.data;

  return (
    <>
      <PageHeader
        eyebrow="Settings · System"
        title="Audit log"
        description="Every sign-in, change and export, newest first. Records cannot be edited; old ones leave only through an archived prune."
        actions={
          <>
            <AuditExportLinks search={search} />
            <Button icon="database" onClick={() => setRetention(true)}>
              Archive and prune…
            </Button>
          </>
        }
      />
      <AuditFiltersBar
        filters={filters}
        eventTypes={page?.eventTypes ?? []}
        filtered={filtered}
        onChange={update}
        onReset={reset}
      />
      {list.error && !isAuthError(list.error) ? (
        <ErrorBanner error={list.error} title="The audit log could not be loaded" onRetry={list.reload} />
      ) : (
        <div className="panel">
          <DataTable
            caption="Audit records"
            columns={columns}
            rows={page?.items}
            loading={list.loading}
            rowKey={(record) => record.id}
            empty={empty}
            details={(record) => (expanded.has(record.id) ? <AuditDetails record={record} /> : null)}
          />
          {page && (
            <CursorPagination
              shown={page.items.length}
              count={page.count}
              noun="records"
              onPrevious={page.previous ? () => goTo({ before: page.previous ?? undefined }) : null}
              onNext={page.next ? () => goTo({ after: page.next ?? undefined }) : null}
              onNewest={page.previous ? () => goTo({}) : null}
              onCountExactly={countExactly}
              counting={exactCount && list.loading}
            />
          )}
        </div>
      )}
      {retention && <RetentionDialog onClose={() => setRetention(false)} onPruned={list.reload} />}
    </>
  );
}
