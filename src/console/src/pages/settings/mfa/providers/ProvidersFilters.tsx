import { type FormEvent, useEffect, useId, useState } from 'react';
import type { ProviderTypeView } from '../../../../../../shared/api/providers.ts';
import { Button } from '../../../../components/Button.tsx';
import type { ProviderFilters } from './use-provider-filters.ts';

/** Provider and Enabled apply at once; ID and Name apply with Enter or "Apply filters". */
export function ProvidersFilters({
  filters,
  types,
  filtered,
  onChange,
}: {
  filters: ProviderFilters;
  types: ProviderTypeView[];
  filtered: boolean;
  onChange: (change: Partial<ProviderFilters>) => void;
}) {
  const [draft, setDraft] = useState({ id: filters.id, name: filters.name });
  const [idError, setIdError] = useState<string | null>(null);
  const ids = { id: useId(), name: useId(), type: useId(), enabled: useId(), error: useId() };

  useEffect(() => setDraft({ id: filters.id, name: filters.name }), [filters.id, filters.name]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const id = draft.id.trim();
    if (id && !/^[1-9]\d{0,8}$/.test(id)) {
      setIdError('Enter a provider ID: a whole number such as 3.');
      return;
    }
    setIdError(null);
    onChange({ id, name: draft.name });
  };

  return (
    <form className="filters no-print" onSubmit={apply} aria-label="Filter providers" noValidate>
      <div className="filters-grid filters-grid-4">
        <div className="field">
          <label className="field-label" htmlFor={ids.id}>
            ID
          </label>
          <input
            id={ids.id}
            className="input"
            inputMode="numeric"
            placeholder="Any"
            value={draft.id}
            maxLength={9}
            aria-invalid={idError ? true : undefined}
            aria-describedby={idError ? ids.error : undefined}
            onChange={(event) => setDraft({ ...draft, id: event.target.value })}
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.name}>
            Name
          </label>
          <input
            id={ids.name}
            className="input"
            placeholder="Part of the name"
            value={draft.name}
            maxLength={100}
            onChange={(event) => setDraft({ ...draft, name: event.target.value })}
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.type}>
            Provider
          </label>
          <select
            id={ids.type}
            className="input select"
            value={filters.type}
            onChange={(event) => onChange({ type: event.target.value })}
          >
            <option value="">All providers</option>
            {types.map((type) => (
              <option key={type.id} value={type.id}>
                {type.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.enabled}>
            Enabled
          </label>
          <select
            id={ids.enabled}
            className="input select"
            value={filters.enabled}
            onChange={(event) => onChange({ enabled: event.target.value as ProviderFilters['enabled'] })}
          >
            <option value="">Any</option>
            <option value="true">Yes</option>
            <option value="false">No</option>
          </select>
        </div>
      </div>
      {idError && (
        <p className="field-error" id={ids.error} role="alert">
          {idError}
        </p>
      )}
      <div className="filters-footer">
        <p className="filters-note">ID matches exactly; Name matches any part of the name.</p>
        <div className="filters-actions">
          <Button
            disabled={!filtered}
            onClick={() => {
              setIdError(null);
              onChange({ id: '', name: '', type: '', enabled: '' });
            }}
          >
            Reset
          </Button>
          <Button type="submit" variant="primary">
            Apply filters
          </Button>
        </div>
      </div>
    </form>
  );
}
