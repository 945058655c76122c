import { useEffect, useState } from 'react';
import { useSignedIn } from '../../session.js';

/**
 * The experiment ID of each run in `runIds`, looked up with `tracking.getRun` (runs are linked as
 * `/experiments/EXP/runs/RUN`). A run that cannot be read (deleted, no permission) maps to null;
 * runs still being looked up are missing from the map.
 */
export function useRunExperiments(runIds: string[]): Map<string, string | null> {
  const { client } = useSignedIn();
  const [found, setFound] = useState<Map<string, string | null>>(() => new Map());
  const key = [...new Set(runIds)].sort().join('\n');

  useEffect(() => {
    if (!key) return;
    let live = true;
    const ids = key.split('\n');
    Promise.all(
      ids.map((id) =>
        client.tracking.getRun(id).then(
          (run) => [id, run.info.experimentId] as const,
          () => [id, null] as const,
        ),
      ),
    ).then((pairs) => {
      if (live) setFound(new Map(pairs));
    });
    return () => {
      live = false;
    };
  }, [client, key]);

  return found;
}
