/**
 * The hot path of tabular ONNX models, whose only input is one float matrix `[batch, n]` read
 * from n `double` columns: rows or typed-array columns written straight into a (reused) float
 * buffer. Each function answers false when the input needs the general path (signature checks,
 * coercions, warnings): a value that is not a number, a column that is not a typed array, a
 * column too many or too few. For the inputs they accept, the buffer holds exactly what
 * `conformBatch` followed by the general tensor builder would give.
 */

/** A float buffer of a matrix input. */
export type FloatBuffer = Float32Array | Float64Array;

/** Writes rows given as objects into `out` (row-major); false when a row needs the general path. */
export type RowReader = (out: FloatBuffer, rows: readonly unknown[]) => boolean;
/** The typed-array columns of a batch in column order, when it holds exactly those columns. */
export type ColumnsReader = (
  columns: Record<string, ArrayLike<unknown>>,
  rows: number,
) => (Float64Array | Float32Array)[] | undefined;

/**
 * Readers specialised to the column names (each name a string literal in generated code, so V8
 * reads every property through its own inline cache; a loop over names goes megamorphic and was
 * measured 40× slower on 32 columns).
 */
export function matrixReaders(names: readonly string[]): { rows: RowReader; columns: ColumnsReader } {
  const w = names.length;
  const lit = names.map((n) => JSON.stringify(n));
  const rowBody = `
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (typeof row !== 'object' || row === null) return false;
      let keys = 0;
      for (const _ in row) keys++;
      if (keys !== ${w}) return false;
      const at = i * ${w};
      let v;
      ${lit.map((k, j) => `v = row[${k}]; if (typeof v !== 'number') return false; out[at + ${j}] = v;`).join('\n')}
    }
    return true;`;
  const colBody = `
    let keys = 0;
    for (const _ in columns) keys++;
    if (keys !== ${w}) return undefined;
    const out = new Array(${w});
    let c;
    ${lit.map((k, j) => `c = columns[${k}]; if (!(c instanceof Float64Array || c instanceof Float32Array) || c.length < rows) return undefined; out[${j}] = c;`).join('\n')}
    return out;`;
  return {
    rows: new Function('out', 'rows', rowBody) as RowReader,
    columns: new Function('columns', 'rows', colBody) as ColumnsReader,
  };
}

/** Writes rows `[start, start + rows)` of typed-array columns into `out` (row-major). */
export function fillFromColumns(
  out: FloatBuffer,
  columns: readonly (Float64Array | Float32Array)[],
  rows: number,
  start = 0,
): void {
  const w = columns.length;
  if (w === 1) {
    out.set(columns[0]!.subarray(start, start + rows));
    return;
  }
  for (let j = 0; j < w; j++) {
    const col = columns[j]!;
    for (let i = 0, k = j; i < rows; i++, k += w) out[k] = col[start + i]!;
  }
}

/** Writes rows `[0, rows)` of typed-array columns into `out` column after column (`[width, rows]`). */
export function fillColumnMajor(
  out: FloatBuffer,
  columns: readonly (Float64Array | Float32Array)[],
  rows: number,
): void {
  for (let j = 0; j < columns.length; j++) out.set(columns[j]!.subarray(0, rows), j * rows);
}
