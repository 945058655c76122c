import { useCallback, useEffect, useRef, useState } from 'react';
import type { LatheClient } from '../../../../src/sdk/index.js';
import { errorMessage, useSignedIn } from '../../session.js';

/** The latest answer of a polled request, and the error of the last attempt (null once one succeeds again). */
export interface Polled<T> {
  data: T | undefined;
  error: string | null;
  /** Calls now (e.g. after a change), then every `everyMs` again. */
  reload(): void;
}

/**
 * Calls `load` now and every `everyMs` while the component is mounted (and the tab is visible);
 * a slow answer never overlaps the next call. `load` must be stable (useCallback). A null `load`
 * polls nothing.
 */
export function usePoll<T>(load: ((client: LatheClient) => Promise<T>) | null, everyMs: number): Polled<T> {
  const { client, handleError } = useSignedIn();
  const [state, setState] = useState<{ data: T | undefined; error: string | null }>({
    data: undefined,
    error: null,
  });
  const [nonce, setNonce] = useState(0);
  const alive = useRef(0);

  useEffect(() => {
    void nonce;
    if (!load) return;
    const mine = ++alive.current;
    let timer: number | undefined;
    const tick = async () => {
      if (document.visibilityState !== 'hidden') {
        try {
          const data = await load(client);
          if (alive.current !== mine) return;
          setState({ data, error: null });
        } catch (err) {
          if (alive.current !== mine || handleError(err)) return;
          setState((s) => ({ data: s.data, error: errorMessage(err) }));
        }
      }
      if (alive.current === mine) timer = window.setTimeout(tick, everyMs);
    };
    void tick();
    return () => {
      alive.current++;
      window.clearTimeout(timer);
    };
  }, [client, handleError, load, everyMs, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}
