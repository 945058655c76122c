import { useCallback, useEffect, useRef, useState } from 'react';
import type { LatheClient } from '../../src/sdk/index.js';
import { errorMessage, useSignedIn } from './session.js';

export interface ApiResult<T> {
  data: T | undefined;
  /** The error's message, or null. Credentials errors never show here: they sign the user out. */
  error: string | null;
  /** The error's code when it was a LatheError (e.g. PERMISSION_DENIED). */
  errorCode: string | null;
  loading: boolean;
  reload(): void;
}

/**
 * Loads data through the SDK when the component mounts and whenever `reload()` is called.
 * `load` must be stable (define it outside the component or wrap it in useCallback).
 */
export function useApi<T>(load: (client: LatheClient) => Promise<T>): ApiResult<T> {
  const { client, handleError } = useSignedIn();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<{ message: string; code: string | null } | null>(null);
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    void attempt;
    const mine = ++latest.current;
    setLoading(true);
    load(client).then(
      (value) => {
        if (latest.current !== mine) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (latest.current !== mine || handleError(err)) return;
        const code = (err as { code?: unknown }).code;
        setError({ message: errorMessage(err), code: typeof code === 'string' ? code : null });
        setLoading(false);
      },
    );
    return () => {
      latest.current++;
    };
  }, [client, load, handleError, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error: error?.message ?? null, errorCode: error?.code ?? null, loading, reload };
}
