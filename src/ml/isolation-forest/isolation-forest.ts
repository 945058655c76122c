/**
 * Isolation forest (Liu, Ting & Zhou 2008), as in scikit-learn's IsolationForest: random trees that
 * isolate rows by random splits; rows isolated in few steps are anomalies.
 */
import { describeValue, LatheError } from '../../core/index.js';
import { SeededRandom } from '../seeded-random.js';
import { type ForestArrays, growForest } from './grow-forest.js';
import { scoreForest } from './score-forest.js';

/** Options of {@link IsolationForest.fit}. */
export interface IsolationForestOptions {
  /** Number of trees (default 100). */
  trees?: number;
  /**
   * Rows drawn (without replacement) per tree, default min(256, rows). At least 2; a value above
   * `rows` is lowered to `rows`, as scikit-learn does.
   */
  sampleSize?: number;
  /** Seed for the deterministic PRNG (default 0): the same data, options and seed give the same forest. */
  seed?: number;
}

/**
 * One isolation tree as plain JSON, nodes in pre-order (0 is the root). A leaf has `feature` −1,
 * `left` and `right` −1 and `threshold` 0; an internal node sends `x[feature] <= threshold` to
 * `left`, other rows to `right`. `size` is the number of sampled rows that reached the node.
 */
export interface IsolationTreeJSON {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  size: number[];
}

/** A fitted forest as plain JSON, from {@link IsolationForest.toJSON}. */
export interface IsolationForestJSON {
  kind: 'isolation-forest';
  version: 1;
  cols: number;
  sampleSize: number;
  trees: IsolationTreeJSON[];
}

const DEFAULT_TREES = 100;
const DEFAULT_SAMPLE_SIZE = 256;

/**
 * A fitted isolation forest. Fit with {@link IsolationForest.fit}, score with
 * {@link IsolationForest.score}; store with {@link IsolationForest.toJSON} and
 * {@link IsolationForest.fromJSON}. Instances are immutable.
 */
export class IsolationForest {
  /** Number of columns of the rows it was fitted on; scored rows must have as many. */
  readonly cols: number;
  /** Rows drawn per tree (psi); scores are normalised by c(sampleSize). */
  readonly sampleSize: number;
  private readonly forest: ForestArrays;

  private constructor(cols: number, sampleSize: number, forest: ForestArrays) {
    this.cols = cols;
    this.sampleSize = sampleSize;
    this.forest = forest;
  }

  /**
   * Fits a forest on `rows` × `cols` values, row-major (row i, column j at `i * cols + j`).
   * @throws LatheError INVALID_ARGUMENT when `data` is not a Float64Array of `rows * cols` values,
   *   `rows` < 2, `cols` < 1, an option is out of range, or a value is NaN or infinite (the message
   *   names the row and column).
   */
  static fit(
    data: Float64Array,
    rows: number,
    cols: number,
    options: IsolationForestOptions = {},
  ): IsolationForest {
    checkData(data, 'data');
    checkInteger(rows, 'rows', 2);
    checkInteger(cols, 'cols', 1);
    checkLength(data, rows, cols, 'fit');
    const trees = options.trees ?? DEFAULT_TREES;
    checkInteger(trees, 'options.trees', 1);
    const requested = options.sampleSize ?? Math.min(DEFAULT_SAMPLE_SIZE, rows);
    checkInteger(requested, 'options.sampleSize', 2);
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed)) {
      throw invalid(`options.seed must be a safe integer; got ${describeValue(seed)}`, {
        field: 'options.seed',
      });
    }
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) throw badValue(data[i]!, i, cols, 'fit', 'finite numbers');
    }
    const sampleSize = Math.min(requested, rows);
    const forest = growForest(data, rows, cols, trees, sampleSize, new SeededRandom(seed));
    return new IsolationForest(cols, sampleSize, forest);
  }

  /**
   * Anomaly scores s(x) = 2^(−E[h(x)] / c(sampleSize)) in (0, 1], one per row of `data` (row-major,
   * `this.cols` columns), in row order. Higher is more anomalous; ordinary rows score about 0.5 or
   * less. Infinite values are allowed (they fall beyond every split).
   * @throws LatheError INVALID_ARGUMENT when `data` does not hold `rows * cols` values or holds NaN.
   */
  score(data: Float64Array, rows: number): Float64Array {
    checkData(data, 'data');
    checkInteger(rows, 'rows', 0);
    checkLength(data, rows, this.cols, 'score');
    for (let i = 0; i < data.length; i++) {
      if (Number.isNaN(data[i]!))
        throw badValue(data[i]!, i, this.cols, 'score', 'numbers (NaN is not allowed)');
    }
    return scoreForest(this.forest, this.sampleSize, data, rows, this.cols);
  }

  /** The forest as plain JSON (numbers only), for storing; {@link IsolationForest.fromJSON} reads it back. */
  toJSON(): IsolationForestJSON {
    const { treeStart, feature, threshold, left, right, size } = this.forest;
    const trees: IsolationTreeJSON[] = [];
    for (let t = 0; t + 1 < treeStart.length; t++) {
      const a = treeStart[t]!;
      const b = treeStart[t + 1]!;
      trees.push({
        feature: Array.from(feature.subarray(a, b)),
        threshold: Array.from(threshold.subarray(a, b)),
        left: Array.from(left.subarray(a, b)),
        right: Array.from(right.subarray(a, b)),
        size: Array.from(size.subarray(a, b)),
      });
    }
    return { kind: 'isolation-forest', version: 1, cols: this.cols, sampleSize: this.sampleSize, trees };
  }

  /**
   * Reads a forest written by {@link IsolationForest.toJSON} (already parsed). It scores exactly as
   * the forest that wrote it.
   * @throws LatheError INVALID_ARGUMENT naming the first field that is missing or malformed.
   */
  static fromJSON(json: unknown): IsolationForest {
    const obj = asRecord(json, 'isolation forest JSON');
    if (obj['kind'] !== 'isolation-forest' || obj['version'] !== 1) {
      throw invalid(
        `expected an isolation forest JSON with kind "isolation-forest" and version 1; got kind ${describeValue(obj['kind'])} and version ${describeValue(obj['version'])}`,
        { field: 'kind' },
      );
    }
    const cols = obj['cols'];
    const sampleSize = obj['sampleSize'];
    checkInteger(cols, 'cols', 1);
    checkInteger(sampleSize, 'sampleSize', 2);
    const trees = obj['trees'];
    if (!Array.isArray(trees) || trees.length === 0) {
      throw invalid(`trees must be a non-empty array; got ${describeValue(trees)}`, { field: 'trees' });
    }
    const parsed = trees.map((tree, t) => readTree(tree, t, cols as number, sampleSize as number));
    const treeStart = new Int32Array(parsed.length + 1);
    for (let t = 0; t < parsed.length; t++) treeStart[t + 1] = treeStart[t]! + parsed[t]!.feature.length;
    const forest: ForestArrays = {
      treeStart,
      feature: Int32Array.from(parsed.flatMap((p) => p.feature)),
      threshold: Float64Array.from(parsed.flatMap((p) => p.threshold)),
      left: Int32Array.from(parsed.flatMap((p) => p.left)),
      right: Int32Array.from(parsed.flatMap((p) => p.right)),
      size: Int32Array.from(parsed.flatMap((p) => p.size)),
    };
    return new IsolationForest(cols as number, sampleSize as number, forest);
  }
}

function invalid(message: string, details?: Record<string, unknown>): LatheError {
  return new LatheError('INVALID_ARGUMENT', message, details);
}

function checkData(data: unknown, name: string): void {
  if (!(data instanceof Float64Array)) {
    throw invalid(`${name} must be a Float64Array (row-major values); got ${describeValue(data)}`, {
      field: name,
    });
  }
}

function checkInteger(value: unknown, name: string, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalid(`${name} must be an integer >= ${min}; got ${describeValue(value)}`, { field: name });
  }
}

function checkLength(data: Float64Array, rows: number, cols: number, where: 'fit' | 'score'): void {
  if (data.length === rows * cols) return;
  const origin = where === 'score' ? ' (the column count the forest was fitted on)' : '';
  throw invalid(
    `${where}: data must hold rows × cols = ${rows} × ${cols}${origin} = ${rows * cols} values; got ${data.length}`,
    { rows, cols, length: data.length },
  );
}

function badValue(value: number, index: number, cols: number, where: string, allowed: string): LatheError {
  const row = Math.floor(index / cols);
  const col = index % cols;
  return invalid(`${where}: values must be ${allowed}; got ${value} at row ${row}, column ${col}`, {
    row,
    col,
  });
}

function asRecord(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`${name} must be an object; got ${describeValue(value)}`, { field: name });
  }
  return value as Record<string, unknown>;
}

/** Reads and checks one tree: equal-length number arrays forming a pre-order binary tree. */
function readTree(value: unknown, t: number, cols: number, sampleSize: number): IsolationTreeJSON {
  const where = `trees[${t}]`;
  const tree = asRecord(value, where);
  const arrays: Partial<Record<keyof IsolationTreeJSON, number[]>> = {};
  let n = -1;
  for (const key of ['feature', 'threshold', 'left', 'right', 'size'] as const) {
    const a = tree[key];
    if (!Array.isArray(a) || a.length === 0 || (n >= 0 && a.length !== n)) {
      const expected = n >= 0 ? `an array of ${n} numbers like feature` : 'a non-empty array of numbers';
      throw invalid(`${where}.${key} must be ${expected}; got ${describeValue(a)}`, {
        field: `${where}.${key}`,
      });
    }
    n = a.length;
    for (let i = 0; i < n; i++) {
      if (typeof a[i] !== 'number' || !Number.isFinite(a[i])) {
        throw invalid(`${where}.${key}[${i}] must be a finite number; got ${describeValue(a[i])}`, {
          field: `${where}.${key}`,
        });
      }
    }
    arrays[key] = a as number[];
  }
  const { feature, threshold, left, right, size } = arrays as IsolationTreeJSON;
  const referenced = new Uint8Array(n);
  const fail = (i: number, what: string): never => {
    throw invalid(`${where} node ${i}: ${what}`, { field: where, node: i });
  };
  for (let i = 0; i < n; i++) {
    const f = feature[i]!;
    if (!Number.isInteger(f) || f < -1 || f >= cols)
      fail(i, `feature must be -1 (leaf) or 0..${cols - 1}; got ${f}`);
    if (!Number.isInteger(size[i]) || size[i]! < 1 || size[i]! > sampleSize) {
      fail(i, `size must be an integer in 1..${sampleSize}; got ${size[i]}`);
    }
    if (f < 0) {
      if (left[i] !== -1 || right[i] !== -1)
        fail(i, `a leaf must have left and right -1; got ${left[i]}, ${right[i]}`);
      continue;
    }
    for (const c of [left[i]!, right[i]!]) {
      if (!Number.isInteger(c) || c <= i || c >= n)
        fail(i, `children must be node indices in ${i + 1}..${n - 1}; got ${c}`);
      if (referenced[c]) fail(i, `child ${c} already has a parent`);
      referenced[c] = 1;
    }
  }
  for (let i = 1; i < n; i++) if (!referenced[i]) fail(i, 'no parent refers to this node');
  if (size[0] !== sampleSize) fail(0, `the root's size must equal sampleSize ${sampleSize}; got ${size[0]}`);
  for (let i = 0; i < n; i++) {
    if (feature[i]! >= 0 && size[i] !== size[left[i]!]! + size[right[i]!]!) {
      fail(
        i,
        `size must be the sum of its children's sizes ${size[left[i]!]} + ${size[right[i]!]}; got ${size[i]}`,
      );
    }
  }
  return { feature, threshold, left, right, size };
}
