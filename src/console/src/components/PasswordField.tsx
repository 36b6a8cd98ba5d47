import { type ReactNode, useId, useState } from 'react';
import { FieldShell } from './Field.tsx';
import { Icon } from './Icon.tsx';

/**
 * A password input with a Show/Hide toggle (in place of a "confirm password" field). The toggle's
 * name comes from its text, not a label, so "Password" still names exactly one control.
 */
export function PasswordField({
  label,
  name,
  value,
  onChange,
  onBlur,
  error,
  hint,
  autoComplete = 'current-password',
  autoFocus,
  form,
  noun = 'password',
  placeholder,
  maxLength,
}: {
  label: string;
  name: string;
  value?: string;
  onChange?: (value: string) => void;
  onBlur?: () => void;
  error?: string | undefined;
  hint?: ReactNode;
  autoComplete?: 'current-password' | 'new-password' | 'off';
  autoFocus?: boolean;
  /** Uncontrolled inputs (the native sign-in form) leave value/onChange out. */
  form?: string;
  /** What the Show/Hide toggle reveals, for screen readers ("Show secret"). */
  noun?: string;
  placeholder?: string;
  /** Shown as a count near the limit; never enforced by cutting what was typed (see FieldShell). */
  maxLength?: number;
}) {
  const id = useId();
  const [visible, setVisible] = useState(false);
  const controlled = onChange
    ? { value: value ?? '', onChange: (event: { target: { value: string } }) => onChange(event.target.value) }
    : {};
  return (
    <FieldShell
      id={id}
      label={label}
      hint={hint}
      error={error}
      length={value !== undefined ? { value, max: maxLength } : undefined}
    >
      {(describedBy) => (
        <div className="input-group">
          <input
            id={id}
            name={name}
            type={visible ? 'text' : 'password'}
            className="input"
            autoComplete={autoComplete}
            autoCapitalize="off"
            autoCorrect="off"
            spellCheck={false}
            // biome-ignore lint/a11y/noAutofocus: only the sign-in page asks for it, where typing is the one task
            autoFocus={autoFocus}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
            onBlur={onBlur}
            {...(placeholder && { placeholder })}
            {...(form && { form })}
            {...controlled}
          />
          <button
            type="button"
            className="input-addon"
            aria-pressed={visible}
            aria-controls={id}
            onClick={() => setVisible((shown) => !shown)}
          >
            <Icon name={visible ? 'eyeOff' : 'eye'} />
            <span>
              {visible ? 'Hide' : 'Show'}
              <span className="sr-only"> {noun}</span>
            </span>
          </button>
        </div>
      )}
    </FieldShell>
  );
}
