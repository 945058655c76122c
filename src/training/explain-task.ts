/**
 * The worker side of an explanation (a task module for src/ml/parallel's WorkerPool): SHAP values,
 * their summary and waterfalls, permutation importance and partial dependence of a saved model on
 * encoded rows. Pure computation; the job writes the result to the run.
 */
import {
  kernelShap,
  loadFitted,
  type Matrix,
  modelShap,
  partialDependence,
  permutationImportance,
  permutationShap,
  type SavedModel,
  type ShapValues,
  shapSummary,
  type Task,
  waterfall,
} from '../ml/index.js';

/** How SHAP values are computed: `auto` is exact TreeSHAP for tree models, else permutation SHAP. */
export type ExplainMethod = 'auto' | 'tree' | 'kernel' | 'permutation';

/** A saved model and the encoded rows to explain (X), with their targets and a background sample. */
export interface ExplainTaskArgs {
  saved: SavedModel;
  task: Task;
  features: string[];
  X: Matrix;
  y: Float64Array;
  background: Matrix;
  method: ExplainMethod;
  /** Rows to keep for waterfalls (the first ones). */
  waterfallRows: number;
}

/** What the worker answers; the explain job writes it, with the rows' inputs, as explanations.json. */
export interface ExplainTaskResult {
  method: 'tree' | 'kernel' | 'permutation';
  space: ShapValues['space'];
  /** The output summarised: the positive class of a binary model, else 0 (multiclass: class 0). */
  output: number;
  expectedValue: number;
  globalImportance: { feature: string; meanAbs: number }[];
  beeswarm: Record<string, { value: number; shap: number }[]>;
  rows: {
    index: number;
    base: number;
    output: number;
    contributions: { feature: string; value: number | null; shap: number }[];
  }[];
  permutationImportance: { feature: string; mean: number; std: number }[];
  partialDependence: Record<string, { grid: number[]; average: number[] }>;
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * Explains a saved model on `args.X`: SHAP values by `args.method`, their global importance (mean
 * |SHAP|, largest first), a beeswarm of the top 20 features, waterfalls of the first rows,
 * permutation importance (5 repeats) and partial dependence of the top 6 features.
 */
export function explainModel(args: ExplainTaskArgs): ExplainTaskResult {
  const model = loadFitted(args.saved);
  const { X, features } = args;
  const method = args.method === 'auto' ? (model.treeEnsemble ? 'tree' : 'permutation') : args.method;
  let shap: ShapValues;
  if (method === 'tree') shap = modelShap(model, X);
  else if (method === 'kernel') shap = kernelShap(model, X, args.background);
  else shap = permutationShap(model, X, args.background, { permutations: 5 });
  // Binary models explained in probability space have one output per class: summarise class 1.
  const output = shap.outputs === 2 ? 1 : 0;
  const summary = shapSummary(shap, X, { output, maxPoints: 300 });
  const beeswarm: ExplainTaskResult['beeswarm'] = {};
  for (const { feature } of summary.importance.slice(0, 20)) {
    const p = summary.points[feature]!;
    beeswarm[features[feature]!] = Array.from(p.x, (x, i) => ({ value: round(x), shap: round(p.shap[i]!) }));
  }
  const rows: ExplainTaskResult['rows'] = [];
  for (let r = 0; r < Math.min(args.waterfallRows, X.rows); r++) {
    const w = waterfall(shap, r, { output, X, maxDisplay: 12 });
    rows.push({
      index: r,
      base: round(w.base),
      output: round(w.output),
      contributions: [
        ...w.contributions.map((c) => ({
          feature: features[c.feature]!,
          value: c.value === undefined || Number.isNaN(c.value) ? null : round(c.value),
          shap: round(c.shap),
        })),
        ...(w.restCount
          ? [{ feature: `${w.restCount} other features`, value: null, shap: round(w.rest) }]
          : []),
      ],
    });
  }
  const scorer =
    args.task === 'binary'
      ? 'roc_auc'
      : args.task === 'multiclass'
        ? 'neg_log_loss'
        : 'neg_root_mean_squared_error';
  const perm = permutationImportance(model, X, args.y, scorer, { repeats: 5, seed: 0 });
  const permutation = features
    .map((f, j) => ({ feature: f, mean: round(perm.mean[j]!), std: round(perm.std[j]!) }))
    .sort((a, b) => b.mean - a.mean);
  const pd: ExplainTaskResult['partialDependence'] = {};
  for (const { feature } of summary.importance.slice(0, 6)) {
    const d = partialDependence(model, X, feature, { gridResolution: 20 });
    const o = d.outputs === 2 ? 1 : 0;
    pd[features[feature]!] = {
      grid: Array.from(d.grid, round),
      average: Array.from(d.average.subarray(o * d.grid.length, (o + 1) * d.grid.length), round),
    };
  }
  return {
    method,
    space: shap.space,
    output,
    expectedValue: round(shap.expected[output]!),
    globalImportance: summary.importance.map((i) => ({
      feature: features[i.feature]!,
      meanAbs: round(i.meanAbs),
    })),
    beeswarm,
    rows,
    permutationImportance: permutation,
    partialDependence: pd,
  };
}
