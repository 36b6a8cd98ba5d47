import { FilterBar, FilterInput, FilterSelect, useFilterDraft } from '../../../components/FilterBar.tsx';
import { eventTypeOptions } from './event-labels.ts';
import type { AuditFilters } from './use-audit-filters.ts';

const OUTCOMES = [
  { value: '', label: 'Any outcome' },
  { value: 'success', label: 'Success' },
  { value: 'failure', label: 'Failure' },
];

/**
 * Event and outcome apply at once; actor, target and dates apply with Enter or "Apply" (typing a name
 * letter by letter should not fire a search per letter).
 */
export function AuditFiltersBar({
  filters,
  eventTypes,
  filtered,
  onChange,
  onReset,
}: {
  filters: AuditFilters;
  eventTypes: string[];
  filtered: boolean;
  onChange: (change: Partial<AuditFilters>) => void;
  onReset: () => void;
}) {
  const { actor, target, from, to } = filters;
  const draft = useFilterDraft({ actor, target, from, to }, (next) => {
    if (next.from && next.to && next.from > next.to) return 'The end date must be on or after the start date.';
    onChange(next);
    return null;
  });
  const { families, events } = eventTypeOptions(eventTypes);
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  return (
    <FilterBar
      label="Filter audit records"
      draft={draft}
      note={`Days are in your time zone (${timeZone}). Actor and target match a username or id exactly.`}
      canReset={filtered}
      onReset={onReset}
    >
      <FilterSelect
        label="Event"
        value={filters.type}
        onChange={(type) => onChange({ type })}
        options={[{ value: '', label: 'All events' }]}
        groups={[
          { label: 'Families', options: families },
          { label: 'Events', options: events },
        ]}
      />
      <FilterSelect
        label="Outcome"
        value={filters.outcome}
        onChange={(outcome) => onChange({ outcome: outcome as AuditFilters['outcome'] })}
        options={OUTCOMES}
      />
      <FilterInput label="Actor" placeholder="Username" maxLength={64} spellCheck={false} {...draft.field('actor')} />
      <FilterInput
        label="Target"
        placeholder="Username or id"
        maxLength={128}
        spellCheck={false}
        {...draft.field('target')}
      />
      <FilterInput label="From date" type="date" {...draft.field('from')} {...draft.invalid} />
      <FilterInput label="To date" type="date" {...draft.field('to')} {...draft.invalid} />
    </FilterBar>
  );
}
