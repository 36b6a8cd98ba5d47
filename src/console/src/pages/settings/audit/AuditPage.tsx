import { useCallback, useMemo, useState } from 'react';
import { isForbidden } from '../../../api/client.ts';
import { endpoints } from '../../../api/endpoints.ts';
import { useQuery } from '../../../api/use-query.ts';
import { buttonClass } from '../../../components/Button.tsx';
import { EmptyState, NoMatches } from '../../../components/EmptyState.tsx';
import { ForbiddenState } from '../../../components/ForbiddenState.tsx';
import { Icon } from '../../../components/Icon.tsx';
import { PagedTable } from '../../../components/PagedTable.tsx';
import { PageHeader } from '../../../layout/PageHeader.tsx';
import { usePageTitle } from '../../../lib/page-title.ts';
import { AuditFiltersBar } from './AuditFiltersBar.tsx';
import { AuditDetails, auditColumns } from './audit-columns.tsx';
import { AUDIT_PAGE_SIZE, useAuditFilters } from './use-audit-filters.ts';

export function AuditPage() {
  usePageTitle('Audit log', 'Settings');
  const { filters, update, reset, search, filtered } = useAuditFilters();
  const params = { ...search, page: filters.page, pageSize: AUDIT_PAGE_SIZE };
  const list = useQuery(JSON.stringify(params), (signal) => endpoints.audit(params, signal));
  const [expanded, setExpanded] = useState<Set<number>>(new Set());

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

  return (
    <>
      <PageHeader
        eyebrow="Settings · System"
        title="Audit log"
        description="Every sign-in, change and export, newest first. Records cannot be edited or deleted."
        actions={
          <a className={buttonClass('secondary')} href={endpoints.auditExportUrl(search)} download>
            <Icon name="download" />
            <span>Export CSV</span>
          </a>
        }
      />
      <AuditFiltersBar
        filters={filters}
        eventTypes={list.data?.eventTypes ?? []}
        filtered={filtered}
        onChange={update}
        onReset={reset}
      />
      <PagedTable
        list={list}
        errorTitle="The audit log could not be loaded"
        noun="records"
        onPage={(page) => update({ page })}
        caption="Audit records"
        columns={columns}
        rowKey={(record) => record.id}
        empty={empty}
        details={(record) => (expanded.has(record.id) ? <AuditDetails record={record} /> : null)}
      />
    </>
  );
}
