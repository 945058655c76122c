import { useCallback, useEffect, useRef, useState } from 'react';
import type { LatheClient } from '../../src/sdk/index.js';
import { replaceEqualDeep } from './replace-equal.js';
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

/** How `useApi` keeps data fresh. */
export interface ApiOptions {
  /**
   * Calls `load` again this many milliseconds after each answer, while the tab is visible (a
   * slow answer never overlaps the next call); undefined for no polling.
   */
  everyMs?: number | undefined;
}

/**
 * Loads data through the SDK when the component mounts and whenever `reload()` is called (and,
 * with `everyMs`, again and again). `load` must be stable (define it outside the component or
 * wrap it in useCallback); a null `load` loads nothing. Polls keep the data shown while they run.
 */
export function useApi<T>(
  load: ((client: LatheClient) => Promise<T>) | null,
  options: ApiOptions = {},
): ApiResult<T> {
  const { client, handleError } = useSignedIn();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<{ message: string; code: string | null } | null>(null);
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(0);
  const { everyMs } = options;

  useEffect(() => {
    void attempt;
    if (!load) return;
    const mine = ++latest.current;
    let timer: number | undefined;
    const tick = async (first: boolean) => {
      if (first || document.visibilityState !== 'hidden') {
        if (first) setLoading(true);
        try {
          const value = await load(client);
          if (latest.current !== mine) return;
          setData((previous) => replaceEqualDeep(previous, value));
          setError(null);
          setLoading(false);
        } catch (err) {
          if (latest.current !== mine || handleError(err)) return;
          const code = (err as { code?: unknown }).code;
          setError({ message: errorMessage(err), code: typeof code === 'string' ? code : null });
          setLoading(false);
        }
      }
      if (everyMs !== undefined && latest.current === mine)
        timer = window.setTimeout(() => void tick(false), everyMs);
    };
    void tick(true);
    return () => {
      latest.current++;
      window.clearTimeout(timer);
    };
  }, [client, load, handleError, attempt, everyMs]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error: error?.message ?? null, errorCode: error?.code ?? null, loading, reload };
}
