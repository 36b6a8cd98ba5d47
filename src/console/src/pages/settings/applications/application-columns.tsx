import { Link } from 'react-router-dom';
import type { ApplicationView } from '../../../../../shared/api/applications.ts';
import { Badge } from '../../../components/Badge.tsx';
import type { Column } from '../../../components/DataTable.tsx';
import { Icon } from '../../../components/Icon.tsx';
import { Menu } from '../../../components/Menu.tsx';
import { SortHeader } from '../../../components/SortHeader.tsx';
import { Time } from '../../../components/Time.tsx';
import { AppMark } from './AppMark.tsx';
import type { ApplicationFilters, ApplicationSort } from './use-application-filters.ts';

export const applicationPath = (app: { id: number }) => `/settings/applications/${app.id}`;

export function applicationColumns(
  filters: Pick<ApplicationFilters, 'sort' | 'order'>,
  sortBy: (key: ApplicationSort) => void,
  onDelete: (app: ApplicationView) => void,
): Column<ApplicationView>[] {
  const sortable = (key: ApplicationSort, label: string) => ({
    header: <SortHeader label={label} active={filters.sort === key} order={filters.order} onSort={() => sortBy(key)} />,
    sort:
      filters.sort === key
        ? filters.order === 'asc'
          ? ('ascending' as const)
          : ('descending' as const)
        : ('none' as const),
  });
  return [
    {
      key: 'name',
      ...sortable('name', 'Name'),
      cell: (app) => (
        <span className="app-name">
          <AppMark name={app.name} colour={app.colour} />
          <span className="cell-stack">
            <Link to={applicationPath(app)} className="strong-link">
              {app.name}
            </Link>
            {app.description && <span className="cell-sub">{app.description}</span>}
          </span>
        </span>
      ),
    },
    {
      key: 'urls',
      header: 'URLs',
      cell: (app) => (
        <span className="cell-stack">
          {app.urls.map((url) => (
            <span key={`${url.host}${url.pathPrefix}`} className="mono">
              {url.host}
              {url.pathPrefix === '/' ? '' : url.pathPrefix}
            </span>
          ))}
        </span>
      ),
    },
    {
      key: 'rules',
      header: 'Access rules',
      cell: (app) =>
        app.ruleSummaries.length ? (
          <ol className="rule-summaries">
            {app.ruleSummaries.map((summary, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rules are identified by their position
              <li key={index}>{summary}</li>
            ))}
          </ol>
        ) : (
          <span className="cell-warning">No rules: everyone is refused</span>
        ),
    },
    {
      key: 'protocol',
      header: 'Protocol',
      className: 'cell-nowrap',
      cell: (app) => (
        <span className="cell-stack">
          <span>Forward auth</span>
          {app.headers.jwt && <span className="cell-sub">with signed JWT</span>}
        </span>
      ),
    },
    {
      key: 'enabled',
      ...sortable('enabled', 'Enabled'),
      cell: (app) =>
        app.enabled ? (
          <Badge tone="success" dot>
            Yes
          </Badge>
        ) : (
          <Badge dot>No</Badge>
        ),
    },
    { key: 'updated', ...sortable('updated', 'Changed'), cell: (app) => <Time value={app.updatedAt} stacked /> },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      className: 'cell-actions no-print',
      cell: (app) => (
        <Menu
          align="end"
          ariaLabel={`Actions for ${app.name}`}
          triggerClassName="icon-button"
          trigger={<Icon name="more" size={18} />}
          entries={[
            { kind: 'link', key: 'edit', label: 'Edit rules', icon: 'pencil', to: applicationPath(app) },
            { kind: 'separator', key: 'sep' },
            {
              kind: 'action',
              key: 'delete',
              label: 'Delete',
              icon: 'trash',
              danger: true,
              onSelect: () => onDelete(app),
            },
          ]}
        />
      ),
    },
  ];
}
