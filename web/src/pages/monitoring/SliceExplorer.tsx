import { type FormEvent, useCallback, useMemo, useState } from 'react';
import type { LatheClient, PerformanceGroup } from '../../../../src/sdk/index.js';
import { Chart, type ChartOption } from '../../components/Chart.js';
import { Alert, Loading, Panel } from '../../components/ui.js';
import { useApi } from '../../use-api.js';
import { num, pct, type WindowChoice } from './monitoring-format.js';

const lowerIsBetter = new Set(['mae', 'mse', 'rmse', 'mape', 'log_loss', 'brier_score']);

/** `region=eu, plan=pro` (commas or spaces between) as `{region: 'eu', plan: 'pro'}`; an error names the bad part. */
export function parseFilters(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of text.split(/[,\s]+/).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) return `"${part}" is not KEY=VALUE (e.g. region=eu)`;
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/**
 * Performance per slice: group the window's production predictions by a tag or feature (numeric
 * features by quartiles), optionally filtered, and compare the slices worst first.
 */
export function SliceExplorer({
  model,
  window,
  keys,
  metric,
}: {
  model: string;
  window: WindowChoice;
  /** The tags and features to group by, tags first. */
  keys: string[];
  metric: string;
}) {
  const [by, setBy] = useState(keys[0] ?? 'version');
  const [filterText, setFilterText] = useState('');
  const [where, setWhere] = useState<Record<string, string>>({});
  const [filterError, setFilterError] = useState<string | null>(null);
  const load = useCallback(
    (client: LatheClient) => client.monitoring.performance(model, { window, by, where }),
    [model, window, by, where],
  );
  const report = useApi(load);

  function applyFilters(e: FormEvent) {
    e.preventDefault();
    const parsed = parseFilters(filterText);
    if (typeof parsed === 'string') return setFilterError(parsed);
    setFilterError(null);
    setWhere(parsed);
  }

  return (
    <Panel title="Slice explorer">
      <form className="form form-inline monitoring-slice-form" aria-label="Slice" onSubmit={applyFilters}>
        <label className="field">
          <span className="field-label">Group by</span>
          <select value={by} onChange={(e) => setBy(e.target.value)} name="slice-by">
            {[...keys, 'version'].map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Where (KEY=VALUE, …)</span>
          <input
            name="slice-where"
            value={filterText}
            placeholder="plan=pro"
            onChange={(e) => setFilterText(e.target.value)}
          />
        </label>
        <button type="submit" className="btn">
          Apply
        </button>
      </form>
      {filterError && <Alert title="The filter is not valid">{filterError}</Alert>}
      {report.error && <Alert title="Could not load the slices">{report.error}</Alert>}
      {report.loading && !report.data && <Loading />}
      {report.data && !report.error && (
        <Slices groups={report.data.groups} overall={report.data.overall} by={by} metric={metric} />
      )}
    </Panel>
  );
}

function Slices({
  groups,
  overall,
  by,
  metric,
}: {
  groups: PerformanceGroup[];
  overall: PerformanceGroup;
  by: string;
  metric: string;
}) {
  const sign = lowerIsBetter.has(metric) ? -1 : 1;
  // Worst first; slices without the metric (nothing labeled) last.
  const sorted = useMemo(
    () =>
      [...groups].sort((a, b) => {
        const x = a.metrics[metric];
        const y = b.metrics[metric];
        if (x === undefined || y === undefined) return (x === undefined ? 1 : 0) - (y === undefined ? 1 : 0);
        return sign * (x - y);
      }),
    [groups, metric, sign],
  );
  const columns = useMemo(() => {
    const names = new Set(groups.flatMap((g) => Object.keys(g.metrics)));
    return [metric, ...[...names].filter((n) => n !== metric && !n.includes('matrix')).slice(0, 4)];
  }, [groups, metric]);
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 24 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? num(v) : '—') },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', inverse: true, data: sorted.map((g) => g.key) },
      series: [
        {
          name: metric,
          type: 'bar',
          data: sorted.map((g) => g.metrics[metric] ?? null),
          label: { show: true, position: 'right', formatter: (p) => num(p.value as number) },
        },
      ],
    }),
    [metric, sorted],
  );
  if (!groups.length) return <p className="muted">No production predictions in this window.</p>;
  return (
    <div className="monitoring-slices">
      <figure className="metric-chart monitoring-chart-slices">
        <figcaption className="metric-chart-title">
          {metric} by {by}, worst first (all: {num(overall.metrics[metric])})
        </figcaption>
        <Chart
          option={option}
          label={`${metric} per ${by} slice`}
          height={Math.max(140, 28 * sorted.length + 48)}
        />
      </figure>
      <div className="table-wrap">
        <table className="table" aria-label="Slices">
          <thead>
            <tr>
              <th scope="col">{by}</th>
              <th scope="col" className="num">
                Rows
              </th>
              <th scope="col" className="num">
                Labeled
              </th>
              <th scope="col" className="num">
                Coverage
              </th>
              {columns.map((c) => (
                <th key={c} scope="col" className="num">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {sorted.map((g) => (
              <tr key={g.key}>
                <td className="mono">{g.key}</td>
                <td className="num">{g.rows.toLocaleString('en-US')}</td>
                <td className="num">{g.labeled.toLocaleString('en-US')}</td>
                <td className="num">{pct(g.coverage)}</td>
                {columns.map((c) => (
                  <td key={c} className="num">
                    {num(g.metrics[c])}
                  </td>
                ))}
              </tr>
            ))}
            <tr className="monitoring-total">
              <td>all</td>
              <td className="num">{overall.rows.toLocaleString('en-US')}</td>
              <td className="num">{overall.labeled.toLocaleString('en-US')}</td>
              <td className="num">{pct(overall.coverage)}</td>
              {columns.map((c) => (
                <td key={c} className="num">
                  {num(overall.metrics[c])}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
    </div>
  );
}
