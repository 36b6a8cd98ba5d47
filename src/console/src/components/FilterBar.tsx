import { type InputHTMLAttributes, type ReactNode, useEffect, useId, useState } from 'react';
import { Button } from './Button.tsx';
import { type SelectGroup, type SelectOption, SelectOptions } from './Field.tsx';

/**
 * The typed filters of a bar (names, dates) as a draft: they apply with Enter or "Apply filters",
 * not letter by letter. `submit` checks the draft and applies it, returning the message to show
 * when it is not valid (or null).
 */
export function useFilterDraft<D extends Record<string, string>>(applied: D, submit: (draft: D) => string | null) {
  const [draft, setDraft] = useState(applied);
  const [error, setError] = useState<string | null>(null);
  const errorId = useId();
  const appliedKey = JSON.stringify(applied);

  // The address changed (Reset, Back, a link): show what applies now.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `appliedKey` stands for `applied` by value
  useEffect(() => setDraft(applied), [appliedKey]);

  return {
    draft,
    error,
    errorId,
    /** The typed filters differ from what applies (not yet applied, or refused). */
    dirty: JSON.stringify(draft) !== appliedKey,
    /** Back to what applies, without a message: the start of "Reset". */
    discard: () => {
      setDraft(applied);
      setError(null);
    },
    /** Props for the FilterInput of one typed filter: its draft value and change. */
    field: (key: keyof D & string) => ({
      value: draft[key],
      onChange: (value: string) => setDraft({ ...draft, [key]: value }),
    }),
    apply: () => setError(submit(draft)),
    /** For an input the error is about. */
    invalid: { 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? errorId : undefined },
  };
}

export type FilterDraft = ReturnType<typeof useFilterDraft>;

/** A filters form: the fields in a grid, the draft's error, a note, then Reset and Apply filters. */
export function FilterBar({
  label,
  draft,
  note,
  canReset,
  onReset,
  className,
  gridClassName,
  children,
}: {
  label: string;
  draft: Pick<FilterDraft, 'error' | 'errorId' | 'apply' | 'dirty' | 'discard'>;
  note: ReactNode;
  canReset: boolean;
  onReset: () => void;
  className?: string;
  gridClassName?: string;
  children: ReactNode;
}) {
  return (
    <form
      className={className ? `filters ${className}` : 'filters'}
      onSubmit={(event) => {
        event.preventDefault();
        draft.apply();
      }}
      aria-label={label}
      noValidate
    >
      <div className={gridClassName ? `filters-grid ${gridClassName}` : 'filters-grid'}>{children}</div>
      {draft.error && (
        <p className="field-error" id={draft.errorId} role="alert">
          {draft.error}
        </p>
      )}
      <div className="filters-footer">
        <p className="filters-note">{note}</p>
        <div className="filters-actions">
          {/* Issue 13.10: typed filters that were not applied (invalid dates, say) can be reset too. */}
          <Button
            disabled={!canReset && !draft.dirty && !draft.error}
            onClick={() => {
              draft.discard();
              onReset();
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

/** A labelled text (or date) input of a filter bar; `onChange` receives the value. */
export function FilterInput({
  label,
  onChange,
  ...input
}: { label: string; onChange: (value: string) => void } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'className' | 'onChange'
>) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input id={id} className="input" onChange={(event) => onChange(event.target.value)} {...input} />
    </div>
  );
}

/**
 * A labelled select that applies at once. `inline` puts the label beside it, as in a toolbar; the
 * default puts it above, as in a filter bar's grid.
 */
export function FilterSelect({
  label,
  value,
  onChange,
  options,
  groups,
  inline = false,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: SelectOption[];
  groups?: SelectGroup[];
  inline?: boolean;
}) {
  const id = useId();
  return (
    <div className={inline ? 'toolbar-filter' : 'field'}>
      <label className={inline ? undefined : 'field-label'} htmlFor={id}>
        {label}
      </label>
      <select id={id} className="input select" value={value} onChange={(event) => onChange(event.target.value)}>
        <SelectOptions options={options} groups={groups} />
      </select>
    </div>
  );
}
