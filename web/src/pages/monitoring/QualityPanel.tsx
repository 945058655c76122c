import { useCallback } from 'react';
import type { LatheClient } from '../../../../src/sdk/index.js';
import { Alert, Loading, Panel } from '../../components/ui.js';
import { useApi } from '../../use-api.js';
import { num, pct, signed, type WindowChoice } from './monitoring-format.js';

/**
 * Data quality of the window's production rows against training: per feature missing values, values
 * outside the training range and categories training never had; refused records and volume change.
 */
export function QualityPanel({ model, window }: { model: string; window: WindowChoice }) {
  const load = useCallback(
    async (client: LatheClient) => await client.monitoring.quality(model, { window }),
    [model, window],
  );
  const quality = useApi(load, { everyMs: 60_000 });
  const q = quality.data;
  return (
    <Panel title="Data quality">
      {quality.error && <Alert title="Could not load data quality">{quality.error}</Alert>}
      {!q && !quality.error && <Loading />}
      {q && (
        <>
          <dl className="serving-live-stats" aria-label="Quality totals">
            <div>
              <dt>Rows in window</dt>
              <dd>{q.volume.rows.toLocaleString('en-US')}</dd>
            </div>
            <div>
              <dt>Volume vs the 7 windows before</dt>
              <dd data-testid="volume-change">
                {q.volume.change === null ? '—' : `${signed(q.volume.change * 100)}%`}
                {q.volume.anomaly && <span className="run-status run-killed monitoring-inline">anomaly</span>}
              </dd>
            </div>
            <div>
              <dt>Refused records</dt>
              <dd data-testid="refused">
                {q.rejected.toLocaleString('en-US')}{' '}
                <span className="muted small">({pct(q.typeViolationRate, 2)})</span>
              </dd>
            </div>
          </dl>
          <div className="table-wrap">
            <table className="table" aria-label="Data quality">
              <thead>
                <tr>
                  <th scope="col">Feature</th>
                  <th scope="col">Kind</th>
                  <th scope="col" className="num">
                    Missing (train → prod)
                  </th>
                  <th scope="col" className="num">
                    Out of range
                  </th>
                  <th scope="col">Training range</th>
                  <th scope="col" className="num">
                    New categories
                  </th>
                  <th scope="col">Most frequent new</th>
                </tr>
              </thead>
              <tbody>
                {q.features.map((f) => (
                  <tr key={f.feature}>
                    <td className="mono">{f.feature}</td>
                    <td>{f.kind}</td>
                    <td className="num nowrap">
                      {pct(f.baselineMissingRate)} → {pct(f.missingRate)}
                    </td>
                    <td className="num">{pct(f.outOfRangeRate)}</td>
                    <td className="nowrap">{f.range ? `${num(f.range.min)} … ${num(f.range.max)}` : '—'}</td>
                    <td className="num">{pct(f.newCategoryRate)}</td>
                    <td>
                      {f.newCategories.slice(0, 5).map((c) => (
                        <span key={c} className="tag">
                          {c}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Panel>
  );
}
