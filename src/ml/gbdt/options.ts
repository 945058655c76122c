/**
 * Hyperparameters of histogram gradient boosting: their one-line help, defaults, and the check that
 * turns user options into a complete {@link GbdtParams} before any training (unknown option or
 * out-of-range value → LatheError INVALID_ARGUMENT naming the option, its valid range and the value).
 */
import { describeValue } from '../../core/index.js';
import {
  boolOption,
  checkOptionKeys,
  enumOption,
  intOption,
  invalid,
  numberOption,
} from '../input-checks.js';

/** Regression losses (classification always uses log-loss: binary or softmax). */
export type RegressionLoss = 'squared_error' | 'absolute_error' | 'huber';

/** Options a user may pass (all optional; see {@link GBDT_PARAM_HELP}). */
export interface GbdtOptions {
  rounds?: number;
  learningRate?: number;
  maxDepth?: number | null;
  maxLeaves?: number | null;
  minChildWeight?: number;
  lambda?: number;
  alpha?: number;
  gamma?: number;
  subsample?: number;
  colsampleByTree?: number;
  maxBins?: number;
  binSampleRows?: number;
  loss?: RegressionLoss;
  huberDelta?: number;
  earlyStoppingRounds?: number | null;
  categoricalFeatures?: readonly number[] | string | null;
  maxCatThreshold?: number;
  catSmooth?: number;
  monotone?: readonly number[] | string | null;
  quantizedGradients?: boolean;
  threads?: number;
  seed?: number;
}

/** Every hyperparameter, resolved. */
export interface GbdtParams {
  rounds: number;
  learningRate: number;
  /** 0 = unlimited. */
  maxDepth: number;
  /** 0 = depth-wise growth; > 0 = leaf-wise (best-first) growth with at most this many leaves. */
  maxLeaves: number;
  minChildWeight: number;
  lambda: number;
  alpha: number;
  gamma: number;
  subsample: number;
  colsampleByTree: number;
  maxBins: number;
  binSampleRows: number;
  loss: RegressionLoss;
  huberDelta: number;
  /** 0 = no early stopping. */
  earlyStoppingRounds: number;
  categoricalFeatures: number[];
  maxCatThreshold: number;
  catSmooth: number;
  /** One of −1, 0, 1 per feature, or empty for none. */
  monotone: number[];
  /** Histograms from gradients quantized to integers (leaf values from the exact ones). */
  quantizedGradients: boolean;
  threads: number;
  seed: number;
}

/** One line per hyperparameter: meaning, range and default (help texts, the UI, errors). */
export const GBDT_PARAM_HELP: Readonly<Record<keyof GbdtOptions, string>> = {
  rounds: 'boosting rounds, an integer >= 1 (default 100)',
  learningRate: 'shrinkage of each tree, in (0, 1] (default 0.1)',
  maxDepth: 'maximum tree depth, an integer >= 1 (default 6; null = unlimited, only with maxLeaves)',
  maxLeaves:
    'leaf-wise (best-first) growth with at most this many leaves, an integer >= 2 (default null: depth-wise)',
  minChildWeight: 'minimum hessian sum in each child, >= 0 (default 1)',
  lambda: 'L2 regularisation of leaf weights, >= 0 (default 1)',
  alpha: 'L1 regularisation of leaf weights, >= 0 (default 0)',
  gamma: 'minimum loss reduction to keep a split (min split gain), >= 0 (default 0)',
  subsample: 'share of rows drawn for each tree, in (0, 1] (default 1)',
  colsampleByTree: 'share of features drawn for each tree, in (0, 1] (default 1)',
  maxBins: 'histogram bins per feature, an integer in 2..256 (default 256)',
  binSampleRows: 'rows sampled to compute the bin edges, an integer >= 1 (default 200000)',
  loss: 'regression loss: squared_error (default), absolute_error or huber',
  huberDelta: 'huber loss: residual size where the loss turns linear, > 0 (default 1)',
  earlyStoppingRounds:
    'stop when the validation metric has not improved for this many rounds (default null: off)',
  categoricalFeatures: 'columns holding integer category codes 0..254, split natively (default none)',
  maxCatThreshold: 'most categories on one side of a categorical split, an integer >= 1 (default 32)',
  catSmooth: 'smoothing of the category ordering G/(H + catSmooth), >= 0 (default 10)',
  monotone: 'monotonic constraint per feature: -1, 0 or 1 (default none)',
  quantizedGradients:
    'search splits on gradients rounded to 2-16 bits (faster histograms; leaf values stay exact), true or false (default true)',
  threads:
    'threads for binning, histograms, row partitions and the row work of each round, and for predicting batches of 16,384 rows or more, an integer in 1..64 (default 1; same model and predictions)',
  seed: 'random seed for row/column sampling and bin sampling (default 0)',
};

const KEYS = Object.keys(GBDT_PARAM_HELP);

/** A list of integers from an array or a comma-separated string. */
function intList(value: unknown, name: string): number[] {
  if (value === null || value === undefined || value === '') return [];
  const items = typeof value === 'string' ? value.split(',').map((s) => Number(s.trim())) : value;
  if (!Array.isArray(items) || items.some((v) => typeof v !== 'number' || !Number.isInteger(v)))
    throw invalid(`${name} must be a list of integers (array or "a,b,c"); got ${describeValue(value)}`, {
      field: name,
    });
  return items as number[];
}

/**
 * Resolves user options for data with `cols` features.
 * @throws LatheError INVALID_ARGUMENT naming the option, its valid range and what arrived.
 */
export function resolveParams(options: GbdtOptions | Record<string, unknown>, cols: number): GbdtParams {
  checkOptionKeys(options, KEYS, 'gbdt');
  const o = options as Record<string, unknown>;
  const get = <T>(k: string, fallback: T): unknown => (o[k] === undefined ? fallback : o[k]);
  const maxLeavesRaw = get('maxLeaves', null);
  const maxLeaves = maxLeavesRaw === null ? 0 : intOption(maxLeavesRaw, 'maxLeaves', 2, 1 << 20);
  const depthRaw = get('maxDepth', maxLeaves > 0 ? null : 6);
  if (depthRaw === null && maxLeaves === 0)
    throw invalid('maxDepth may be null (unlimited) only with maxLeaves set; got null', {
      field: 'maxDepth',
    });
  const maxDepth = depthRaw === null ? 0 : intOption(depthRaw, 'maxDepth', 1, 64);
  const categoricalFeatures = intList(get('categoricalFeatures', null), 'categoricalFeatures');
  for (const c of categoricalFeatures)
    if (c < 0 || c >= cols)
      throw invalid(`categoricalFeatures must hold column indices 0..${cols - 1}; got ${c}`, {
        field: 'categoricalFeatures',
      });
  const monotone = intList(get('monotone', null), 'monotone');
  if (monotone.length > 0 && monotone.length !== cols)
    throw invalid(`monotone must hold one value per feature (${cols}); got ${monotone.length}`, {
      field: 'monotone',
    });
  for (const [j, m] of monotone.entries()) {
    if (m !== -1 && m !== 0 && m !== 1)
      throw invalid(`monotone values must be -1, 0 or 1; got ${m} for feature ${j}`, { field: 'monotone' });
    if (m !== 0 && categoricalFeatures.includes(j))
      throw invalid(`monotone: feature ${j} is categorical and cannot be monotone`, { field: 'monotone' });
  }
  const early = get('earlyStoppingRounds', null);
  return {
    rounds: intOption(get('rounds', 100), 'rounds', 1, 1_000_000),
    learningRate: numberOption(get('learningRate', 0.1), 'learningRate', 0, 1, true),
    maxDepth,
    maxLeaves,
    minChildWeight: numberOption(get('minChildWeight', 1), 'minChildWeight', 0),
    lambda: numberOption(get('lambda', 1), 'lambda', 0),
    alpha: numberOption(get('alpha', 0), 'alpha', 0),
    gamma: numberOption(get('gamma', 0), 'gamma', 0),
    subsample: numberOption(get('subsample', 1), 'subsample', 0, 1, true),
    colsampleByTree: numberOption(get('colsampleByTree', 1), 'colsampleByTree', 0, 1, true),
    maxBins: intOption(get('maxBins', 256), 'maxBins', 2, 256),
    binSampleRows: intOption(get('binSampleRows', 200_000), 'binSampleRows', 1),
    loss: enumOption(get('loss', 'squared_error'), 'loss', ['squared_error', 'absolute_error', 'huber']),
    huberDelta: numberOption(get('huberDelta', 1), 'huberDelta', 0, Number.POSITIVE_INFINITY, true),
    earlyStoppingRounds: early === null ? 0 : intOption(early, 'earlyStoppingRounds', 1),
    categoricalFeatures: [...new Set(categoricalFeatures)].sort((a, b) => a - b),
    maxCatThreshold: intOption(get('maxCatThreshold', 32), 'maxCatThreshold', 1, 255),
    catSmooth: numberOption(get('catSmooth', 10), 'catSmooth', 0),
    monotone: monotone.some((m) => m !== 0) ? monotone : [],
    quantizedGradients: boolOption(get('quantizedGradients', true), 'quantizedGradients'),
    threads: intOption(get('threads', 1), 'threads', 1, 64),
    seed: intOption(get('seed', 0), 'seed', Number.MIN_SAFE_INTEGER),
  };
}
