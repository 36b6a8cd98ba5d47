import { type ReactNode, useId, useState } from 'react';
import { Icon } from './Icon.tsx';

interface FieldShellProps {
  id: string;
  label: string;
  hint?: ReactNode | undefined;
  error?: string | undefined;
  optional?: boolean | undefined;
  /** The value's length against the field's limit, shown as it nears the limit. */
  length?: { value: string; max: number | undefined } | undefined;
  children: (describedBy: string | undefined) => ReactNode;
}

/** Within this many characters of the limit, the count shows. */
const NEAR_LIMIT = (max: number) => Math.max(5, Math.ceil(max * 0.1));

/**
 * Issue 13.10: a limit is never enforced by cutting what was typed or pasted (the browser's
 * `maxlength` drops the rest without a word, and a secret pasted with a space lost its last
 * character). The field takes everything, shows the count near the limit and says plainly when it is
 * over; the form's check (the server's, too) then refuses it with the field's message.
 */
function LengthNote({
  id,
  length,
  focused,
  place,
}: {
  id: string;
  length: { value: string; max: number };
  focused: boolean;
  place: 'label' | 'below';
}) {
  const count = [...length.value].length;
  const over = count > length.max;
  if (over)
    return place === 'below' ? (
      <p className="field-count field-count-over" id={`${id}-count`} aria-live="polite">
        {`${count} characters: ${count - length.max} over the limit of ${length.max}.`}
      </p>
    ) : null;
  // The count near the limit is for typing: shown in the field being edited only, beside its label, so
  // it comes and goes without moving anything (a button under a field must not move as the field blurs).
  if (place === 'below' || !focused || count < length.max - NEAR_LIMIT(length.max)) return null;
  return (
    <span className="field-count" id={`${id}-count`}>
      {count} of {length.max}
    </span>
  );
}

/** Label above, control, hint, then the error: the error is tied to the control by aria-describedby. */
export function FieldShell({ id, label, hint, error, optional, length, children }: FieldShellProps) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const countId = length?.max !== undefined ? `${id}-count` : undefined;
  const describedBy = [errorId, countId, hintId].filter(Boolean).join(' ') || undefined;
  const [focused, setFocused] = useState(false);
  return (
    <div
      className={error ? 'field field-invalid' : 'field'}
      onFocusCapture={() => setFocused(true)}
      onBlurCapture={() => setFocused(false)}
    >
      <div className="field-label-row">
        <label className="field-label" htmlFor={id}>
          {label}
          {optional && <span className="field-optional"> (optional)</span>}
        </label>
        {length?.max !== undefined && (
          <LengthNote id={id} length={{ value: length.value, max: length.max }} focused={focused} place="label" />
        )}
      </div>
      {children(describedBy)}
      {length?.max !== undefined && (
        <LengthNote id={id} length={{ value: length.value, max: length.max }} focused={focused} place="below" />
      )}
      <FieldNotes id={id} error={error} hint={hint} />
    </div>
  );
}

/** Under a control: its error, then its hint, as `${id}-error` and `${id}-hint` for aria-describedby. */
export function FieldNotes({ id, error, hint }: { id: string; error?: string | undefined; hint?: ReactNode }) {
  return (
    <>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          <Icon name="alertCircle" size={14} />
          <span>{error}</span>
        </p>
      )}
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </>
  );
}

interface TextFieldProps {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  error?: string | undefined;
  hint?: ReactNode;
  type?: 'text' | 'email' | 'search' | 'date';
  autoComplete?: string;
  autoFocus?: boolean;
  optional?: boolean;
  disabled?: boolean;
  readOnly?: boolean;
  placeholder?: string;
  maxLength?: number;
  spellCheck?: boolean;
}

export function TextField({
  label,
  name,
  onChange,
  error,
  hint,
  optional,
  type = 'text',
  maxLength,
  ...input
}: TextFieldProps) {
  const id = useId();
  return (
    <FieldShell
      id={id}
      label={label}
      hint={hint}
      error={error}
      optional={optional}
      length={{ value: input.value, max: maxLength }}
    >
      {(describedBy) => (
        <input
          id={id}
          name={name}
          type={type}
          className="input"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value)}
          {...input}
        />
      )}
    </FieldShell>
  );
}

export interface SelectOption {
  value: string;
  label: string;
}

export interface SelectGroup {
  label: string;
  options: SelectOption[];
}

/** The options of a <select>, then its groups of options. */
export function SelectOptions({ options, groups }: { options: SelectOption[]; groups?: SelectGroup[] | undefined }) {
  const list = (items: SelectOption[]) =>
    items.map((option) => (
      <option key={option.value} value={option.value}>
        {option.label}
      </option>
    ));
  return (
    <>
      {list(options)}
      {groups?.map((group) => (
        <optgroup key={group.label} label={group.label}>
          {list(group.options)}
        </optgroup>
      ))}
    </>
  );
}

export function SelectField({
  label,
  name,
  value,
  onChange,
  options,
  error,
  hint,
  disabled,
  groups,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  options: SelectOption[];
  groups?: SelectGroup[];
  error?: string | undefined;
  hint?: ReactNode;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      {(describedBy) => (
        <select
          id={id}
          name={name}
          className="input select"
          value={value}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value)}
        >
          <SelectOptions options={options} groups={groups} />
        </select>
      )}
    </FieldShell>
  );
}

export function CheckboxField({
  label,
  name,
  checked,
  onChange,
  hint,
}: {
  label: string;
  name: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="checkbox-field">
      <input
        id={id}
        name={name}
        type="checkbox"
        className="checkbox"
        checked={checked}
        aria-describedby={hintId}
        onChange={(event) => onChange(event.target.checked)}
      />
      <div>
        <label htmlFor={id}>{label}</label>
        {hint && (
          <p className="field-hint" id={hintId}>
            {hint}
          </p>
        )}
      </div>
    </div>
  );
}
