import { type FormEvent, useEffect, useId, useState } from 'react';
import { Button } from '../../../components/Button.tsx';
import { eventTypeOptions } from './event-labels.ts';
import type { AuditFilters } from './use-audit-filters.ts';

/**
 * Event and outcome apply at once; actor, target and dates apply with Enter or "Apply" (typing a name
 * letter by letter should not fire a search per letter).
 */
export function AuditFiltersBar({
  filters,
  eventTypes,
  filtered,
  onChange,
}: {
  filters: AuditFilters;
  eventTypes: string[];
  filtered: boolean;
  onChange: (change: Partial<AuditFilters>) => void;
}) {
  const [draft, setDraft] = useState({
    actor: filters.actor,
    target: filters.target,
    from: filters.from,
    to: filters.to,
  });
  const [dateError, setDateError] = useState<string | null>(null);
  const ids = {
    type: useId(),
    outcome: useId(),
    actor: useId(),
    target: useId(),
    from: useId(),
    to: useId(),
    error: useId(),
  };
  const { families, events } = eventTypeOptions(eventTypes);
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  useEffect(() => {
    setDraft({ actor: filters.actor, target: filters.target, from: filters.from, to: filters.to });
  }, [filters.actor, filters.target, filters.from, filters.to]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (draft.from && draft.to && draft.from > draft.to) {
      setDateError('The end date must be on or after the start date.');
      return;
    }
    setDateError(null);
    onChange(draft);
  };

  const dateProps = (name: 'from' | 'to') => ({
    id: ids[name],
    type: 'date',
    className: 'input',
    value: draft[name],
    'aria-invalid': dateError ? true : undefined,
    'aria-describedby': dateError ? ids.error : undefined,
    onChange: (event: { target: { value: string } }) => setDraft({ ...draft, [name]: event.target.value }),
  });

  return (
    <form className="filters" onSubmit={apply} aria-label="Filter audit records" noValidate>
      <div className="filters-grid">
        <div className="field">
          <label className="field-label" htmlFor={ids.type}>
            Event
          </label>
          <select
            id={ids.type}
            className="input select"
            value={filters.type}
            onChange={(event) => onChange({ type: event.target.value })}
          >
            <option value="">All events</option>
            <optgroup label="Families">
              {families.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </optgroup>
            <optgroup label="Events">
              {events.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </optgroup>
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.outcome}>
            Outcome
          </label>
          <select
            id={ids.outcome}
            className="input select"
            value={filters.outcome}
            onChange={(event) => onChange({ outcome: event.target.value as AuditFilters['outcome'] })}
          >
            <option value="">Any outcome</option>
            <option value="success">Success</option>
            <option value="failure">Failure</option>
          </select>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.actor}>
            Actor
          </label>
          <input
            id={ids.actor}
            className="input"
            placeholder="Username"
            value={draft.actor}
            maxLength={64}
            spellCheck={false}
            onChange={(event) => setDraft({ ...draft, actor: event.target.value })}
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.target}>
            Target
          </label>
          <input
            id={ids.target}
            className="input"
            placeholder="Username or id"
            value={draft.target}
            maxLength={128}
            spellCheck={false}
            onChange={(event) => setDraft({ ...draft, target: event.target.value })}
          />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.from}>
            From date
          </label>
          <input {...dateProps('from')} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor={ids.to}>
            To date
          </label>
          <input {...dateProps('to')} />
        </div>
      </div>
      {dateError && (
        <p className="field-error" id={ids.error} role="alert">
          {dateError}
        </p>
      )}
      <div className="filters-footer">
        <p className="filters-note">
          Days are in your time zone ({timeZone}). Actor and target match a username or id exactly.
        </p>
        <div className="filters-actions">
          <Button
            disabled={!filtered}
            onClick={() => {
              setDateError(null);
              onChange({ type: '', outcome: '', actor: '', target: '', from: '', to: '' });
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
