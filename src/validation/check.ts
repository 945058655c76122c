/**
 * The validation check contract: one interface every check in `checks/` implements (one file
 * per check), the context a check runs in (the candidate model, the test and training data, the
 * candidate's predictions, an optional baseline model), and what a check answers: pass, warn or
 * fail, the measured value, the threshold it was compared with, tables and chart data.
 *
 * Checks are pure with respect to storage: they read the context and compute. Heavy checks sample
 * rows (`ctx.sampleSize`, seeded by `ctx.seed`) and say so in `sample`.
 */
import { LatheError } from '../core/index.js';
import type { TreeEnsemble } from '../ml/index.js';

/** Outcome of a check. `skip`: not applicable (wrong task, missing input); `error`: it broke. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip' | 'error';

/** A class label as the model answers it. */
export type Label = string | number | boolean;

/** The tasks checks handle. */
export type ValidationTask = 'binary' | 'multiclass' | 'regression';

/**
 * The limits a measured value is compared with. `bad: 'above'` means larger is worse (a gap, a
 * drift statistic): warn when value > warn, fail when value > fail. `bad: 'below'` means smaller
 * is worse (an accuracy, a ratio): warn when value < warn, fail when value < fail.
 */
export interface Threshold {
  bad: 'above' | 'below';
  warn?: number;
  fail?: number;
}

/** Chart data a report draws; series values line up with `x` (or with `labels` for bars). */
export interface ChartData {
  kind: 'bar' | 'line' | 'scatter' | 'histogram';
  title: string;
  xLabel?: string;
  yLabel?: string;
  /** Category labels (bars) … */
  labels?: string[];
  /** … or numeric x positions (lines, scatter, histogram bin starts). */
  x?: number[];
  series: { name: string; values: (number | null)[] }[];
  /** Reference lines (a threshold, a baseline value). */
  marks?: { name: string; value: number; axis: 'x' | 'y' }[];
}

/** A table a report shows (slices, per-feature drift, label errors…). */
export interface CheckTable {
  title: string;
  columns: string[];
  rows: (string | number | boolean | null)[][];
}

/** What a check answers. */
export interface CheckResult {
  /** The check's name (`slices`, `drift`…) as in suites. */
  check: string;
  title: string;
  status: CheckStatus;
  /** What `value` measures, in words ("accuracy gap of the weakest slice"). */
  measure: string;
  /** The measured value compared with `threshold`; null when there is none (skip, error). */
  value: number | null;
  threshold: Threshold | null;
  /** One or two sentences for people: what was found, and why it passed or not. */
  message: string;
  tables: CheckTable[];
  charts: ChartData[];
  /** Set when the check ran on a sample: rows used, of how many. */
  sample?: { rows: number; of: number };
  /** Wall-clock seconds the check took (filled by the runner). */
  seconds: number;
}

/** A table of data by column: every column holds `rows` values (NaN or null for missing). */
export interface Frame {
  rows: number;
  columns: Record<string, Float64Array | unknown[]>;
}

/**
 * Predictions of a model on a frame: `y` holds class indices into `classes` (classifiers) or
 * values (regression); `proba` holds rows × classes probabilities (classifiers).
 */
export interface FramePredictions {
  y: Float64Array;
  proba?: Float64Array;
}

/** A model as checks see it. */
export interface ValidationModel {
  /** `name@version`. */
  ref: string;
  /** Predicts any frame holding the model's input columns (the candidate's signature is enforced). */
  predict(frame: Frame): Promise<FramePredictions>;
  /** Predictions on the test frame, computed once. */
  test: FramePredictions;
  /** Predictions on the training frame, when there is one. */
  train?: FramePredictions;
  /** Tree models: the trees, and the matrix they read for a frame (staged predictions per round). */
  trees?: { ensemble: TreeEnsemble; inputs(frame: Frame): Float64Array };
}

/** Everything a check may read. */
export interface ValidationContext {
  task: ValidationTask;
  /** Classifiers: the labels, in the order of probability columns and of class indices in `y`. */
  classes?: Label[];
  /** The target column's name in the frames. */
  target: string;
  /** The columns the model reads (its signature inputs), in order. */
  features: string[];
  /** The test rows (features and target). */
  test: Frame;
  /** The test target: class indices (classifiers) or values (regression). */
  yTest: Float64Array;
  /** The training rows, when given (drift, leakage, overfitting, label errors). */
  train?: Frame;
  yTrain?: Float64Array;
  /**
   * A sample of production inputs, when given (drift): the model's input columns, no target needed.
   */
  production?: Frame;
  /** The model under validation. */
  candidate: ValidationModel;
  /** The model it is compared with (the current champion), when given. */
  baseline?: ValidationModel;
  /** Seed of every random draw (noise, samples). */
  seed: number;
  /** Rows heavy checks use at most (they sample beyond it and say so). */
  sampleSize: number;
}

/** One parameter of a check: its help text and default. */
export interface CheckParam {
  help: string;
  default: unknown;
}

/** One validation check. */
export interface ValidationCheck<P extends Record<string, unknown> = Record<string, unknown>> {
  /** The name suites use (`performance`, `slices`, `drift`…): lowercase, dashes. */
  readonly name: string;
  readonly title: string;
  /** One paragraph: what it measures and why it matters. */
  readonly description: string;
  /** The tasks it applies to; on others the runner answers `skip`. */
  readonly tasks: readonly ValidationTask[];
  /** Parameters (thresholds included) with help and defaults. */
  readonly params: Readonly<Record<string, CheckParam>>;
  /**
   * Checks a suite's parameters and fills defaults.
   * @throws LatheError INVALID_ARGUMENT naming an unknown parameter or a bad value (what was
   *   expected, what arrived).
   */
  parseParams(raw: Record<string, unknown>): P;
  /**
   * The test-set columns these parameters name (a protected attribute, a time column, slice
   * columns): checked against the test set before the validation is queued.
   */
  columns?(params: P): string[];
  /** Runs the check (the runner fills `seconds` and turns a throw into an `error` result). */
  run(ctx: ValidationContext, params: P): Promise<Omit<CheckResult, 'seconds'>>;
}

/** The status of `value` against `threshold` (NaN or no threshold: pass). */
export function statusOf(value: number, threshold: Threshold): 'pass' | 'warn' | 'fail' {
  if (Number.isNaN(value)) return 'pass';
  const worse = (limit: number | undefined) =>
    limit !== undefined && (threshold.bad === 'above' ? value > limit : value < limit);
  if (worse(threshold.fail)) return 'fail';
  if (worse(threshold.warn)) return 'warn';
  return 'pass';
}

/**
 * Reads a check's parameters: unknown names are refused, given values are checked by `read`
 * (which throws with what was expected), missing ones take their defaults.
 * @throws LatheError INVALID_ARGUMENT naming the check and the parameter.
 */
export function readParams<P extends Record<string, unknown>>(
  check: string,
  params: Readonly<Record<string, CheckParam>>,
  raw: Record<string, unknown>,
  read: { [K in keyof P]?: (value: unknown) => P[K] } = {},
): P {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new LatheError('INVALID_ARGUMENT', `check ${check}: parameters must be an object`, {
      field: check,
    });
  const unknown = Object.keys(raw).filter((k) => !(k in params));
  if (unknown.length)
    throw new LatheError(
      'INVALID_ARGUMENT',
      `check ${check}: unknown parameter ${unknown[0]}; valid parameters: ${Object.keys(params).join(', ') || '(none)'}`,
      { field: `${check}.${unknown[0]}` },
    );
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(params)) {
    const given = raw[k];
    if (given === undefined) out[k] = spec.default;
    else {
      const reader = (read as Record<string, ((v: unknown) => unknown) | undefined>)[k];
      try {
        out[k] = reader ? reader(given) : given;
      } catch (err) {
        throw new LatheError('INVALID_ARGUMENT', `check ${check}: ${k} ${(err as Error).message}`, {
          field: `${check}.${k}`,
        });
      }
    }
  }
  return out as P;
}

/** A reader of numbers in [min, max] for `readParams` (the message says the range and what came). */
export function numberIn(min: number, max: number): (v: unknown) => number {
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
      throw new Error(`must be a number in ${min}..${max}; got ${JSON.stringify(v)}`);
    return v;
  };
}

/** A reader of integers in [min, max] for `readParams` (the message says the range and what came). */
export function integerIn(min: number, max: number): (v: unknown) => number {
  const read = numberIn(min, max);
  return (v) => {
    const n = read(v);
    if (!Number.isInteger(n))
      throw new Error(`must be an integer in ${min}..${max}; got ${JSON.stringify(v)}`);
    return n;
  };
}
