import { useCallback, useRef, useState } from 'react';
import type { VersionPrediction } from '../../../../src/sdk/index.js';
import { errorMessage, useSignedIn } from '../../session.js';

/** One call of the try-it panel: the rows sent and what the server answered. */
export interface PredictCall {
  rows: Record<string, unknown>[];
  result: VersionPrediction;
}

/**
 * Predicts rows with a version through the SDK (numeric strings allowed). Keeps the last answer and
 * the server's message when it refused the rows; a newer call wins over an older one still running.
 */
export function usePredict(modelRef: string) {
  const { client, handleError } = useSignedIn();
  const [call, setCall] = useState<PredictCall | null>(null);
  const [error, setError] = useState<string | null>(null);
  // True when the message came from this page (bad JSON), not from the server.
  const [local, setLocal] = useState(false);
  const [pending, setPending] = useState(false);
  const latest = useRef(0);

  const predict = useCallback(
    async (rows: Record<string, unknown>[]) => {
      const mine = ++latest.current;
      setPending(true);
      setError(null);
      setLocal(false);
      try {
        const result = await client.models.predict(modelRef, rows, { numericStrings: true });
        if (latest.current !== mine) return;
        setCall({ rows, result });
      } catch (err) {
        if (latest.current !== mine || handleError(err)) return;
        setCall(null);
        setError(errorMessage(err));
      } finally {
        if (latest.current === mine) setPending(false);
      }
    },
    [client, handleError, modelRef],
  );

  /** Shows a message found before calling the server (bad JSON), in the same place. */
  const fail = useCallback((message: string) => {
    latest.current++;
    setPending(false);
    setCall(null);
    setError(message);
    setLocal(true);
  }, []);

  return { call, error, local, pending, predict, fail };
}
