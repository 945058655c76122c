/**
 * Partial dependence and ICE curves (scikit-learn's `partial_dependence`, method `brute`) for any
 * FittedModel.
 */
import { describeValue } from '../../core/index.js';
import type { FittedModel } from '../family.js';
import { checkOptionKeys, invalid } from '../input-checks.js';
import type { Matrix } from '../matrix.js';
import { checkModel, intOpt, modelOutput } from './model-output.js';
import { checkExplainMatrix } from './shap-values.js';

/** Options of {@link partialDependence}. */
export interface PartialDependenceOptions {
  /** Grid points between the percentiles (default 100); fewer unique values use those values. */
  gridResolution?: number;
  /** Lower and upper percentile of the grid as fractions (default [0.05, 0.95]). */
  percentiles?: readonly [number, number];
  /** Also return one curve per row (ICE), default false. */
  ice?: boolean;
}

/** Partial dependence of one feature. */
export interface PartialDependence {
  feature: number;
  /** The grid of feature values, ascending. */
  grid: Float64Array;
  /** Outputs: class probabilities (one per class) or 1 for predictions. */
  outputs: number;
  space: 'probability' | 'value';
  /** outputs × grid: the mean output over the rows with the feature set to each grid value. */
  average: Float64Array;
  /** outputs × rows × grid ICE curves, when asked for. */
  individual?: Float64Array;
}

/**
 * scipy's `mquantiles` (alphap = betap = 0.4) of ascending `sorted` at probability `p`, as
 * scikit-learn's grid uses.
 */
export function mquantile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const m = 0.4 + p * (1 - 0.8);
  const aleph = n * p + m;
  const k = Math.floor(Math.min(Math.max(aleph, 1), n - 1));
  const gamma = Math.min(Math.max(aleph - k, 0), 1);
  return (1 - gamma) * sorted[k - 1]! + gamma * sorted[k]!;
}

/** scikit-learn's grid: the unique values when fewer than `resolution`, else a linspace between percentiles. */
export function pdGrid(
  values: Float64Array,
  resolution: number,
  percentiles: readonly [number, number],
): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const uniques: number[] = [];
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) uniques.push(sorted[i]!);
  if (uniques.length < resolution) return Float64Array.from(uniques);
  const lo = mquantile(sorted, percentiles[0]);
  const hi = mquantile(sorted, percentiles[1]);
  if (lo === hi)
    throw invalid(
      `the percentiles ${percentiles.join(', ')} of the feature are equal (${lo}); widen percentiles`,
      {
        field: 'percentiles',
      },
    );
  const grid = new Float64Array(resolution);
  const step = (hi - lo) / (resolution - 1);
  for (let i = 0; i < resolution; i++) grid[i] = lo + i * step;
  grid[resolution - 1] = hi;
  return grid;
}

/**
 * Partial dependence of the model output on column `feature` of `X`: for each grid value, the
 * column is set to it in every row and the outputs (class probabilities for classifiers with
 * predictProba, predictions otherwise) are averaged; with `ice`, the per-row curves too.
 * @throws LatheError INVALID_ARGUMENT for a feature index out of range, a column count other than
 *   the model's, NaN the model cannot take, an empty X, or out-of-range options.
 */
export function partialDependence(
  model: FittedModel,
  X: Matrix,
  feature: number,
  options: PartialDependenceOptions = {},
): PartialDependence {
  checkOptionKeys(options, ['gridResolution', 'percentiles', 'ice'], 'partialDependence');
  checkExplainMatrix(X, 'X', model?.cols, checkModel(model));
  if (X.rows < 1) throw invalid('X must hold at least 1 row; got 0', { field: 'X' });
  const M = X.cols;
  if (!Number.isInteger(feature) || feature < 0 || feature >= M)
    throw invalid(`feature must be a column index in 0..${M - 1}; got ${describeValue(feature)}`, {
      field: 'feature',
    });
  const resolution = intOpt(options.gridResolution, 'gridResolution', 100, 2, 100000);
  const pct = options.percentiles ?? [0.05, 0.95];
  if (!Array.isArray(pct) || pct.length !== 2 || !(pct[0] >= 0 && pct[0] < pct[1] && pct[1] <= 1))
    throw invalid(`percentiles must be [low, high] with 0 <= low < high <= 1; got ${describeValue(pct)}`, {
      field: 'percentiles',
    });
  const column = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) column[i] = X.data[i * M + feature]!;
  const grid = pdGrid(column, resolution, pct as [number, number]);
  const out = modelOutput(model, X);
  const K = out.outputs;
  const G = grid.length;
  const N = X.rows;
  const average = new Float64Array(K * G);
  const individual = options.ice ? new Float64Array(K * N * G) : undefined;
  // All rows for a batch of grid values in one predict call.
  const perBatch = Math.max(1, Math.floor(65536 / N));
  const buf = new Float64Array(Math.min(perBatch, G) * N * M);
  for (let g0 = 0; g0 < G; g0 += perBatch) {
    const n = Math.min(perBatch, G - g0);
    for (let b = 0; b < n; b++) {
      buf.set(X.data, b * N * M);
      for (let i = 0; i < N; i++) buf[(b * N + i) * M + feature] = grid[g0 + b]!;
    }
    const pred = out.f({ data: buf.subarray(0, n * N * M), rows: n * N, cols: M });
    for (let b = 0; b < n; b++)
      for (let k = 0; k < K; k++) {
        let s = 0;
        for (let i = 0; i < N; i++) {
          const v = pred[(b * N + i) * K + k]!;
          s += v;
          if (individual) individual[(k * N + i) * G + g0 + b] = v;
        }
        average[k * G + g0 + b] = s / N;
      }
  }
  return { feature, grid, outputs: K, space: out.space, average, ...(individual ? { individual } : {}) };
}
