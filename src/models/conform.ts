/**
 * Signature enforcement: every call into a model goes through here, so all flavors check and
 * coerce inputs the same way. Missing required columns are an error that lists them; columns the
 * signature does not name are ignored with a warning; integers widen to floats; numeric strings
 * are read as numbers only when the caller allows it; null and missing values become NaN in
 * numeric columns (each flavor then treats NaN as its format defines).
 */
import { describeValue, LatheError } from '../core/index.js';
import { matrixFromColumns } from '../ml/index.js';
import type { ColumnSpec, ModelSignature } from './signature.js';

/** A batch of input rows by column: every array holds one value per row. */
export interface InputBatch {
  rows: number;
  columns: Record<string, ArrayLike<unknown>>;
}

/** One conformed input column: numbers (NaN for missing) or strings (null for missing). */
export type ConformedColumn = Float64Array | (string | null)[];

/** A batch checked against a signature: one column per signature input, in signature order. */
export interface ConformedBatch {
  rows: number;
  columns: ConformedColumn[];
  /** What was tolerated, for the caller to show: ignored columns, coerced values. */
  warnings: string[];
}

/** How strictly inputs are read. */
export interface ConformOptions {
  /** Read strings such as `"3.5"` in numeric columns as numbers (default false: an error). */
  numericStrings?: boolean;
}

const numericTypes = new Set(['integer', 'long', 'float', 'double']);

/** True for the signature types held as numbers (booleans are held as 0/1). */
export function isNumericColumn(spec: ColumnSpec): boolean {
  return numericTypes.has(spec.type) || spec.type === 'boolean';
}

function inputError(message: string, details: Record<string, unknown>): LatheError {
  return new LatheError('MODEL_INPUT_INVALID', message, details);
}

/**
 * Rows given as objects, as a column batch. Keys are the union over all rows; a row without a key
 * holds `undefined` there (which a required column refuses, naming the row).
 * @throws LatheError MODEL_INPUT_INVALID when a row is not an object.
 */
export function rowsToBatch(rows: readonly unknown[]): InputBatch {
  if (!Array.isArray(rows))
    throw inputError(`expected an array of rows (objects of column values); got ${describeValue(rows)}`, {});
  const columns: Record<string, unknown[]> = {};
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw inputError(`row ${i} must be an object of column values; got ${describeValue(row)}`, { row: i });
    for (const key of Object.keys(row)) {
      let col = columns[key];
      if (!col) {
        col = new Array(rows.length);
        columns[key] = col;
      }
      col[i] = (row as Record<string, unknown>)[key];
    }
  }
  return { rows: rows.length, columns };
}

function numberOf(
  v: unknown,
  spec: ColumnSpec,
  row: number,
  options: ConformOptions,
  coerced: Set<string>,
): number {
  if (v === null || v === undefined) return Number.NaN;
  if (typeof v === 'number') {
    if ((spec.type === 'integer' || spec.type === 'long') && Number.isFinite(v) && !Number.isInteger(v))
      throw inputError(
        `row ${row}: column ${spec.name} expects ${spec.type === 'integer' ? 'an' : 'a'} ${spec.type}; got ${v} (a fraction would be truncated)`,
        { row, column: spec.name },
      );
    return v;
  }
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') {
    if (spec.type === 'boolean') return v ? 1 : 0;
  } else if (typeof v === 'string' && spec.type === 'boolean' && options.numericStrings) {
    const t = v.trim().toLowerCase();
    if (t === 'true' || t === '1') return 1;
    if (t === 'false' || t === '0') return 0;
    if (t === '') return Number.NaN;
  } else if (typeof v === 'string' && spec.type !== 'boolean') {
    const t = v.trim();
    if (t === '') return Number.NaN;
    const n = Number(t);
    if (options.numericStrings && !Number.isNaN(n)) {
      coerced.add(spec.name);
      return numberOf(n, spec, row, options, coerced);
    }
    if (!Number.isNaN(n))
      throw inputError(
        `row ${row}: column ${spec.name} expects a number (${spec.type}); got the string ${JSON.stringify(v)} (send numbers, or allow numeric strings)`,
        { row, column: spec.name },
      );
  }
  throw inputError(
    `row ${row}: column ${spec.name} expects ${spec.type === 'boolean' ? 'true or false' : `a number (${spec.type})`}; got ${describeValue(v)}`,
    { row, column: spec.name },
  );
}

function stringOf(v: unknown, spec: ColumnSpec, row: number): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (spec.type === 'datetime' && typeof v === 'number') return new Date(v).toISOString();
  if (spec.type === 'datetime' && v instanceof Date) return v.toISOString();
  throw inputError(`row ${row}: column ${spec.name} expects a ${spec.type} string; got ${describeValue(v)}`, {
    row,
    column: spec.name,
  });
}

/** A signature's input names (kept per signature: serving conforms every request). */
const inputNameSets = new WeakMap<ModelSignature, Set<string>>();
function inputNames(signature: ModelSignature): Set<string> {
  let names = inputNameSets.get(signature);
  if (!names) {
    names = new Set(signature.inputs.map((c) => c.name));
    inputNameSets.set(signature, names);
  }
  return names;
}

/**
 * Checks a batch against a signature and converts it to one column per input.
 * @throws LatheError MODEL_INPUT_INVALID listing every missing required column (and the valid
 *   ones), or naming the row and column of the first value of the wrong type or a required value
 *   that is absent.
 */
export function conformBatch(
  signature: ModelSignature,
  batch: InputBatch,
  options: ConformOptions = {},
): ConformedBatch {
  const given = Object.keys(batch.columns);
  // An empty batch has no columns to check: it answers no predictions.
  const missing =
    batch.rows === 0
      ? []
      : signature.inputs.filter((c) => c.required && !(c.name in batch.columns)).map((c) => c.name);
  if (missing.length)
    throw inputError(
      `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the model reads ${signature.inputs.map((c) => `${c.name} (${c.type})`).join(', ')}`,
      { missing },
    );
  const known = inputNames(signature);
  const extra = given.filter((c) => !known.has(c));
  const warnings: string[] = [];
  if (extra.length)
    warnings.push(
      `ignored column${extra.length > 1 ? 's' : ''} the model does not read: ${extra.join(', ')}`,
    );
  const coerced = new Set<string>();
  const n = batch.rows;
  const columns = signature.inputs.map((spec): ConformedColumn => {
    const src = batch.columns[spec.name];
    if (isNumericColumn(spec)) {
      const out = new Float64Array(n);
      if (!src) return out.fill(Number.NaN);
      if (src instanceof Float64Array || src instanceof Float32Array) {
        if (spec.type === 'integer' || spec.type === 'long')
          for (let i = 0; i < n; i++) out[i] = numberOf(src[i], spec, i, options, coerced);
        else out.set(src.subarray(0, n));
        return out;
      }
      for (let i = 0; i < n; i++) {
        const v = src[i];
        if (v === undefined && spec.required && batch.columns[spec.name])
          throw inputError(`row ${i} lacks required column ${spec.name}`, { row: i, column: spec.name });
        out[i] =
          typeof v === 'number' && spec.type !== 'integer' && spec.type !== 'long'
            ? v
            : numberOf(v, spec, i, options, coerced);
      }
      return out;
    }
    const out: (string | null)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = src?.[i];
      if (v === undefined && spec.required && src)
        throw inputError(`row ${i} lacks required column ${spec.name}`, { row: i, column: spec.name });
      out[i] = stringOf(v, spec, i);
    }
    return out;
  });
  if (coerced.size) warnings.push(`read numeric strings as numbers in ${[...coerced].join(', ')}`);
  return { rows: n, columns, warnings };
}

/**
 * The numeric columns of a conformed batch, in signature order, for models that read features.
 * @throws LatheError MODEL_INPUT_INVALID when a column holds strings.
 */
export function conformedColumns(signature: ModelSignature, batch: ConformedBatch): Float64Array[] {
  return batch.columns.map((col, j) => {
    if (!(col instanceof Float64Array))
      throw inputError(`column ${signature.inputs[j]!.name} must be numeric for this model`, {
        column: signature.inputs[j]!.name,
      });
    return col;
  });
}

/**
 * The numeric columns of a conformed batch as one row-major matrix (`rows × columns`), for models
 * that read a feature matrix.
 * @throws LatheError MODEL_INPUT_INVALID when a column holds strings.
 */
export function conformedMatrix(signature: ModelSignature, batch: ConformedBatch): Float64Array {
  return matrixFromColumns(conformedColumns(signature, batch), batch.rows).data;
}
