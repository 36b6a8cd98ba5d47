import { useCallback, useMemo, useState } from 'react';
import type { ProviderView } from '../../../../../../shared/api/providers.ts';
import { isForbidden, toApiError } from '../../../../api/client.ts';
import { mfaEndpoints } from '../../../../api/mfa-endpoints.ts';
import { useQuery } from '../../../../api/use-query.ts';
import { ButtonLink } from '../../../../components/Button.tsx';
import { EmptyState, NoMatches } from '../../../../components/EmptyState.tsx';
import { ForbiddenState } from '../../../../components/ForbiddenState.tsx';
import { PagedTable } from '../../../../components/PagedTable.tsx';
import { PrintedLine, ReportActions } from '../../../../components/ReportActions.tsx';
import { useToast } from '../../../../components/Toast.tsx';
import { PageHeader } from '../../../../layout/PageHeader.tsx';
import { usePageTitle } from '../../../../lib/page-title.ts';
import { ProviderActionDialog, type ProviderChange } from './ProviderActionDialog.tsx';
import { ProvidersFilters } from './ProvidersFilters.tsx';
import { type ProviderAction, providerColumns } from './provider-columns.tsx';
import { TestResultRow, type TestState } from './TestResultRow.tsx';
import { PROVIDERS_PAGE_SIZE, useProviderFilters } from './use-provider-filters.ts';

/** Settings > MFA > Providers: the "Providers" report of the seed, with Add, export, print and row actions. */
export function ProvidersPage() {
  usePageTitle('Providers', 'Settings');
  const toast = useToast();
  const { filters, update, reset, sortBy, search, filtered } = useProviderFilters();
  const params = { ...search, page: filters.page, pageSize: PROVIDERS_PAGE_SIZE };
  const list = useQuery(JSON.stringify(params), (signal) => mfaEndpoints.listProviders(params, signal));
  const types = useQuery('provider-types', () => mfaEndpoints.providerTypes());
  const [open, setOpen] = useState<{ change: ProviderChange; provider: ProviderView } | null>(null);
  const [tests, setTests] = useState<Record<number, TestState>>({});

  const runTest = useCallback(
    async (provider: ProviderView) => {
      setTests((current) => ({ ...current, [provider.id]: { status: 'running' } }));
      try {
        const result = await mfaEndpoints.testProvider(provider.id);
        setTests((current) => ({ ...current, [provider.id]: { status: 'done', result } }));
        list.reload();
      } catch (failure) {
        const error = toApiError(failure);
        setTests((current) => ({ ...current, [provider.id]: { status: 'failed', message: error.message } }));
      }
    },
    [list.reload],
  );

  const onAction = useCallback(
    (action: ProviderAction, provider: ProviderView) => {
      if (action === 'test') runTest(provider);
      else setOpen({ change: action, provider });
    },
    [runTest],
  );
  const columns = useMemo(
    () => providerColumns({ sort: filters.sort, order: filters.order }, sortBy, onAction),
    [filters.sort, filters.order, sortBy, onAction],
  );
  const dismissTest = useCallback(
    (id: number) =>
      setTests((current) => {
        const { [id]: _gone, ...rest } = current;
        return rest;
      }),
    [],
  );

  if (isForbidden(list.error)) return <ForbiddenState />;

  const addButton = (
    <ButtonLink to="/settings/mfa/providers/new" variant="primary" icon="plus">
      Add
    </ButtonLink>
  );
  const empty = filtered ? (
    <NoMatches title="No providers match these filters" onReset={reset}>
      <p>Try another name, or reset the filters to see every provider.</p>
    </NoMatches>
  ) : (
    <EmptyState icon="shieldCheck" title="No MFA providers yet" action={addButton}>
      <p>
        An MFA provider is the service that performs the second step of a sign-in, such as Duo Security sending a push
        to the user's phone. Register one here, then require it for everyone under MFA › Policy.
      </p>
    </EmptyState>
  );

  return (
    <>
      <PageHeader
        eyebrow="Settings · MFA"
        title="Providers"
        description="The services that verify the second step of a sign-in. Every change is checked live against the provider and audited."
        actions={<ReportActions exportUrl={mfaEndpoints.providersExportUrl(search)}>{addButton}</ReportActions>}
      />
      <PrintedLine report="MFA providers report" />
      <ProvidersFilters
        filters={filters}
        types={types.data?.items ?? []}
        filtered={filtered}
        onChange={update}
        onReset={reset}
      />
      <PagedTable
        list={list}
        errorTitle="Providers could not be loaded"
        noun="providers"
        onPage={(page) => update({ page })}
        caption="Providers"
        columns={columns}
        rowKey={(provider) => provider.id}
        empty={empty}
        details={(provider) => {
          const test = tests[provider.id];
          return test ? (
            <TestResultRow provider={provider} state={test} onDismiss={() => dismissTest(provider.id)} />
          ) : null;
        }}
      />
      {open && (
        <ProviderActionDialog
          change={open.change}
          provider={open.provider}
          onClose={() => setOpen(null)}
          onDone={(message) => {
            setOpen(null);
            toast(message);
            list.reload();
          }}
        />
      )}
    </>
  );
}
