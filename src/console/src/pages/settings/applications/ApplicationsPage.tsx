import { useMemo, useState } from 'react';
import type { ApplicationView } from '../../../../../shared/api/applications.ts';
import { accessEndpoints } from '../../../api/access-endpoints.ts';
import { isForbidden } from '../../../api/client.ts';
import { useQuery } from '../../../api/use-query.ts';
import { Button, ButtonLink, buttonClass } from '../../../components/Button.tsx';
import { EmptyState, NoMatches } from '../../../components/EmptyState.tsx';
import { ForbiddenState } from '../../../components/ForbiddenState.tsx';
import { Icon } from '../../../components/Icon.tsx';
import { PagedTable } from '../../../components/PagedTable.tsx';
import { useToast } from '../../../components/Toast.tsx';
import { PageHeader } from '../../../layout/PageHeader.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { usePageTitle } from '../../../lib/page-title.ts';
import { ApplicationsFilters } from './ApplicationsFilters.tsx';
import { applicationColumns } from './application-columns.tsx';
import { DeleteApplicationDialog } from './DeleteApplicationDialog.tsx';
import { APPLICATIONS_PAGE_SIZE, useApplicationFilters } from './use-application-filters.ts';

/** Settings > Applications: the report (filters, CSV, print) of what the proxy protects, with Add. */
export function ApplicationsPage() {
  usePageTitle('Applications', 'Settings');
  const toast = useToast();
  const { filters, update, reset, sortBy, search, filtered } = useApplicationFilters();
  const params = { ...search, page: filters.page, pageSize: APPLICATIONS_PAGE_SIZE };
  const list = useQuery(JSON.stringify(params), (signal) => accessEndpoints.listApplications(params, signal));
  const [deleting, setDeleting] = useState<ApplicationView | null>(null);
  const columns = useMemo(
    () => applicationColumns({ sort: filters.sort, order: filters.order }, sortBy, setDeleting),
    [filters.sort, filters.order, sortBy],
  );

  if (isForbidden(list.error)) return <ForbiddenState />;

  const addButton = (
    <ButtonLink to="/settings/applications/new" variant="primary" icon="plus">
      Add
    </ButtonLink>
  );
  const empty = filtered ? (
    <NoMatches title="No applications match these filters" onReset={reset}>
      <p>Try another name or host, or reset the filters.</p>
    </NoMatches>
  ) : (
    <EmptyState icon="globe" title="No applications yet" action={addButton}>
      <p>
        An application is a tool behind your reverse proxy (Grafana, Proxmox, a router's web page): nginx, Caddy or
        Traefik asks Portcullis about every request, and its rules say who gets in and with which MFA.
      </p>
    </EmptyState>
  );

  return (
    <>
      <PageHeader
        eyebrow="Settings"
        title="Applications"
        description="Tools protected behind your reverse proxy. The proxy asks Portcullis about every request; the first matching rule decides, and the default is no."
        actions={
          <>
            <a className={buttonClass('secondary')} href={accessEndpoints.applicationsExportUrl(search)} download>
              <Icon name="download" />
              <span>Export CSV</span>
            </a>
            <Button icon="printer" onClick={() => window.print()}>
              Print
            </Button>
            {addButton}
          </>
        }
      />
      <p className="print-only print-meta">
        Portcullis · applications report · printed {formatDateTime(new Date().toISOString())}
      </p>
      <ApplicationsFilters filters={filters} filtered={filtered} onChange={update} onReset={reset} />
      <PagedTable
        list={list}
        errorTitle="Applications could not be loaded"
        noun="applications"
        onPage={(page) => update({ page })}
        caption="Applications"
        columns={columns}
        rowKey={(app) => app.id}
        empty={empty}
      />
      {deleting && (
        <DeleteApplicationDialog
          app={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            toast(`${deleting.name} is deleted; the proxy now refuses its URLs.`);
            setDeleting(null);
            list.reload();
          }}
        />
      )}
    </>
  );
}
