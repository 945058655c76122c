/**
 * The XGBoost tree evaluator: pure functions on typed arrays giving exactly what XGBoost's CPU
 * predictor gives. Inputs are read as XGBoost reads them (cast to float32; `x < split` goes left;
 * NaN follows `default_left`; a category in a node's set goes right), margins are summed in float32
 * from the base margin in tree order, as XGBoost sums them.
 *
 * Fast path: numeric trees up to depth 12 take src/ml's padded walk (complete trees, eight rows
 * at a time, no branch per step; see `padTrees`), with float32 leaves and margins. Other models
 * (categorical splits, trees deeper than 12, more than 512 split features) take a plain walk.
 */
import {
  addPaddedMargins,
  matrixFromColumns,
  type PaddedTrees,
  padTrees,
  type TreeFeatures,
} from '../../../ml/index.js';
import type { XgbModel, XgbTrees } from './model.js';
import { transformMargins } from './objectives.js';
import { addPlainWalk } from './plain-walk.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The float32 just below float32 `t` (−Infinity below the lowest). */
function float32Before(t: number): number {
  if (t === 0) {
    u32[0] = 0x80000001;
    return f32[0]!;
  }
  f32[0] = t;
  u32[0] = t > 0 ? u32[0]! - 1 : u32[0]! + 1;
  return f32[0]!;
}

/** The double just below `t`. */
function doubleBefore(t: number): number {
  if (t === 0) return -Number.MIN_VALUE;
  f64[0] = t;
  u64[0] = t > 0 ? u64[0]! - 1n : u64[0]! + 1n;
  return f64[0]!;
}

/**
 * The largest double `b` with `float32(b) < t` for a float32 split `t`: XGBoost's "float32(x) < t
 * goes left" is exactly "x <= b goes left" on the double `x` (NaN aside).
 */
export function float32Boundary(t: number): number {
  if (Number.isNaN(t) || t === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  // Above the largest float32, doubles round to it up to the midpoint towards 2^128 (which rounds to +Infinity).
  if (t === Number.POSITIVE_INFINITY) return doubleBefore(3.4028234663852886e38 + 2 ** 103);
  const p = float32Before(t);
  if (p === Number.NEGATIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  const mid = (p + t) / 2; // exact: float32 values have 24-bit mantissas
  return Math.fround(mid) < t ? mid : doubleBefore(mid);
}

interface Layout {
  /** Per original node: the double boundary of its split (`x > boundary` goes right). */
  boundary: Float64Array;
  padded: PaddedTrees | null;
}

const layouts = new WeakMap<XgbTrees, Layout>();

const boundaries = new WeakMap<XgbTrees, Float64Array>();

/** Per original node: the double boundary of its split (see {@link float32Boundary}). */
export function splitBoundaries(trees: XgbTrees): Float64Array {
  let boundary = boundaries.get(trees);
  if (!boundary) {
    boundary = new Float64Array(trees.split.length);
    for (let g = 0; g < boundary.length; g++)
      boundary[g] = trees.feature[g]! >= 0 ? float32Boundary(trees.split[g]!) : 0;
    boundaries.set(trees, boundary);
  }
  return boundary;
}

/** The prediction layout of `trees` (built once, then cached). */
function layoutOf(trees: XgbTrees): Layout {
  let l = layouts.get(trees);
  if (l) return l;
  const boundary = splitBoundaries(trees);
  const padded = trees.categorical.includes(1)
    ? null
    : padTrees({ ...trees, missingLeft: trees.defaultLeft }, boundary, 'float32');
  l = { boundary, padded };
  layouts.set(trees, l);
  return l;
}

/**
 * XGBoost's margins (`output_margin=True`): `rows × groups` float32 values, row-major, for the
 * features `x`: a row-major matrix of `model.numFeature` columns, or one array per feature (as
 * batches arrive; no matrix is built then), NaN = missing. Pure; `out` may be given to reuse a buffer.
 */
export function xgbMargins(model: XgbModel, x: TreeFeatures, rows: number, out?: Float32Array): Float32Array {
  const G = model.groups;
  const cols = model.numFeature;
  const margin = out && out.length === rows * G ? out : new Float32Array(rows * G);
  for (let r = 0; r < rows; r++) for (let g = 0; g < G; g++) margin[r * G + g] = model.baseMargin[g]!;
  const layout = layoutOf(model.trees);
  if (layout.padded)
    addPaddedMargins(
      layout.padded,
      model.trees.treeGroup,
      0,
      model.trees.treeGroup.length,
      x,
      rows,
      cols,
      G,
      margin,
    );
  else
    addPlainWalk(
      model.trees,
      layout.boundary,
      x instanceof Float64Array ? x : matrixFromColumns(x, rows).data,
      rows,
      cols,
      G,
      margin,
    );
  return margin;
}

/**
 * XGBoost's `predict` output: probabilities (`binary:logistic`: of class 1; `multi:softprob`:
 * `rows × classes`), class indices (`multi:softmax`), values or ranking scores, as float32.
 */
export function xgbPredict(model: XgbModel, x: TreeFeatures, rows: number): Float32Array {
  return transformMargins(model.objective.transform, xgbMargins(model, x, rows), rows, model.groups);
}
