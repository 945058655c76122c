/**
 * Feature importance, compared with the champion: permutation importance (the drop of the
 * model's metric when one feature's values are shuffled) of the candidate and of the baseline on
 * the same sample. Features whose share of importance rose sharply or vanished, and features the
 * candidate does not use at all, are the questions a reviewer asks before a release.
 */
import { SeededRandom } from '../../ml/index.js';
import { primaryMetric } from './performance-metrics.js';
import {
  type CheckResult,
  type Frame,
  type FramePredictions,
  numberIn,
  readParams,
  statusOf,
  type ValidationCheck,
  type ValidationContext,
  type ValidationModel,
} from '../check.js';
import { sampleIndices, takeRows } from './frame-tools.js';

export interface ImportanceParams extends Record<string, unknown> {
  repeats: number;
  rows: number;
  unusedBelow: number;
  warn: number;
  fail: number;
}

/** The primary metric as a score (higher is better), for drops under shuffling. */
function score(ctx: ValidationContext, y: Float64Array, p: FramePredictions): number {
  const m = primaryMetric(ctx);
  const v = m.score(y, p);
  return m.higherIsBetter ? v : -v;
}

/** Permutation importance of each feature: mean drop of the score over `repeats` shuffles. */
async function importances(
  ctx: ValidationContext,
  model: ValidationModel,
  frame: Frame,
  y: Float64Array,
  p: ImportanceParams,
): Promise<number[]> {
  const base = score(ctx, y, await model.predict(frame));
  const random = new SeededRandom(ctx.seed);
  const out: number[] = [];
  for (const f of ctx.features) {
    const col = frame.columns[f];
    if (!col) {
      out.push(0);
      continue;
    }
    let drop = 0;
    for (let r = 0; r < p.repeats; r++) {
      const perm = Array.from({ length: frame.rows }, (_, i) => i);
      for (let i = perm.length - 1; i > 0; i--) {
        const j = random.int(i + 1);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      const shuffled =
        col instanceof Float64Array ? Float64Array.from(perm, (i) => col[i]!) : perm.map((i) => col[i]);
      drop +=
        base -
        score(
          ctx,
          y,
          await model.predict({ rows: frame.rows, columns: { ...frame.columns, [f]: shuffled } }),
        );
    }
    out.push(drop / p.repeats);
  }
  return out;
}

const shares = (imp: number[]) => {
  const total = imp.reduce((s, v) => s + Math.max(0, v), 0);
  return imp.map((v) => (total > 0 ? Math.max(0, v) / total : 0));
};

export const importanceCheck: ValidationCheck<ImportanceParams> = {
  name: 'importance',
  title: 'Feature importance',
  description:
    "Permutation importance of every feature (the drop of ROC-AUC, accuracy or RMSE when the feature's values are shuffled) for the candidate and, when given, the baseline. With a baseline, the measured value is how much of the importance moved between features (half the sum of the changes in share): 0.3 warns, 0.6 fails by default. Without one, features the candidate does not use are counted and warn.",
  tasks: ['binary', 'multiclass', 'regression'],
  params: {
    repeats: { help: 'shuffles per feature', default: 3 },
    rows: { help: 'rows used at most (sampled, seeded)', default: 2000 },
    unusedBelow: { help: 'importance at or below which a feature counts as unused', default: 0.0005 },
    warn: { help: 'share of importance moved that warns (with a baseline)', default: 0.3 },
    fail: { help: 'share of importance moved that fails (with a baseline)', default: 0.6 },
  },
  parseParams: (raw) =>
    readParams<ImportanceParams>('importance', importanceCheck.params, raw, {
      repeats: (v) => Math.round(numberIn(1, 50)(v)),
      rows: (v) => Math.round(numberIn(50, 1_000_000)(v)),
      unusedBelow: numberIn(0, 1),
      warn: numberIn(0, 1),
      fail: numberIn(0, 1),
    }),
  async run(ctx, p): Promise<Omit<CheckResult, 'seconds'>> {
    const n = ctx.test.rows;
    const limit = Math.min(p.rows, ctx.sampleSize);
    const idx = Array.from(sampleIndices(n, limit, ctx.seed + 1));
    const frame = takeRows(ctx.test, Object.keys(ctx.test.columns), idx);
    const y = Float64Array.from(idx, (i) => ctx.yTest[i]!);
    const cand = await importances(ctx, ctx.candidate, frame, y, p);
    const base = ctx.baseline ? await importances(ctx, ctx.baseline, frame, y, p) : null;
    const cs = shares(cand);
    const bs = base ? shares(base) : null;
    const unused = ctx.features.filter((_, j) => cand[j]! <= p.unusedBelow);
    const moved = bs ? cs.reduce((s, v, j) => s + Math.abs(v - bs[j]!), 0) / 2 : null;
    const rose = bs ? ctx.features.filter((_, j) => cs[j]! - bs[j]! >= 0.1) : [];
    const vanished = bs ? ctx.features.filter((_, j) => bs[j]! >= 0.05 && cs[j]! < 0.01) : [];
    const threshold = bs
      ? { bad: 'above' as const, warn: p.warn, fail: p.fail }
      : { bad: 'above' as const, warn: 0 };
    const value = moved ?? unused.length;
    const order = ctx.features.map((_, j) => j).sort((a, b) => cand[b]! - cand[a]!);
    const parts = [
      bs
        ? `${(moved! * 100).toFixed(0)}% of the importance moved between features compared with ${ctx.baseline!.ref}`
        : '',
      rose.length ? `rose: ${rose.join(', ')}` : '',
      vanished.length ? `vanished: ${vanished.join(', ')}` : '',
      unused.length ? `unused by the candidate: ${unused.join(', ')}` : 'every feature is used',
    ].filter(Boolean);
    return {
      check: 'importance',
      title: 'Feature importance',
      status: statusOf(value, threshold),
      measure: bs
        ? 'share of permutation importance moved between features, against the baseline'
        : 'features the candidate does not use',
      value,
      threshold,
      message: `${parts.join('; ')}. Most important: ${order
        .slice(0, 3)
        .map((j) => ctx.features[j])
        .join(', ')}.`,
      tables: [
        {
          title: 'Permutation importance',
          columns: bs
            ? ['feature', 'candidate', 'share', 'baseline', 'baseline share', 'change']
            : ['feature', 'importance', 'share'],
          rows: order.map((j) =>
            bs
              ? [ctx.features[j]!, cand[j]!, cs[j]!, base![j]!, bs[j]!, cs[j]! - bs[j]!]
              : [ctx.features[j]!, cand[j]!, cs[j]!],
          ),
        },
      ],
      charts: [
        {
          kind: 'bar',
          title: 'Permutation importance',
          labels: order.map((j) => ctx.features[j]!),
          series: [
            { name: ctx.candidate.ref, values: order.map((j) => cand[j]!) },
            ...(base ? [{ name: ctx.baseline!.ref, values: order.map((j) => base[j]!) }] : []),
          ],
        },
      ],
      ...(idx.length < n ? { sample: { rows: idx.length, of: n } } : {}),
    };
  },
};
