import { useId } from 'react';
import { FieldShell } from '../../components/Field.tsx';

/**
 * A one-time code: numeric keyboard on phones, the browser's one-time-code autofill, "123 456" with a
 * space accepted (the server reads it the same). Recovery codes take letters too.
 */
export function CodeField({
  label,
  value,
  onChange,
  digits,
  error,
  hint,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Null for recovery codes (letters and digits, with dashes). */
  digits: number | null;
  error?: string | undefined;
  hint?: string;
}) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} error={error}>
      {(describedBy) => (
        <input
          id={id}
          name="code"
          className="input input-code"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          autoComplete="one-time-code"
          inputMode={digits ? 'numeric' : 'text'}
          autoCapitalize="none"
          spellCheck={false}
          // biome-ignore lint/a11y/noAutofocus: the code is the only thing to type on this page
          autoFocus
          maxLength={digits ? digits + 4 : 24}
          placeholder={digits ? '123 456'.slice(0, digits + 1) : 'xxxx-xxxx-xxxx-xxxx'}
        />
      )}
    </FieldShell>
  );
}

/** The code as the server will read it: spaces and dashes dropped. */
export function checkCode(value: string, digits: number | null): string | undefined {
  const compact = value.replace(/[\s-]/g, '');
  if (compact === '')
    return digits ? `Enter the ${digits}-digit code from your app.` : 'Enter one of your recovery codes.';
  if (digits && !new RegExp(`^\\d{${digits}}$`).test(compact)) return `The code is ${digits} digits, without letters.`;
  if (!digits && compact.length !== 16)
    return 'A recovery code has 16 letters and digits, such as 4k7q-2m9x-h3tp-8wcz.';
  return undefined;
}
