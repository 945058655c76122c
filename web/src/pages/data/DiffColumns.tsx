import { useMemo } from 'react';
import type { ColumnDiff, DatasetDiff } from '../../../../src/sdk/index.js';
import { Chart } from '../../components/Chart.js';
import { formatCount, formatShare, formatStat } from './data-format.js';
import { histogramOption, topValuesOption } from './profile-charts.js';

const p = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : v < 0.0001 ? '<0.0001' : v.toFixed(4);
const stat = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(3));

/** The Wasserstein distance in the basis' units: days for times, characters for text lengths. */
function wasserstein(c: ColumnDiff): string {
  const w = c.statistics?.wasserstein;
  if (w === null || w === undefined) return '—';
  if (c.basis === 'epoch_ms') return `${formatStat(w / 86_400_000)} days`;
  if (c.basis === 'length') return `${formatStat(w)} chars`;
  return formatStat(w);
}

/** A column's two sides as `before → after` when they differ. */
function change(a: number | string | undefined, b: number | string | undefined, fmt = formatStat) {
  if (a === undefined && b === undefined) return '—';
  const fa = a === undefined ? '—' : fmt(a);
  const fb = b === undefined ? '—' : fmt(b);
  return fa === fb ? fa : `${fa} → ${fb}`;
}

/** Every common column: kind, the drift statistics, missing share and mean on both sides, drifted or not. */
export function DiffTable({ diff, onlyDrifted }: { diff: DatasetDiff; onlyDrifted: boolean }) {
  const rows = diff.columns.filter((c) => !onlyDrifted || c.drifted);
  if (rows.length === 0) return <p className="muted">No column drifted.</p>;
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Column drift">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Compared as</th>
            <th scope="col" className="num">
              PSI
            </th>
            <th scope="col" className="num">
              KS (p)
            </th>
            <th scope="col" className="num">
              Jensen–Shannon
            </th>
            <th scope="col" className="num">
              χ² (p)
            </th>
            <th scope="col" className="num">
              Wasserstein
            </th>
            <th scope="col">Missing</th>
            <th scope="col">Mean</th>
            <th scope="col">Drift</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => {
            const s = c.statistics;
            return (
              <tr key={c.name} className={c.drifted ? 'drifted' : undefined}>
                <td>
                  <a className="mono strong" href={`#diff-${c.name}`}>
                    {c.name}
                  </a>
                </td>
                <td className="small">
                  {c.kind}
                  {c.basis === 'length' ? ' (length)' : ''}
                </td>
                <td className="num">{stat(s?.psi)}</td>
                <td className="num nowrap">{s?.ks ? `${stat(s.ks.statistic)} (${p(s.ks.pValue)})` : '—'}</td>
                <td className="num">{stat(s?.jensenShannon)}</td>
                <td className="num nowrap">
                  {s?.chiSquare ? `${formatStat(s.chiSquare.statistic)} (${p(s.chiSquare.pValue)})` : '—'}
                </td>
                <td className="num nowrap">{wasserstein(c)}</td>
                <td className="nowrap">
                  {change(c.reference.missingShare, c.current.missingShare, (v) => formatShare(Number(v)))}
                </td>
                <td className="nowrap">{change(c.reference.mean, c.current.mean)}</td>
                <td>
                  {c.drifted ? (
                    <span className="drift-mark" title={c.reasons.join(' ')}>
                      drifted
                    </span>
                  ) : s ? (
                    <span className="muted">no</span>
                  ) : (
                    <span className="muted" title={c.note}>
                      not compared
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** One card per compared column: both versions' distributions overlaid, as shares of their rows. */
export function DiffCharts({ diff, onlyDrifted }: { diff: DatasetDiff; onlyDrifted: boolean }) {
  const refName = `v${diff.reference.version}`;
  const curName = `v${diff.current.version}`;
  const names =
    diff.reference.name === diff.current.name ? [refName, curName] : [diff.reference.ref, diff.current.ref];
  const columns = diff.columns.filter((c) => (c.histogram || c.categories) && (!onlyDrifted || c.drifted));
  if (columns.length === 0) return null;
  return (
    <div className="diff-grid">
      {columns.map((c) => (
        <DiffCard key={c.name} column={c} names={names as [string, string]} />
      ))}
    </div>
  );
}

function DiffCard({ column: c, names }: { column: ColumnDiff; names: [string, string] }) {
  const option = useMemo(() => {
    if (c.histogram) {
      const h = c.histogram;
      return histogramOption(
        h.edges,
        [
          { name: names[0], counts: h.reference },
          { name: names[1], counts: h.current },
        ],
        true,
        c.basis === 'epoch_ms' ? 'date' : 'number',
      );
    }
    const k = c.categories!;
    const shown = k.values.slice(0, 12);
    return topValuesOption(
      shown,
      [
        { name: names[0], counts: k.reference.slice(0, 12) },
        { name: names[1], counts: k.current.slice(0, 12) },
      ],
      [c.reference.count, c.current.count],
      true,
    );
  }, [c, names]);
  const bars = c.categories ? Math.min(12, c.categories.values.length) : 0;
  const what = c.histogram ? 'Histograms' : 'Category shares';
  return (
    <article id={`diff-${c.name}`} className="profile-card" aria-label={`Drift of ${c.name}`}>
      <header className="profile-card-head">
        <h3 className="mono">{c.name}</h3>
        <span className="profile-card-type">
          <span className="small muted">{c.kind}</span>
          {c.drifted ? (
            <span className="check-status check-fail">drifted</span>
          ) : (
            <span className="check-status check-pass">stable</span>
          )}
        </span>
      </header>
      <Chart
        option={option}
        label={`${what} of ${c.name} in ${names[0]} and ${names[1]}`}
        height={c.histogram ? 170 : Math.max(110, 40 + bars * 30)}
      />
      {c.histogram && (c.histogram.currentBelow > 0 || c.histogram.currentAbove > 0) && (
        <p className="muted small">
          {formatCount(c.histogram.currentBelow)} values of {names[1]} lie below and{' '}
          {formatCount(c.histogram.currentAbove)} above the range of {names[0]} (counted in the end bins).
        </p>
      )}
      {c.categories && c.categories.newCount > 0 && (
        <p className="small">
          <span className="strong">New in {names[1]}:</span>{' '}
          {c.categories.redacted
            ? `${formatCount(c.categories.newCount)} categories (personal data, names hidden)`
            : c.categories.newCategories.join(', ')}
          {!c.categories.redacted && c.categories.newCount > c.categories.newCategories.length && ' …'}
        </p>
      )}
      {c.categories && c.categories.vanishedCount > 0 && (
        <p className="small">
          <span className="strong">Gone from {names[1]}:</span>{' '}
          {c.categories.redacted
            ? `${formatCount(c.categories.vanishedCount)} categories`
            : c.categories.vanishedCategories.join(', ')}
        </p>
      )}
      {c.reasons.length > 0 && <p className="small text-danger">{c.reasons.join(' ')}</p>}
      {c.note && <p className="muted small">{c.note}</p>}
    </article>
  );
}
