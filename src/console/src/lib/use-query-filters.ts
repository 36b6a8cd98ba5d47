import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

export interface QueryFilterSpec<F extends { page: number }> {
  /** The filters in the address; anything missing or unknown reads as its default. */
  read(params: URLSearchParams): Omit<F, 'page'>;
  /** What "Reset" clears (a sort order is not a filter). */
  filterKeys: readonly (keyof F & string)[];
  /** Values left out of the address because they are the default (an empty value always is). */
  defaults?: Partial<Record<keyof F & string, string>>;
}

/** `value` when it is one of `options`, else '' (the "any" choice). */
export function oneOf<T extends string>(value: string | null, options: readonly T[]): T | '' {
  return options.find((option) => option === value) ?? '';
}

/**
 * Filters, order and page of a list live in the address (?role=&page=...), so reload, Back and shared
 * links keep them. `update` writes a change (replacing the history entry); any change but a page
 * starts again on page 1. Pass a `spec` defined once, outside the component.
 */
export function useQueryFilters<F extends { page: number }>(spec: QueryFilterSpec<F>) {
  const [params, setParams] = useSearchParams();
  const filters = {
    ...spec.read(params),
    page: Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1),
  } as F;

  const update = useCallback(
    (change: Partial<F>) => {
      const defaults: Record<string, string | undefined> = { page: '1', ...spec.defaults };
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(change)) {
            if (value === '' || value === undefined || String(value) === defaults[key]) next.delete(key);
            else next.set(key, String(value));
          }
          // A new filter starts again on page 1.
          if (!('page' in change)) next.delete('page');
          return next;
        },
        { replace: true },
      );
    },
    [setParams, spec.defaults],
  );

  const reset = useCallback(
    () => update(Object.fromEntries(spec.filterKeys.map((key) => [key, ''])) as Partial<F>),
    [update, spec.filterKeys],
  );

  return { filters, update, reset };
}
