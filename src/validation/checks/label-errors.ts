/**
 * The `label-errors` check: likely mislabeled training rows found by confident learning (Northcutt,
 * Jiang and Chuang 2021, as cleanlab): out-of-sample class probabilities on the training rows by
 * stratified k-fold cross-validation of a small model, per-class thresholds (the mean
 * self-confidence of each given class), the confident joint, and the rows whose given label differs
 * from their confident label, ranked by margin — the list a person exports for relabeling.
 */
import { modelFamily, stratifiedKFold } from '../../ml/index.js';
import {
  type CheckResult,
  integerIn,
  numberIn,
  readParams,
  statusOf,
  type Threshold,
  type ValidationCheck,
  type ValidationContext,
} from '../check.js';
import { pick } from './performance-metrics.js';
import { familyName, fitSmall, matrixOf, numericFeatures, sampleRows } from './label-errors-model.js';

/** Parameters of {@link labelErrorsCheck}. */
export interface LabelErrorsParams extends Record<string, unknown> {
  folds: number;
  model: string;
  rounds: number;
  maxRows: number;
  warn: number;
  fail: number;
}

/** One suspected row. */
interface Suspect {
  row: number;
  given: number;
  suggested: number;
  confidence: number;
  givenProba: number;
  margin: number;
}

const NAME = 'label-errors';

/**
 * Confident learning on out-of-sample probabilities `P` (rows × k) for given labels `y`: per-class
 * thresholds t_j (mean P[i][j] over rows labelled j); each row's confident label is the class of
 * highest probability among those at or above their threshold; rows whose confident label differs
 * from the given one, by descending margin P[suggested] − P[given]. Also the confident joint.
 */
function confidentLearning(
  P: Float64Array,
  y: Float64Array,
  k: number,
): { suspects: Omit<Suspect, 'row'>[]; index: number[]; joint: number[][]; thresholds: number[] } {
  const sums = new Float64Array(k);
  const counts = new Float64Array(k);
  for (let i = 0; i < y.length; i++) {
    sums[y[i]!]! += P[i * k + y[i]!]!;
    counts[y[i]!]!++;
  }
  const t = Array.from(sums, (s, j) => (counts[j] ? s / counts[j]! : Number.POSITIVE_INFINITY));
  const joint = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const found: (Omit<Suspect, 'row'> & { i: number })[] = [];
  for (let i = 0; i < y.length; i++) {
    let best = -1;
    for (let j = 0; j < k; j++) {
      const p = P[i * k + j]!;
      if (p >= t[j]! && (best < 0 || p > P[i * k + best]!)) best = j;
    }
    if (best < 0) continue;
    const given = y[i]!;
    joint[given]![best]!++;
    if (best !== given) {
      const confidence = P[i * k + best]!;
      const givenProba = P[i * k + given]!;
      found.push({ i, given, suggested: best, confidence, givenProba, margin: confidence - givenProba });
    }
  }
  found.sort((a, b) => b.margin - a.margin || a.i - b.i);
  return { suspects: found, index: found.map((s) => s.i), joint, thresholds: t };
}

const r4 = (v: number) => Math.round(v * 10000) / 10000;

/** Likely mislabeled training rows by confident learning. */
export const labelErrorsCheck: ValidationCheck<LabelErrorsParams> = {
  name: NAME,
  title: 'Label errors',
  description:
    'Finds training rows whose label is likely wrong by confident learning (Northcutt et al., cleanlab): a ' +
    'small model (gbdt by default, on the numeric features) gives every training row class probabilities ' +
    'out of sample by k-fold cross-validation; a row whose probability for another class clears that ' +
    "class's threshold (its mean self-confidence) more than its own is suspected, ranked by the margin. " +
    'The value is the share of suspected rows: it warns above 2% and fails above 5%, where label noise ' +
    'starts to cost accuracy and biases evaluation; the table is the list to send for relabeling.',
  tasks: ['binary', 'multiclass'],
  params: {
    folds: { help: 'cross-validation folds for the out-of-sample probabilities (default 5)', default: 5 },
    model: { help: 'the model family fitted in each fold (default gbdt)', default: 'gbdt' },
    rounds: { help: 'boosting rounds of the gbdt model (default 30: a small model)', default: 30 },
    maxRows: { help: 'suspected rows listed at most, highest margin first (default 1000)', default: 1000 },
    warn: { help: 'warn when this share of rows is suspected (default 0.02)', default: 0.02 },
    fail: { help: 'fail when this share of rows is suspected (default 0.05)', default: 0.05 },
  },
  parseParams(raw) {
    return readParams<LabelErrorsParams>(NAME, this.params, raw, {
      folds: integerIn(2, 20),
      model: (v) => {
        const name = familyName(v);
        if (!modelFamily(name).tasks.includes('binary'))
          throw new Error(`must be a classifier family; ${name} does not classify`);
        return name;
      },
      rounds: integerIn(1, 1000),
      maxRows: integerIn(1, 1e7),
      warn: numberIn(0, 1),
      fail: numberIn(0, 1),
    });
  },
  async run(ctx: ValidationContext, p: LabelErrorsParams): Promise<Omit<CheckResult, 'seconds'>> {
    const threshold: Threshold = { bad: 'above', warn: p.warn, fail: p.fail };
    const base = {
      check: NAME,
      title: this.title,
      measure: 'share of training rows with a suspected label error',
      threshold,
    };
    const skip = (message: string) => ({
      ...base,
      status: 'skip' as const,
      value: null,
      message,
      tables: [],
      charts: [],
    });
    if (!ctx.train || !ctx.yTrain)
      return skip('No training set was given: label errors are looked for in training rows.');
    const cols = numericFeatures(ctx, ctx.train);
    if (cols.length === 0)
      return skip('The model has no numeric features for the cross-validated model to read.');
    const classes = ctx.classes ?? [];
    const k = Math.max(classes.length, 2);
    const rows = sampleRows(ctx.train.rows, ctx.sampleSize, ctx.seed);
    const y = pick(ctx.yTrain, rows);
    const sizes = new Map<number, number>();
    for (const v of y) sizes.set(v, (sizes.get(v) ?? 0) + 1);
    if (sizes.size < 2 || Math.max(...sizes.values()) < p.folds)
      return skip(`The training rows hold too few rows per class for ${p.folds}-fold cross-validation.`);
    const P = new Float64Array(rows.length * k);
    const task = k === 2 ? 'binary' : 'multiclass';
    for (const fold of stratifiedKFold(y, { k: p.folds, shuffle: true, seed: ctx.seed })) {
      const Xf = matrixOf(
        ctx.train,
        cols,
        Int32Array.from(fold.train, (i) => rows[i]!),
      );
      const { model, prepare } = fitSmall(
        Xf,
        Float64Array.from(fold.train, (i) => y[i]!),
        {
          family: p.model,
          rounds: p.rounds,
          task,
          classes: k,
          seed: ctx.seed,
        },
      );
      const Xt = matrixOf(
        ctx.train,
        cols,
        Int32Array.from(fold.test, (i) => rows[i]!),
      );
      const proba = model.predictProba!(prepare(Xt));
      const m = Math.min(proba.cols, k);
      fold.test.forEach((i, r) => {
        P.set(proba.data.subarray(r * proba.cols, r * proba.cols + m), i * k);
      });
    }
    const cl = confidentLearning(P, y, k);
    const share = cl.suspects.length / rows.length;
    const status = statusOf(share, threshold);
    const name = (c: number) => String(classes[c] ?? c);
    const listed = cl.suspects.slice(0, p.maxRows);
    const perClass = Array.from({ length: k }, (_, c) => cl.suspects.filter((s) => s.given === c).length);
    return {
      ...base,
      status,
      value: r4(share),
      message:
        `${cl.suspects.length} of ${rows.length} training rows (${(share * 100).toFixed(1)}%) look mislabeled: ` +
        `a ${p.folds}-fold cross-validated ${p.model} model confidently assigns them another class` +
        `${status === 'pass' ? '' : ` (above ${status === 'fail' ? p.fail : p.warn})`}.` +
        (cl.suspects.length > p.maxRows ? ` The table lists the ${p.maxRows} with the highest margin.` : ''),
      tables: [
        {
          title: 'Suspected label errors (highest margin first)',
          columns: [
            'row',
            'given label',
            'suggested label',
            'confidence',
            'given label probability',
            'margin',
          ],
          rows: listed.map((s, n) => [
            rows[cl.index[n]!]!,
            name(s.given),
            name(s.suggested),
            r4(s.confidence),
            r4(s.givenProba),
            r4(s.margin),
          ]),
        },
        {
          title: 'Confident joint (rows: given label, columns: confident label)',
          columns: ['given label', ...Array.from({ length: k }, (_, c) => name(c)), 'threshold'],
          rows: cl.joint.map((r, c) => [name(c), ...r, r4(cl.thresholds[c]!)]),
        },
      ],
      charts: [
        {
          kind: 'bar',
          title: 'Suspected label errors per given label',
          xLabel: 'given label',
          yLabel: 'rows',
          labels: Array.from({ length: k }, (_, c) => name(c)),
          series: [{ name: 'suspected rows', values: perClass }],
        },
      ],
      ...(rows.length < ctx.train.rows ? { sample: { rows: rows.length, of: ctx.train.rows } } : {}),
    };
  },
};
