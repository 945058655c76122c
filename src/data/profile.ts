import { histogramEdges } from '../stats/index.js';
import {
  quoteIdentifier,
  quoteLiteral,
  type TableColumn,
  type TableEngine,
} from '../storage/tables/index.js';
import { type PiiFinding, scanPii } from './pii/index.js';
import { profileDatetime } from './profile-datetime.js';
import { inferSemantic, isNumericFamily, type TypeFamily, typeFamily } from './semantic.js';
import type { ColumnProfile, ColumnSchema, DatasetProfile, IngestIssue, SemanticType } from './types.js';

/** Past this many rows, distinct counts are HyperLogLog estimates. */
export const exactDistinctRows = 100_000;
const quantileLevels = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];
const quantileKeys = ['p1', 'p5', 'p25', 'p50', 'p75', 'p95', 'p99'];
const histogramBins = 20;
const topK = 20;
/** Numeric columns correlated pairwise (the first ones in column order). */
const maxCorrelated = 60;

export interface ProfileOptions {
  /** The target column (its semantic type becomes `target`). */
  target?: string;
  /** Semantic types chosen by the user, by column. */
  semantic?: Record<string, SemanticType>;
  /** Aborting it stops the profile after its first scan (it then rejects with the signal's reason). */
  signal?: AbortSignal;
}

export interface ProfileResult {
  columns: ColumnSchema[];
  profile: DatasetProfile;
  /** Columns of mostly numbers with some text in them, with example rows (1-based data rows). */
  issues: (IngestIssue & { row?: number })[];
}

interface Column {
  name: string;
  q: string;
  type: string;
  nullable: boolean;
  family: TypeFamily;
}

/**
 * Profiles the rows of a Parquet file in a few scans: counts, missing values, distinct counts,
 * min/max/mean/std and quantiles, fixed-bin histograms, top values, text lengths, datetime
 * coverage and correlations; and infers each column's semantic type.
 */
export async function profileParquet(
  engine: TableEngine,
  parquetPath: string,
  physical: readonly TableColumn[],
  options: ProfileOptions = {},
): Promise<ProfileResult> {
  const from = `read_parquet(${quoteLiteral(parquetPath)})`;
  const cols: Column[] = physical.map((c) => ({
    name: c.name,
    q: quoteIdentifier(c.name),
    type: c.type,
    nullable: c.nullable,
    family: typeFamily(c.type),
  }));
  // Two connections: the scans below run two at a time, so that one query's single-threaded
  // phases (its start, its last row group, its final merge) overlap with the other's work.
  const fork = await engine.fork();
  try {
    return await profileWith([engine, fork], parquetPath, from, cols, options);
  } finally {
    await fork.close();
  }
}

async function profileWith(
  lanes: readonly [TableEngine, TableEngine],
  parquetPath: string,
  from: string,
  cols: readonly Column[],
  options: ProfileOptions,
): Promise<ProfileResult> {
  const [engine] = lanes;
  const [counted] = await engine.query<{ n: number }>(`select count(*) as n from ${from}`);
  const rows = Number(counted!.n);
  const exact = rows <= exactDistinctRows;
  // The per-column aggregates in one scan per lane, the columns dealt so that both cost alike.
  const load = [0, 0];
  const dealt: string[][] = [[], []];
  cols.forEach((c, i) => {
    const k = load[0]! <= load[1]! ? 0 : 1;
    load[k]! += isNumericFamily(c.family) ? 5 : c.family === 'string' ? 2 : 1;
    dealt[k]!.push(...aggregates(c, i, exact));
  });
  const agg = Object.assign(
    {},
    ...(await all(
      dealt.flatMap((parts, k) =>
        parts.length
          ? [
              lanes[k]!.query<Record<string, unknown>>(`select ${parts.join(', ')} from ${from}`).then(
                (r) => r[0],
              ),
            ]
          : [],
      ),
    )),
  ) as Record<string, unknown>;
  const profiles: ColumnProfile[] = [];
  const semantics: SemanticType[] = [];
  const issues: ProfileResult['issues'] = [];
  cols.forEach((c, i) => {
    const count = Number(agg[`c${i}`]);
    const distinct = Number(agg[`d${i}`]);
    const p: ColumnProfile = {
      name: c.name,
      semantic: 'text',
      count,
      missing: rows - count,
      missingShare: rows ? (rows - count) / rows : 0,
      distinct: Math.min(distinct, count),
      distinctApproximate: !exact,
    };
    if (isNumericFamily(c.family) && count > 0) {
      p.min = num(agg[`mn${i}`]);
      p.max = num(agg[`mx${i}`]);
      p.mean = num(agg[`av${i}`]);
      p.std = num(agg[`sd${i}`]);
      const qs = (agg[`qs${i}`] as number[] | null) ?? [];
      p.quantiles = Object.fromEntries(quantileKeys.map((k, j) => [k, num(qs[j])]));
      p.quantilesApproximate = !exact;
    }
    if (c.family === 'string' && count > 0) {
      p.length = { min: num(agg[`ln${i}`]), max: num(agg[`lx${i}`]), mean: num(agg[`la${i}`]) };
      const numeric = Number(agg[`nn${i}`]);
      if (numeric > 0 && numeric < count) p.numericShare = numeric / count;
    }
    if ((c.family === 'date' || c.family === 'timestamp') && count > 0) {
      p.min = new Date(num(agg[`tn${i}`])).toISOString();
      p.max = new Date(num(agg[`tx${i}`])).toISOString();
    }
    const semantic =
      c.name === options.target
        ? 'target'
        : (options.semantic?.[c.name] ??
          inferSemantic({
            name: c.name,
            family: c.family,
            count,
            distinct: p.distinct,
            ...(p.length ? { meanLength: p.length.mean } : {}),
            ...(c.family === 'integer' && typeof p.min === 'number'
              ? { min: p.min, max: p.max as number }
              : {}),
          }));
    p.semantic = semantic;
    semantics.push(semantic);
    profiles.push(p);
  });

  options.signal?.throwIfAborted();
  // The remaining scans are independent: each lane takes the next, the longest first.
  const profile: DatasetProfile = { rows, columns: profiles, correlations: [], pii: [] };
  const mixed: ProfileResult['issues'][] = cols.map(() => []);
  const tasks: ((e: TableEngine) => Promise<void>)[] = [
    (e) => histograms(e, from, cols, profiles),
    (e) => correlations(e, from, cols, profiles, options.target, profile),
    (e) => topValues(e, from, cols, profiles),
  ];
  for (const [i, c] of cols.entries()) {
    const p = profiles[i]!;
    if ((c.family === 'date' || c.family === 'timestamp') && p.count > 0) {
      tasks.push(async (e) => {
        const { min, max } = p as { min: string; max: string };
        p.datetime = await profileDatetime(e, from, c.q, c.family, min, max, p.distinct > p.count / 2);
      });
    }
    if (p.numericShare !== undefined && p.numericShare >= 0.5) {
      tasks.push(async (e) => {
        mixed[i] = await mixedTypeRows(e, parquetPath, c, p);
      });
    }
  }
  tasks.push(async (e) => {
    profile.pii = await findPii(e, from, cols);
  });
  await inParallel(lanes, tasks);
  issues.push(...mixed.flat());
  // A profile never repeats personal data: no top values for a column whose values look like PII.
  for (const f of profile.pii)
    if (f.evidence.includes('values')) delete profiles.find((p) => p.name === f.column)!.top;
  const columns: ColumnSchema[] = cols.map((c, i) => ({
    name: c.name,
    type: c.type,
    nullable: profiles[i]!.missing > 0,
    semantic: semantics[i]!,
  }));
  return { columns, profile, issues };
}

/** Runs the tasks on both lanes, each lane taking the next task when done. */
async function inParallel(
  lanes: readonly TableEngine[],
  tasks: ((e: TableEngine) => Promise<void>)[],
): Promise<void> {
  let next = 0;
  await all(
    lanes.map(async (e) => {
      try {
        while (next < tasks.length) await tasks[next++]!(e);
      } catch (err) {
        next = tasks.length; // the other lane stops after its current task
        throw err;
      }
    }),
  );
}

/** Like Promise.all, but settles only once every promise has: no query outlives the profile. */
async function all<T>(promises: Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  for (const r of settled) if (r.status === 'rejected') throw r.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<T>).value);
}

function num(v: unknown): number {
  return v === null || v === undefined ? Number.NaN : Number(v);
}

/** The aggregates of column `c`, the `i`th, named after it (`c${i}`, `d${i}`, …). */
function aggregates(c: Column, i: number, exact: boolean): string[] {
  const out: string[] = [];
  out.push(`count(${c.q}) as c${i}`);
  out.push(`${exact ? `count(distinct ${c.q})` : `approx_count_distinct(${c.q})`} as d${i}`);
  if (isNumericFamily(c.family)) {
    const x = `${c.q}::double`;
    out.push(
      `min(${x}) as mn${i}`,
      `max(${x}) as mx${i}`,
      `avg(${x}) as av${i}`,
      `stddev_samp(${x}) as sd${i}`,
    );
    // Exact quantiles up to exactDistinctRows rows; t-digest estimates past that (3x faster).
    out.push(
      `${exact ? 'quantile_cont' : 'approx_quantile'}(${x}, [${quantileLevels.join(', ')}]) as qs${i}`,
    );
  } else if (c.family === 'string') {
    out.push(
      `min(length(${c.q})) as ln${i}`,
      `max(length(${c.q})) as lx${i}`,
      `avg(length(${c.q})) as la${i}`,
    );
    // try_cast is slow on text that is not a number; only values that could be one are cast
    // (after optional whitespace, a number starts below ':' — sign, dot, digit — or is inf/nan).
    out.push(
      `count(case when ${c.q} < ':' or ${c.q} ilike 'inf%' or ${c.q} ilike 'nan%' then try_cast(${c.q} as double) end) as nn${i}`,
    );
  } else if (c.family === 'date' || c.family === 'timestamp') {
    const t = c.family === 'date' ? (e: string) => `${e}::timestamp` : (e: string) => e;
    out.push(`epoch_ms(${t(`min(${c.q})`)}) as tn${i}`, `epoch_ms(${t(`max(${c.q})`)}) as tx${i}`);
  }
  return out;
}

/** Fixed-width bins between min and max (one bin per integer when an integer range is small). */
async function histograms(
  engine: TableEngine,
  from: string,
  cols: readonly Column[],
  profiles: ColumnProfile[],
) {
  const parts: string[] = [];
  const plans: { i: number; edges: number[] }[] = [];
  cols.forEach((c, i) => {
    const p = profiles[i]!;
    if (!isNumericFamily(c.family) || p.count === 0 || p.semantic === 'identifier') return;
    const min = p.min as number;
    const max = p.max as number;
    if (!Number.isFinite(min) || !Number.isFinite(max)) return;
    const edges =
      c.family === 'integer' && max - min < histogramBins
        ? Array.from({ length: max - min + 2 }, (_, k) => min - 0.5 + k)
        : histogramEdges(min, max, min === max ? 1 : histogramBins);
    const bins = edges.length - 1;
    const width = (edges[bins]! - edges[0]!) / bins;
    // One GROUP BY per column (small integer keys) is faster than the histogram() aggregate.
    parts.push(
      `select ${plans.length} as h, b, count(*) as n from (select least(greatest(floor((${c.q}::double - ${edges[0]}) / ${width}), 0), ${bins - 1})::integer as b from ${from} where isfinite(${c.q}::double)) group by b`,
    );
    plans.push({ i, edges });
  });
  if (!parts.length) return;
  const rows = await engine.query<{ h: number; b: number; n: number }>(parts.join(' union all '));
  const counts = plans.map(({ edges }) => new Array<number>(edges.length - 1).fill(0));
  for (const r of rows) counts[Number(r.h)]![Number(r.b)] = Number(r.n);
  plans.forEach(({ i, edges }, k) => {
    const p = profiles[i]!;
    p.histogram = { edges, counts: counts[k]!, missing: p.missing, total: p.count + p.missing };
  });
}

/**
 * The most frequent values of categorical, boolean, target and text columns (and small-range
 * numbers), all columns in one scan (grouping sets).
 */
async function topValues(
  engine: TableEngine,
  from: string,
  cols: readonly Column[],
  profiles: ColumnProfile[],
) {
  const wanted = cols.flatMap((c, i) => {
    const p = profiles[i]!;
    const ok =
      p.count > 0 &&
      p.semantic !== 'identifier' &&
      (!isNumericFamily(c.family) || p.distinct <= topK || p.semantic === 'target') &&
      c.family !== 'date' &&
      c.family !== 'timestamp' &&
      c.family !== 'other';
    return ok ? [{ c, p }] : [];
  });
  if (!wanted.length) return;
  const keys = wanted.map((_, k) => `k${k}`);
  const which = `case ${keys.map((k, j) => `when grouping(${k}) = 0 then ${j}`).join(' ')} end`;
  const rows = await engine.query<{ g: number; v: string; n: number }>(
    `select g, v, n from (
       select ${which} as g, coalesce(${keys.join(', ')}) as v, count(*) as n
       from (select ${wanted.map(({ c }, k) => `${c.q}::varchar as k${k}`).join(', ')} from ${from})
       group by grouping sets (${keys.map((k) => `(${k})`).join(', ')})
     ) where v is not null
     qualify row_number() over (partition by g order by n desc, v) <= ${topK}
     order by g, n desc, v`,
  );
  for (const { p } of wanted) p.top = [];
  for (const r of rows) wanted[Number(r.g)]!.p.top!.push({ value: r.v, count: Number(r.n) });
}

async function correlations(
  engine: TableEngine,
  from: string,
  cols: readonly Column[],
  profiles: ColumnProfile[],
  target: string | undefined,
  out: DatasetProfile,
) {
  const numeric = cols
    .map((c, i) => ({ c, p: profiles[i]! }))
    .filter(({ c, p }) => isNumericFamily(c.family) && p.semantic !== 'identifier' && p.count > 1)
    .slice(0, maxCorrelated);
  const pairs: [string, string][] = [];
  const parts: string[] = [];
  for (let a = 0; a < numeric.length; a++)
    for (let b = a + 1; b < numeric.length; b++) {
      parts.push(`corr(${numeric[a]!.c.q}::double, ${numeric[b]!.c.q}::double) as r${pairs.length}`);
      pairs.push([numeric[a]!.c.name, numeric[b]!.c.name]);
    }
  const t = target === undefined ? undefined : cols.find((c) => c.name === target);
  const targetable = t && (isNumericFamily(t.family) || t.family === 'boolean');
  const others = targetable ? numeric.filter(({ c }) => c.name !== target) : [];
  others.forEach(({ c }, k) => {
    parts.push(`corr(${c.q}::double, ${t!.q}::integer::double) as t${k}`);
  });
  if (!parts.length) return;
  const [row] = await engine.query<Record<string, number | null>>(`select ${parts.join(', ')} from ${from}`);
  out.correlations = pairs.flatMap(([a, b], k) => {
    const r = row![`r${k}`];
    return r === null || r === undefined || Number.isNaN(r) ? [] : [{ a, b, r }];
  });
  if (targetable) {
    out.targetCorrelations = others.flatMap(({ c }, k) => {
      const r = row![`t${k}`];
      return r === null || r === undefined || Number.isNaN(r) ? [] : [{ column: c.name, r }];
    });
  }
}

/** A few rows whose value is text in a column of mostly numbers. */
async function mixedTypeRows(
  engine: TableEngine,
  parquetPath: string,
  c: Column,
  p: ColumnProfile,
): Promise<ProfileResult['issues']> {
  const rows = await engine.query<{ r: number; v: string }>(
    `select file_row_number + 1 as r, ${c.q} as v from read_parquet(${quoteLiteral(parquetPath)}, file_row_number = true)
     where ${c.q} is not null and try_cast(${c.q} as double) is null order by 1 limit 3`,
  );
  const share = ((p.numericShare ?? 0) * 100).toFixed(p.numericShare! > 0.99 ? 2 : 1);
  return rows.map((r) => ({
    kind: 'mixed_types' as const,
    column: c.name,
    row: Number(r.r),
    message:
      `column ${JSON.stringify(c.name)} is ${share}% numbers but holds text such as ${JSON.stringify(r.v.slice(0, 40))}` +
      '; kept as text (cast it with a recipe, or fix the source)',
  }));
}

/** Values sampled per text column for PII detection. */
const piiSample = 5_000;

/** PII in text columns (the first rows) and in column names; counts only, never values. */
async function findPii(engine: TableEngine, from: string, cols: readonly Column[]): Promise<PiiFinding[]> {
  const text = cols.filter((c) => c.family === 'string');
  const sample = text.length
    ? await engine.query<Record<string, string | null>>(
        `select ${text.map((c) => c.q).join(', ')} from ${from} limit ${piiSample}`,
      )
    : [];
  return scanPii(
    cols.map((c) => ({
      name: c.name,
      values: text.includes(c) ? sample.map((r) => r[c.name] ?? null) : [],
    })),
  );
}
