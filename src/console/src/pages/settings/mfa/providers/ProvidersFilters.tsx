import type { ProviderTypeView } from '../../../../../../shared/api/providers.ts';
import { FilterBar, FilterInput, FilterSelect, useFilterDraft } from '../../../../components/FilterBar.tsx';
import type { ProviderFilters } from './use-provider-filters.ts';

const ENABLED = [
  { value: '', label: 'Any' },
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];

/** Provider and Enabled apply at once; ID and Name apply with Enter or "Apply filters". */
export function ProvidersFilters({
  filters,
  types,
  filtered,
  onChange,
  onReset,
}: {
  filters: ProviderFilters;
  types: ProviderTypeView[];
  filtered: boolean;
  onChange: (change: Partial<ProviderFilters>) => void;
  onReset: () => void;
}) {
  const draft = useFilterDraft({ id: filters.id, name: filters.name }, (next) => {
    const id = next.id.trim();
    if (id && !/^[1-9]\d{0,8}$/.test(id)) return 'Enter a provider ID: a whole number such as 3.';
    onChange({ id, name: next.name });
    return null;
  });

  return (
    <FilterBar
      label="Filter providers"
      className="no-print"
      gridClassName="filters-grid-4"
      draft={draft}
      note="ID matches exactly; Name matches any part of the name."
      canReset={filtered}
      onReset={onReset}
    >
      <FilterInput
        label="ID"
        inputMode="numeric"
        placeholder="Any"
        maxLength={9}
        {...draft.field('id')}
        {...draft.invalid}
      />
      <FilterInput label="Name" placeholder="Part of the name" maxLength={100} {...draft.field('name')} />
      <FilterSelect
        label="Provider"
        value={filters.type}
        onChange={(type) => onChange({ type })}
        options={[
          { value: '', label: 'All providers' },
          ...types.map((type) => ({ value: type.id, label: type.label })),
        ]}
      />
      <FilterSelect
        label="Enabled"
        value={filters.enabled}
        onChange={(enabled) => onChange({ enabled: enabled as ProviderFilters['enabled'] })}
        options={ENABLED}
      />
    </FilterBar>
  );
}
