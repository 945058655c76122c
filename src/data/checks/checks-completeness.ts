import {
  type CheckImpl,
  type CheckScope,
  type ColumnInfo,
  examplesOf,
  exampleRows,
  looksLikeId,
  rowList,
} from './context.js';
import { num, pct } from './grade.js';
import { graded, perColumn, single, skipped } from './outcome.js';
import type { ColumnCheckResult } from './types.js';

/** missing_values: the share of rows missing a value, per column, from the profile. */
export const missingValues: CheckImpl = (s) => {
  const cols = s.columns(() => true);
  const t = s.spec.thresholds!;
  const rows = s.ctx.version.rows;
  const examples = new Map(
    cols
      .filter((c) => c.profile.missing > 0)
      .map((c) => [c.name, s.agg(`min(${s.rn}, ${exampleRows}) filter (where ${c.q} is null)`)]),
  );
  return async () =>
    perColumn(
      cols.map((c) => {
        const missing = c.profile.missing;
        const share = rows ? missing / rows : 0;
        const alias = examples.get(c.name);
        return graded(c.name, share, t, {
          count: missing,
          message: `${num(missing)} of ${num(rows)} rows missing (${pct(share)})`,
          ...(alias ? { rows: rowList(s.value(alias)) } : {}),
        });
      }),
      t,
      { flagged: 'too many missing values', none: 'no column has too many missing values' },
    );
};

/** duplicate_rows: rows equal to an earlier row in every column (or in the columns named). */
export const duplicateRows: CheckImpl = (s) => {
  const cols = s.columns(() => true);
  const t = s.spec.thresholds!;
  const rows = s.ctx.version.rows;
  return async () => {
    // Rows are compared by a 64-bit hash of their values (a false match is ~1e-8 at 1M rows).
    const [r] = await s.ctx.engine.query<{
      d: number | null;
      k: number;
      ex: { f: number; l: number; n: number }[] | null;
    }>(
      `select sum(n - 1) as d, count(*) as k, list({f: f, l: l, n: n} order by f)[1:${exampleRows}] as ex
       from (select hash(${cols.map((c) => c.q).join(', ')}) as h, count(*) as n, min(${s.rn}) as f, max(${s.rn}) as l
             from ${s.ctx.from} group by h having count(*) > 1)`,
    );
    const dups = Number(r?.d ?? 0);
    const groups = Number(r?.k ?? 0);
    const share = rows ? dups / rows : 0;
    const examples = (r?.ex ?? []).map((e) => ({ rows: [Number(e.f), Number(e.l)], count: Number(e.n) }));
    return single(
      share,
      t,
      () =>
        dups
          ? `${num(dups)} row${dups === 1 ? '' : 's'} (${pct(share)}) repeat an earlier row, in ${num(groups)} group${groups === 1 ? '' : 's'}; e.g. row ${examples[0]!.rows[1]} repeats row ${examples[0]!.rows[0]}`
          : 'no row repeats another',
      { duplicates: dups, groups, examples, ...(s.o['columns'] ? { columns: cols.map((c) => c.name) } : {}) },
    );
  };
};

/** duplicate_ids: identifier values (or composite keys) held by more than one row. */
export const duplicateIds: CheckImpl = (s) => {
  const t = s.spec.thresholds!;
  let keys: ColumnInfo[][];
  if (s.o['column']) keys = [[s.column('column', s.o['column'] as string)]];
  else if (s.o['columns']) keys = [s.columns(() => false)];
  else {
    // Identifiers by semantic type, here or in the reference (duplicates make inference say
    // `numeric`), or by an id-like name with nearly distinct values.
    const before = new Set(
      s.ctx.reference?.version.columns.filter((c) => c.semantic === 'identifier').map((c) => c.name) ?? [],
    );
    keys = s.ctx.columns.filter((c) => looksLikeId(c) || before.has(c.name)).map((c) => [c]);
  }
  if (!keys.length)
    return skipped('no identifier column: name one with `column:` (or a key with `columns:`)');
  return async () => {
    const results: ColumnCheckResult[] = [];
    for (const key of keys) results.push(await duplicateKey(s, key));
    return perColumn(results, t, {
      flagged: 'duplicate identifiers',
      none: 'no identifier repeats',
    });
  };
};

async function duplicateKey(s: CheckScope, key: ColumnInfo[]): Promise<ColumnCheckResult> {
  const t = s.spec.thresholds!;
  const label = key.map((c) => c.name).join('+');
  const p = key[0]!.profile;
  const present = key.length === 1 ? p.count : undefined;
  // The profile's exact distinct count already says when a single column has no duplicates.
  if (key.length === 1 && !p.distinctApproximate && p.distinct === p.count)
    return graded(label, 0, t, {
      count: 0,
      message: `${num(p.count)} values, all distinct${p.missing ? `; ${num(p.missing)} missing` : ''}`,
      ...(p.missing ? { details: { missing: p.missing } } : {}),
    });
  const value =
    key.length === 1
      ? `${key[0]!.q}::varchar`
      : `list_value(${key.map((c) => `${c.q}::varchar`).join(', ')})`;
  const notNull = key.map((c) => `${c.q} is not null`).join(' and ');
  const rows = await s.ctx.engine.query<{
    v: unknown;
    n: number;
    f: number;
    l: number;
    d: number;
    k: number;
  }>(
    `select v, n, f, l, sum(n - 1) over () as d, count(*) over () as k from (
       select ${value} as v, count(*) as n, min(${s.rn}) as f, max(${s.rn}) as l
       from ${s.ctx.from} where ${notNull} group by ${key.map((c) => c.q).join(', ')} having count(*) > 1
     ) order by f limit ${exampleRows}`,
  );
  const [counted] =
    present === undefined
      ? await s.ctx.engine.query<{ n: number }>(`select count(*) as n from ${s.ctx.from} where ${notNull}`)
      : [{ n: present }];
  const total = Number(counted?.n ?? 0);
  const dups = Number(rows[0]?.d ?? 0);
  const groups = Number(rows[0]?.k ?? 0);
  const share = total ? dups / total : 0;
  const pii = key.some((c) => c.pii);
  const missing = s.ctx.version.rows - total;
  return graded(label, share, t, {
    count: dups,
    message: dups
      ? `${num(groups)} value${groups === 1 ? '' : 's'} held by more than one row; ${num(dups)} rows (${pct(share)}) repeat an earlier id`
      : `${num(total)} values, all distinct`,
    rows: rows.flatMap((r) => [Number(r.f), Number(r.l)]).slice(0, exampleRows),
    ...(pii
      ? {}
      : examplesOf(
          key[0]!,
          rows.map((r) => r.v),
        )),
    details: {
      groups,
      missing,
      duplicates: rows.map((r) => ({ rows: [Number(r.f), Number(r.l)], count: Number(r.n) })),
    },
  });
}

/**
 * constant_columns: the share of a column's non-missing values held by its most frequent value,
 * from the profile's top values, or a scan for the columns whose distinct count leaves it possible.
 */
export const constantColumns: CheckImpl = (s) => {
  const t = s.spec.thresholds!;
  const target = s.ctx.target;
  const cols = s.columns((c) => c.semantic !== 'target' && c.name !== target);
  const lowest = Math.min(...[t.warn, t.fail].filter((x): x is number => x !== null), 1);
  const known = new Map<string, { share: number; top?: string }>();
  const unknown: ColumnInfo[] = [];
  const bounded = new Map<string, number>();
  for (const c of cols) {
    const p = c.profile;
    if (p.count === 0 || p.distinct <= 1)
      known.set(c.name, { share: 1, ...(p.top?.[0] ? { top: p.top[0].value } : {}) });
    else if (p.top?.length) known.set(c.name, { share: p.top[0]!.count / p.count, top: p.top[0]!.value });
    else {
      // The top value holds at most count − (distinct − 1) rows.
      const d = p.distinctApproximate ? p.distinct * 0.9 : p.distinct;
      const bound = (p.count - (d - 1)) / p.count;
      if (bound < lowest) bounded.set(c.name, bound);
      else unknown.push(c);
    }
  }
  return async () => {
    for (const [name, v] of await topShares(s, unknown)) known.set(name, v);
    return perColumn(
      cols.map((c) => {
        const k = known.get(c.name);
        if (!k)
          return {
            column: c.name,
            status: 'pass' as const,
            value: null,
            message: `${num(c.profile.distinct)} distinct values: no value can hold ${pct(lowest)}`,
            details: { distinct: c.profile.distinct, atMost: bounded.get(c.name) },
          };
        const constant = c.profile.count === 0 || k.share === 1;
        return graded(c.name, k.share, t, {
          message:
            c.profile.count === 0
              ? 'every value is missing'
              : constant
                ? 'one value in every non-missing row'
                : `the most frequent value holds ${pct(k.share)} of non-missing rows`,
          ...(k.top !== undefined ? examplesOf(c, [k.top]) : {}),
          details: { distinct: c.profile.distinct },
        });
      }),
      t,
      { flagged: 'constant or near-constant values', none: 'no column is constant or nearly so' },
    );
  };
};

async function topShares(
  s: CheckScope,
  cols: ColumnInfo[],
): Promise<Map<string, { share: number; top: string }>> {
  const out = new Map<string, { share: number; top: string }>();
  if (!cols.length) return out;
  // Grouped on the columns' own types; only the group keys are cast to text.
  const which = `case ${cols.map((c, j) => `when grouping(${c.q}) = 0 then ${j}`).join(' ')} end`;
  const rows = await s.ctx.engine.query<{ g: number; n: number; v: string }>(
    `select g, max(n) as n, arg_max(v, n) as v from (
       select ${which} as g, coalesce(${cols.map((c) => `${c.q}::varchar`).join(', ')}) as v, count(*) as n
       from ${s.ctx.from} group by grouping sets (${cols.map((c) => `(${c.q})`).join(', ')})
     ) where v is not null group by g`,
  );
  for (const r of rows) {
    const c = cols[Number(r.g)]!;
    out.set(c.name, { share: Number(r.n) / c.profile.count, top: r.v });
  }
  return out;
}
