/**
 * Histogram gradient boosting (XGBoost `hist` / LightGBM style) for binary, multiclass and
 * regression tasks: a fitted model predicts from raw feature values (NaN = missing), saves to a
 * SavedModel and exposes its trees as a {@link TreeEnsemble}.
 */
import type { FitContext, Task } from '../family.js';
import { checkSaved, invalid } from '../input-checks.js';
import type { Matrix, SavedModel } from '../matrix.js';
import type { TreeEnsemble } from '../tree-ensemble.js';
import { type BoostContext, boost } from './boost.js';
import { checkFeatures, checkFitData } from './checks.js';
import { addTrees, type FlatTrees } from './flat-trees.js';
import type { Objective } from './objective.js';
import { type GbdtOptions, resolveParams } from './options.js';
import { startHistWorkers, threadedBinner, threadedHistPool } from './threaded-pool.js';

/** The SavedModel kind of a boosted model. */
export const GBDT_KIND = 'gbdt';
const VERSION = 1;

/** What `fit` receives besides the features, targets and options (the family FitContext). */
export type GbdtFitContext = FitContext;

/** A fitted gradient-boosted ensemble. */
export class GradientBoosting {
  private constructor(
    readonly task: Task,
    /** Classes (0 for regression). */
    readonly classes: number,
    readonly cols: number,
    readonly objective: Objective,
    /** Initial margin per output. */
    readonly base: Float64Array,
    /** The trees (`rounds × outputs` of them, round-major). */
    readonly trees: FlatTrees,
    /** Boosting rounds kept (the best round with early stopping). */
    readonly iterations: number,
    /** Validation metric per fitted round (empty without a validation set). */
    readonly history: number[],
  ) {}

  /**
   * Threads that predict batches of 16,384 rows or more (the fit's `threads`; 1 for a loaded
   * model). Each row's prediction is the same for any value.
   */
  threads = 1;

  /** Margins per row: classes for multiclass, else 1. */
  get outputs(): number {
    return this.task === 'multiclass' ? this.classes : 1;
  }

  /**
   * Fits on `X` (NaN = missing) and `y` (class indices 0..k−1 for classification).
   * @throws LatheError INVALID_ARGUMENT for unknown or out-of-range options, infinite features,
   * NaN/Inf targets, bad class labels or weights — before any training.
   */
  static fit(
    X: Matrix,
    y: Float64Array,
    options: GbdtOptions | Record<string, unknown>,
    context: GbdtFitContext,
  ): GradientBoosting {
    const p = resolveParams(options, X.cols);
    if (p.threads > 1) startHistWorkers(p.threads - 1);
    checkFitData(X, y, context);
    const task = context.task;
    const classes = task === 'regression' ? 0 : context.classes;
    const objective: Objective = task === 'binary' ? 'logistic' : task === 'multiclass' ? 'softmax' : p.loss;
    if (task !== 'regression' && (options as Record<string, unknown>)['loss'] !== undefined)
      throw invalid('loss applies to regression only; classification uses log-loss', { field: 'loss' });
    const ctx: BoostContext = {
      objective,
      outputs: task === 'multiclass' ? classes : 1,
      ...(context.sampleWeight ? { sampleWeight: context.sampleWeight } : {}),
      ...(context.validation ? { validation: context.validation } : {}),
      ...(context.onProgress ? { onProgress: context.onProgress } : {}),
      ...(context.shouldStop ? { shouldStop: context.shouldStop } : {}),
      threadedPool: (data, grads, packed, rowData, split) =>
        threadedHistPool(data, grads, packed, rowData, split, p.threads),
      threadedBinner: threadedBinner(p.threads),
    };
    const r = boost(X, y, p, ctx);
    const model = new GradientBoosting(
      task,
      classes,
      X.cols,
      objective,
      r.base,
      r.trees,
      r.rounds,
      r.history,
    );
    model.threads = p.threads;
    return model;
  }

  /** Raw margins (rows × outputs, row-major) before the link function. */
  predictRaw(X: Matrix): Float64Array {
    checkFeatures(X, this.cols, 'predict');
    const k = this.outputs;
    const out = new Float64Array(X.rows * k);
    for (let r = 0; r < X.rows; r++) for (let c = 0; c < k; c++) out[r * k + c] = this.base[c]!;
    addTrees(this.trees, 0, this.trees.treeClass.length, X.data, X.rows, X.cols, k, out, this.threads);
    return out;
  }

  /** Class probabilities (rows × classes); classification only. */
  predictProba(X: Matrix): Matrix {
    if (this.task === 'regression')
      throw invalid('predictProba needs a classifier; this model does regression');
    const raw = this.predictRaw(X);
    if (this.task === 'binary') {
      const out = new Float64Array(X.rows * 2);
      for (let r = 0; r < X.rows; r++) {
        const p = 1 / (1 + Math.exp(-raw[r]!));
        out[2 * r] = 1 - p;
        out[2 * r + 1] = p;
      }
      return { data: out, rows: X.rows, cols: 2 };
    }
    const k = this.classes;
    for (let r = 0; r < X.rows; r++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, raw[r * k + c]!);
      let s = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(raw[r * k + c]! - max);
        raw[r * k + c] = e;
        s += e;
      }
      for (let c = 0; c < k; c++) raw[r * k + c]! /= s;
    }
    return { data: raw, rows: X.rows, cols: k };
  }

  /** Class index (classification; ties to the lower class) or value (regression) per row. */
  predict(X: Matrix): Float64Array {
    const raw = this.predictRaw(X);
    if (this.task === 'regression') return raw;
    const out = new Float64Array(X.rows);
    if (this.task === 'binary') {
      for (let r = 0; r < X.rows; r++) out[r] = raw[r]! > 0 ? 1 : 0;
      return out;
    }
    const k = this.classes;
    for (let r = 0; r < X.rows; r++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (raw[r * k + c]! > raw[r * k + best]!) best = c;
      out[r] = best;
    }
    return out;
  }

  /** Total split gain per feature, normalised to sum to 1 (all zeros for a model without splits). */
  featureImportances(kind: 'gain' | 'split' = 'gain'): Float64Array {
    const out = new Float64Array(this.cols);
    const { feature, gain } = this.trees;
    for (let g = 0; g < feature.length; g++) {
      const f = feature[g]!;
      if (f >= 0) out[f]! += kind === 'gain' ? gain[g]! : 1;
    }
    if (kind === 'split') return out;
    const total = out.reduce((a, b) => a + b, 0);
    if (total > 0) for (let f = 0; f < out.length; f++) out[f]! /= total;
    return out;
  }

  /** The trees as a {@link TreeEnsemble} (raw outputs equal {@link predictRaw}). */
  treeEnsemble(): TreeEnsemble {
    const t = this.trees;
    const k = this.outputs;
    const nodes = t.feature.length;
    let value = t.value;
    if (k > 1) {
      value = new Float64Array(nodes * k);
      for (let g = 0; g < nodes; g++) value[g * k] = t.value[g]!;
    }
    const anyCat = t.categorical.some((c) => c === 1);
    return {
      treeStart: t.treeStart,
      feature: t.feature,
      threshold: t.threshold,
      left: t.left,
      right: t.right,
      missingLeft: t.missingLeft,
      ...(anyCat ? { categorical: t.categorical, catStart: t.catStart, catBits: t.catBits } : {}),
      cover: t.cover,
      value,
      outputs: k,
      ...(k > 1 ? { treeOutput: t.treeClass } : {}),
      scale: 1,
      base: this.base,
      link: this.task === 'binary' ? 'logistic' : this.task === 'multiclass' ? 'softmax' : 'identity',
      cols: this.cols,
    };
  }

  /** Metadata and typed arrays; {@link GradientBoosting.load} reverses it. */
  save(): SavedModel {
    const t = this.trees;
    return {
      kind: GBDT_KIND,
      version: VERSION,
      meta: {
        task: this.task,
        classes: this.classes,
        cols: this.cols,
        objective: this.objective,
        iterations: this.iterations,
        history: this.history,
      },
      arrays: { base: this.base, ...t },
    };
  }

  /** Reads what {@link save} wrote. */
  static load(saved: SavedModel): GradientBoosting {
    const s = checkSaved(saved, GBDT_KIND, VERSION);
    const m = s.meta;
    const a = s.arrays;
    const need = <T>(name: string, ctor: new (...args: never[]) => T): T => {
      const v = a[name];
      if (!(v instanceof ctor)) throw invalid(`saved gbdt: arrays.${name} is missing or of the wrong type`);
      return v as T;
    };
    const trees: FlatTrees = {
      treeStart: need('treeStart', Int32Array),
      treeClass: need('treeClass', Int32Array),
      feature: need('feature', Int32Array),
      threshold: need('threshold', Float64Array),
      missingLeft: need('missingLeft', Uint8Array),
      left: need('left', Int32Array),
      right: need('right', Int32Array),
      value: need('value', Float64Array),
      cover: need('cover', Float64Array),
      gain: need('gain', Float64Array),
      categorical: need('categorical', Uint8Array),
      catStart: need('catStart', Int32Array),
      catBits: need('catBits', Uint32Array),
    };
    const nodes = trees.feature.length;
    const task = m['task'];
    const classes = m['classes'];
    const cols = m['cols'];
    const base = need('base', Float64Array);
    const outputs = task === 'multiclass' ? classes : 1;
    const consistent =
      (task === 'binary' || task === 'multiclass' || task === 'regression') &&
      typeof classes === 'number' &&
      typeof cols === 'number' &&
      base.length === outputs &&
      trees.treeStart[trees.treeStart.length - 1] === nodes &&
      trees.treeClass.length === trees.treeStart.length - 1 &&
      trees.catStart.length === nodes + 1 &&
      [
        trees.threshold,
        trees.missingLeft,
        trees.left,
        trees.right,
        trees.value,
        trees.cover,
        trees.gain,
        trees.categorical,
      ].every((a) => a.length === nodes);
    if (!consistent) throw invalid('saved gbdt: meta and arrays do not describe one model (sizes disagree)');
    return new GradientBoosting(
      m['task'] as Task,
      m['classes'] as number,
      m['cols'] as number,
      m['objective'] as Objective,
      base,
      trees,
      m['iterations'] as number,
      (m['history'] as number[]) ?? [],
    );
  }
}
