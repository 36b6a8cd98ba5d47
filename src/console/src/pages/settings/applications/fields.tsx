import { useId } from 'react';
import { FieldNotes, FieldShell } from '../../../components/Field.tsx';

/** Several values, one per line (networks, paths). */
export function LinesField({
  label,
  name,
  value,
  onChange,
  error,
  hint,
  placeholder,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  hint?: string;
  placeholder?: string;
}) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} optional>
      {(describedBy) => (
        <textarea
          id={id}
          name={name}
          className="input textarea-lines"
          rows={2}
          value={value}
          placeholder={placeholder}
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </FieldShell>
  );
}

/** A row of checkboxes under one label (methods, kinds of MFA), as a fieldset. */
export function ChoiceChips({
  legend,
  options,
  selected,
  onChange,
  error,
  hint,
}: {
  legend: string;
  options: Array<{ value: string; label: string }>;
  selected: readonly string[];
  onChange: (selected: string[]) => void;
  error?: string | undefined;
  hint?: string;
}) {
  const id = useId();
  return (
    <fieldset
      className={error ? 'field field-invalid chip-set' : 'field chip-set'}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend className="field-label">{legend}</legend>
      <div className="chips">
        {options.map((option) => (
          <label key={option.value} className="chip">
            <input
              type="checkbox"
              className="checkbox"
              checked={selected.includes(option.value)}
              onChange={(event) =>
                onChange(
                  event.target.checked
                    ? [...selected, option.value]
                    : selected.filter((value) => value !== option.value),
                )
              }
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
      <FieldNotes id={id} error={error} hint={hint} />
    </fieldset>
  );
}

/** Chosen items as removable chips, and a select to add one more (keyboard: Tab to it, arrows, Enter). */
export function PickList({
  label,
  items,
  options,
  onAdd,
  onRemove,
  error,
  placeholder,
}: {
  label: string;
  items: Array<{ id: number; label: string }>;
  options: Array<{ id: number; label: string }>;
  onAdd: (id: number) => void;
  onRemove: (id: number) => void;
  error?: string | undefined;
  placeholder: string;
}) {
  const id = useId();
  const available = options.filter((option) => !items.some((item) => item.id === option.id));
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {items.length > 0 && (
        <ul className="chips" aria-label={`Chosen ${label.toLowerCase()}`}>
          {items.map((item) => (
            <li key={item.id} className="chip chip-chosen">
              <span>{item.label}</span>
              <button
                type="button"
                className="chip-remove"
                aria-label={`Remove ${item.label}`}
                onClick={() => onRemove(item.id)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <select
        id={id}
        className="input select"
        value=""
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => {
          if (event.target.value) onAdd(Number(event.target.value));
        }}
      >
        <option value="">{available.length ? placeholder : 'Nothing more to add'}</option>
        {available.map((option) => (
          <option key={option.id} value={option.id}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldNotes id={id} error={error} />
    </div>
  );
}
