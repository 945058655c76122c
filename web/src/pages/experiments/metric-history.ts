import { useEffect, useState } from 'react';
import type { LatheClient, Metric } from '../../../../src/sdk/index.js';
import { errorMessage, useSignedIn } from '../../session.js';

/** Runs `tasks` with at most `limit` at a time; resolves to their results in order. */
export async function limited<T>(tasks: (() => Promise<T>)[], limit = 6): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}

/** The histories of `keys` for each of `runIds`: `histories.get(runId)?.get(key)`. */
export interface Histories {
  histories: Map<string, Map<string, Metric[]>>;
  loading: boolean;
  error: string | null;
}

/**
 * Loads every point of each metric key for each run (`metricHistory`), six requests at a time.
 * A key a run never logged gives an empty history.
 */
export function useMetricHistories(runIds: string[], keys: string[]): Histories {
  const { client, handleError } = useSignedIn();
  const [state, setState] = useState<Histories>({ histories: new Map(), loading: true, error: null });
  const runKey = runIds.join('\n');
  const metricKey = keys.join('\n');

  useEffect(() => {
    let live = true;
    const ids = runKey ? runKey.split('\n') : [];
    const names = metricKey ? metricKey.split('\n') : [];
    setState({ histories: new Map(), loading: ids.length > 0 && names.length > 0, error: null });
    if (ids.length === 0 || names.length === 0) return;
    const pairs = ids.flatMap((id) => names.map((key) => [id, key] as const));
    load(client, pairs).then(
      (results) => {
        if (!live) return;
        const histories = new Map<string, Map<string, Metric[]>>();
        pairs.forEach(([id, key], i) => {
          if (!histories.has(id)) histories.set(id, new Map());
          histories.get(id)!.set(key, results[i]!);
        });
        setState({ histories, loading: false, error: null });
      },
      (err: unknown) => {
        if (!live || handleError(err)) return;
        setState({ histories: new Map(), loading: false, error: errorMessage(err) });
      },
    );
    return () => {
      live = false;
    };
  }, [client, handleError, runKey, metricKey]);

  return state;
}

function load(client: LatheClient, pairs: (readonly [string, string])[]): Promise<Metric[][]> {
  return limited(
    pairs.map(
      ([id, key]) =>
        () =>
          client.tracking.metricHistory(id, key),
    ),
  );
}

/** A metric value for a chart: NaN and infinities become gaps. */
export const chartValue = (v: number) => (Number.isFinite(v) ? v : null);
