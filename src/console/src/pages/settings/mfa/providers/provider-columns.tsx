import { Link } from 'react-router-dom';
import type { ProviderView } from '../../../../../../shared/api/providers.ts';
import { Badge } from '../../../../components/Badge.tsx';
import type { Column } from '../../../../components/DataTable.tsx';
import { Icon } from '../../../../components/Icon.tsx';
import { Menu } from '../../../../components/Menu.tsx';
import { sortableHeader } from '../../../../components/SortHeader.tsx';
import { Time } from '../../../../components/Time.tsx';
import { EnabledBadge, failsOpen, LastCheck, ManagedByCodeBadge } from './provider-badges.tsx';
import type { ProviderFilters, ProviderSort } from './use-provider-filters.ts';

export type ProviderAction = 'test' | 'enable' | 'disable' | 'delete';

export const providerPath = (provider: ProviderView) => `/settings/mfa/providers/${provider.id}`;

function NameCell({ provider }: { provider: ProviderView }) {
  return (
    <span className="cell-stack provider-name">
      <span className="provider-name-line">
        <Link to={providerPath(provider)}>{provider.name}</Link>
        {provider.unusableReason && (
          <Badge tone="danger" dot>
            Unusable
          </Badge>
        )}
        {failsOpen(provider) && (
          <span title="If Duo is unreachable, users sign in with their password alone (audited).">
            <Badge tone="warning">Fails open</Badge>
          </span>
        )}
        {provider.managedBy && <ManagedByCodeBadge managedBy={provider.managedBy} />}
      </span>
      {provider.unusableReason && (
        <span className="provider-unusable">
          <Icon name="alertCircle" size={13} />
          {provider.unusableReason}
        </span>
      )}
    </span>
  );
}

function ActionsMenu({
  provider,
  onAction,
}: {
  provider: ProviderView;
  onAction: (action: ProviderAction, provider: ProviderView) => void;
}) {
  return (
    <Menu
      align="end"
      ariaLabel={`Actions for ${provider.name}`}
      triggerClassName="icon-button"
      trigger={<Icon name="more" size={18} />}
      entries={[
        { kind: 'link', key: 'edit', label: 'Edit', icon: 'pencil', to: providerPath(provider) },
        {
          kind: 'action',
          key: 'test',
          label: 'Test connection',
          icon: 'plug',
          onSelect: () => onAction('test', provider),
        },
        provider.enabled
          ? {
              kind: 'action',
              key: 'disable',
              label: 'Disable',
              icon: 'power',
              onSelect: () => onAction('disable', provider),
            }
          : {
              kind: 'action',
              key: 'enable',
              label: 'Enable',
              icon: 'power',
              onSelect: () => onAction('enable', provider),
            },
        { kind: 'separator', key: 'sep' },
        {
          kind: 'action',
          key: 'delete',
          label: 'Delete',
          icon: 'trash',
          danger: true,
          onSelect: () => onAction('delete', provider),
        },
      ]}
    />
  );
}

export function providerColumns(
  filters: Pick<ProviderFilters, 'sort' | 'order'>,
  sortBy: (key: ProviderSort) => void,
  onAction: (action: ProviderAction, provider: ProviderView) => void,
): Column<ProviderView>[] {
  const sortable = (key: ProviderSort, label: string) => sortableHeader(key, label, filters, sortBy);
  return [
    { key: 'id', ...sortable('id', 'ID'), className: 'cell-nowrap', cell: (p) => <span className="mono">{p.id}</span> },
    { key: 'name', ...sortable('name', 'Name'), cell: (p) => <NameCell provider={p} /> },
    { key: 'type', ...sortable('type', 'Provider'), className: 'cell-nowrap', cell: (p) => p.typeLabel },
    { key: 'enabled', ...sortable('enabled', 'Enabled'), cell: (p) => <EnabledBadge enabled={p.enabled} /> },
    {
      key: 'endpoint',
      header: 'Endpoint',
      cell: (p) => (p.endpoint ? <span className="mono cell-endpoint">{p.endpoint}</span> : '—'),
    },
    {
      key: 'users',
      header: <span title="Users who sign in with this provider">Users</span>,
      className: 'cell-number',
      cell: (p) => p.affectedUsers,
    },
    { key: 'created', ...sortable('created', 'Created'), cell: (p) => <Time value={p.createdAt} stacked /> },
    { key: 'lastCheck', ...sortable('lastCheck', 'Last check'), cell: (p) => <LastCheck check={p.lastCheck} /> },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      className: 'cell-actions no-print',
      cell: (p) => <ActionsMenu provider={p} onAction={onAction} />,
    },
  ];
}
