/**
 * Checked expressions as DuckDB SQL. Every identifier goes through `quoteIdentifier` and every
 * string through `quoteLiteral`; numbers are re-written from validated digits; nothing of the
 * user's text is spliced in otherwise. The SQL keeps the semantics `evaluate` mirrors.
 */
import { quoteIdentifier, quoteLiteral } from '../../storage/tables/index.js';
import type { Typed } from './expression-check.js';

/** A literal of a kind as SQL. */
export function literalSql(value: unknown, kind: string): string {
  if (value === null || value === undefined) return 'NULL';
  switch (kind) {
    case 'integer':
      return `CAST(${BigInt(value as number | string).toString()} AS BIGINT)`;
    case 'double':
      return `CAST(${quoteLiteral(String(value))} AS DOUBLE)`;
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'date':
      return `CAST(${quoteLiteral(String(value))} AS DATE)`;
    case 'timestamp':
      return `CAST(${quoteLiteral(String(value))} AS TIMESTAMP)`;
    default:
      return quoteLiteral(String(value));
  }
}

const double = (sql: string) => `CAST(${sql} AS DOUBLE)`;
/** NaN and infinities (x/0, overflow) as NULL, as `finite` does on the row path. */
const finiteSql = (sql: string) => `(CASE WHEN isfinite(${sql}) THEN ${sql} END)`;

/** The SQL of a checked expression, fully parenthesised. */
export function expressionSql(e: Typed): string {
  switch (e.t) {
    case 'col':
      return quoteIdentifier(e.name);
    case 'lit':
      return e.k === 'double' && e.text !== undefined
        ? `CAST(${quoteLiteral(e.text)} AS DOUBLE)`
        : literalSql(e.value, e.k);
    case 'neg':
      return `(-${expressionSql(e.arg)})`;
    case 'not':
      return `(NOT ${expressionSql(e.arg)})`;
    case 'arith':
      if (e.op === '/') return finiteSql(`(${double(expressionSql(e.l))} / ${double(expressionSql(e.r))})`);
      return e.k === 'double'
        ? finiteSql(`(${expressionSql(e.l)} ${e.op} ${expressionSql(e.r)})`)
        : `(${expressionSql(e.l)} ${e.op} ${expressionSql(e.r)})`;
    case 'concat':
      return `(${expressionSql(e.l)} || ${expressionSql(e.r)})`;
    case 'cmp':
      return `(${expressionSql(e.l)} ${e.op === '!=' ? '<>' : e.op} ${expressionSql(e.r)})`;
    case 'logic':
      return `(${expressionSql(e.l)} ${e.op.toUpperCase()} ${expressionSql(e.r)})`;
    case 'in':
      return `(${expressionSql(e.arg)} ${e.not ? 'NOT IN' : 'IN'} (${e.items.map(expressionSql).join(', ')}))`;
    case 'between':
      return `(${expressionSql(e.arg)} ${e.not ? 'NOT BETWEEN' : 'BETWEEN'} ${expressionSql(e.lo)} AND ${expressionSql(e.hi)})`;
    case 'isnull':
      return `(${expressionSql(e.arg)} IS ${e.not ? 'NOT NULL' : 'NULL'})`;
    case 'like':
      return `(${expressionSql(e.arg)} ${e.not ? 'NOT LIKE' : 'LIKE'} ${expressionSql(e.pattern)})`;
    case 'call':
      return callSql(e);
  }
}

function callSql(e: Extract<Typed, { t: 'call' }>): string {
  const args = e.args.map(expressionSql);
  const a = args[0]!;
  switch (e.fn) {
    case 'round':
      if (e.args.length === 2)
        return `round(${double(a)}, ${Number(e.args[1]!.t === 'lit' ? e.args[1]!.value : 0)})`;
      return e.k === 'integer' ? `round(${a})` : `round(${double(a)})`;
    case 'floor':
    case 'ceil':
      return `${e.fn}(${double(a)})`;
    case 'exp':
      return finiteSql(`exp(${double(a)})`);
    case 'ln':
    case 'log10':
      return `(CASE WHEN ${double(a)} > 0 THEN ${e.fn}(${double(a)}) END)`;
    case 'sqrt':
      return `(CASE WHEN ${double(a)} >= 0 THEN sqrt(${double(a)}) END)`;
    case 'weekday':
      return `isodow(${a})`;
    default:
      return `${e.fn}(${args.join(', ')})`;
  }
}
