/**
 * The batch path: each fitted step as one SELECT over the previous step's relation, for DuckDB.
 * Every expression here has a twin in row-steps.ts; the pair must stay in step.
 */
import { quoteIdentifier as q, quoteLiteral } from '../../storage/tables/index.js';
import { checkExpression } from './expression-check.js';
import { parseExpression } from './expression-parser.js';
import { expressionSql, literalSql } from './expression-sql.js';
import type { CastType, FittedStep, RecipeColumn, ValueKind } from './recipe-types.js';
import {
  datePattern,
  doubleTextPattern,
  falseWords,
  integerTextPattern,
  kindOfType,
  kindsOf,
  normalizedType,
  timestampPattern,
  trueWords,
} from './values.js';

/** What the SQL of some steps refers to besides the previous relation. */
export interface SqlContext {
  /** The hidden column holding each row's position in the input (quoted). */
  row: string;
  /** A temporary table with the HMAC pads (`ipad`, `opad`) of the PII salt. */
  piiKeys?: string;
  /** Temporary tables of masked values (`v` → `m`), by `step:column`. */
  maskTables: Map<string, string>;
  /** Local Parquet files of joined versions, by step index. */
  joins: Map<number, { path: string; columns: RecipeColumn[] }>;
}

/** The SQL that reads a stored column in its normalised type (see `normalizedType`). */
function normalizeSql(column: RecipeColumn, from = ''): string {
  const ref = `${from}${q(column.name)}`;
  const t = column.type.toUpperCase();
  const to = normalizedType(column.type);
  if (t === 'TIMESTAMP WITH TIME ZONE' || t === 'TIMESTAMPTZ') return `timezone('UTC', ${ref})`;
  const cast = to === column.type ? ref : `CAST(${ref} AS ${to})`;
  // NaN and infinities are read as NULL, so no step meets them.
  return to === 'DOUBLE' ? `(CASE WHEN isfinite(${cast}) THEN ${cast} END)` : cast;
}

/** `SELECT` of the normalised columns of a Parquet file, with its row numbers as `row`. */
export function readSql(path: string, columns: readonly RecipeColumn[], row: string): string {
  const cols = columns.map((c) => `${normalizeSql(c)} AS ${q(c.name)}`);
  return `SELECT ${[...cols, `file_row_number AS ${row}`].join(', ')} FROM read_parquet(${quoteLiteral(path)}, file_row_number = true)`;
}

const double = (sql: string) => `CAST(${sql} AS DOUBLE)`;
const int = (sql: string) => `CAST(${sql} AS BIGINT)`;

/** `cast` of one column, as `castValue` does it. */
export function castSql(ref: string, from: ValueKind, to: CastType): string {
  if (to === 'VARCHAR' || (from === 'integer' && to === 'BIGINT') || (from === 'double' && to === 'DOUBLE')) {
    return to === 'VARCHAR' && from !== 'string' ? `CAST(${ref} AS VARCHAR)` : ref;
  }
  if (from !== 'string') return `TRY_CAST(${ref} AS ${to})`;
  const gated = (pattern: string) =>
    `(CASE WHEN regexp_full_match(${ref}, ${quoteLiteral(pattern)}) THEN TRY_CAST(${ref} AS ${to}) END)`;
  switch (to) {
    case 'BIGINT':
      return gated(integerTextPattern);
    case 'DOUBLE':
      return `(CASE WHEN regexp_full_match(${ref}, ${quoteLiteral(doubleTextPattern)}) THEN (CASE WHEN isfinite(TRY_CAST(${ref} AS DOUBLE)) THEN TRY_CAST(${ref} AS DOUBLE) END) END)`;
    case 'DATE':
      return gated(datePattern);
    case 'TIMESTAMP':
      return gated(timestampPattern);
    case 'BOOLEAN': {
      const words = (list: string[]) => list.map(quoteLiteral).join(', ');
      return `(CASE WHEN lower(${ref}) IN (${words(trueWords)}) THEN TRUE WHEN lower(${ref}) IN (${words(falseWords)}) THEN FALSE END)`;
    }
  }
}

function project(
  output: RecipeColumn[],
  exprs: Map<string, string>,
  from: string,
  row: string,
  tail = '',
): string {
  const cols = output.map((c) => `${exprs.get(c.name) ?? q(c.name)} AS ${q(c.name)}`);
  return `SELECT ${[...cols, row].join(', ')} FROM ${from}${tail ? ` ${tail}` : ''}`;
}

/** The SELECT of one fitted step over the relation `from`, whose columns are `input`. */
export function stepSql(
  step: FittedStep,
  index: number,
  input: RecipeColumn[],
  from: string,
  ctx: SqlContext,
): string {
  const exprs = new Map<string, string>();
  const kinds = kindsOf(input);
  const out = step.output;
  switch (step.kind) {
    case 'select':
    case 'drop':
      return project(out, exprs, from, ctx.row);
    case 'rename':
      for (const [old, name] of Object.entries(step.columns)) exprs.set(name, q(old));
      return project(out, exprs, from, ctx.row);
    case 'cast':
      for (const [c, to] of Object.entries(step.columns)) exprs.set(c, castSql(q(c), kinds.get(c)!, to));
      return project(out, exprs, from, ctx.row);
    case 'filter': {
      const typed = checkExpression(parseExpression(step.expression), kinds, step.expression);
      return project(out, exprs, from, ctx.row, `WHERE ${expressionSql(typed)}`);
    }
    case 'derive': {
      let rel = from;
      let cols = input;
      for (const [name, src] of Object.entries(step.columns)) {
        const typed = checkExpression(parseExpression(src), kindsOf(cols), src);
        const exists = cols.some((c) => c.name === name);
        rel = exists
          ? `(SELECT * REPLACE (${expressionSql(typed)} AS ${q(name)}) FROM ${rel})`
          : `(SELECT *, ${expressionSql(typed)} AS ${q(name)} FROM ${rel})`;
        cols = exists ? cols : [...cols, { name, type: 'VARCHAR' }];
        cols = cols.map((c) => (c.name === name ? { name, type: typeOf(typed.k) } : c));
      }
      return project(out, exprs, rel, ctx.row);
    }
    case 'impute':
      for (const [c, p] of Object.entries(step.columns)) {
        const kind = kindOfType(out.find((o) => o.name === c)!.type);
        const ref = kind === 'double' && kinds.get(c) !== 'double' ? double(q(c)) : q(c);
        exprs.set(c, p.value === null ? ref : `coalesce(${ref}, ${literalSql(p.value, kind)})`);
      }
      return project(out, exprs, from, ctx.row);
    case 'onehot':
      for (const [c, p] of Object.entries(step.columns)) {
        const kind = kinds.get(c)!;
        const lits = p.categories.map((v) => literalSql(v, kind));
        p.names.forEach((name, i) => {
          exprs.set(name, int(`(CASE WHEN ${q(c)} = ${lits[i]} THEN 1 ELSE 0 END)`));
        });
        const unseen = lits.length
          ? `${q(c)} IS NOT NULL AND ${q(c)} NOT IN (${lits.join(', ')})`
          : `${q(c)} IS NOT NULL`;
        exprs.set(p.unseen, int(`(CASE WHEN ${unseen} THEN 1 ELSE 0 END)`));
      }
      return project(out, exprs, from, ctx.row);
    case 'ordinal':
      for (const [c, p] of Object.entries(step.columns)) {
        const kind = kinds.get(c)!;
        const whens = p.categories.map((v, i) => `WHEN ${q(c)} = ${literalSql(v, kind)} THEN ${i}`).join(' ');
        exprs.set(c, int(`(CASE WHEN ${q(c)} IS NULL THEN NULL ${whens} ELSE -1 END)`));
      }
      return project(out, exprs, from, ctx.row);
    case 'standard_scale':
      for (const [c, p] of Object.entries(step.columns))
        exprs.set(
          c,
          `((${double(q(c))} - ${literalSql(p.mean, 'double')}) / ${literalSql(p.std, 'double')})`,
        );
      return project(out, exprs, from, ctx.row);
    case 'minmax_scale':
      for (const [c, p] of Object.entries(step.columns))
        exprs.set(
          c,
          `((${double(q(c))} - ${literalSql(p.min, 'double')}) / ${literalSql(p.range, 'double')})`,
        );
      return project(out, exprs, from, ctx.row);
    case 'log':
      for (const c of step.columns)
        exprs.set(c, `(CASE WHEN ${double(q(c))} > -1 THEN ln(1 + ${double(q(c))}) END)`);
      return project(out, exprs, from, ctx.row);
    case 'clip':
      for (const [c, b] of Object.entries(step.columns)) {
        const kind = kindOfType(out.find((o) => o.name === c)!.type);
        const ref = kind === 'double' ? double(q(c)) : q(c);
        const lo =
          b.min === undefined
            ? ''
            : `WHEN ${ref} < ${literalSql(b.min, kind)} THEN ${literalSql(b.min, kind)} `;
        const hi =
          b.max === undefined
            ? ''
            : `WHEN ${ref} > ${literalSql(b.max, kind)} THEN ${literalSql(b.max, kind)} `;
        exprs.set(c, `(CASE WHEN ${ref} IS NULL THEN NULL ${lo}${hi}ELSE ${ref} END)`);
      }
      return project(out, exprs, from, ctx.row);
    case 'bucketize':
      for (const [c, p] of Object.entries(step.columns)) {
        const sum = p.edges.map(
          (e) => `(CASE WHEN ${double(q(c))} >= ${literalSql(e, 'double')} THEN 1 ELSE 0 END)`,
        );
        exprs.set(
          c,
          int(`(CASE WHEN ${q(c)} IS NULL THEN NULL ELSE ${sum.length ? sum.join(' + ') : '0'} END)`),
        );
      }
      return project(out, exprs, from, ctx.row);
    case 'datetime_parts':
      for (const [c, parts] of Object.entries(step.columns))
        for (const part of parts)
          exprs.set(`${c}_${part}`, int(`${part === 'weekday' ? 'isodow' : part}(${q(c)})`));
      return project(out, exprs, from, ctx.row);
    case 'text_length':
      for (const c of step.columns) exprs.set(`${c}_length`, int(`length(${q(c)})`));
      return project(out, exprs, from, ctx.row);
    case 'pii': {
      const joins: string[] = [];
      for (const [c, p] of Object.entries(step.columns)) {
        const text = `CAST(p.${q(c)} AS VARCHAR)`;
        if (p.action === 'hash')
          exprs.set(c, `left(sha256(k.opad || unhex(sha256(k.ipad || encode(${text})))), 32)`);
        if (p.action === 'mask') {
          const alias = `m${joins.length}`;
          joins.push(`LEFT JOIN ${ctx.maskTables.get(`${index}:${c}`)!} ${alias} ON ${alias}.v = ${text}`);
          exprs.set(c, `${alias}.m`);
        }
      }
      const cols = out.map((c) => `${exprs.get(c.name) ?? `p.${q(c.name)}`} AS ${q(c.name)}`);
      const keys = ctx.piiKeys ? ` CROSS JOIN ${ctx.piiKeys} k` : '';
      return `SELECT ${[...cols, `p.${ctx.row}`].join(', ')} FROM ${from} p${keys} ${joins.join(' ')}`;
    }
    case 'deduplicate': {
      const by = (step.columns ?? input.map((c) => c.name)).map(q).join(', ');
      const order = step.keep === 'first' ? 'ASC' : 'DESC';
      return project(
        out,
        exprs,
        from,
        ctx.row,
        `QUALIFY row_number() OVER (PARTITION BY ${by} ORDER BY ${ctx.row} ${order}) = 1`,
      );
    }
    case 'join': {
      const source = ctx.joins.get(index)!;
      const rrow = q('__lathe_rrow');
      const right = readSql(source.path, source.columns, rrow);
      const leftNames = new Set(input.map((c) => c.name));
      const cols = out.map((c) =>
        leftNames.has(c.name)
          ? `l.${q(c.name)} AS ${q(c.name)}`
          : `r.${q(c.name.slice(step.prefix.length))} AS ${q(c.name)}`,
      );
      const on = step.on.map((k) => `l.${q(k.left)} = r.${q(k.right)}`).join(' AND ');
      return `SELECT ${[...cols, `row_number() OVER (ORDER BY l.${ctx.row}, r.${rrow}) AS ${ctx.row}`].join(', ')} FROM ${from} l ${step.how === 'inner' ? 'INNER' : 'LEFT'} JOIN (${right}) r ON ${on}`;
    }
  }
}

function typeOf(k: string): string {
  return k === 'integer'
    ? 'BIGINT'
    : k === 'double'
      ? 'DOUBLE'
      : k === 'string'
        ? 'VARCHAR'
        : k.toUpperCase();
}
