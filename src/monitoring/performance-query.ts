/**
 * Model performance from predictions joined with their actuals: the task's standard metrics (as
 * training and validation compute them, scikit-learn's definitions) overall, per time bucket, per
 * model version and per slice, with ground-truth coverage; and traffic (volume, latency) per bucket.
 */
import { LatheError, newId } from '../core/index.js';
import { evaluate, type MetricSet, matrix } from '../ml/index.js';
import { quoteIdentifier, quoteLiteral, type TableEngine } from '../storage/tables/index.js';
import { featureColumn, tagColumn } from './inference-store.js';
import type { CatalogModel } from './model-catalog.js';
import type { RecordWindow } from './types.js';

/** The performance of one group of predictions. */
export interface PerformanceGroup {
  /** The group: a slice value, a version, or a bucket's start (ISO 8601). */
  key: string;
  /** Bucket bounds (epoch ms), for time series. */
  from?: number;
  to?: number;
  rows: number;
  /** Predictions with an actual. */
  labeled: number;
  /** labeled / rows. */
  coverage: number;
  /** Empty when nothing is labeled. */
  metrics: MetricSet;
}

/**
 * Labeled rows read for metrics, as numbers: the group's index, the actual's and the prediction's
 * index in `classes` (classification; -1 when absent), their values (regression), and one column
 * per class of the model's probabilities (NaN when absent).
 */
interface Labeled {
  classes: string[];
  group: Float64Array;
  actual: Float64Array;
  pred: Float64Array;
  actualNum: Float64Array;
  predNum: Float64Array;
  proba: Float64Array[];
}

const pick = (values: Float64Array, index: readonly number[]) => Float64Array.from(index, (i) => values[i]!);

/** The metrics of a group of labeled rows (`index` into `rows`), as training and validation compute them. */
export function metricsOf(model: CatalogModel, rows: Labeled, index: readonly number[]): MetricSet {
  if (!index.length) return {};
  if (model.task === 'regression') {
    const keep = index.filter(
      (i) => Number.isFinite(rows.actualNum[i]!) && Number.isFinite(rows.predNum[i]!),
    );
    return keep.length ? evaluate('regression', pick(rows.actualNum, keep), pick(rows.predNum, keep)) : {};
  }
  const { classes } = rows;
  const yTrue = pick(rows.actual, index);
  const yPred = pick(rows.pred, index);
  if (classes.length < 2)
    return { accuracy: index.filter((i) => rows.actual[i] === rows.pred[i]).length / index.length };
  const task = classes.length === 2 ? 'binary' : 'multiclass';
  // Probabilities (in `classes` order), when every row of the group has them.
  const complete =
    rows.proba.length === classes.length &&
    rows.proba.every((col) => index.every((i) => Number.isFinite(col[i]!)));
  if (complete) {
    try {
      if (task === 'binary') return evaluate('binary', yTrue, yPred, pick(rows.proba[1]!, index));
      const k = classes.length;
      const data = new Float64Array(index.length * k);
      index.forEach((i, r) => {
        for (let c = 0; c < k; c++) data[r * k + c] = rows.proba[c]![i]!;
      });
      return evaluate('multiclass', yTrue, yPred, matrix(data, index.length, k));
    } catch {
      // Probabilities that do not sum to one: the label metrics only.
    }
  }
  return evaluate(task, yTrue, yPred);
}

/** Compact text of a cut point. */
const num = (x: number) => String(Number(x.toPrecision(4)));

/**
 * A group key expression: a tag, a feature, `version`, `environment`, or a time bucket of
 * `bucketMs`. Numeric features are grouped on `cuts` (ascending; e.g. the window's quartiles), as
 * ranges like `[10, 20)`.
 * @throws LatheError INVALID_ARGUMENT for an unknown tag or feature.
 */
export function groupExpr(
  model: CatalogModel,
  by: string | null,
  options: { bucketMs?: number; cuts?: number[] } = {},
): string {
  if (options.bucketMs) return `(floor(ts / ${options.bucketMs}) * ${options.bucketMs})::bigint::varchar`;
  if (by === null) return `'all'`;
  if (by === 'version') return 'v';
  if (by === 'environment') return 'env';
  if (model.tags.includes(by)) return `coalesce(${quoteIdentifier(tagColumn(by))}, '(none)')`;
  const f = model.features.find((x) => x.name === by);
  if (!f)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `cannot group by ${JSON.stringify(by)}: model ${model.name} has no such tag or feature; tags: ${model.tags.join(', ') || 'none'}; features: ${model.features.map((x) => x.name).join(', ')}`,
      { by },
    );
  const c = quoteIdentifier(featureColumn(by));
  if (f.kind !== 'numeric') return `coalesce(${c}::varchar, '(missing)')`;
  const cuts = [...new Set(options.cuts ?? [])].filter(Number.isFinite).sort((a, b) => a - b);
  const cases = cuts.map(
    (x, i) =>
      `when ${c} < ${x.toExponential()} then ${quoteLiteral(i === 0 ? `< ${num(x)}` : `[${num(cuts[i - 1]!)}, ${num(x)})`)}`,
  );
  const last = cuts.length ? `>= ${num(cuts[cuts.length - 1]!)}` : 'all';
  return `case when ${c} is null or isnan(${c}) then '(missing)' ${cases.join(' ')} else ${quoteLiteral(last)} end`;
}

/**
 * Metrics per group of `joinedSql` (predictions with actuals, see InferenceStore.joined): rows and
 * labeled counts from every row, metrics from the labeled ones. Groups ordered by key. The labeled
 * rows come back as numbers (class indices, values, probabilities) read straight from DuckDB.
 */
export async function performanceBy(
  engine: TableEngine,
  model: CatalogModel,
  joinedSql: string,
  group: string,
): Promise<PerformanceGroup[]> {
  const grouped = `(select *, ${group} as g from ${joinedSql})`;
  const counts = await engine.query<{ g: string; n: number; l: number }>(
    `select g, count(*)::bigint as n, count(actual)::bigint as l from ${grouped} group by g order by g`,
  );
  const keys = counts.map((c) => String(c.g));
  const list = (xs: readonly string[]) => `[${xs.map(quoteLiteral).join(', ')}]::varchar[]`;
  // Classes: the model's, and any label the window's actuals or predictions add; sorted.
  let classes: string[] = [];
  if (model.task !== 'regression') {
    const seen = await engine.query<{ c: string }>(
      `select distinct actual as c from ${grouped} where actual is not null union select distinct p from ${grouped} where actual is not null`,
    );
    classes = [...new Set([...model.classes, ...seen.map((r) => String(r.c))])].sort();
  }
  const index = (expr: string, values: readonly string[]) =>
    `(coalesce(list_position(${list(values)}, ${expr}), 0) - 1)::double`;
  const probaCols = classes.map((c) => {
    const k = model.classes.indexOf(c);
    return k < 0 ? `'nan'::double` : `coalesce(pr[${k + 1}], 'nan'::double)::double`;
  });
  const cols = [
    `${index('g', keys)} as gi`,
    `${classes.length ? index('actual', classes) : "'nan'::double"} as ya`,
    `${classes.length ? index('p', classes) : "'nan'::double"} as yp`,
    `coalesce(actual_num, 'nan'::double)::double as an`,
    `coalesce(pn, 'nan'::double)::double as pn`,
    ...probaCols.map((c, i) => `${c} as q${i}`),
  ];
  const [gi, ya, yp, an, pn, ...proba] = await engine.queryDoubles(
    `select ${cols.join(', ')} from ${grouped} where actual is not null`,
  );
  const rows: Labeled = {
    classes,
    group: gi!,
    actual: ya!,
    pred: yp!,
    actualNum: an!,
    predNum: pn!,
    proba,
  };
  const members = keys.map((): number[] => []);
  for (let i = 0; i < rows.group.length; i++) members[rows.group[i]!]?.push(i);
  return counts.map((c, k) => ({
    key: keys[k]!,
    rows: Number(c.n),
    labeled: Number(c.l),
    coverage: Number(c.n) ? Number(c.l) / Number(c.n) : 0,
    metrics: metricsOf(model, rows, members[k]!),
  }));
}

/** Volume and latency per time bucket of a prediction relation. */
export interface TrafficBucket {
  from: number;
  to: number;
  rows: number;
  latency: { mean: number | null; p50: number | null; p95: number | null; p99: number | null };
}

/** Rows and latency quantiles per bucket of `bucketMs` in `[from, to)`, empty buckets included. */
export async function trafficSeries(
  engine: TableEngine,
  predictionsSql: string,
  from: number,
  to: number,
  bucketMs: number,
): Promise<TrafficBucket[]> {
  const rows = await engine.query<{
    b: number;
    n: number;
    m: number | null;
    p50: number | null;
    p95: number | null;
    p99: number | null;
  }>(
    `select (floor(ts / ${bucketMs}) * ${bucketMs})::bigint as b, count(*)::bigint as n, avg(lat) as m,
       quantile_cont(lat, 0.5) as p50, quantile_cont(lat, 0.95) as p95, quantile_cont(lat, 0.99) as p99
     from ${predictionsSql} where ts >= ${from} and ts < ${to} group by b order by b`,
  );
  const byStart = new Map(rows.map((r) => [Number(r.b), r]));
  const out: TrafficBucket[] = [];
  for (let b = Math.floor(from / bucketMs) * bucketMs; b < to; b += bucketMs) {
    const r = byStart.get(b);
    out.push({
      from: b,
      to: b + bucketMs,
      rows: r ? Number(r.n) : 0,
      latency: {
        mean: r?.m ?? null,
        p50: r?.p50 ?? null,
        p95: r?.p95 ?? null,
        p99: r?.p99 ?? null,
      },
    });
  }
  return out;
}

/** A model's performance answer. */
export interface PerformanceReport {
  model: string;
  task: CatalogModel['task'];
  window: RecordWindow;
  overall: PerformanceGroup;
  /** Per `by` group (a tag, a feature, version or environment), when asked. */
  by: string | null;
  /** The cut points of a numeric `by` feature (its quartiles in the window, unless given). */
  cuts?: number[];
  groups: PerformanceGroup[];
  /** Per time bucket, when a bucket size was given. */
  series: PerformanceGroup[];
}

/** What a performance query groups by: a tag, a feature, `version` or `environment`; time buckets. */
export interface PerformanceOptions {
  by?: string;
  bucketMs?: number;
  /** Cut points for a numeric `by` feature (default: its quartiles in the window). */
  cuts?: number[];
}

/**
 * A performance report from the joined relation of a window: the join is made once into a table
 * the groupings read, dropped afterwards.
 */
export async function performanceReport(
  engine: TableEngine,
  model: CatalogModel,
  joinedSql: string,
  window: RecordWindow,
  options: PerformanceOptions,
): Promise<PerformanceReport> {
  const joined = `lathe_rows_${newId()}`;
  await engine.query(`create table ${joined} as select * from ${joinedSql}`);
  try {
    let cuts = options.cuts;
    const byFeature = options.by
      ? model.features.find((f) => f.name === options.by && f.kind === 'numeric')
      : undefined;
    if (byFeature && !model.tags.includes(byFeature.name) && !cuts) {
      const [q] = await engine.query<{ q: number[] | null }>(
        `select quantile_cont(${quoteIdentifier(featureColumn(byFeature.name))}, [0.25, 0.5, 0.75]) as q from ${joined}`,
      );
      cuts = (q?.q ?? []).map(Number);
    }
    const [overall] = await performanceBy(engine, model, joined, groupExpr(model, null));
    const groups = options.by
      ? await performanceBy(
          engine,
          model,
          joined,
          groupExpr(model, options.by, { ...(cuts ? { cuts } : {}) }),
        )
      : [];
    const series = options.bucketMs
      ? (
          await performanceBy(engine, model, joined, groupExpr(model, null, { bucketMs: options.bucketMs }))
        ).map((g) => ({
          ...g,
          from: Number(g.key),
          to: Number(g.key) + options.bucketMs!,
          key: new Date(Number(g.key)).toISOString(),
        }))
      : [];
    return {
      model: model.name,
      task: model.task,
      window,
      overall: overall ?? { key: 'all', rows: 0, labeled: 0, coverage: 0, metrics: {} },
      by: options.by ?? null,
      ...(cuts ? { cuts } : {}),
      groups,
      series,
    };
  } finally {
    await engine.query(`drop table if exists ${joined}`);
  }
}
