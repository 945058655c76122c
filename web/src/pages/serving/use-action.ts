import { useCallback, useState } from 'react';
import type { LatheClient } from '../../../../src/sdk/index.js';
import { errorMessage, useSignedIn } from '../../session.js';

/** A change made from the page: which one runs, the server's refusal, or what it did. */
export interface Action {
  /** The label of the change running now, or null. */
  pending: string | null;
  error: string | null;
  notice: string | null;
  /**
   * Runs `change` through the SDK; on success shows `describe(answer)` and calls `onDone`, on
   * failure shows the server's message (`{error: {code, message}}`).
   */
  run<T>(
    label: string,
    change: (client: LatheClient) => Promise<T>,
    describe: (answer: T) => string,
  ): Promise<void>;
}

/** Runs one change at a time and keeps its outcome for the page to show. */
export function useAction(onDone: () => void): Action {
  const { client, handleError } = useSignedIn();
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const run = useCallback(
    async <T>(label: string, change: (c: LatheClient) => Promise<T>, describe: (answer: T) => string) => {
      setPending(label);
      setError(null);
      setNotice(null);
      try {
        const answer = await change(client);
        setNotice(describe(answer));
        onDone();
      } catch (err) {
        if (!handleError(err)) setError(`${label}: ${errorMessage(err)}`);
      } finally {
        setPending(null);
      }
    },
    [client, handleError, onDone],
  );

  return { pending, error, notice, run };
}
