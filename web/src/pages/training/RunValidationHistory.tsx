import { useCallback, useMemo } from 'react';
import type { LatheClient } from '../../../../src/sdk/index.js';
import { Panel } from '../../components/ui.js';
import { useApi } from '../../use-api.js';
import { MetricChart } from '../experiments/MetricChart.js';
import { useMetricHistories } from '../experiments/metric-history.js';

/**
 * A finished training run's validation metrics by iteration (`valid_*`, logged by the train job),
 * for a job page opened after the job ended (the live chart only holds what the page saw).
 */
export function RunValidationHistory({ runId }: { runId: string }) {
  const load = useCallback((client: LatheClient) => client.tracking.getRun(runId), [runId]);
  const run = useApi(load);
  const keys = useMemo(
    () => (run.data?.data.metrics ?? []).map((m) => m.key).filter((k) => k.startsWith('valid_')),
    [run.data],
  );
  const runIds = useMemo(() => [runId], [runId]);
  const { histories } = useMetricHistories(runIds, keys);
  const mine = histories.get(runId);
  if (keys.length === 0 || !mine) return null;
  return (
    <Panel title="Validation metric by iteration">
      <div className="chart-grid">
        {keys.map((key) => (
          <MetricChart
            key={key}
            metric={key}
            xAxis="step"
            series={[{ name: key, points: mine.get(key) ?? [] }]}
          />
        ))}
      </div>
    </Panel>
  );
}
