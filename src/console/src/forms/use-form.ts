import { type FormEvent, useCallback, useRef, useState } from 'react';
import type { ZodType } from 'zod';
import { ApiError, isAuthError, toApiError } from '../api/client.ts';
import { useDismissToasts } from '../components/Toast.tsx';

export type FieldErrors = Record<string, string>;

/** zod issues -> the first message per top-level field: the same words the server would send. */
export function issuesToFields(schema: ZodType, values: unknown): { data?: unknown; errors: FieldErrors } {
  const result = schema.safeParse(values);
  if (result.success) return { data: result.data, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : '_';
    errors[key] ??= issue.message;
  }
  return { errors };
}

interface FormOptions<V> {
  initial: V;
  schema?: ZodType;
  /** Extra checks the schema cannot express (runs after the schema). */
  check?: (values: V) => FieldErrors;
  /** Error codes that belong to one field, e.g. USERNAME_TAKEN -> username. */
  codeFields?: Record<string, keyof V & string>;
}

/**
 * Form state with the console's conventions: validate on submit with the shared zod schema, re-check
 * a field as it is corrected, map the server's `fields` onto the inputs, focus the first bad field,
 * and keep the submit button busy while saving.
 */
export function useForm<V extends Record<string, string | boolean>>(options: FormOptions<V>) {
  const [values, setValues] = useState<V>(options.initial);
  const valuesRef = useRef(values);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<ApiError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const optionsRef = useRef(options);
  optionsRef.current = options;

  const validate = useCallback((next: V): { data?: unknown; errors: FieldErrors } => {
    const { schema, check } = optionsRef.current;
    const parsed = schema ? issuesToFields(schema, next) : { data: next, errors: {} };
    const extra = check ? check(next) : {};
    const errors = { ...parsed.errors, ...extra };
    return Object.keys(errors).length ? { errors } : { data: parsed.data, errors };
  }, []);

  const focusField = useCallback((name: string | undefined) => {
    if (!name) return;
    const element = formRef.current?.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`);
    element?.focus();
  }, []);

  const set = useCallback(
    <K extends keyof V & string>(name: K, value: V[K]) => {
      const next = { ...valuesRef.current, [name]: value };
      valuesRef.current = next;
      setValues(next);
      // Once a field shows an error, re-check it as it is corrected.
      setErrors((shown) => {
        if (!(name in shown)) return shown;
        const { [name]: _old, ...rest } = shown;
        const fresh = validate(next).errors[name];
        return fresh ? { ...rest, [name]: fresh } : rest;
      });
    },
    [validate],
  );

  const blur = useCallback(
    (name: keyof V & string) => {
      const current = valuesRef.current;
      const message = validate(current).errors[name];
      // An untouched empty field is not an error yet; it is flagged on submit.
      if (message && current[name] !== '') setErrors((shown) => ({ ...shown, [name]: message }));
    },
    [validate],
  );

  // Issue 13.10: a failed save clears the confirmations still on screen (an earlier "saved" over it misleads).
  const dismissToasts = useDismissToasts();
  const fail = useCallback(
    (failure: unknown) => {
      if (isAuthError(failure)) return; // the session provider is already sending the person to sign in
      dismissToasts();
      const error = toApiError(failure);
      const codeField = optionsRef.current.codeFields?.[error.code];
      if (codeField) {
        setErrors((shown) => ({ ...shown, [codeField]: error.message }));
        setFormError(null);
        focusField(codeField);
        return;
      }
      const { _: general, ...fields } = error.fields;
      setErrors(fields);
      setFormError(
        general
          ? new ApiError(error.status, error.code, general, { ...(error.requestId && { requestId: error.requestId }) })
          : error,
      );
      focusField(Object.keys(fields)[0]);
    },
    [focusField, dismissToasts],
  );

  const handleSubmit = useCallback(
    (onValid: (data: V, parsed: unknown) => Promise<void> | void) => async (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      if (submitting) return;
      const result = validate(values);
      setErrors(result.errors);
      if (Object.keys(result.errors).length) {
        setFormError(new ApiError(400, 'VALIDATION_FAILED', 'Some fields need attention.'));
        focusField(Object.keys(result.errors)[0]);
        return;
      }
      setFormError(null);
      setSubmitting(true);
      try {
        await onValid(values, result.data);
      } catch (failure) {
        fail(failure);
      } finally {
        setSubmitting(false);
      }
    },
    [fail, focusField, submitting, validate, values],
  );

  const reset = useCallback((next?: V) => {
    valuesRef.current = next ?? optionsRef.current.initial;
    setValues(valuesRef.current);
    setErrors({});
    setFormError(null);
  }, []);

  /** Props for a text-like field component: value, change, blur and its error. */
  const text = (name: keyof V & string) => ({
    name,
    value: String(values[name] ?? ''),
    error: errors[name],
    onChange: (value: string) => set(name, value as V[typeof name]),
    onBlur: () => blur(name),
  });

  return { values, set, errors, formError, submitting, handleSubmit, reset, formRef, text, fail };
}
