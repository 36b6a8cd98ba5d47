import { FilterBar, FilterInput, FilterSelect, useFilterDraft } from '../../../components/FilterBar.tsx';
import type { ApplicationFilters } from './use-application-filters.ts';

/** Enabled applies at once; Name and Host apply with Enter or "Apply filters". */
export function ApplicationsFilters({
  filters,
  filtered,
  onChange,
  onReset,
}: {
  filters: ApplicationFilters;
  filtered: boolean;
  onChange: (change: Partial<ApplicationFilters>) => void;
  onReset: () => void;
}) {
  const draft = useFilterDraft({ name: filters.name, host: filters.host }, (next) => {
    onChange({ name: next.name, host: next.host });
    return null;
  });
  return (
    <FilterBar
      label="Filter applications"
      className="no-print"
      draft={draft}
      note="Name and Host match any part."
      canReset={filtered}
      onReset={onReset}
    >
      <FilterInput label="Name" placeholder="Part of the name" maxLength={80} {...draft.field('name')} />
      <FilterInput label="Host" placeholder="e.g. lab.example.com" maxLength={260} {...draft.field('host')} />
      <FilterSelect
        label="Enabled"
        value={filters.enabled}
        onChange={(enabled) => onChange({ enabled: enabled as ApplicationFilters['enabled'] })}
        options={[
          { value: '', label: 'Any' },
          { value: 'true', label: 'Yes' },
          { value: 'false', label: 'No' },
        ]}
      />
    </FilterBar>
  );
}
