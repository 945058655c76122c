import { type ReactNode, useMemo } from 'react';
import type { ColumnProfile, ColumnSchema } from '../../../../src/sdk/index.js';
import { Chart } from '../../components/Chart.js';
import { formatTime } from '../../format.js';
import { axisNumber, formatCount, formatShare, formatStat } from './data-format.js';
import { histogramOption, perPeriodOption, sketchSeries, topValuesOption } from './profile-charts.js';
import { SemanticBadge } from './SchemaTable.js';

const quantileKeys = ['p1', 'p5', 'p25', 'p50', 'p75', 'p95', 'p99'] as const;

/** What a column's card draws: its stored histogram, its top values, or its rows per period. */
function chartKind(p: ColumnProfile): 'histogram' | 'top' | 'period' | null {
  if (p.datetime && p.datetime.perPeriod.length > 0) return 'period';
  // Few distinct values, all of them in the top list (a 0/1 target, a small code): bars per value.
  if (p.top && p.top.length > 0 && (!p.histogram || p.distinct <= p.top.length)) return 'top';
  if (p.histogram && p.histogram.counts.length > 0) return 'histogram';
  return null;
}

/** One card per column: a chart and the key statistics of its profile. */
export function ProfileCards({
  columns,
  profiles,
  piiColumns,
}: {
  columns: ColumnSchema[];
  profiles: ColumnProfile[];
  piiColumns: Set<string>;
}) {
  const byName = new Map(profiles.map((p) => [p.name, p]));
  return (
    <div className="profile-grid">
      {columns.map((c) => {
        const p = byName.get(c.name);
        return p ? <ColumnCard key={c.name} column={c} profile={p} pii={piiColumns.has(c.name)} /> : null;
      })}
    </div>
  );
}

function ColumnCard({
  column,
  profile: p,
  pii,
}: {
  column: ColumnSchema;
  profile: ColumnProfile;
  pii: boolean;
}) {
  const kind = chartKind(p);
  const option = useMemo(() => {
    if (kind === 'histogram')
      return histogramOption(p.histogram!.edges, [sketchSeries(p.name, p.histogram!)]);
    if (kind === 'top') {
      const top = p.top!.slice(0, 10);
      return topValuesOption(
        top.map((t) => t.value),
        [{ name: p.name, counts: top.map((t) => t.count) }],
        [p.count],
      );
    }
    if (kind === 'period') return perPeriodOption(p.datetime!);
    return null;
  }, [kind, p]);
  const chartLabel =
    kind === 'histogram'
      ? `Histogram of ${p.name}: ${p.histogram!.counts.length} bins`
      : kind === 'top'
        ? `Most frequent values of ${p.name}`
        : `Rows per ${p.datetime?.period} of ${p.name}`;
  const topShown = kind === 'top' ? Math.min(10, p.top!.length) : 0;

  return (
    <article className="profile-card" aria-label={`Profile of ${p.name}`}>
      <header className="profile-card-head">
        <h3 className="mono">{p.name}</h3>
        <span className="profile-card-type">
          <span className="mono small muted">{column.type}</span>
          <SemanticBadge semantic={p.semantic} />
          {pii && <span className="badge badge-pii">PII</span>}
        </span>
      </header>
      {option ? (
        <Chart
          option={option}
          label={chartLabel}
          height={kind === 'top' ? Math.max(80, 24 + topShown * 20) : 140}
        />
      ) : (
        <p className="muted small profile-no-chart">
          {p.semantic === 'identifier' || p.semantic === 'text'
            ? 'No chart: values are mostly distinct.'
            : 'No chart for this column.'}
        </p>
      )}
      {kind === 'top' && p.distinct > topShown && (
        <p className="muted small profile-note">
          Top {topShown} of {p.distinctApproximate ? '≈' : ''}
          {formatCount(p.distinct)} distinct values.
        </p>
      )}
      <dl className="profile-stats">
        <Stat label="Missing">
          {formatCount(p.missing)} <span className="muted">({formatShare(p.missingShare)})</span>
        </Stat>
        <Stat label="Distinct">
          {p.distinctApproximate ? '≈' : ''}
          {formatCount(p.distinct)}
        </Stat>
        {p.min !== undefined && !p.datetime && <Stat label="Min">{formatStat(p.min)}</Stat>}
        {p.max !== undefined && !p.datetime && <Stat label="Max">{formatStat(p.max)}</Stat>}
        {p.mean !== undefined && <Stat label="Mean">{formatStat(p.mean)}</Stat>}
        {p.std !== undefined && <Stat label="Std">{formatStat(p.std)}</Stat>}
        {p.length && (
          <Stat label="Length" wide>
            {p.length.min}–{p.length.max} <span className="muted">(mean {formatStat(p.length.mean)})</span>
          </Stat>
        )}
        {p.numericShare !== undefined && <Stat label="Numeric share">{formatShare(p.numericShare)}</Stat>}
        {p.datetime && <DatetimeStats dt={p.datetime} dateOnly={column.type.toUpperCase() === 'DATE'} />}
      </dl>
      {p.quantiles && (
        <table className="quantiles" aria-label={`Quantiles of ${p.name}`}>
          <thead>
            <tr>
              {quantileKeys.map((k) => (
                <th key={k} scope="col">
                  {k}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              {quantileKeys.map((k) => (
                <td key={k} title={formatStat(p.quantiles![k])}>
                  {axisNumber(p.quantiles![k]!)}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      )}
      {p.quantilesApproximate && <p className="muted small">Quantiles are t-digest estimates.</p>}
    </article>
  );
}

function Stat({ label, children, wide = false }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? 'profile-stat profile-stat-wide' : 'profile-stat'}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function DatetimeStats({ dt, dateOnly }: { dt: NonNullable<ColumnProfile['datetime']>; dateOnly: boolean }) {
  const cov = dt.seasonalCoverage;
  const time = (iso: string) => (dateOnly ? iso.slice(0, 10) : formatTime(iso));
  return (
    <>
      <Stat label="From">{time(dt.min)}</Stat>
      <Stat label="To">{time(dt.max)}</Stat>
      <Stat label="Span">{formatStat(dt.spanDays)} days</Stat>
      <Stat label={`Empty ${dt.period}s`}>{formatCount(dt.emptyPeriods)}</Stat>
      <Stat label="Largest gap" wide>
        {formatStat(dt.largestGapDays)} days
        {dt.largestGapStart && <span className="muted"> from {dt.largestGapStart.slice(0, 10)}</span>}
      </Stat>
      <Stat label="Seasonal coverage" wide>
        <span title="Share of the 12 months, 7 weekdays and 24 hours that hold a row">
          months {formatShare(cov.months)} · weekdays {formatShare(cov.weekdays)}
          {cov.hours !== undefined && ` · hours ${formatShare(cov.hours)}`}
        </span>
      </Stat>
    </>
  );
}
