/**
 * Chart data from SHAP values: the global importance bar, the beeswarm summary and the
 * single-prediction waterfall (the UI draws them; tracking stores them with the run).
 */
import { describeValue } from '../../core/index.js';
import { checkOptionKeys, invalid } from '../input-checks.js';
import type { Matrix } from '../matrix.js';
import { intOpt } from './model-output.js';
import type { ShapValues } from './shap-values.js';

/** Options of {@link shapSummary}. */
export interface ShapSummaryOptions {
  /** The output (class) to summarise (default 0; for a binary margin there is only 0). */
  output?: number;
  /** At most this many (value, shap) points per feature (default 1000), rows evenly spaced. */
  maxPoints?: number;
}

/** Global importance and beeswarm points of one output. */
export interface ShapSummary {
  output: number;
  /** Features by mean |SHAP| descending (ties by column index). */
  importance: { feature: number; meanAbs: number }[];
  /** Per feature in column order: the sampled rows' feature values and SHAP values. */
  points: { feature: number; x: Float64Array; shap: Float64Array }[];
  /** The row indices sampled for `points` (ascending). */
  rows: Int32Array;
}

function checkShap(shap: ShapValues): void {
  if (
    typeof shap !== 'object' ||
    shap === null ||
    !(shap.values instanceof Float64Array) ||
    shap.values.length !== shap.rows * shap.outputs * shap.cols
  )
    throw invalid(`expected SHAP values (rows × outputs × cols Float64Array); got ${describeValue(shap)}`, {
      field: 'shap',
    });
}

/**
 * Mean |SHAP| per feature (sorted) and, per feature, up to `maxPoints` (feature value, SHAP value)
 * pairs from rows spaced evenly over `X` (deterministic), for a beeswarm chart.
 * @throws LatheError INVALID_ARGUMENT when `X` does not match the explained rows and columns.
 */
export function shapSummary(shap: ShapValues, X: Matrix, options: ShapSummaryOptions = {}): ShapSummary {
  checkShap(shap);
  checkOptionKeys(options, ['output', 'maxPoints'], 'shapSummary');
  const output = intOpt(options.output, 'output', 0, 0, shap.outputs - 1);
  const cap = intOpt(options.maxPoints, 'maxPoints', 1000, 1);
  if (X?.rows !== shap.rows || X?.cols !== shap.cols)
    throw invalid(
      `X must be the ${shap.rows} × ${shap.cols} rows that were explained; got ${X?.rows} × ${X?.cols}`,
      { field: 'X' },
    );
  const { rows, cols, outputs, values } = shap;
  const at = (r: number, j: number): number => values[(r * outputs + output) * cols + j]!;
  const importance = [];
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += Math.abs(at(r, j));
    importance.push({ feature: j, meanAbs: rows > 0 ? s / rows : 0 });
  }
  importance.sort((a, b) => b.meanAbs - a.meanAbs || a.feature - b.feature);
  const n = Math.min(rows, cap);
  const picked = new Int32Array(n);
  for (let i = 0; i < n; i++) picked[i] = Math.floor((i * rows) / n);
  const points = [];
  for (let j = 0; j < cols; j++) {
    const x = new Float64Array(n);
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = X.data[picked[i]! * cols + j]!;
      s[i] = at(picked[i]!, j);
    }
    points.push({ feature: j, x, shap: s });
  }
  return { output, importance, points, rows: picked };
}

/** Data of a single-prediction waterfall chart. */
export interface Waterfall {
  /** The expected value the bars start from. */
  base: number;
  /** Features by |SHAP| descending: column, the row's value (when X was given) and its SHAP value. */
  contributions: { feature: number; value?: number; shap: number }[];
  /** The sum of the SHAP values of features left out by `maxDisplay` (0 when none). */
  rest: number;
  /** The number of features in `rest`. */
  restCount: number;
  /** base + Σ all SHAP values: the explained output of the row. */
  output: number;
}

/**
 * Waterfall data of row `row` for output `output`: the base, the contributions sorted by |SHAP|
 * (the first `maxDisplay`, the others summed in `rest`) and the final output.
 * @throws LatheError INVALID_ARGUMENT for a row or output out of range.
 */
export function waterfall(
  shap: ShapValues,
  row: number,
  options: { output?: number; X?: Matrix; maxDisplay?: number } = {},
): Waterfall {
  checkShap(shap);
  checkOptionKeys(options, ['output', 'X', 'maxDisplay'], 'waterfall');
  const r = intOpt(row, 'row', 0, 0, shap.rows - 1);
  const o = intOpt(options.output, 'output', 0, 0, shap.outputs - 1);
  const maxDisplay = intOpt(options.maxDisplay, 'maxDisplay', shap.cols, 1);
  const X = options.X;
  if (X && (X.rows !== shap.rows || X.cols !== shap.cols))
    throw invalid(
      `X must be the ${shap.rows} × ${shap.cols} rows that were explained; got ${X.rows} × ${X.cols}`,
      {
        field: 'X',
      },
    );
  const base = shap.expected[o]!;
  const all = [];
  let output = base;
  for (let j = 0; j < shap.cols; j++) {
    const s = shap.values[(r * shap.outputs + o) * shap.cols + j]!;
    output += s;
    all.push(X ? { feature: j, value: X.data[r * shap.cols + j]!, shap: s } : { feature: j, shap: s });
  }
  all.sort((a, b) => Math.abs(b.shap) - Math.abs(a.shap) || a.feature - b.feature);
  const contributions = all.slice(0, maxDisplay);
  let rest = 0;
  for (const c of all.slice(maxDisplay)) rest += c.shap;
  return { base, contributions, rest, restCount: all.length - contributions.length, output };
}
