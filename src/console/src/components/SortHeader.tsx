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
