/**
 * LightGBM objectives as a model file states them (`objective=binary sigmoid:1`): what task Lathe
 * answers, and how raw scores become LightGBM's `predict` output (each objective's
 * `ConvertOutput`).
 */
import { LatheError } from '../../../core/index.js';
import { softmaxRow } from '../../../ml/index.js';
import type { ModelTask } from '../../package.js';

/** How raw scores become predictions. */
export type LgbTransform = 'identity' | 'sigmoid' | 'softmax' | 'ova-sigmoid' | 'exp' | 'square' | 'softplus';

/** What an objective means for prediction. */
export interface LgbObjective {
  /** The objective's name as written (`binary`, `multiclass`, `regression_l1`…). */
  name: string;
  task: ModelTask;
  transform: LgbTransform;
  /** The `sigmoid:` parameter of `binary` and `multiclassova` (default 1). */
  sigmoid: number;
  /** The `num_class:` parameter of multiclass objectives. */
  numClass?: number;
}

type Kind = { task: ModelTask; transform: LgbTransform; sqrt?: boolean };

/** Objective names (and their older spellings) to their meaning; `sqrt` marks `reg_sqrt` support. */
const table: Record<string, Kind> = {
  regression: { task: 'regression', transform: 'identity', sqrt: true },
  regression_l2: { task: 'regression', transform: 'identity', sqrt: true },
  regression_l1: { task: 'regression', transform: 'identity', sqrt: true },
  huber: { task: 'regression', transform: 'identity', sqrt: true },
  fair: { task: 'regression', transform: 'identity', sqrt: true },
  quantile: { task: 'regression', transform: 'identity', sqrt: true },
  mape: { task: 'regression', transform: 'identity', sqrt: true },
  poisson: { task: 'regression', transform: 'exp' },
  gamma: { task: 'regression', transform: 'exp' },
  tweedie: { task: 'regression', transform: 'exp' },
  cross_entropy: { task: 'regression', transform: 'sigmoid' },
  xentropy: { task: 'regression', transform: 'sigmoid' },
  cross_entropy_lambda: { task: 'regression', transform: 'softplus' },
  xentlambda: { task: 'regression', transform: 'softplus' },
  binary: { task: 'binary', transform: 'sigmoid' },
  multiclass: { task: 'multiclass', transform: 'softmax' },
  multiclassova: { task: 'multiclass', transform: 'ova-sigmoid' },
  lambdarank: { task: 'ranking', transform: 'identity' },
  rank_xendcg: { task: 'ranking', transform: 'identity' },
  custom: { task: 'regression', transform: 'identity' },
  none: { task: 'regression', transform: 'identity' },
};

/** The objective names this flavor evaluates. */
export const supportedObjectives: readonly string[] = Object.keys(table);

function invalid(message: string): LatheError {
  return new LatheError('MODEL_PACKAGE_INVALID', message);
}

/**
 * Reads the `objective=` value of a model file: a name then `key:value` parameters (and `sqrt` for
 * `reg_sqrt`). A file without the line was trained with a custom objective: raw scores, as
 * LightGBM answers them.
 * @throws LatheError MODEL_PACKAGE_INVALID for an objective LightGBM does not define, or a
 *   parameter that is not a number.
 */
export function parseObjective(text: string | undefined): LgbObjective {
  const tokens = (text ?? 'custom').trim().split(/\s+/);
  const name = tokens[0] ?? 'custom';
  const kind = Object.hasOwn(table, name) ? table[name]! : undefined;
  if (!kind)
    throw invalid(
      `objective ${JSON.stringify(name)} is not one Lathe evaluates; the supported objectives are ${supportedObjectives.join(', ')}`,
    );
  const out: LgbObjective = { name, task: kind.task, transform: kind.transform, sigmoid: 1 };
  for (const token of tokens.slice(1)) {
    if (token === 'sqrt') {
      if (!kind.sqrt) throw invalid(`objective ${name} does not take sqrt`);
      out.transform = 'square';
      continue;
    }
    const [key, value] = token.split(':');
    const n = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(n))
      throw invalid(`objective ${name}: parameter ${JSON.stringify(token)} must be key:number`);
    if (key === 'sigmoid') {
      if (!(n > 0)) throw invalid(`objective ${name}: sigmoid must be > 0; got ${n}`);
      out.sigmoid = n;
    } else if (key === 'num_class') {
      if (!Number.isInteger(n) || n < 1)
        throw invalid(`objective ${name}: num_class must be an integer >= 1`);
      out.numClass = n;
    }
    // Other parameters (tweedie's variance power, huber's alpha…) do not change predictions.
  }
  return out;
}

/**
 * LightGBM's `predict` output from raw scores (`rows × k`, row-major), in place: each objective's
 * `ConvertOutput`, in double precision as LightGBM computes it.
 */
export function convertOutputs(
  objective: LgbObjective,
  raw: Float64Array,
  rows: number,
  k: number,
): Float64Array {
  const n = rows * k;
  const s = objective.sigmoid;
  switch (objective.transform) {
    case 'identity':
      return raw;
    case 'sigmoid':
    case 'ova-sigmoid':
      for (let i = 0; i < n; i++) raw[i] = 1 / (1 + Math.exp(-s * raw[i]!));
      return raw;
    case 'exp':
      for (let i = 0; i < n; i++) raw[i] = Math.exp(raw[i]!);
      return raw;
    case 'square':
      for (let i = 0; i < n; i++) raw[i] = Math.sign(raw[i]!) * raw[i]! * raw[i]!;
      return raw;
    case 'softplus':
      for (let i = 0; i < n; i++) raw[i] = Math.log1p(Math.exp(raw[i]!));
      return raw;
    case 'softmax':
      for (let r = 0; r < rows; r++) softmaxRow(raw, r * k, k);
      return raw;
  }
}
