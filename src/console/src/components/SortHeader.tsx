import type { Column } from './DataTable.tsx';
import { Icon } from './Icon.tsx';

/**
 * A column header that sorts: a button inside the <th> (which carries aria-sort). The first click
 * sorts ascending, the next one reverses.
 */
export function SortHeader({
  label,
  active,
  order,
  onSort,
}: {
  label: string;
  active: boolean;
  order: 'asc' | 'desc';
  onSort: () => void;
}) {
  const icon = !active ? 'arrowUpDown' : order === 'asc' ? 'arrowUp' : 'arrowDown';
  return (
    <button type="button" className={active ? 'sort-button sort-button-active' : 'sort-button'} onClick={onSort}>
      <span>{label}</span>
      <Icon name={icon} size={13} />
    </button>
  );
}

/** A sortable column's header and its aria-sort, from the list's current order. */
export function sortableHeader<K extends string>(
  key: K,
  label: string,
  current: { sort: K; order: 'asc' | 'desc' },
  sortBy: (key: K) => void,
): Pick<Column<unknown>, 'header' | 'sort'> {
  const active = current.sort === key;
  return {
    header: <SortHeader label={label} active={active} order={current.order} onSort={() => sortBy(key)} />,
    sort: active ? (current.order === 'asc' ? 'ascending' : 'descending') : 'none',
  };
}
