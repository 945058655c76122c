import { quoteLiteral } from '../../storage/tables/index.js';
import {
  type CheckImpl,
  type CheckScope,
  type ColumnInfo,
  examplesOf,
  isNumeric,
  looksLikeId,
} from './context.js';
import { num, pct } from './grade.js';
import { graded, perColumn, single, skipped } from './outcome.js';

const noTarget = skipped(
  'no target column: ingest with --target, or set `target:` in the suite or in this check',
);

/** class_imbalance: the share of the target's rows in its smallest class. */
export const classImbalance: CheckImpl = (s) => {
  const target = s.target();
  if (!target) return noTarget;
  const t = s.spec.thresholds!;
  const maxClasses = s.o['max_classes'] as number;
  return async () => {
    const classes = await classCounts(s, target, maxClasses + 1);
    if (classes.length > maxClasses)
      return skipped(
        `the target ${target.name} has more than ${maxClasses} distinct values: taken as continuous (raise max_classes to check it)`,
      );
    if (!classes.length) return skipped(`the target ${target.name} has no values`);
    const total = classes.reduce((n, c) => n + c.count, 0);
    const smallest = classes.at(-1)!;
    const share = classes.length === 1 ? 0 : smallest.count / total;
    const result = graded(target.name, share, t, {
      count: smallest.count,
      message:
        classes.length === 1
          ? 'the target has a single class'
          : `${classes.length} classes; the smallest holds ${num(smallest.count)} of ${num(total)} rows (${pct(share)})`,
      ...examplesOf(target, [smallest.value]),
      details: {
        classes: classes.map((c) => ({
          ...(target.pii ? {} : { value: c.value }),
          count: c.count,
          share: c.count / total,
        })),
      },
    });
    return {
      ...perColumn([result], t, { flagged: 'imbalanced classes', none: 'balanced enough' }),
      message: `${target.name}: ${result.message}`,
    };
  };
};

/** The target's classes, largest first (at most `limit`). */
async function classCounts(s: CheckScope, target: ColumnInfo, limit: number) {
  const p = target.profile;
  if (p.top && !p.distinctApproximate && p.top.length === p.distinct)
    return p.top.map((x) => ({ value: x.value, count: x.count }));
  const rows = await s.ctx.engine.query<{ v: string; n: number }>(
    `select ${target.q}::varchar as v, count(*) as n from ${s.ctx.from} where ${target.q} is not null
     group by all order by n desc, v limit ${limit}`,
  );
  return rows.map((r) => ({ value: r.v, count: Number(r.n) }));
}

/** The features target checks look at: the `columns` field, or every column but the target and identifiers. */
function features(s: CheckScope, target: ColumnInfo, accept?: (c: ColumnInfo) => boolean, expected?: string) {
  return s
    .columns((c) => c.name !== target.name && !looksLikeId(c), accept, expected)
    .filter((c) => c.name !== target.name);
}

/** conflicting_labels: groups of rows with equal feature values but more than one target value. */
export const conflictingLabels: CheckImpl = (s) => {
  const target = s.target();
  if (!target) return noTarget;
  const t = s.spec.thresholds!;
  const cols = features(s, target);
  if (!cols.length) return skipped('no feature column besides the target');
  return async () => {
    // Rows are grouped by a 64-bit hash of their feature values.
    const [r] = await s.ctx.engine.query<{
      n: number | null;
      k: number;
      ex: { a: number; b: number }[] | null;
      total: number;
    }>(
      `select sum(n) filter (where lo <> hi) as n, count(*) filter (where lo <> hi) as k, sum(n) as total,
              (list({a: a, b: b} order by a) filter (where lo <> hi))[1:5] as ex
       from (select hash(${cols.map((c) => c.q).join(', ')}) as h, count(*) as n,
                    min(${target.q}) as lo, max(${target.q}) as hi,
                    arg_min(${s.rn}, ${target.q}) as a, arg_max(${s.rn}, ${target.q}) as b
             from ${s.ctx.from} where ${target.q} is not null group by h)`,
    );
    const n = Number(r?.n ?? 0);
    const groups = Number(r?.k ?? 0);
    const total = Number(r?.total ?? 0);
    const share = total ? n / total : 0;
    const examples = (r?.ex ?? []).map((e) => [Number(e.a), Number(e.b)].sort((x, y) => x - y));
    return single(
      share,
      t,
      () =>
        n
          ? `${num(groups)} group${groups === 1 ? '' : 's'} of rows with equal features but different ${target.name} (${num(n)} rows, ${pct(share)}); e.g. rows ${examples[0]!.join(' and ')}`
          : `no rows with equal features and different ${target.name}`,
      { rows: n, groups, examples, target: target.name, features: cols.length },
    );
  };
};

/**
 * target_leakage: |Pearson r| between each numeric or boolean feature and the target (numeric,
 * boolean, or two classes taken as 0/1).
 */
export const targetLeakage: CheckImpl = (s) => {
  const target = s.target();
  if (!target) return noTarget;
  const t = s.spec.thresholds!;
  let y: string;
  let coded = '';
  if (isNumeric(target)) y = `${target.q}::double`;
  else if (target.family === 'boolean') y = `${target.q}::integer::double`;
  else {
    const p = target.profile;
    if (!p.top || p.distinct !== 2 || p.top.length !== 2)
      return skipped(
        `the target ${target.name} is neither numeric, boolean nor two-class (${num(p.distinct)} distinct values)`,
      );
    coded = p.top[1]!.value;
    y = `(${target.q}::varchar = ${quoteLiteral(coded)})::integer::double`;
  }
  const cols = features(
    s,
    target,
    (c) => isNumeric(c) || c.family === 'boolean',
    'a numeric or boolean column',
  );
  if (!cols.length) return skipped('no numeric or boolean feature to correlate with the target');
  const aliases = cols.map((c) =>
    s.agg(`corr(${c.family === 'boolean' ? `${c.q}::integer::double` : `${c.q}::double`}, ${y})`),
  );
  return async () => {
    const results = cols.map((c, i) => {
      const r = s.value(aliases[i]!) as number | null;
      if (r === null || !Number.isFinite(r))
        return {
          column: c.name,
          status: 'skipped' as const,
          value: null,
          message: 'no correlation (a constant column or too few rows)',
        };
      return graded(c.name, Math.abs(r), t, {
        message: `r = ${num(r)} with ${target.name}${coded ? ` = ${target.pii ? '…' : coded}` : ''}`,
        details: { r },
      });
    });
    return perColumn(
      results,
      t,
      {
        flagged: `correlation with ${target.name} strong enough to leak it`,
        none: 'no feature correlates suspiciously with the target',
      },
      (x) => num(x),
    );
  };
};
