/**
 * Model signatures: the columns a model reads and what it answers, with MLflow's column types so
 * signatures read from MLflow models and written by Lathe mean the same.
 */
import { LatheError } from '../core/index.js';

/** MLflow's column types (`ColSpec.type`). */
export type ColumnType =
  | 'boolean'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'string'
  | 'binary'
  | 'datetime';

/** One input or output column. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** True when rows must carry the column (null is still accepted where the model imputes or reads missing values). */
  required: boolean;
}

/** What a model reads and answers. */
export interface ModelSignature {
  inputs: ColumnSpec[];
  outputs: ColumnSpec[];
  /** For classifiers: the class labels, in the order of probability columns. */
  classes?: (string | number | boolean)[];
}

/** The signature type of a DuckDB type name (`BIGINT` → long, `VARCHAR` → string…). */
export function columnTypeOf(duckdbType: string): ColumnType {
  const t = duckdbType.toUpperCase();
  if (t === 'BOOLEAN') return 'boolean';
  if (/^(TINYINT|SMALLINT|INTEGER|UTINYINT|USMALLINT)$/.test(t)) return 'integer';
  if (/^(BIGINT|UINTEGER|UBIGINT|HUGEINT)$/.test(t)) return 'long';
  if (t === 'FLOAT' || t === 'REAL') return 'float';
  if (t === 'DOUBLE' || t.startsWith('DECIMAL')) return 'double';
  if (t.startsWith('TIMESTAMP') || t === 'DATE') return 'datetime';
  if (t === 'BLOB') return 'binary';
  return 'string';
}

/**
 * Checks rows against a signature's required inputs.
 * @throws LatheError MODEL_INPUT_INVALID listing the missing columns (and the first row lacking one).
 */
export function checkRequiredInputs(
  signature: ModelSignature,
  rows: readonly Record<string, unknown>[],
): void {
  const required = signature.inputs.filter((c) => c.required).map((c) => c.name);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new LatheError('MODEL_INPUT_INVALID', `row ${i} must be an object of column values`);
    const missing = required.filter((c) => row[c] === undefined);
    if (missing.length)
      throw new LatheError(
        'MODEL_INPUT_INVALID',
        `row ${i} lacks required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the model reads ${signature.inputs.map((c) => c.name).join(', ')}`,
        { missing, row: i },
      );
  }
}
