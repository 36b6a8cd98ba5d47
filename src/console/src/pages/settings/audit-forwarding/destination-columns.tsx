import type { DestinationView } from '../../../../../shared/api/audit-forwarding.ts';
import { Badge } from '../../../components/Badge.tsx';
import type { Column } from '../../../components/DataTable.tsx';
import { Icon } from '../../../components/Icon.tsx';
import { Menu } from '../../../components/Menu.tsx';
import { Time } from '../../../components/Time.tsx';

export type DestinationAction = 'test' | 'edit' | 'enable' | 'disable' | 'remove';

function StateBadge({ destination }: { destination: DestinationView }) {
  switch (destination.status.state) {
    case 'ok':
      return (
        <Badge tone="success" dot>
          Delivering
        </Badge>
      );
    case 'failing':
      return (
        <Badge tone="danger" dot>
          Failing
        </Badge>
      );
    case 'disabled':
      return <Badge dot>Disabled</Badge>;
    default:
      return (
        <Badge tone="accent" dot>
          Waiting for events
        </Badge>
      );
  }
}

function StatusCell({ destination }: { destination: DestinationView }) {
  const { status } = destination;
  return (
    <span className="cell-stack destination-status">
      <StateBadge destination={destination} />
      {status.lastDeliveredAt && (
        <span className="cell-sub">
          Last delivered <Time value={status.lastDeliveredAt} />
          {status.lastDeliveredEventId !== null && <span className="mono"> · #{status.lastDeliveredEventId}</span>}
        </span>
      )}
    </span>
  );
}

function BacklogCell({ destination }: { destination: DestinationView }) {
  const { value, exact } = destination.status.backlog;
  if (value === 0) return <span className="muted">None</span>;
  return (
    <span title="Committed events not yet delivered">
      {exact ? value.toLocaleString('en') : `more than ${value.toLocaleString('en')}`}
    </span>
  );
}

function ErrorCell({ destination }: { destination: DestinationView }) {
  const { lastError, lastErrorAt, nextAttemptAt, state } = destination.status;
  if (!lastError) return <span className="muted">—</span>;
  return (
    <span className="cell-stack destination-error">
      <span className={state === 'failing' ? 'destination-error-text' : undefined}>{lastError}</span>
      <span className="cell-sub">
        <Time value={lastErrorAt} />
        {state === 'failing' && nextAttemptAt && (
          <>
            {' '}
            · next try <Time value={nextAttemptAt} />
          </>
        )}
      </span>
    </span>
  );
}

function ActionsMenu({
  destination,
  onAction,
}: {
  destination: DestinationView;
  onAction: (action: DestinationAction, destination: DestinationView) => void;
}) {
  return (
    <Menu
      align="end"
      ariaLabel={`Actions for ${destination.name}`}
      triggerClassName="icon-button"
      trigger={<Icon name="more" size={18} />}
      entries={[
        {
          kind: 'action',
          key: 'test',
          label: 'Send a test event',
          icon: 'activity',
          onSelect: () => onAction('test', destination),
        },
        { kind: 'action', key: 'edit', label: 'Edit', icon: 'pencil', onSelect: () => onAction('edit', destination) },
        destination.enabled
          ? {
              kind: 'action',
              key: 'disable',
              label: 'Disable',
              icon: 'power',
              onSelect: () => onAction('disable', destination),
            }
          : {
              kind: 'action',
              key: 'enable',
              label: 'Enable',
              icon: 'power',
              onSelect: () => onAction('enable', destination),
            },
        { kind: 'separator', key: 'sep' },
        {
          kind: 'action',
          key: 'remove',
          label: 'Remove',
          icon: 'trash',
          danger: true,
          onSelect: () => onAction('remove', destination),
        },
      ]}
    />
  );
}

export function destinationColumns(
  onAction: (action: DestinationAction, destination: DestinationView) => void,
): Column<DestinationView>[] {
  return [
    {
      key: 'name',
      header: 'Name',
      cell: (d) => (
        <span className="cell-stack">
          <span>{d.name}</span>
          <span className="cell-sub">{d.kind === 'syslog' ? 'Syslog' : 'HTTPS webhook'}</span>
        </span>
      ),
    },
    { key: 'target', header: 'Sends to', cell: (d) => <span className="mono cell-endpoint">{d.target}</span> },
    { key: 'status', header: 'Status', cell: (d) => <StatusCell destination={d} /> },
    { key: 'backlog', header: 'Backlog', className: 'cell-number', cell: (d) => <BacklogCell destination={d} /> },
    { key: 'error', header: 'Last error', cell: (d) => <ErrorCell destination={d} /> },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      className: 'cell-actions',
      cell: (d) => <ActionsMenu destination={d} onAction={onAction} />,
    },
  ];
}
