import { isoTime } from '../core/index.js';
import {
  quoteIdentifier,
  quoteLiteral,
  type TableColumn,
  type TableEngine,
} from '../storage/tables/index.js';
import {
  type LargestGap,
  largestGap,
  type PeriodCounts,
  periodCounts,
  profileDatetime,
} from './profile-datetime.js';
import {
  type Column,
  correlations,
  findPii,
  histograms,
  mixedTypeRows,
  quantileKeys,
  quantileLevels,
  topValues,
  wantsTop,
} from './profile-scans.js';
import {
  countableColumns,
  finishFromCounts,
  statsFromCounts,
  type ValueCounts,
  valueCounts,
} from './profile-values.js';
import { inferSemantic, isNumericFamily, typeFamily } from './semantic.js';
import type { ColumnProfile, ColumnSchema, DatasetProfile, IngestIssue, SemanticType } from './types.js';

/** Past this many rows, distinct counts and quantiles of columns with many values are estimates. */
export const exactDistinctRows = 100_000;

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
  // First pass. Columns of few values: from their value counts. The others: per-row aggregates,
  // in one scan per lane, the columns dealt so that both scans cost alike.
  const countable = await countableColumns(engine, parquetPath, cols);
  const counts = new Map<number, ValueCounts>();
  const stats = new Map<number, Partial<ColumnProfile>>();
  const agg: Record<string, unknown> = {};
  const aggregate = (parts: string[]) => async (e: TableEngine) => {
    if (parts.length) Object.assign(agg, (await e.query(`select ${parts.join(', ')} from ${from}`))[0]);
  };
  const load = [0, 0];
  const dealt: string[][] = [[], []];
  cols.forEach((c, i) => {
    if (countable.has(i)) return;
    const k = load[0]! <= load[1]! ? 0 : 1;
    load[k]! += isNumericFamily(c.family) ? 5 : c.family === 'string' ? 2 : 1;
    dealt[k]!.push(...aggregates(c, i, exact));
  });
  const uncountable: string[] = [];
  await inParallel(lanes, [
    ...dealt.map(aggregate),
    ...[...countable].map((i) => async (e: TableEngine) => {
      const vc = await valueCounts(e, from, cols[i]!);
      const s = statsFromCounts(cols[i]!, vc);
      if (s) {
        counts.set(i, vc);
        stats.set(i, s);
      } else uncountable.push(...aggregates(cols[i]!, i, exact));
    }),
  ]);
  await aggregate(uncountable)(engine);
  const profiles: ColumnProfile[] = [];
  const semantics: SemanticType[] = [];
  const issues: ProfileResult['issues'] = [];
  cols.forEach((c, i) => {
    const {
      count = 0,
      distinct = 0,
      distinctApproximate = !exact,
      ...rest
    } = stats.get(i) ?? fromAggregates(c, i, agg, exact);
    const p: ColumnProfile = {
      name: c.name,
      semantic: 'text',
      count,
      missing: rows - count,
      missingShare: rows ? (rows - count) / rows : 0,
      distinct: Math.min(distinct, count),
      distinctApproximate,
      ...rest,
    };
    const semantic =
      c.name === options.target
        ? 'target'
        : (options.semantic?.[c.name] ??
          inferSemantic({
            name: c.name,
            family: c.family,
            count,
            distinct: p.distinct,
            distinctApproximate: p.distinctApproximate,
            ...(p.length ? { meanLength: p.length.mean } : {}),
            ...(c.family === 'integer' && typeof p.min === 'number'
              ? { min: p.min, max: p.max as number }
              : {}),
          }));
    p.semantic = semantic;
    const vc = counts.get(i);
    if (vc) finishFromCounts(c, p, vc, wantsTop(c, p));
    semantics.push(semantic);
    profiles.push(p);
  });

  options.signal?.throwIfAborted();
  // The remaining scans are independent: each lane takes the next, the longest first.
  const profile: DatasetProfile = { rows, columns: profiles, correlations: [], pii: [] };
  const mixed: ProfileResult['issues'][] = cols.map(() => []);
  const datetimes: (() => void)[] = [];
  type Task = (e: TableEngine) => Promise<void>;
  const tasks: Task[] = [
    (e) => correlations(e, from, cols, profiles, options.target, profile),
    (e) => histograms(e, from, cols, profiles),
  ];
  // Finding gaps sorts a column: among the longest scans, so they go first.
  const later: Task[] = [(e) => topValues(e, from, cols, profiles)];
  for (const [i, c] of cols.entries()) {
    const p = profiles[i]!;
    if ((c.family === 'date' || c.family === 'timestamp') && p.count > 0) {
      const { min, max } = p as { min: string; max: string };
      const scans: [PeriodCounts?, LargestGap?] = [];
      datetimes.push(() => {
        p.datetime = profileDatetime(c.family, min, max, scans[0]!, scans[1]!);
      });
      later.push(async (e) => {
        scans[0] = await periodCounts(e, from, c.q, min, max);
      });
      tasks.push(async (e) => {
        scans[1] = await largestGap(e, from, c.q, p.distinct > p.count / 2);
      });
    }
    if (p.numericShare !== undefined && p.numericShare >= 0.5) {
      later.push(async (e) => {
        mixed[i] = await mixedTypeRows(e, parquetPath, c, p);
      });
    }
  }
  later.push(async (e) => {
    profile.pii = await findPii(e, from, cols);
  });
  await inParallel(lanes, [...tasks, ...later]);
  for (const finish of datetimes) finish();
  issues.push(...mixed.flat());
  // A profile never repeats personal data: no top values for a column flagged as PII, by its
  // values or by its name alone (a `full_name` column of people's names).
  for (const f of profile.pii) delete profiles.find((p) => p.name === f.column)!.top;
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

/** The first-pass statistics of column `c`, the `i`th, from the row of aggregates. */
function fromAggregates(
  c: Column,
  i: number,
  agg: Record<string, unknown>,
  exact: boolean,
): Partial<ColumnProfile> {
  const count = Number(agg[`c${i}`]);
  const p: Partial<ColumnProfile> = { count, distinct: Number(agg[`d${i}`]), distinctApproximate: !exact };
  if (count === 0) return p;
  if (isNumericFamily(c.family)) {
    p.min = num(agg[`mn${i}`]);
    p.max = num(agg[`mx${i}`]);
    p.mean = num(agg[`av${i}`]);
    p.std = num(agg[`sd${i}`]);
    const qs = (agg[`qs${i}`] as number[] | null) ?? [];
    p.quantiles = Object.fromEntries(quantileKeys.map((k, j) => [k, num(qs[j])]));
    p.quantilesApproximate = !exact;
  } else if (c.family === 'string') {
    p.length = { min: num(agg[`ln${i}`]), max: num(agg[`lx${i}`]), mean: num(agg[`la${i}`]) };
    const numeric = Number(agg[`nn${i}`]);
    if (numeric > 0 && numeric < count) p.numericShare = numeric / count;
  } else if (c.family === 'date' || c.family === 'timestamp') {
    p.min = isoTime(num(agg[`tn${i}`]));
    p.max = isoTime(num(agg[`tx${i}`]));
  }
  return p;
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
