import { Link } from 'react-router-dom';
import { Fact, Facts, Panel } from '../../components/ui.js';
import { formatDuration } from '../../format.js';
import { formatValue, runUrl } from '../experiments/run-format.js';
import { versionUrl } from '../models/model-links.js';
import { RunValidationHistory } from './RunValidationHistory.js';
import type { TrainResult } from '../../../../src/sdk/index.js';

/** Metric name → value as a two-column table, sorted by name. */
function MetricsTable({ label, metrics }: { label: string; metrics: Record<string, number> }) {
  const rows = Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="table-wrap kv-wrap">
      <table className="table kv-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th scope="row" className="mono kv-key">
                {k}
              </th>
              <td className="mono num">{formatValue(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `0.8123 ± 0.0121`. */
export const meanStd = (s: { mean: number; std?: number }) =>
  s.std === undefined ? formatValue(s.mean) : `${formatValue(s.mean)} ± ${formatValue(s.std)}`;

/** The model version a job registered (a link), or `not registered`. */
export function RegisteredFact({ registered }: { registered: { name: string; version: string } | null }) {
  return (
    <Fact label="Registered">
      {registered ? (
        <Link to={versionUrl(registered.name, Number(registered.version))}>
          {registered.name} version {registered.version}
        </Link>
      ) : (
        'not registered'
      )}
    </Fact>
  );
}

/**
 * A finished training job: what was fitted, its test metrics, cross-validation and links; unless the
 * page `watched` the fit live, the run's validation history too.
 */
export function TrainResultView({ result: r, watched = false }: { result: TrainResult; watched?: boolean }) {
  return (
    <>
      <Panel
        title="Result"
        actions={
          <Link className="btn btn-primary btn-sm" to={runUrl(r.experimentId, r.runId)}>
            Open the run
          </Link>
        }
      >
        <Facts>
          <Fact label="Model">{r.model}</Fact>
          <Fact label="Task">{r.task}</Fact>
          <Fact label="Data">{r.data}</Fact>
          <Fact label="Target">{r.target}</Fact>
          <Fact label="Rows">
            {r.rows.train.toLocaleString('en-US')} train · {r.rows.test.toLocaleString('en-US')} test
          </Fact>
          <Fact label="Features">{r.features.length}</Fact>
          <Fact label="Iterations">{r.iterations ?? '—'}</Fact>
          <Fact label="Fit time">
            {r.fitSeconds < 1 ? `${Math.round(r.fitSeconds * 1000)} ms` : formatDuration(r.fitSeconds)}
          </Fact>
          <RegisteredFact registered={r.registered} />
        </Facts>
        {r.stopped && (
          <p className="muted">Cancelled during the fit: the model keeps what was built by then.</p>
        )}
      </Panel>
      {!watched && <RunValidationHistory runId={r.runId} />}
      <div className="run-grid training-grid">
        <Panel title="Test metrics">
          <MetricsTable label="Test metrics" metrics={r.metrics} />
        </Panel>
        <Panel title="Cross-validation">
          {r.cv ? (
            <table className="table kv-table" aria-label="Cross-validation">
              <thead>
                <tr>
                  <th scope="col">Metric</th>
                  <th scope="col">Mean ± std</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(r.cv).map(([k, s]) => (
                  <tr key={k}>
                    <th scope="row" className="mono kv-key">
                      {k}
                    </th>
                    <td className="mono num">{meanStd(s)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No cross-validation was asked for (set the folds to get mean ± std).</p>
          )}
        </Panel>
        <Panel title="Features">
          <p className="small">
            <span className="strong">{r.features.length} used:</span>{' '}
            <span className="mono">{r.features.join(', ') || '—'}</span>
          </p>
          {r.excluded.length === 0 ? (
            <p className="muted small">No column was left out.</p>
          ) : (
            <table className="table" aria-label="Excluded columns">
              <thead>
                <tr>
                  <th scope="col">Excluded column</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {r.excluded.map((e) => (
                  <tr key={e.column}>
                    <td className="mono">{e.column}</td>
                    <td>{e.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Panel>
      </div>
    </>
  );
}
