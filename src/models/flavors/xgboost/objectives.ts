/**
 * XGBoost objectives: how `base_score` becomes the initial margin, how margins become XGBoost's
 * `predict` output, and what task Lathe answers for each.
 */
import type { ModelTask } from '../../package.js';
import { softmaxRow } from '../../../ml/index.js';

/** How margins become predictions. */
export type XgbTransform = 'identity' | 'logistic' | 'exp' | 'softmax' | 'softmax-argmax' | 'hinge';

/** What an objective means for prediction. */
export interface XgbObjective {
  name: string;
  task: ModelTask;
  /** `base_score` (as stored) to the initial margin: `logit`, `log` or `identity`. */
  baseMargin: 'logit' | 'log' | 'identity';
  transform: XgbTransform;
}

const table: Record<string, Omit<XgbObjective, 'name'>> = {
  'binary:logistic': { task: 'binary', baseMargin: 'logit', transform: 'logistic' },
  'binary:logitraw': { task: 'binary', baseMargin: 'identity', transform: 'identity' },
  'binary:hinge': { task: 'binary', baseMargin: 'identity', transform: 'hinge' },
  'multi:softprob': { task: 'multiclass', baseMargin: 'identity', transform: 'softmax' },
  'multi:softmax': { task: 'multiclass', baseMargin: 'identity', transform: 'softmax-argmax' },
  'reg:squarederror': { task: 'regression', baseMargin: 'identity', transform: 'identity' },
  'reg:linear': { task: 'regression', baseMargin: 'identity', transform: 'identity' },
  'reg:squaredlogerror': { task: 'regression', baseMargin: 'identity', transform: 'identity' },
  'reg:absoluteerror': { task: 'regression', baseMargin: 'identity', transform: 'identity' },
  'reg:pseudohubererror': { task: 'regression', baseMargin: 'identity', transform: 'identity' },
  'reg:quantileerror': { task: 'regression', baseMargin: 'identity', transform: 'identity' },
  'reg:logistic': { task: 'regression', baseMargin: 'logit', transform: 'logistic' },
  'count:poisson': { task: 'regression', baseMargin: 'log', transform: 'exp' },
  'reg:gamma': { task: 'regression', baseMargin: 'log', transform: 'exp' },
  'reg:tweedie': { task: 'regression', baseMargin: 'log', transform: 'exp' },
  'survival:cox': { task: 'regression', baseMargin: 'log', transform: 'exp' },
  'rank:pairwise': { task: 'ranking', baseMargin: 'identity', transform: 'identity' },
  'rank:ndcg': { task: 'ranking', baseMargin: 'identity', transform: 'identity' },
  'rank:map': { task: 'ranking', baseMargin: 'identity', transform: 'identity' },
};

/** The objective names this flavor evaluates. */
export const supportedObjectives: readonly string[] = Object.keys(table);

/** The objective called `name`, or undefined when it is not supported. */
export function objectiveOf(name: string): XgbObjective | undefined {
  const o = Object.hasOwn(table, name) ? table[name] : undefined;
  return o ? { name, ...o } : undefined;
}

/** The initial margin (a float32, as XGBoost keeps it) of a stored `base_score`. */
export function baseMarginOf(objective: XgbObjective, baseScore: number): number {
  const b = Math.fround(baseScore);
  if (objective.baseMargin === 'logit') return Math.fround(-Math.log(Math.fround(Math.fround(1 / b) - 1)));
  if (objective.baseMargin === 'log') return Math.fround(Math.log(b));
  return b;
}

/**
 * XGBoost's `predict` output from margins (`rows × groups`, row-major), in place where the shape
 * stays; `multi:softmax` answers one class index per row.
 */
export function transformMargins(
  transform: XgbTransform,
  margin: Float32Array,
  rows: number,
  groups: number,
): Float32Array {
  const n = margin.length;
  switch (transform) {
    case 'identity':
      return margin;
    case 'logistic':
      for (let i = 0; i < n; i++) margin[i] = 1 / (1 + Math.exp(-margin[i]!));
      return margin;
    case 'exp':
      for (let i = 0; i < n; i++) margin[i] = Math.exp(margin[i]!);
      return margin;
    case 'hinge':
      for (let i = 0; i < n; i++) margin[i] = margin[i]! > 0 ? 1 : 0;
      return margin;
    case 'softmax':
      for (let r = 0; r < rows; r++) softmaxRow(margin, r * groups, groups);
      return margin;
    case 'softmax-argmax': {
      const out = new Float32Array(rows);
      for (let r = 0; r < rows; r++) {
        let best = 0;
        for (let c = 1; c < groups; c++) if (margin[r * groups + c]! > margin[r * groups + best]!) best = c;
        out[r] = best;
      }
      return out;
    }
  }
}
