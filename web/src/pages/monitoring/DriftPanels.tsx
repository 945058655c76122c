import { useCallback } from 'react';
import type { DriftReport, FeatureDrift, LatheClient } from '../../../../src/sdk/index.js';
import { Alert, Loading, Panel } from '../../components/ui.js';
import { useApi } from '../../use-api.js';
import { bucketLabel, driftBucketOf, durationMs, num, pct, type WindowChoice } from './monitoring-format.js';

type DriftSeries = Awaited<ReturnType<LatheClient['monitoring']['driftSeries']>>;

/** PSI → a cell colour: white at 0, amber at the 0.1 "moderate" mark, red from 0.25 up. */
export function psiColour(psi: number | null): string {
  if (psi === null || !Number.isFinite(psi)) return 'transparent';
  const t = Math.min(1, Math.max(0, psi / 0.25));
  // Interpolate white (255,255,255) → amber (251,191,36) → red (220,38,38).
  const [a, b, u] =
    t < 0.4 ? [[255, 255, 255], [251, 191, 36], t / 0.4] : [[251, 191, 36], [220, 38, 38], (t - 0.4) / 0.6];
  const c = a.map((x, i) => Math.round(x + (b[i]! - x) * (u as number)));
  return `rgb(${c.join(',')})`;
}

/**
 * Drift of the model's inputs against its training baseline: a heatmap of PSI per feature and
 * time bucket (drifted cells marked), and the drift table over the whole window.
 */
export function DriftPanels({ model, window }: { model: string; window: WindowChoice }) {
  const bucket = driftBucketOf[window];
  const loadSeries = useCallback(
    (client: LatheClient) => {
      // Buckets aligned on UTC boundaries (whole days, or 4-hour blocks), the last one ending after now.
      const size = durationMs(bucket);
      const to = Math.ceil(Date.now() / size) * size;
      const from = to - durationMs(window);
      return client.monitoring.driftSeries(model, {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        bucket,
      });
    },
    [model, window, bucket],
  );
  const loadDrift = useCallback(
    (client: LatheClient) => client.monitoring.drift(model, { window }),
    [model, window],
  );
  const series = useApi(loadSeries, { everyMs: 60_000 });
  const drift = useApi(loadDrift, { everyMs: 60_000 });
  return (
    <>
      <Panel
        title="Drift over time"
        actions={<span className="muted small">PSI against training, by {bucket}</span>}
      >
        {series.error && <Alert title="Could not load the drift series">{series.error}</Alert>}
        {series.data ? <DriftHeatmap series={series.data} /> : !series.error && <Loading />}
      </Panel>
      <Panel
        title="Drift against training"
        actions={
          drift.data && (
            <span className="muted small" data-testid="drift-share">
              {drift.data.drifted.length} of {drift.data.features.length} features drifted (
              {pct(drift.data.driftShare, 0)})
            </span>
          )
        }
      >
        {drift.error && <Alert title="Could not compute drift">{drift.error}</Alert>}
        {drift.data ? <DriftTable report={drift.data} /> : !drift.error && <Loading />}
      </Panel>
    </>
  );
}

/** Features × buckets, coloured by PSI; a drifted cell has a dark outline and a dot. */
export function DriftHeatmap({ series }: { series: DriftSeries }) {
  if (!series.buckets.length || !series.features.length)
    return <p className="muted">No production rows in this window to compare.</p>;
  const rows = [...series.features, ...(series.buckets.some((b) => b.prediction) ? ['(prediction)'] : [])];
  const cell = (b: DriftSeries['buckets'][number], feature: string) =>
    feature === '(prediction)'
      ? b.prediction
      : (b.features.find((f) => f.feature === feature) ?? { psi: null, drifted: false });
  return (
    <div className="table-wrap">
      <table className="monitoring-heatmap" aria-label="Drift heatmap">
        <thead>
          <tr>
            <th scope="col">Feature</th>
            {series.buckets.map((b) => (
              <th key={b.from} scope="col" title={`${b.rows} rows`}>
                {bucketLabel(b.from, series.bucketMs)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => (
            <tr key={f}>
              <th scope="row" className="mono">
                {f}
              </th>
              {series.buckets.map((b) => {
                const c = cell(b, f);
                const psi = c?.psi ?? null;
                return (
                  <td
                    key={b.from}
                    className={c?.drifted ? 'heat-cell heat-drifted' : 'heat-cell'}
                    style={{ background: psiColour(psi) }}
                    title={`${f}, ${bucketLabel(b.from, series.bucketMs)}: PSI ${num(psi)}${c?.drifted ? ' (drifted)' : ''}, ${b.rows} rows`}
                    data-drifted={c?.drifted ? 'true' : undefined}
                  >
                    {psi === null ? '' : psi.toFixed(3)}
                    {c?.drifted && (
                      <>
                        <span className="heat-mark" aria-hidden="true" />
                        <span className="sr-only"> drifted</span>
                      </>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small monitoring-legend">
        <span className="heat-swatch" style={{ background: psiColour(0) }} /> 0
        <span className="heat-swatch" style={{ background: psiColour(0.1) }} /> 0.1
        <span className="heat-swatch" style={{ background: psiColour(0.25) }} /> ≥ 0.25 PSI · outlined cells
        are drifted · empty cells had no rows
      </p>
    </div>
  );
}

function statsOf(f: FeatureDrift) {
  const s = f.statistics;
  return {
    psi: s?.psi ?? null,
    js: s?.jensenShannon ?? null,
    test: s?.ks
      ? `KS ${num(s.ks.statistic)} (p ${num(s.ks.pValue)})`
      : s?.chiSquare
        ? `χ² ${num(s.chiSquare.statistic)} (p ${num(s.chiSquare.pValue)})`
        : '—',
    wasserstein: s?.wasserstein ?? null,
  };
}

/** One row per feature (and the prediction): statistics, missing values, drifted or not and why. */
export function DriftTable({ report }: { report: DriftReport }) {
  const rows = [
    ...report.features.map((f) => ({ f, key: f.feature, label: f.feature })),
    ...(report.prediction
      ? [
          {
            f: report.prediction,
            key: '(prediction)',
            label:
              report.prediction.feature === 'prediction'
                ? 'prediction'
                : `${report.prediction.feature} (prediction)`,
          },
        ]
      : []),
  ];
  const t = report.thresholds;
  return (
    <>
      <p className="muted small monitoring-note">
        Training: {report.baseline.rows.toLocaleString('en-US')} rows · production:{' '}
        {report.current.rows.toLocaleString('en-US')} rows · thresholds PSI ≥ {t.psi}, KS ≥ {t.ksStatistic}{' '}
        with p &lt; {t.pValue}, Jensen–Shannon ≥ {t.jensenShannon}
      </p>
      <div className="table-wrap">
        <table className="table" aria-label="Drift against training">
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Kind</th>
              <th scope="col" className="num">
                PSI
              </th>
              <th scope="col">Test</th>
              <th scope="col" className="num">
                Jensen–Shannon
              </th>
              <th scope="col" className="num">
                Wasserstein
              </th>
              <th scope="col" className="num">
                Missing (train → prod)
              </th>
              <th scope="col">Drifted</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ f, key, label }) => {
              const s = statsOf(f);
              return (
                <tr key={key} className={f.drifted ? 'monitoring-row-drifted' : undefined}>
                  <td className="mono">{label}</td>
                  <td>{f.kind}</td>
                  <td className="num">{num(s.psi)}</td>
                  <td className="nowrap">{s.test}</td>
                  <td className="num">{num(s.js)}</td>
                  <td className="num">{num(s.wasserstein)}</td>
                  <td className="num nowrap">
                    {pct(f.missing.baseline)} → {pct(f.missing.current)}
                  </td>
                  <td title={f.reasons.join('; ') || undefined}>
                    {f.drifted ? (
                      <span className="run-status run-failed">drifted</span>
                    ) : (
                      <span className="muted">no</span>
                    )}
                    {f.drifted && f.reasons.length > 0 && (
                      <span className="muted small"> {f.reasons.join('; ')}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
