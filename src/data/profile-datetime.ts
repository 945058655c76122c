import { isoTime } from '../core/index.js';
import type { TableEngine } from '../storage/tables/index.js';
import type { TypeFamily } from './semantic.js';
import type { DatetimeProfile } from './types.js';

const day = 86_400_000;
const maxPeriods = 500;

type Period = DatetimeProfile['period'];

/** The period rows are counted in, by the span of the data. */
export function periodFor(spanDays: number): Period {
  if (spanDays <= 2) return 'hour';
  if (spanDays <= 120) return 'day';
  if (spanDays <= 3 * 366) return 'week';
  if (spanDays <= 40 * 366) return 'month';
  return 'year';
}

/** How many periods from the one holding `min` to the one holding `max`, both included. */
export function periodsBetween(period: Period, min: number, max: number): number {
  const a = new Date(min);
  const b = new Date(max);
  switch (period) {
    case 'hour':
      return Math.floor(max / 3_600_000) - Math.floor(min / 3_600_000) + 1;
    case 'day':
      return Math.floor(max / day) - Math.floor(min / day) + 1;
    case 'week': {
      // ISO weeks start on Monday; 1970-01-01 was a Thursday (epoch day 0 → Monday is day -3).
      const week = (t: number) => Math.floor((Math.floor(t / day) + 3) / 7);
      return week(max) - week(min) + 1;
    }
    case 'month':
      return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + b.getUTCMonth() - a.getUTCMonth() + 1;
    case 'year':
      return b.getUTCFullYear() - a.getUTCFullYear() + 1;
  }
}

/** Rows per period of a date or timestamp column, with the months, weekdays and hours seen. */
export interface PeriodCounts {
  period: Period;
  /** One row per period that has rows, oldest first; m, w, h: bit sets of months, weekdays, hours. */
  rows: { p: number; n: number; m: number; w: number; h: number }[];
}

/** The largest gap between consecutive distinct values, in ms since the epoch, and where it starts. */
export interface LargestGap {
  gap: number | null;
  start: number | null;
}

/** Counts the rows per period of column `q` (quoted) read from `from`; see `profileDatetime`. */
export async function periodCounts(
  engine: TableEngine,
  from: string,
  q: string,
  minIso: string,
  maxIso: string,
): Promise<PeriodCounts> {
  const period = periodFor((Date.parse(maxIso) - Date.parse(minIso)) / day);
  const t = `${q}::timestamp`;
  const rows = await engine.query<PeriodCounts['rows'][number]>(
    `select epoch_ms(date_trunc('${period}', ${t})) as p, count(*) as n, bit_or(1::bigint << month(${t})) as m,
       bit_or(1::bigint << dayofweek(${t})) as w, bit_or(1::bigint << hour(${t})) as h
     from ${from} where ${q} is not null group by 1 order by 1`,
  );
  return { period, rows };
}

/**
 * Finds the largest gap between consecutive distinct values of column `q` (quoted) read from
 * `from`. `mostlyDistinct` (most values occur once) picks the cheaper way, with the same answer:
 * sort the values as they are instead of de-duplicating them first.
 */
export async function largestGap(
  engine: TableEngine,
  from: string,
  q: string,
  mostlyDistinct: boolean,
): Promise<LargestGap> {
  const values = `select epoch_ms(${q}::timestamp) as t from ${from} where ${q} is not null`;
  const [gap] = await engine.query<LargestGap>(
    `with g as (select t - lag(t) over (order by t) as gap, lag(t) over (order by t) as start
                from (${mostlyDistinct ? values : `select distinct t from (${values})`}))
     select gap, start from g where gap > 0 order by gap desc, start limit 1`,
  );
  return gap ?? { gap: null, start: null };
}

/**
 * History length, rows per period, the largest gap, empty periods and seasonal coverage of a
 * date or timestamp column, from its range and the scans of `periodCounts` and `largestGap`.
 */
export function profileDatetime(
  family: TypeFamily,
  minIso: string,
  maxIso: string,
  { period, rows: per }: PeriodCounts,
  gap: LargestGap,
): DatetimeProfile {
  const min = Date.parse(minIso);
  const max = Date.parse(maxIso);
  const perPeriod = per.slice(0, maxPeriods).map((r) => ({ start: isoTime(Number(r.p)), rows: Number(r.n) }));
  if (per.length > maxPeriods) {
    perPeriod[maxPeriods - 1]!.rows += per.slice(maxPeriods).reduce((s, r) => s + Number(r.n), 0);
  }
  const seen = (k: 'm' | 'w' | 'h') => bits(per.reduce((acc, r) => acc | BigInt(r[k]), 0n));
  return {
    min: minIso,
    max: maxIso,
    spanDays: (max - min) / day,
    period,
    perPeriod,
    largestGapDays: gap.gap ? Number(gap.gap) / day : 0,
    largestGapStart: gap.start === null ? null : isoTime(Number(gap.start)),
    emptyPeriods: Math.max(0, periodsBetween(period, min, max) - per.length),
    seasonalCoverage: {
      months: seen('m') / 12,
      weekdays: seen('w') / 7,
      ...(family === 'timestamp' ? { hours: seen('h') / 24 } : {}),
    },
  };
}

/** How many bits are set. */
function bits(n: bigint): number {
  let count = 0;
  for (let x = n; x > 0n; x >>= 1n) if (x & 1n) count++;
  return count;
}
