import { useCallback, useEffect, useMemo, useState } from 'react';
import type { DestinationTestResult, DestinationView } from '../../../../../shared/api/audit-forwarding.ts';
import { forwardingEndpoints } from '../../../api/audit-endpoints.ts';
import { type ApiError, isAuthError, isForbidden, toApiError } from '../../../api/client.ts';
import { useQuery } from '../../../api/use-query.ts';
import { Button } from '../../../components/Button.tsx';
import { ConfirmDialog } from '../../../components/ConfirmDialog.tsx';
import { DataTable } from '../../../components/DataTable.tsx';
import { EmptyState } from '../../../components/EmptyState.tsx';
import { ErrorBanner } from '../../../components/ErrorBanner.tsx';
import { ForbiddenState } from '../../../components/ForbiddenState.tsx';
import { Spinner } from '../../../components/Spinner.tsx';
import { useToast } from '../../../components/Toast.tsx';
import { PageHeader } from '../../../layout/PageHeader.tsx';
import { usePageTitle } from '../../../lib/page-title.ts';
import { DestinationFormDialog } from './DestinationFormDialog.tsx';
import { type DestinationAction, destinationColumns } from './destination-columns.tsx';
import '../../../styles/audit.css';

type TestState =
  | { status: 'running' }
  | { status: 'done'; result: DestinationTestResult }
  | { status: 'failed'; message: string };
type Open =
  | { dialog: 'add' }
  | { dialog: 'edit'; destination: DestinationView }
  | { dialog: 'remove' | 'disable'; destination: DestinationView };

/** Delivery status changes in the background (other nodes deliver too): the list refreshes itself. */
const REFRESH_MS = 5000;

function TestResult({ name, state, onDismiss }: { name: string; state: TestState; onDismiss: () => void }) {
  return (
    <div className="test-result" role="status" aria-label={`Test event to ${name}`}>
      {state.status === 'running' ? (
        <p className="test-result-running">
          <Spinner />
          <span>Sending a test event…</span>
        </p>
      ) : state.status === 'failed' ? (
        <p className="field-error">{state.message}</p>
      ) : (
        <p className={state.result.ok ? 'test-result-ok' : 'field-error'}>
          {state.result.message} ({state.result.elapsedMs} ms)
        </p>
      )}
      {state.status !== 'running' && (
        <Button size="sm" variant="ghost" onClick={onDismiss}>
          Dismiss
        </Button>
      )}
    </div>
  );
}

/** Settings > System > Audit forwarding: where audit events are sent as they are committed, and how that goes. */
export function AuditForwardingPage() {
  usePageTitle('Audit forwarding', 'Settings');
  const toast = useToast();
  const list = useQuery('audit-destinations', () => forwardingEndpoints.list());
  const [open, setOpen] = useState<Open | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [tests, setTests] = useState<Record<number, TestState>>({});

  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') list.reload();
    }, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [list.reload]);

  const runTest = useCallback(async (destination: DestinationView) => {
    setTests((current) => ({ ...current, [destination.id]: { status: 'running' } }));
    try {
      const result = await forwardingEndpoints.test(destination.id);
      setTests((current) => ({ ...current, [destination.id]: { status: 'done', result } }));
    } catch (failure) {
      setTests((current) => ({
        ...current,
        [destination.id]: { status: 'failed', message: toApiError(failure).message },
      }));
    }
  }, []);

  const change = useCallback(
    async (work: () => Promise<unknown>, done: string) => {
      setBusy(true);
      setActionError(null);
      try {
        await work();
        setOpen(null);
        toast(done);
        list.reload();
      } catch (failure) {
        if (!isAuthError(failure)) setActionError(toApiError(failure));
      } finally {
        setBusy(false);
      }
    },
    [toast, list.reload],
  );

  const onAction = useCallback(
    (action: DestinationAction, destination: DestinationView) => {
      setActionError(null);
      if (action === 'test') void runTest(destination);
      else if (action === 'edit') setOpen({ dialog: 'edit', destination });
      else if (action === 'enable')
        void change(
          () => forwardingEndpoints.update(destination.id, { enabled: true }),
          `${destination.name} is enabled.`,
        );
      else setOpen({ dialog: action, destination });
    },
    [runTest, change],
  );
  const columns = useMemo(() => destinationColumns(onAction), [onAction]);

  if (isForbidden(list.error)) return <ForbiddenState />;

  const addButton = (
    <Button variant="primary" icon="plus" onClick={() => setOpen({ dialog: 'add' })}>
      Add destination
    </Button>
  );

  return (
    <>
      <PageHeader
        eyebrow="Settings · System"
        title="Audit forwarding"
        description="Audit events are delivered to these receivers as they are committed: each event once, with its id, kept while a receiver is down."
        actions={addButton}
      />
      {list.error && !isAuthError(list.error) ? (
        <ErrorBanner error={list.error} title="Destinations could not be loaded" onRetry={list.reload} />
      ) : (
        <div className="panel">
          <DataTable
            caption="Forwarding destinations"
            columns={columns}
            rows={list.data?.items}
            loading={list.loading && !list.data}
            rowKey={(destination) => destination.id}
            empty={
              <EmptyState icon="activity" title="Nothing is forwarded yet" action={addButton}>
                <p>
                  Add a syslog receiver or an HTTPS webhook to copy every sign-in, change and export to your SIEM as it
                  happens. Receivers can drop duplicates by the event id; see the receiver guide in docs/audit.md.
                </p>
              </EmptyState>
            }
            details={(destination) => {
              const test = tests[destination.id];
              return test ? (
                <TestResult
                  name={destination.name}
                  state={test}
                  onDismiss={() =>
                    setTests((current) => {
                      const { [destination.id]: _gone, ...rest } = current;
                      return rest;
                    })
                  }
                />
              ) : null;
            }}
          />
        </div>
      )}
      {(open?.dialog === 'add' || open?.dialog === 'edit') && (
        <DestinationFormDialog
          {...(open.dialog === 'edit' && { destination: open.destination })}
          onClose={() => setOpen(null)}
          onSaved={(saved, created) => {
            setOpen(null);
            toast(created ? `${saved.name} is added: new events are sent to it.` : `${saved.name} is saved.`);
            list.reload();
          }}
        />
      )}
      {open?.dialog === 'remove' && (
        <ConfirmDialog
          title={`Remove ${open.destination.name}?`}
          confirmLabel="Remove destination"
          busyLabel="Removing…"
          busy={busy}
          error={actionError}
          onCancel={() => setOpen(null)}
          onConfirm={() =>
            change(() => forwardingEndpoints.remove(open.destination.id), `${open.destination.name} is removed.`)
          }
        >
          <p>
            It receives nothing from now on
            {open.destination.status.backlog.value > 0 &&
              `, and the ${open.destination.status.backlog.exact ? '' : 'more than '}${open.destination.status.backlog.value.toLocaleString('en')} events still waiting for it are dropped`}
            . The audit log itself keeps every event.
          </p>
        </ConfirmDialog>
      )}
      {open?.dialog === 'disable' && (
        <ConfirmDialog
          title={`Disable ${open.destination.name}?`}
          confirmLabel="Disable"
          busyLabel="Disabling…"
          busy={busy}
          error={actionError}
          onCancel={() => setOpen(null)}
          onConfirm={() =>
            change(
              () => forwardingEndpoints.update(open.destination.id, { enabled: false }),
              `${open.destination.name} is disabled.`,
            )
          }
        >
          <p>
            Events committed while it is disabled are not sent to it, and what is waiting now is dropped. To fill a gap
            later, export the audit log for those dates.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
