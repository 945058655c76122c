import { LatheError } from '../core/index.js';
import { quoteIdentifier, quoteLiteral, type TableEngine } from '../storage/tables/index.js';
import type { DatasetVersion, RowsPage } from './types.js';

/** The operators a row filter takes. */
export const rowFilterOps = ['=', '!=', '<', '<=', '>', '>=', 'contains', 'is_null', 'not_null'] as const;

export interface RowsQuery {
  offset?: number;
  /** 1..1000, default 100. */
  limit?: number;
  orderBy?: string;
  desc?: boolean;
  filter?: { column: string; op: (typeof rowFilterOps)[number]; value?: string };
}

/**
 * A page of a version's rows (its Parquet file at `parquet`), in stored order or sorted by one
 * column (ties in stored order, so pages never skip or repeat rows), optionally filtered on one
 * column. The filter value is bound, never spliced into SQL, and compared in the column's type;
 * a value that is not of that type is INVALID_ARGUMENT.
 */
export async function readRows(
  engine: TableEngine,
  parquet: string,
  v: DatasetVersion,
  q: RowsQuery = {},
): Promise<RowsPage> {
  const names = v.columns.map((c) => c.name);
  const offset = q.offset ?? 0;
  const limit = q.limit ?? 100;
  if (!Number.isSafeInteger(offset) || offset < 0)
    throw new LatheError('INVALID_ARGUMENT', `offset must be a whole number >= 0; got ${offset}`);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000)
    throw new LatheError('INVALID_ARGUMENT', `limit must be 1..1000; got ${limit}`);
  const column = (c: string, what: string) => {
    if (!names.includes(c))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `${what} names no column of ${v.ref}: ${JSON.stringify(c)}; columns: ${names.join(', ')}`,
      );
    return quoteIdentifier(c);
  };
  const params: unknown[] = [];
  let where = '';
  if (q.filter) {
    const { column: fc, op, value } = q.filter;
    const col = column(fc, 'filter');
    if (!rowFilterOps.includes(op))
      throw new LatheError(
        'INVALID_ARGUMENT',
        `filter operator must be one of ${rowFilterOps.join(', ')}; got ${JSON.stringify(op)}`,
      );
    if (op === 'is_null' || op === 'not_null')
      where = `where ${col} is ${op === 'is_null' ? '' : 'not '}null`;
    else if (op === 'contains') {
      where = `where contains(lower(${col}::varchar), lower(?))`;
      params.push(String(value ?? ''));
    } else {
      const type = v.columns.find((c) => c.name === fc)!.type;
      const [cast] = await engine.query<{ ok: boolean }>(`select try_cast(? as ${type}) is not null as ok`, [
        String(value ?? ''),
      ]);
      if (!cast?.ok)
        throw new LatheError(
          'INVALID_ARGUMENT',
          `filter value ${JSON.stringify(value ?? '')} is not a ${type}, the type of column ${JSON.stringify(fc)}`,
        );
      // Compared in the column's own type, so 9 < 10 for numbers.
      where = `where ${col} ${op === '!=' ? '<>' : op} cast(? as ${type})`;
      params.push(String(value ?? ''));
    }
  }
  // The file's own row number breaks ties: DuckDB's sort is not stable.
  const rowNumber = uniqueName('lathe_row', names);
  const order = q.orderBy
    ? `order by ${column(q.orderBy, 'orderBy')} ${q.desc ? 'desc' : 'asc'} nulls last, ${rowNumber}`
    : `order by ${rowNumber}`;
  const from = `(select * exclude (file_row_number), file_row_number as ${rowNumber} from read_parquet(${quoteLiteral(parquet)}, file_row_number = true))`;
  const [count] = await engine.query<{ n: number }>(`select count(*) as n from ${from} ${where}`, params);
  const rows = await engine.query<Record<string, unknown>>(
    `select * exclude (${rowNumber}) from ${from} ${where} ${order} limit ${limit} offset ${offset}`,
    params,
  );
  return { ref: v.ref, columns: v.columns, total: Number(count!.n), offset, rows };
}

/** A column name not among `taken`. */
function uniqueName(base: string, taken: readonly string[]): string {
  let name = base;
  for (let i = 1; taken.includes(name); i++) name = `${base}_${i}`;
  return name;
}

/**
 * Whole columns of a version (its Parquet file at `parquet`), in stored row order, values as
 * `TableEngine.query` converts them (DuckDB keeps a single file's row order). For training.
 * @throws LatheError INVALID_ARGUMENT naming a column the version lacks and listing its columns.
 */
export async function readColumns(
  engine: TableEngine,
  parquet: string,
  v: DatasetVersion,
  columns: readonly string[],
): Promise<Record<string, unknown[]>> {
  const names = v.columns.map((c) => c.name);
  const unknown = columns.filter((c) => !names.includes(c));
  if (unknown.length)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `${v.ref} has no column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => JSON.stringify(c)).join(', ')}; its columns are ${names.join(', ')}`,
      { field: 'columns' },
    );
  if (!columns.length) return {};
  const select = columns.map(quoteIdentifier).join(', ');
  return engine.queryColumns(`SELECT ${select} FROM read_parquet(${quoteLiteral(parquet)})`);
}
