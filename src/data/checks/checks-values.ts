import { quoteLiteral } from '../../storage/tables/index.js';
import {
  type CheckImpl,
  type CheckScope,
  type ColumnInfo,
  examplesOf,
  exampleRows,
  isNumeric,
  isTemporal,
  looksLikeId,
  rowList,
} from './context.js';
import { num, pct } from './grade.js';
import { isolationForestOutliers } from './checks-iforest.js';
import { graded, perColumn } from './outcome.js';
import { refuseSuite } from './suite.js';
import type { ColumnCheckResult } from './types.js';

/** out_of_range: non-missing values below `min` or above `max` (numbers, or ISO dates for datetime columns). */
export const outOfRange: CheckImpl = (s) => {
  const t = s.spec.thresholds!;
  const c = s.column(
    'column',
    s.o['column'] as string,
    (x) => isNumeric(x) || isTemporal(x),
    'a numeric or datetime column',
  );
  const lo = s.o['min'] as number | string | undefined;
  const hi = s.o['max'] as number | string | undefined;
  for (const [field, b] of [['min', lo] as const, ['max', hi] as const]) {
    if (b === undefined) continue;
    if (isNumeric(c) !== (typeof b === 'number'))
      refuseSuite(
        { index: s.index, check: s.spec.check, field },
        isNumeric(c) ? `a number (${c.name} is ${c.type})` : `an ISO date (${c.name} is ${c.type})`,
        JSON.stringify(b),
      );
  }
  const x = isNumeric(c) ? `${c.q}::double` : `${c.q}::timestamp`;
  const lit = (b: number | string) =>
    typeof b === 'number' ? String(b) : `cast(${quoteLiteral(b)} as timestamp)`;
  const below = lo === undefined ? 'false' : `${x} < ${lit(lo)}`;
  const above = hi === undefined ? 'false' : `${x} > ${lit(hi)}`;
  const out = s.derive(`(${below} or ${above})`);
  const a = {
    below: s.agg(`count(*) filter (where ${below})`),
    above: s.agg(`count(*) filter (where ${above})`),
    rows: s.agg(`min(${s.rn}, ${exampleRows}) filter (where ${out})`),
    values: s.agg(`arg_min(${c.q}, ${s.rn}, 3) filter (where ${out})`),
  };
  const range = `${lo ?? '−∞'}..${hi ?? '∞'}`;
  return async () => {
    const nb = Number(s.value(a.below) ?? 0);
    const na = Number(s.value(a.above) ?? 0);
    const n = nb + na;
    const share = c.profile.count ? n / c.profile.count : 0;
    const result = graded(c.name, share, t, {
      count: n,
      message: n
        ? `${num(n)} of ${num(c.profile.count)} values (${pct(share)}) outside ${range}: ${num(nb)} below, ${num(na)} above`
        : `every value within ${range}`,
      rows: rowList(s.value(a.rows)),
      ...examplesOf(c, (s.value(a.values) as unknown[] | null) ?? []),
      details: { below: nb, above: na, min: lo ?? null, max: hi ?? null },
    });
    return perColumn([result], t, { flagged: 'values out of range', none: 'no value out of range' });
  };
};

/** The numeric columns outlier checks look at by default. */
const outlierColumns = (s: CheckScope): ColumnInfo[] =>
  s.columns(
    (c) => c.semantic === 'numeric' && c.name !== s.ctx.target && c.profile.count > 0 && !looksLikeId(c),
    isNumeric,
    'a numeric column',
  );

/**
 * outliers: values outside Tukey's fences (Q1 − k·IQR, Q3 + k·IQR; `iqr`, from the profile's
 * quantiles) or further than z standard deviations from the mean (`zscore`), per column; or rows
 * an isolation forest over the numeric columns scores as anomalous (`isolation_forest`).
 */
export const outliers: CheckImpl = (s) => {
  if (s.o['method'] === 'isolation_forest') return isolationForestOutliers(s, outlierColumns(s));
  const t = s.spec.thresholds!;
  const iqr = s.o['method'] === 'iqr';
  const plans = outlierColumns(s).map((c) => {
    const p = c.profile;
    const q1 = p.quantiles?.['p25'];
    const q3 = p.quantiles?.['p75'];
    let lo: number;
    let hi: number;
    let center: number;
    let why = '';
    if (iqr) {
      const k = s.o['k'] as number;
      center = p.quantiles?.['p50'] ?? Number.NaN;
      lo = q1! - k * (q3! - q1!);
      hi = q3! + k * (q3! - q1!);
      if (q1 === q3) why = `the interquartile range is 0 (Q1 = Q3 = ${num(q1!)})`;
    } else {
      const z = s.o['z'] as number;
      center = p.mean ?? Number.NaN;
      lo = center - z * (p.std ?? 0);
      hi = center + z * (p.std ?? 0);
      if (!p.std) why = 'the standard deviation is 0';
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) why ||= 'no quantiles or moments in the profile';
    if (why) return { c, why };
    const x = `${c.q}::double`;
    const out = s.derive(`(${x} < ${lo} or ${x} > ${hi})`);
    return {
      c,
      lo,
      hi,
      n: s.agg(`count(*) filter (where ${out})`),
      rows: s.agg(`arg_max(${s.rn}, abs(${x} - ${center}), ${exampleRows}) filter (where ${out})`),
      values: s.agg(`arg_max(${c.q}, abs(${x} - ${center}), 3) filter (where ${out})`),
    };
  });
  return async () => {
    const results: ColumnCheckResult[] = plans.map((p) => {
      if ('why' in p && p.why)
        return { column: p.c.name, status: 'skipped', value: null, message: `not examined: ${p.why}` };
      const q = p as Required<Omit<typeof p, 'why'>>;
      const n = Number(s.value(q.n) ?? 0);
      const share = n / p.c.profile.count;
      const fences = `${num(q.lo)}..${num(q.hi)}`;
      return graded(p.c.name, share, t, {
        count: n,
        message: n ? `${num(n)} values (${pct(share)}) outside ${fences}` : `no value outside ${fences}`,
        rows: rowList(s.value(q.rows)),
        ...examplesOf(p.c, (s.value(q.values) as unknown[] | null) ?? []),
        details: { lower: q.lo, upper: q.hi },
      });
    });
    return perColumn(results, t, { flagged: 'many outliers', none: 'no column has many outliers' });
  };
};
