import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiError, toApiError } from './client.ts';

export interface QueryState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** True while a request is in flight (also when refreshing data already shown). */
  loading: boolean;
  reload(): void;
}

/**
 * Loads data when `key` changes. Keeps the previous data while a new request runs (no flicker when
 * paging or filtering) and ignores answers that arrive after a newer request started.
 */
export function useQuery<T>(key: string, load: (signal: AbortSignal) => Promise<T>): QueryState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` and `generation` are the triggers by design
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    loadRef.current(controller.signal).then(
      (result) => {
        if (controller.signal.aborted) return;
        setData(result);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(toApiError(failure));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload };
}
