import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { LatheError } from '../../core/index.js';
import type { MetaDialect } from '../../storage/meta/index.js';
import { type ViewType, viewTypes } from '../types.js';
import type { ListComparator, NumericComparator, StringComparator, StringTest } from './ast.js';

/** A boolean SQL condition. */
export type Condition = RawBuilder<SqlBool>;

/** Always false / always true, as portable SQL. */
export const never: Condition = sql<SqlBool>`1 = 0`;
export const always: Condition = sql<SqlBool>`1 = 1`;

/** A column known from a fixed whitelist (never user text). */
export type Column = Expression<unknown>;

/** `a AND b AND …` (true for none). */
export function allOf(conds: readonly Condition[]): Condition {
  if (conds.length === 0) return always;
  return sql<SqlBool>`(${sql.join(conds, sql` and `)})`;
}

/** PostgreSQL text cannot hold NUL, so a value with one never equals or matches stored text. */
function unmatchable(value: string, dialect: MetaDialect): boolean {
  return dialect === 'postgres' && value.includes('\u0000');
}

/**
 * `column <op> value` for a string value, bound as a parameter. `LIKE` is case-sensitive on both
 * databases (Lathe sets `case_sensitive_like` on SQLite) and `ILIKE` folds ASCII letters only on
 * both (SQLite's `lower()`; PostgreSQL's ILIKE under the "C" collation). Both take `\` as the
 * escape character, so `\%` and `\_` match a literal percent sign and underscore.
 */
export function stringCondition(column: Column, test: StringTest, dialect: MetaDialect): Condition {
  switch (test.op) {
    case 'IN':
    case 'NOT IN':
      return listCondition(column, test.op, test.value, dialect);
    default:
      return scalarStringCondition(column, test.op, test.value, dialect);
  }
}

function scalarStringCondition(
  column: Column,
  op: StringComparator,
  value: string,
  dialect: MetaDialect,
): Condition {
  if (unmatchable(value, dialect)) return op === '!=' ? sql<SqlBool>`${column} is not null` : never;
  switch (op) {
    case '=':
      return sql<SqlBool>`${column} = ${value}`;
    case '!=':
      return sql<SqlBool>`${column} <> ${value}`;
    case 'LIKE':
      return sql<SqlBool>`${column} like ${value} escape '\\'`;
    case 'ILIKE':
      return dialect === 'postgres'
        ? sql<SqlBool>`${column} collate "C" ilike ${value} escape '\\'`
        : sql<SqlBool>`lower(${column}) like lower(${value}) escape '\\'`;
  }
}

function listCondition(
  column: Column,
  op: ListComparator,
  values: string[],
  dialect: MetaDialect,
): Condition {
  const usable = [...new Set(values.filter((v) => !unmatchable(v, dialect)))];
  if (usable.length === 0) return op === 'IN' ? never : sql<SqlBool>`${column} is not null`;
  const list = sql.join(usable.map((v) => sql`${v}`));
  return op === 'IN' ? sql<SqlBool>`${column} in (${list})` : sql<SqlBool>`${column} not in (${list})`;
}

/** Largest magnitude stored in a BIGINT time column (JavaScript writes them as safe integers). */
export const bigintLimit = Number.MAX_SAFE_INTEGER;
/** Largest value of a 32-bit INTEGER column (model version numbers). */
export const int32Limit = 2_147_483_647;

/**
 * `column <op> value` for an integer column and any number: fractions are folded to the integer
 * bound that gives the same rows (`> 1.5` → `> 1`, `>= 1.5` → `>= 2`, `= 1.5` → nothing), and
 * values beyond the column's range fold to all or nothing, so PostgreSQL never sees a literal its
 * column type rejects. NULL (a run without `end_time`) matches no comparison, as in SQL.
 */
export function integerCondition(
  column: Column,
  op: NumericComparator,
  value: number,
  limit: number,
): Condition {
  const some = sql<SqlBool>`${column} is not null`;
  if (value > limit || Number.isNaN(value)) return op === '<' || op === '<=' || op === '!=' ? some : never;
  if (value < -limit) return op === '>' || op === '>=' || op === '!=' ? some : never;
  let v = value;
  if (!Number.isInteger(value)) {
    if (op === '=') return never;
    if (op === '!=') return some;
    v = op === '>' || op === '<=' ? Math.floor(value) : Math.ceil(value);
  }
  return numberCondition(column, op, v);
}

/** `column <op> value` for a REAL / DOUBLE PRECISION column. */
export function numberCondition(column: Column, op: NumericComparator, value: number): Condition {
  switch (op) {
    case '=':
      return sql<SqlBool>`${column} = ${value}`;
    case '!=':
      return sql<SqlBool>`${column} <> ${value}`;
    case '>':
      return sql<SqlBool>`${column} > ${value}`;
    case '>=':
      return sql<SqlBool>`${column} >= ${value}`;
    case '<':
      return sql<SqlBool>`${column} < ${value}`;
    case '<=':
      return sql<SqlBool>`${column} <= ${value}`;
  }
}

/** A text column for ORDER BY: byte order on both databases (BINARY on SQLite, "C" on PostgreSQL). */
export function textSortKey(column: Column, dialect: MetaDialect): Expression<unknown> {
  return dialect === 'postgres' ? sql`${column} collate "C"` : column;
}

const pageLimit = 2 ** 52;

/** Validates `limit` / `offset` for a search: integers from 0 to 2^52 (so their sum stays exact), else INVALID_ARGUMENT. */
export function checkPage(limit: number, offset: number): void {
  for (const [name, v] of [
    ['limit', limit],
    ['offset', offset],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0 || v > pageLimit) {
      throw new LatheError(
        'INVALID_ARGUMENT',
        `${name} must be an integer from 0 to 2^52, got ${String(v)}`,
        {
          field: name,
        },
      );
    }
  }
}

/** The `lifecycle_stage` values `viewType` selects; ACTIVE_ONLY when omitted. */
export function lifecycleStages(viewType: ViewType | undefined): string[] {
  switch (viewType ?? 'ACTIVE_ONLY') {
    case 'ACTIVE_ONLY':
      return ['active'];
    case 'DELETED_ONLY':
      return ['deleted'];
    case 'ALL':
      return ['active', 'deleted'];
    default:
      throw new LatheError(
        'INVALID_ARGUMENT',
        `view type must be ACTIVE_ONLY, DELETED_ONLY or ALL, got ${JSON.stringify(String(viewType))}`,
        { field: 'view_type', valid: [...viewTypes] },
      );
  }
}

/** `column in (values…)`, each value bound as a parameter (at least one value). */
export function inList(col: RawBuilder<unknown>, values: readonly (string | number)[]): Condition {
  return sql<SqlBool>`${col} in (${joinSql(values.map((v) => sql`${v}`))})`;
}

/** Joins SQL fragments with `separator`; empty when there are none. */
export function joinSql(parts: readonly RawBuilder<unknown>[], separator: RawBuilder<unknown> = sql`, `) {
  return parts.length === 0 ? sql`` : sql.join(parts, separator);
}
