import { type ReactNode, useId } from 'react';
import { FieldNotes } from './Field.tsx';

export interface RadioOption {
  value: string;
  label: string;
  description?: ReactNode;
}

/**
 * A labelled group of radio buttons (arrow keys move between them, as native radios do). With
 * descriptions, each choice is drawn as a card; without, the choices sit in one row.
 */
export function RadioGroupField({
  label,
  name,
  value,
  onChange,
  options,
  hint,
  error,
  disabled,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  options: RadioOption[];
  hint?: ReactNode;
  error?: string | undefined;
  disabled?: boolean;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const cards = options.some((option) => option.description);
  return (
    <div
      role="radiogroup"
      aria-labelledby={`${id}-label`}
      aria-describedby={[errorId, hintId].filter(Boolean).join(' ') || undefined}
      aria-invalid={error ? true : undefined}
      className={error ? 'field field-invalid' : 'field'}
    >
      <span className="field-label" id={`${id}-label`}>
        {label}
      </span>
      <div className={cards ? 'radio-cards' : 'radio-row'}>
        {options.map((option) => {
          const optionId = `${id}-${option.value}`;
          return (
            <div key={option.value} className={cards ? 'radio-card' : 'radio-option'}>
              <input
                id={optionId}
                type="radio"
                className="radio"
                name={name}
                value={option.value}
                checked={value === option.value}
                disabled={disabled}
                aria-describedby={option.description ? `${optionId}-description` : undefined}
                onChange={() => onChange(option.value)}
              />
              <span className="radio-text">
                {/* The label covers the whole card (::after), so a click anywhere on it chooses it. */}
                <label className="radio-label" htmlFor={optionId}>
                  {option.label}
                </label>
                {option.description && (
                  <span className="radio-description" id={`${optionId}-description`}>
                    {option.description}
                  </span>
                )}
              </span>
            </div>
          );
        })}
      </div>
      <FieldNotes id={id} error={error} hint={hint} />
    </div>
  );
}
