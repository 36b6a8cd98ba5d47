import { type ReactNode, useId } from 'react';
import { FieldShell } from './Field.tsx';

/** A multi-line text field (PEM certificates and keys), monospaced, with the same label, hint and error as the others. */
export function TextAreaField({
  label,
  name,
  value,
  onChange,
  onBlur,
  error,
  hint,
  optional,
  placeholder,
  rows = 4,
  maxLength,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  onBlur?: () => void;
  error?: string | undefined;
  hint?: ReactNode;
  optional?: boolean;
  placeholder?: string;
  rows?: number;
  maxLength?: number;
}) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} optional={optional}>
      {(describedBy) => (
        <textarea
          id={id}
          name={name}
          className="input textarea mono"
          rows={rows}
          value={value}
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(event) => onChange(event.target.value)}
          {...(onBlur && { onBlur })}
          {...(placeholder && { placeholder })}
          {...(maxLength && { maxLength })}
        />
      )}
    </FieldShell>
  );
}
