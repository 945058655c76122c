/**
 * Boosting rounds past the optimum: a boosted model's test metric after each round (staged
 * predictions, walking the trees one round at a time), the round where it peaks, and how many
 * rounds came after it. Rounds past the optimum fit noise of the training rows; retraining with
 * that many rounds (or early stopping) gives a smaller model that scores as well or better.
 */
import { leafIndex, softmaxRow, type TreeEnsemble } from '../../ml/index.js';
import type { FramePredictions, ValidationContext } from '../check.js';
import { takeRows } from './frame-tools.js';
import { type GapMetric, lowerIsBetter, score } from './overfitting-metric.js';
import { pick } from './performance-metrics.js';

/** The test metric by boosting round. */
export interface RoundsCurve {
  /** Rounds at which the metric was taken (1-based, increasing, the last is the model's). */
  rounds: number[];
  test: number[];
  /** The best round and its metric; the model's own (last) round and its metric. */
  best: { round: number; value: number };
  last: { round: number; value: number };
  /** Test rows used. */
  rows: number;
}

/** Trees per boosting round: one per output for multiclass models that grow one tree per class. */
function treesPerRound(ens: TreeEnsemble): number {
  return ens.treeOutput && ens.outputs > 1 ? ens.outputs : 1;
}

/** Predictions from raw outputs, as the link defines (class indices and probabilities, or values). */
function linked(ens: TreeEnsemble, raw: Float64Array, rows: number): FramePredictions {
  const k = ens.outputs;
  if (ens.link === 'identity') return { y: raw.slice(0, rows) };
  if (ens.link === 'logistic') {
    const proba = new Float64Array(rows * 2);
    const y = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const p = 1 / (1 + Math.exp(-raw[r]!));
      proba[2 * r] = 1 - p;
      proba[2 * r + 1] = p;
      y[r] = p > 0.5 ? 1 : 0;
    }
    return { y, proba };
  }
  const proba = raw.slice(0, rows * k);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    softmaxRow(proba, r * k, k);
    let best = 0;
    for (let c = 1; c < k; c++) if (proba[r * k + c]! > proba[r * k + best]!) best = c;
    y[r] = best;
  }
  return { y, proba };
}

/** Whether staged predictions at the last round are the model's own (the link is the model's). */
function agrees(a: FramePredictions, b: FramePredictions): boolean {
  const x = a.proba ?? a.y;
  const z = b.proba ?? b.y;
  if (x.length !== z.length) return false;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i]! - z[i]!);
    if (!(d <= 1e-4 * Math.max(1, Math.abs(z[i]!)))) return false;
  }
  return true;
}

/**
 * The candidate's test metric by boosting round, on at most `rowsIdx.length` test rows, at up to
 * `points` evenly spaced rounds (always the first and the last). Answers a reason string instead
 * when the model is not a boosted tree ensemble, has fewer than 4 rounds, or its staged
 * predictions do not reproduce its own (a transform the trees do not describe).
 */
export function roundsCurve(
  ctx: ValidationContext,
  metric: GapMetric,
  rowsIdx: ArrayLike<number>,
  points = 60,
): RoundsCurve | string {
  const trees = ctx.candidate.trees;
  if (!trees) return 'not a tree model';
  const ens = trees.ensemble;
  const treeCount = ens.treeStart.length - 1;
  if (ens.scale !== 1) return 'its trees are averaged (a forest), not boosted';
  const per = treesPerRound(ens);
  const total = Math.floor(treeCount / per);
  if (total < 4 || total * per !== treeCount) return `${total} boosting rounds: too few to chart`;
  const frame = takeRows(ctx.test, ctx.features, rowsIdx);
  const x = trees.inputs(frame);
  const n = frame.rows;
  const k = ens.outputs;
  const y = pick(ctx.yTest, rowsIdx);
  const own: FramePredictions = {
    y: pick(ctx.candidate.test.y, rowsIdx),
    ...(ctx.candidate.test.proba
      ? {
          proba: pickRows(ctx.candidate.test.proba, rowsIdx, ctx.candidate.test.proba.length / ctx.test.rows),
        }
      : {}),
  };
  const classes = Math.max(ctx.classes?.length ?? 0, k === 1 && ens.link === 'logistic' ? 2 : k);
  const raw = new Float64Array(n * k);
  for (let r = 0; r < n; r++) for (let o = 0; o < k; o++) raw[r * k + o] = ens.base[o]!;
  const step = Math.max(1, Math.ceil(total / points));
  const rounds: number[] = [];
  const test: number[] = [];
  let last: FramePredictions | undefined;
  for (let round = 1; round <= total; round++) {
    for (let t = (round - 1) * per; t < round * per; t++) {
      const to = ens.treeOutput?.[t] ?? -1;
      for (let r = 0; r < n; r++) {
        const leaf = leafIndex(ens, t, x, r * ens.cols);
        if (to >= 0) raw[r * k + to]! += ens.value[leaf * k]!;
        else for (let o = 0; o < k; o++) raw[r * k + o]! += ens.value[leaf * k + o]!;
      }
    }
    if (round === 1 || round === total || round % step === 0) {
      const pred = linked(ens, raw, n);
      rounds.push(round);
      test.push(score(metric, y, pred, ctx.task === 'regression' ? 0 : classes));
      if (round === total) last = pred;
    }
  }
  if (!last || !agrees(last, own))
    return 'its staged predictions do not reproduce its own (the model transforms its trees’ output)';
  const lower = lowerIsBetter(metric);
  let bestAt = 0;
  for (let i = 1; i < test.length; i++) {
    const better = lower ? test[i]! < test[bestAt]! : test[i]! > test[bestAt]!;
    if (better) bestAt = i;
  }
  return {
    rounds,
    test,
    best: { round: rounds[bestAt]!, value: test[bestAt]! },
    last: { round: total, value: test[test.length - 1]! },
    rows: n,
  };
}

function pickRows(m: Float64Array, idx: ArrayLike<number>, width: number): Float64Array {
  const out = new Float64Array(idx.length * width);
  for (let i = 0; i < idx.length; i++) out.set(m.subarray(idx[i]! * width, (idx[i]! + 1) * width), i * width);
  return out;
}

/**
 * Whether the rounds past the optimum matter: more than `slack` of the rounds came after the best
 * one, and the last round's metric is worse than the best by more than `tolerance` (absolute for
 * scores, relative for errors).
 */
export function pastOptimum(
  curve: RoundsCurve,
  metric: GapMetric,
  slack: number,
  tolerance: number,
): boolean {
  const extra = (curve.last.round - curve.best.round) / curve.last.round;
  const loss = lowerIsBetter(metric)
    ? (curve.last.value - curve.best.value) / (Math.abs(curve.best.value) || 1)
    : curve.best.value - curve.last.value;
  return extra > slack && loss > tolerance;
}
