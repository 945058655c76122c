/**
 * Model performance from predictions joined with their actuals: the task's standard metrics (as
 * training and validation compute them, scikit-learn's definitions) overall, per time bucket, per
 * model version and per slice, with ground-truth coverage; and traffic (volume, latency) per bucket.
 */
import { LatheError } from '../core/index.js';
import { evaluate, type MetricSet, matrix } from '../ml/index.js';
import { quoteIdentifier, quoteLiteral, type TableEngine } from '../storage/tables/index.js';
import { featureColumn, tagColumn } from './inference-store.js';
import type { CatalogModel } from './model-catalog.js';

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

/** Labeled rows read for metrics: one entry per row. */
interface Labeled {
  group: string[];
  actual: (string | null)[];
  actualNum: number[];
  pred: string[];
  predNum: number[];
  proba: number[][];
}

/** The metrics computed for a classification or regression group of labeled rows. */
export function metricsOf(model: CatalogModel, rows: Labeled, index: readonly number[]): MetricSet {
  if (!index.length) return {};
  if (model.task === 'regression') {
    const yTrue = Float64Array.from(index, (i) => rows.actualNum[i]!);
    const yPred = Float64Array.from(index, (i) => rows.predNum[i]!);
    const keep = index.map((_, j) => Number.isFinite(yTrue[j]!) && Number.isFinite(yPred[j]!));
    const t = yTrue.filter((_, j) => keep[j]);
    const p = yPred.filter((_, j) => keep[j]);
    return t.length ? evaluate('regression', t, p) : {};
  }
  const classes = [
    ...new Set([...model.classes, ...index.map((i) => rows.actual[i]!), ...index.map((i) => rows.pred[i]!)]),
  ].sort();
  const pos = new Map(classes.map((c, k) => [c, k]));
  const yTrue = Float64Array.from(index, (i) => pos.get(rows.actual[i]!)!);
  const yPred = Float64Array.from(index, (i) => pos.get(rows.pred[i]!)!);
  const task = classes.length <= 2 ? 'binary' : 'multiclass';
  // Probabilities, reordered from the model's class order to the sorted one, when every row has them.
  const order = classes.map((c) => model.classes.indexOf(c));
  const complete =
    order.every((k) => k >= 0) &&
    index.every(
      (i) => rows.proba[i]!.length === model.classes.length && rows.proba[i]!.every(Number.isFinite),
    );
  if (complete && classes.length >= 2) {
    try {
      if (task === 'binary')
        return evaluate(
          'binary',
          yTrue,
          yPred,
          Float64Array.from(index, (i) => rows.proba[i]![order[1]!]!),
        );
      const data = new Float64Array(index.length * classes.length);
      index.forEach((i, r) => {
        order.forEach((k, c) => {
          data[r * classes.length + c] = rows.proba[i]![k]!;
        });
      });
      return evaluate('multiclass', yTrue, yPred, matrix(data, index.length, classes.length));
    } catch {
      // Probabilities that do not sum to one: the label metrics only.
    }
  }
  if (classes.length < 2)
    return { accuracy: index.filter((i) => rows.actual[i] === rows.pred[i]).length / index.length };
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
 * labeled counts from every row, metrics from the labeled ones. Groups ordered by key.
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
  const k = model.classes.length;
  const proba = Array.from({ length: k }, (_, i) => `, pr[${i + 1}] as p${i}`).join('');
  const cols = await engine.queryColumns(
    `select g, actual, actual_num, p, pn${proba} from ${grouped} where actual is not null`,
  );
  const n = (cols.g ?? []).length;
  const rows: Labeled = {
    group: (cols.g ?? []).map(String),
    actual: (cols.actual ?? []).map((x) => (x === null ? null : String(x))),
    actualNum: (cols.actual_num ?? []).map((x) => (x === null ? Number.NaN : Number(x))),
    pred: (cols.p ?? []).map(String),
    predNum: (cols.pn ?? []).map((x) => (x === null ? Number.NaN : Number(x))),
    proba: Array.from({ length: n }, (_, i) =>
      Array.from({ length: k }, (_, c) => {
        const x = cols[`p${c}`]?.[i];
        return x === null || x === undefined ? Number.NaN : Number(x);
      }),
    ),
  };
  const members = new Map<string, number[]>();
  rows.group.forEach((g, i) => {
    const m = members.get(g);
    if (m) m.push(i);
    else members.set(g, [i]);
  });
  return counts.map((c) => ({
    key: String(c.g),
    rows: Number(c.n),
    labeled: Number(c.l),
    coverage: Number(c.n) ? Number(c.l) / Number(c.n) : 0,
    metrics: metricsOf(model, rows, members.get(String(c.g)) ?? []),
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
