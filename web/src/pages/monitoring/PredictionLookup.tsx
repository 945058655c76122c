import { type FormEvent, useCallback, useMemo, useState } from 'react';
import type { LatheClient, PredictionExplanation } from '../../../../src/sdk/index.js';
import { Chart, type ChartOption } from '../../components/Chart.js';
import { Alert, Fact, Facts, Loading, Panel } from '../../components/ui.js';
import { formatMs } from '../../format.js';
import { useApi } from '../../use-api.js';
import { num } from './monitoring-format.js';

const show = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'number' ? num(v) : String(v);

/**
 * Looks a logged prediction up by ID: its features, prediction, probabilities, tags and actual, and
 * its explanation (SHAP values as a bar chart) or the reason there is none. `initialId` (from the
 * URL) is looked up at once; each lookup calls `onLookup` so the page can keep the ID in its URL.
 */
export function PredictionLookup({
  initialId,
  onLookup,
}: {
  initialId: string;
  onLookup: (id: string) => void;
}) {
  const [text, setText] = useState(initialId);
  const [id, setId] = useState(initialId);
  const load = useCallback(
    async (client: LatheClient) => {
      const prediction = await client.monitoring.prediction(id);
      const explanation = await client.monitoring.explainPrediction(id).catch((err: unknown) => ({
        error: err instanceof Error ? err.message : String(err),
      }));
      return { prediction, explanation };
    },
    [id],
  );
  const found = useApi(id ? load : null);

  function submit(e: FormEvent) {
    e.preventDefault();
    const next = text.trim();
    if (!next) return;
    setId(next);
    onLookup(next);
    if (next === id) found.reload();
  }

  const p = found.data?.prediction.predictionId === id ? found.data.prediction : undefined;
  const explanation = p ? found.data!.explanation : undefined;
  return (
    <Panel title="Prediction lookup">
      <form className="form form-inline" aria-label="Prediction lookup" onSubmit={submit}>
        <label className="field monitoring-id-field">
          <span className="field-label">Prediction ID</span>
          <input
            name="prediction-id"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="ID"
          />
        </label>
        <button type="submit" className="btn btn-primary">
          Look up
        </button>
      </form>
      {id && found.error && <Alert title={`No prediction ${id}`}>{found.error}</Alert>}
      {id && found.loading && !p && !found.error && <Loading label="Looking the prediction up…" />}
      {p && (
        <div className="monitoring-lookup" data-testid="prediction">
          <Facts>
            <Fact label="Model">
              {p.model}@{p.modelVersion}
            </Fact>
            <Fact label="Environment">{p.environment}</Fact>
            <Fact label="Time (UTC)">{formatMs(p.timestamp, { seconds: true })}</Fact>
            <Fact label="Prediction">
              <span className="strong" data-testid="prediction-value">
                {show(p.prediction)}
              </span>
            </Fact>
            <Fact label="Actual">
              <span data-testid="prediction-actual">
                {p.actual === null ? <span className="muted">not known yet</span> : p.actual}
              </span>
              {p.actual !== null && (
                <span
                  className={`run-status monitoring-inline ${String(p.actual) === String(p.prediction) ? 'run-finished' : 'run-failed'}`}
                >
                  {String(p.actual) === String(p.prediction) ? 'right' : 'wrong'}
                </span>
              )}
            </Fact>
            <Fact label="Latency">{p.latencyMs === null ? '—' : `${num(p.latencyMs)} ms`}</Fact>
            <Fact label="Tags">
              {Object.entries(p.tags).map(([k, v]) => (
                <span key={k} className="tag">
                  {k}={v}
                </span>
              ))}
              {!Object.keys(p.tags).length && '—'}
            </Fact>
            <Fact label="Probabilities">
              <span data-testid="probabilities">
                {p.probabilities
                  ? Object.entries(p.probabilities).map(([c, v]) => (
                      <span key={c} className="tag">
                        {c} {num(v)}
                      </span>
                    ))
                  : '—'}
              </span>
            </Fact>
            {p.endpoint && <Fact label="Endpoint">{p.endpoint}</Fact>}
          </Facts>
          <div className="monitoring-lookup-grid">
            <div className="table-wrap">
              <table className="table" aria-label="Features of the prediction">
                <thead>
                  <tr>
                    <th scope="col">Feature</th>
                    <th scope="col">Value</th>
                    <th scope="col" className="num">
                      SHAP
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(p.features).map(([f, v]) => (
                    <tr key={f}>
                      <td className="mono">{f}</td>
                      <td>{show(v)}</td>
                      <td className="num">
                        {explanation && 'values' in explanation ? num(explanation.values[f]) : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div>
              {explanation && 'error' in explanation && (
                <Alert kind="warning" title="No explanation">
                  {explanation.error}
                </Alert>
              )}
              {explanation && 'values' in explanation && <Explanation e={explanation} />}
            </div>
          </div>
        </div>
      )}
    </Panel>
  );
}

/** SHAP values as horizontal bars, largest |value| first; or why there are none. */
function Explanation({ e }: { e: PredictionExplanation }) {
  const entries = useMemo(
    () => Object.entries(e.values).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])),
    [e.values],
  );
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 40 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? num(v) : '—') },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', inverse: true, data: entries.map(([f]) => f) },
      series: [
        {
          name: 'SHAP',
          type: 'bar',
          data: entries.map(([, v]) => ({ value: v, itemStyle: { color: v >= 0 ? '#dc2626' : '#2563eb' } })),
          label: { show: true, position: 'right', formatter: (p) => num(p.value as number) },
        },
      ],
    }),
    [entries],
  );
  if (!entries.length)
    return (
      <Alert kind="info" title="No explanation">
        {e.reason ?? 'No SHAP values were logged for this prediction.'}
      </Alert>
    );
  return (
    <figure className="metric-chart monitoring-chart-shap">
      <figcaption className="metric-chart-title">
        SHAP values ({e.method === 'tree' ? 'TreeSHAP of the model' : 'as logged'}
        {e.base !== null ? `, base ${num(e.base)}` : ''}
        {e.output ? `, class ${e.output}` : ''})
      </figcaption>
      <Chart
        option={option}
        label="SHAP values of the prediction"
        height={Math.max(140, 26 * entries.length + 40)}
      />
    </figure>
  );
}
