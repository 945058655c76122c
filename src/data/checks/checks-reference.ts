import {
  type CheckImpl,
  type ColumnInfo,
  examplesOf,
  isTemporal,
  maxListedDistinct,
  rowsHolding,
  type ValueCount,
} from './context.js';
import { grade, num, pct, worst } from './grade.js';
import { graded, perColumn, skipped } from './outcome.js';
import { refuseSuite } from './suite.js';
import type { CheckStatus, ColumnCheckResult } from './types.js';

/** new_categories: values of categorical columns that the reference version does not hold. */
export const newCategories: CheckImpl = (s) => {
  const ref = s.ctx.reference?.version;
  const cols = s.columns((c) => c.semantic === 'categorical' || c.semantic === 'boolean');
  if (!ref) return skipped(s.ctx.noReference);
  const t = s.spec.thresholds!;
  const refCols = new Map(ref.columns.map((c, i) => [c.name, ref.profile.columns[i]]));
  const why = (c: ColumnInfo): string | null => {
    const rp = refCols.get(c.name);
    if (!refCols.has(c.name)) return `not a column of ${ref.ref}`;
    if (c.profile.count === 0) return 'every value is missing';
    const most = Math.max(c.profile.distinct, rp?.distinct ?? 0);
    return most > maxListedDistinct
      ? `${num(most)} distinct values (more than ${num(maxListedDistinct)})`
      : null;
  };
  const listed = cols.filter((c) => why(c) === null).map((c) => c.name);
  s.ctx.wantDistinct('current', listed);
  s.ctx.wantDistinct('reference', listed);
  return async () => {
    const [cur, old] = listed.length
      ? await Promise.all([s.ctx.distinct('current'), s.ctx.distinct('reference')])
      : [new Map<string, ValueCount[]>(), new Map<string, ValueCount[]>()];
    const results: ColumnCheckResult[] = [];
    for (const c of cols) {
      const reason = why(c);
      if (reason) {
        results.push({ column: c.name, status: 'skipped', value: null, message: `not compared: ${reason}` });
        continue;
      }
      const seen = new Set((old.get(c.name) ?? []).map((v) => v.value));
      const fresh = (cur.get(c.name) ?? []).filter((v) => !seen.has(v.value));
      const n = fresh.reduce((sum, v) => sum + v.count, 0);
      const share = n / c.profile.count;
      results.push(
        graded(c.name, share, t, {
          count: n,
          message: fresh.length
            ? `${fresh.length} categor${fresh.length === 1 ? 'y' : 'ies'} not in ${ref.ref}, in ${num(n)} rows (${pct(share)})`
            : `every category was in ${ref.ref}`,
          rows: await rowsHolding(
            s.ctx,
            c,
            fresh.map((v) => v.value),
          ),
          ...examplesOf(
            c,
            fresh.map((v) => v.value),
          ),
          details: {
            newCategories: fresh.length,
            ...(c.pii
              ? {}
              : {
                  categories: fresh.slice(0, 20).map((v) => ({
                    value: v.value,
                    count: v.count,
                    row: v.row,
                  })),
                }),
          },
        }),
      );
    }
    return perColumn(
      results,
      t,
      { flagged: `categories not in ${ref.ref}`, none: `no category new since ${ref.ref}` },
      pct,
      { reference: ref.ref },
    );
  };
};

/** schema_change: columns added, removed, or changed in physical or semantic type since the reference. */
export const schemaChange: CheckImpl = (s) => {
  const ref = s.ctx.reference?.version;
  if (!ref) return skipped(s.ctx.noReference);
  const level = (k: string) => s.o[k] as 'pass' | 'warn' | 'fail';
  const before = new Map(ref.columns.map((c) => [c.name, c]));
  const now = new Map(s.ctx.version.columns.map((c) => [c.name, c]));
  const changes: ColumnCheckResult[] = [];
  const add = (column: string, kind: string, message: string, details: Record<string, unknown>) =>
    changes.push({
      column,
      status: level(kind),
      value: null,
      message,
      details: { change: kind, ...details },
    });
  for (const c of ref.columns)
    if (!now.has(c.name)) add(c.name, 'removed', `removed (was ${c.type}, ${c.semantic})`, { type: c.type });
  for (const c of s.ctx.version.columns) {
    const b = before.get(c.name);
    if (!b) {
      add(c.name, 'added', `added (${c.type}, ${c.semantic})`, { type: c.type, semantic: c.semantic });
      continue;
    }
    if (b.type !== c.type)
      add(c.name, 'type_changed', `type ${b.type} → ${c.type}`, { from: b.type, to: c.type });
    if (b.semantic !== c.semantic)
      add(c.name, 'semantic_changed', `semantic type ${b.semantic} → ${c.semantic}`, {
        from: b.semantic,
        to: c.semantic,
      });
  }
  const status: CheckStatus = changes.length ? worst(changes.map((c) => c.status)) : 'pass';
  const order = { fail: 0, warn: 1, pass: 2 } as Record<string, number>;
  const listed = [...changes].sort((a, b) => (order[a.status] ?? 3) - (order[b.status] ?? 3));
  return {
    status,
    value: changes.length,
    message: changes.length
      ? `${changes.length} change${changes.length === 1 ? '' : 's'} since ${ref.ref}: ${listed
          .slice(0, 4)
          .map((c) => `${c.column} ${c.message}`)
          .join('; ')}${changes.length > 4 ? `; and ${changes.length - 4} more` : ''}`
      : `same columns, types and semantic types as ${ref.ref}`,
    columns: changes,
    details: { reference: ref.ref },
  };
};

/**
 * insufficient_history: a time series whose span (first to last timestamp, in days) is short, with
 * fewer periods holding rows than `min_periods`, or a gap longer than `max_gap_days`.
 */
export const insufficientHistory: CheckImpl = (s) => {
  const t = s.spec.thresholds!;
  let c: ColumnInfo;
  if (s.o['column'])
    c = s.column('column', s.o['column'] as string, isTemporal, 'a date or timestamp column');
  else {
    const temporal = s.ctx.columns.filter(isTemporal);
    if (!temporal.length) return skipped('no date or timestamp column');
    if (temporal.length > 1)
      refuseSuite(
        { index: s.index, check: s.spec.check, field: 'column' },
        'the datetime column to check (the version has several)',
        'no column field',
        temporal.map((x) => x.name),
      );
    c = temporal[0]!;
  }
  const dt = c.profile.datetime;
  if (!dt) return skipped(`${c.name} has no values`);
  const period = s.o['period'] as string;
  const minPeriods = s.o['min_periods'] as number | undefined;
  const maxGap = s.o['max_gap_days'] as number | undefined;
  const periods = minPeriods ? s.agg(`count(distinct date_trunc('${period}', ${c.q}))`) : null;
  return async () => {
    const problems: { status: CheckStatus; text: string }[] = [];
    const spanStatus = grade(dt.spanDays, t);
    if (spanStatus !== 'pass')
      problems.push({
        status: spanStatus,
        text: `spans ${num(dt.spanDays)} days < ${num((spanStatus === 'fail' ? t.fail : t.warn)!)}`,
      });
    const held = periods ? Number(s.value(periods) ?? 0) : null;
    if (held !== null && held < minPeriods!)
      problems.push({ status: 'fail', text: `${held} ${period}s hold rows < ${minPeriods}` });
    if (maxGap !== undefined && dt.largestGapDays > maxGap)
      problems.push({
        status: 'warn',
        text: `a gap of ${num(dt.largestGapDays)} days from ${dt.largestGapStart?.slice(0, 10)} > ${num(maxGap)}`,
      });
    const status = problems.length ? worst(problems.map((p) => p.status)) : 'pass';
    const facts = `${dt.min.slice(0, 10)} → ${dt.max.slice(0, 10)}, ${num(dt.spanDays)} days`;
    const result: ColumnCheckResult = {
      column: c.name,
      status,
      value: dt.spanDays,
      message: problems.length ? `${problems.map((p) => p.text).join('; ')} (${facts})` : facts,
      details: {
        min: dt.min,
        max: dt.max,
        spanDays: dt.spanDays,
        largestGapDays: dt.largestGapDays,
        largestGapStart: dt.largestGapStart,
        emptyPeriods: dt.emptyPeriods,
        profilePeriod: dt.period,
        ...(held !== null ? { periods: held, period } : {}),
      },
    };
    return { status, value: dt.spanDays, message: `${c.name}: ${result.message}`, columns: [result] };
  };
};
