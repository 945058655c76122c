/**
 * Request bodies of online prediction: every shape a caller may POST to Lathe's native
 * `POST /api/v1/endpoints/{name}/predict` and to the MLflow-compatible `/invocations`, read into one
 * column batch. Pure: no I/O, no model; signature checks happen later in `conformBatch`.
 *
 * Accepted bodies (MLflow's as its scoring server reads them, `mlflow/pyfunc/scoring_server`):
 * - rows: `[{"a": 1, "b": "x"}, ...]` or `{"rows": [...]}`;
 * - columns: `{"columns": ["a", "b"], "data": [[1, "x"], ...]}`;
 * - `{"dataframe_split": {"columns": [...], "data": [[...]], "index"?: [...]}}` (pandas `orient="split"`);
 * - `{"dataframe_records": [{...}, ...]}` (pandas `orient="records"`);
 * - `{"instances": [...]}`: row objects, positional rows, or (one-input models) one value per row;
 * - `{"inputs": ...}`: an object of column → values (or column → one value: a single row), row
 *   objects, positional rows, or (one-input models) one value per row.
 * Any object body may carry MLflow's `"params": {...}` beside its data.
 */
import { LatheError } from '../core/index.js';
import type { InputBatch } from '../models/index.js';

/** Which body shape a payload arrived in. */
export type PayloadFormat =
  | 'rows'
  | 'columns'
  | 'dataframe_split'
  | 'dataframe_records'
  | 'instances'
  | 'inputs';

/** A parsed prediction request. */
export interface ParsedPayload {
  /** The rows by column, in the order the body gave them (row order is kept). */
  batch: InputBatch;
  /** MLflow's `params` (inference parameters), when the body had them. */
  params?: Record<string, unknown>;
  /** The body shape the batch was read from. */
  format: PayloadFormat;
  /** The row objects as the caller sent them, when the body held row objects (kept for logging). */
  rows?: readonly Record<string, unknown>[];
}

/** Batches read from row objects, and those objects. */
const rowObjects = new WeakMap<InputBatch, readonly Record<string, unknown>[]>();

/** Limits applied while parsing. */
export interface PayloadOptions {
  /** Refuse bodies with more rows than this (default: no limit). */
  maxRows?: number;
}

const accepted =
  'accepted bodies: an array of row objects [{"col": value, ...}], {"rows": [...]}, ' +
  '{"columns": [...], "data": [[...], ...]}, or MLflow\'s {"dataframe_split": {"columns": [...], "data": [[...]]}}, ' +
  '{"dataframe_records": [{...}]}, {"instances": [...]}, {"inputs": {...} or [...]}, each optionally with "params": {...}';

const shapeKeys = ['rows', 'dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
const knownKeys = new Set<string>([...shapeKeys, 'columns', 'data', 'params']);

function bad(message: string, details?: Record<string, unknown>): LatheError {
  return new LatheError('INVALID_ARGUMENT', `${message}; ${accepted}`, details);
}

/** A short rendering of a JSON value for error messages. */
function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    return keys.length
      ? `an object with keys ${keys
          .slice(0, 6)
          .map((k) => JSON.stringify(k))
          .join(', ')}${keys.length > 6 ? ', ...' : ''}`
      : 'an empty object';
  }
  return `the ${typeof v} ${String(v)}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkRows(n: number, options: PayloadOptions): void {
  if (options.maxRows !== undefined && n > options.maxRows)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `the body holds ${n} rows; at most ${options.maxRows} rows are accepted per request (split the batch)`,
      { rows: n, maxRows: options.maxRows },
    );
}

/** Row objects as a column batch: keys are the union over rows; a row without a key holds undefined. */
function objectRows(rows: readonly unknown[], where: string): InputBatch {
  const n = rows.length;
  // This runs once per request on the serving path, so it allocates little: the columns object is
  // a copy of the first row (its keys, in its order, with its hidden class), each value replaced
  // by that key's column. A copy defines keys as own data properties, so "__proto__" (an own key
  // of a parsed body) stays a column, never a prototype.
  let columns: Record<string, unknown[]> = {};
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!isRecord(row))
      throw bad(`${where}[${i}] must be a row object like {"col": value}; got ${describeJson(row)}`, {
        row: i,
      });
    if (i === 0) {
      columns = { ...row } as Record<string, unknown[]>;
      for (const key in columns) {
        if (!Object.hasOwn(columns, key)) continue;
        const col = new Array(n);
        col[0] = row[key];
        columns[key] = col;
      }
      continue;
    }
    for (const key in row) {
      if (!Object.hasOwn(row, key)) continue;
      let col = Object.hasOwn(columns, key) ? columns[key] : undefined;
      if (!col) {
        col = new Array(n);
        Object.defineProperty(columns, key, {
          value: col,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      col[i] = row[key];
    }
  }
  const batch = { rows: n, columns };
  rowObjects.set(batch, rows as readonly Record<string, unknown>[]);
  return batch;
}

function checkColumnNames(columns: unknown, where: string): string[] {
  if (!Array.isArray(columns))
    throw bad(`${where} must be an array of column names; got ${describeJson(columns)}`);
  if (columns.length === 0) throw bad(`${where} is empty; name at least one column`);
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    if (typeof c !== 'string')
      throw bad(`${where}[${i}] must be a column name (a string); got ${describeJson(c)}`, { index: i });
    if (seen.has(c)) throw bad(`${where} names column ${JSON.stringify(c)} twice`, { column: c });
    seen.add(c);
  });
  return columns as string[];
}

/** Positional rows (arrays) named by `names`; every row must be as wide as `names`. */
function positionalRows(rows: readonly unknown[], names: readonly string[], where: string): InputBatch {
  const n = rows.length;
  const k = names.length;
  const cols: unknown[][] = names.map(() => new Array(n));
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!Array.isArray(row))
      throw bad(`${where}[${i}] must be an array of ${k} values; got ${describeJson(row)}`, { row: i });
    if (row.length !== k)
      throw bad(
        `${where}[${i}] holds ${row.length} values; every row must hold ${k} (one per column: ${names.join(', ')})`,
        { row: i, expected: k, got: row.length },
      );
    for (let j = 0; j < k; j++) cols[j]![i] = row[j];
  }
  return { rows: n, columns: Object.fromEntries(names.map((name, j) => [name, cols[j]!])) };
}

function needOrder(columnOrder: readonly string[] | undefined, where: string): readonly string[] {
  if (!columnOrder || columnOrder.length === 0)
    throw bad(
      `${where} holds values without column names and the model's signature gives no column order; name the columns (row objects, or "columns" beside "data")`,
    );
  return columnOrder;
}

/**
 * A list whose elements are all objects (rows), all arrays (positional rows, named by
 * `columnOrder`) or all scalars (one value per row of a one-input model).
 */
function listBatch(list: readonly unknown[], where: string, columnOrder?: readonly string[]): InputBatch {
  if (list.length === 0) return { rows: 0, columns: {} };
  const first = list[0];
  if (isRecord(first)) return objectRows(list, where);
  if (Array.isArray(first)) return positionalRows(list, needOrder(columnOrder, where), where);
  const order = needOrder(columnOrder, where);
  if (order.length !== 1)
    throw bad(
      `${where} is a list of single values, which only a one-input model reads; this model reads ${order.length} columns (${order.join(', ')}): send rows`,
    );
  list.forEach((v, i) => {
    if (typeof v === 'object' && v !== null)
      throw bad(`${where}[${i}] must be a single value like ${where}[0]; got ${describeJson(v)}`, { row: i });
  });
  return { rows: list.length, columns: { [order[0]!]: list } };
}

/** An object of column → values (all the same length) or column → one value (a single row). */
function columnObject(obj: Record<string, unknown>, where: string): InputBatch {
  const names = Object.keys(obj);
  if (names.length === 0) throw bad(`${where} is an empty object; give column → values`);
  const lists = names.filter((k) => Array.isArray(obj[k]));
  if (lists.length === 0) {
    // Column → one value: one row (as MLflow reads a dict of scalars).
    for (const k of names)
      if (isRecord(obj[k]))
        throw bad(`${where}.${k} must be a list of values or one value; got ${describeJson(obj[k])}`, {
          column: k,
        });
    return { rows: 1, columns: Object.fromEntries(names.map((k) => [k, [obj[k]]])) };
  }
  if (lists.length !== names.length) {
    const scalar = names.find((k) => !Array.isArray(obj[k]))!;
    throw bad(
      `${where} mixes lists and single values: column ${JSON.stringify(scalar)} holds ${describeJson(obj[scalar])} while ${JSON.stringify(lists[0])} holds a list; give every column a list of one value per row`,
      { column: scalar },
    );
  }
  const n = (obj[names[0]!] as unknown[]).length;
  for (const k of names) {
    const len = (obj[k] as unknown[]).length;
    if (len !== n)
      throw bad(
        `${where}: column ${JSON.stringify(k)} holds ${len} values but ${JSON.stringify(names[0])} holds ${n}; every column needs one value per row`,
        { column: k, expected: n, got: len },
      );
  }
  return { rows: n, columns: Object.fromEntries(names.map((k) => [k, obj[k] as unknown[]])) };
}

function columnsAndData(
  columns: unknown,
  data: unknown,
  where: string,
  columnOrder: readonly string[] | undefined,
): InputBatch {
  if (data === undefined)
    throw bad(`${where} has "columns" but no "data"; give the rows as "data": [[...], ...]`);
  if (!Array.isArray(data))
    throw bad(`${where}.data must be an array of rows (arrays of values); got ${describeJson(data)}`);
  const names =
    columns === undefined
      ? needOrder(columnOrder, `${where}.data`)
      : checkColumnNames(columns, `${where}.columns`);
  return positionalRows(data, names, `${where}.data`);
}

function dataframeSplit(v: unknown, columnOrder: readonly string[] | undefined): InputBatch {
  if (!isRecord(v))
    throw bad(
      `dataframe_split must be an object {"columns": [...], "data": [[...]]} (pandas orient="split"); got ${describeJson(v)}`,
    );
  for (const key of Object.keys(v))
    if (key !== 'columns' && key !== 'data' && key !== 'index')
      throw bad(
        `dataframe_split has an unknown key ${JSON.stringify(key)}; it may hold columns, data and index`,
        {
          key,
        },
      );
  const batch = columnsAndData(v.columns, v.data, 'dataframe_split', columnOrder);
  if (v.index !== undefined) {
    if (!Array.isArray(v.index))
      throw bad(`dataframe_split.index must be an array (one label per row); got ${describeJson(v.index)}`);
    if (v.index.length !== batch.rows)
      throw bad(`dataframe_split.index holds ${v.index.length} labels for ${batch.rows} rows`, {
        expected: batch.rows,
        got: v.index.length,
      });
  }
  return batch;
}

/**
 * Reads a prediction request body (already parsed from JSON) into a column batch.
 *
 * @param body The parsed JSON body.
 * @param columnOrder The model signature's input names, in order: they name positional values
 *   (`[[1, 2]]` rows under `instances`, `inputs`, `data` without `columns`, or a top-level array of
 *   arrays) and the single column of a one-input model fed a flat list. Without it such bodies are
 *   refused.
 * @param options `maxRows` refuses larger batches.
 * @returns The batch (row order kept; columns as the body named them, unchecked against any
 *   signature), MLflow `params` if present, and the shape the body had.
 * @throws LatheError INVALID_ARGUMENT naming what was expected, what arrived and the accepted
 *   shapes: a body that is not a JSON object or array, two data shapes at once, unknown top-level
 *   keys, rows of different widths, `columns` that are empty, not strings or repeated, columns of
 *   different lengths, `params` that is not an object, more than `maxRows` rows.
 */
export function parsePredictPayload(
  body: unknown,
  columnOrder?: readonly string[],
  options: PayloadOptions = {},
): ParsedPayload {
  if (Array.isArray(body)) {
    const batch = listBatchTopLevel(body, columnOrder);
    checkRows(batch.rows, options);
    return withRows({ batch, format: 'rows' });
  }
  if (!isRecord(body)) throw bad(`expected a JSON object or array; got ${describeJson(body)}`);
  const keys = Object.keys(body);
  const unknown = keys.filter((k) => !knownKeys.has(k));
  if (unknown.length)
    throw bad(
      `unknown top-level key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}`,
      { keys: unknown },
    );
  const shapes: string[] = shapeKeys.filter((k) => k in body);
  if ('columns' in body || 'data' in body) shapes.push('columns/data');
  if (shapes.length === 0) throw bad(`the body holds no data (keys: ${keys.join(', ') || 'none'})`);
  if (shapes.length > 1)
    throw bad(
      `the body holds ${shapes.length} data shapes at once (${shapes.join(', ')}); send exactly one`,
      {
        shapes,
      },
    );
  let params: Record<string, unknown> | undefined;
  if (body.params !== undefined) {
    if (!isRecord(body.params))
      throw bad(`"params" must be an object of parameter → value; got ${describeJson(body.params)}`);
    params = body.params;
  }
  const shape = shapes[0]!;
  let batch: InputBatch;
  let format: PayloadFormat;
  if (shape === 'rows') {
    if (!Array.isArray(body.rows))
      throw bad(`"rows" must be an array of row objects; got ${describeJson(body.rows)}`);
    batch = listBatchTopLevel(body.rows, columnOrder, 'rows');
    format = 'rows';
  } else if (shape === 'columns/data') {
    batch = columnsAndData(body.columns, body.data, 'body', columnOrder);
    format = 'columns';
  } else if (shape === 'dataframe_split') {
    batch = dataframeSplit(body.dataframe_split, columnOrder);
    format = 'dataframe_split';
  } else if (shape === 'dataframe_records') {
    const records = body.dataframe_records;
    if (!Array.isArray(records))
      throw bad(
        `dataframe_records must be an array of row objects (pandas orient="records"); got ${describeJson(records)}`,
      );
    batch = objectRows(records, 'dataframe_records');
    format = 'dataframe_records';
  } else {
    const key = shape as 'instances' | 'inputs';
    const v = body[key];
    if (Array.isArray(v)) batch = listBatch(v, key, columnOrder);
    else if (isRecord(v)) batch = columnObject(v, key);
    else throw bad(`"${key}" must be a list of rows or an object of column → values; got ${describeJson(v)}`);
    format = key;
  }
  checkRows(batch.rows, options);
  return withRows(params ? { batch, params, format } : { batch, format });
}

function withRows(parsed: ParsedPayload): ParsedPayload {
  const rows = rowObjects.get(parsed.batch);
  return rows ? { ...parsed, rows } : parsed;
}

/** A bare list of rows: row objects, or positional rows named by the column order. */
function listBatchTopLevel(
  list: readonly unknown[],
  columnOrder: readonly string[] | undefined,
  where = 'the body',
): InputBatch {
  if (list.length === 0) return { rows: 0, columns: {} };
  if (Array.isArray(list[0])) return positionalRows(list, needOrder(columnOrder, where), where);
  return objectRows(list, where);
}
