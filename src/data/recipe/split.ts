/**
 * Train/validation/test splits on the batch path. Assignments are deterministic: random and
 * stratified splits order rows by the MD5 of `seed:row` (the row's position in the input version),
 * group splits order groups by the MD5 of `seed:key`, time splits order rows by the column. Cuts
 * fall at exact row counts (rounded), per class for stratified splits; a group split keeps each
 * group whole, so its shares are as close as whole groups allow.
 */
import { quoteIdentifier as q, quoteLiteral } from '../../storage/tables/index.js';
import { type RecipeSplit, type SplitName, splitNames } from './recipe-types.js';

/** The split names a recipe uses, in order, with the cumulative share each ends at. */
function splitCuts(split: RecipeSplit): { name: SplitName; upTo: number }[] {
  let sum = 0;
  const out: { name: SplitName; upTo: number }[] = [];
  for (const name of splitNames) {
    const r = split.ratios[name];
    if (r === undefined) continue;
    sum += r;
    out.push({ name, upTo: sum });
  }
  out[out.length - 1]!.upTo = 1;
  return out;
}

/**
 * A SELECT of every column of `table` (a table or a parenthesised query) plus `splitColumn`, the
 * split name of each row.
 * `row` is the hidden row-position column.
 */
export function splitSql(split: RecipeSplit, table: string, row: string, splitColumn: string): string {
  const cuts = splitCuts(split);
  const seed = quoteLiteral(`${split.seed}:`);
  const hash = (text: string) => `md5(${seed} || ${text})`;
  const pick = (position: string, total: string) => {
    const whens = cuts
      .slice(0, -1)
      .map((c) => `WHEN ${position} <= round(${total} * ${c.upTo}) THEN ${quoteLiteral(c.name)}`)
      .join(' ');
    return `CASE ${whens} ELSE ${quoteLiteral(cuts[cuts.length - 1]!.name)} END`;
  };
  const rowText = `CAST(${row} AS VARCHAR)`;
  switch (split.kind) {
    case 'random':
      return `SELECT *, ${pick(`row_number() OVER (ORDER BY ${hash(rowText)}, ${row})`, 'count(*) OVER ()')} AS ${splitColumn} FROM ${table}`;
    case 'stratified': {
      const by = q(split.column!);
      return `SELECT *, ${pick(`row_number() OVER (PARTITION BY ${by} ORDER BY ${hash(rowText)}, ${row})`, `count(*) OVER (PARTITION BY ${by})`)} AS ${splitColumn} FROM ${table}`;
    }
    case 'time': {
      const by = q(split.column!);
      return `SELECT *, ${pick(`row_number() OVER (ORDER BY ${by} ASC NULLS FIRST, ${row})`, 'count(*) OVER ()')} AS ${splitColumn} FROM ${table}`;
    }
    case 'group': {
      const key = `(CASE WHEN ${q(split.column!)} IS NULL THEN 'n' ELSE 'v' || CAST(${q(split.column!)} AS VARCHAR) END)`;
      const whens = cuts
        .slice(0, -1)
        .map((c) => `WHEN a.start < a.total * ${c.upTo} THEN ${quoteLiteral(c.name)}`)
        .join(' ');
      const last = quoteLiteral(cuts[cuts.length - 1]!.name);
      return `WITH keyed AS (SELECT *, ${key} AS __lathe_key FROM ${table}),
        g AS (SELECT __lathe_key, count(*) AS size, ${hash('__lathe_key')} AS h FROM keyed GROUP BY __lathe_key),
        a AS (SELECT __lathe_key, sum(size) OVER (ORDER BY h, __lathe_key ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - size AS start, sum(size) OVER () AS total FROM g)
        SELECT keyed.* EXCLUDE (__lathe_key), CASE ${whens} ELSE ${last} END AS ${splitColumn} FROM keyed JOIN a USING (__lathe_key)`;
    }
  }
}
