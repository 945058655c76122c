import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Matrix, matrix, matrixFromRows } from '../matrix.js';
import {
  accuracy,
  averagePrecision,
  balancedAccuracy,
  brierScore,
  calibrationCurve,
  confusionMatrix,
  evaluate,
  explainedVariance,
  logLoss,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  precisionRecallCurve,
  precisionRecallF1,
  r2Score,
  rocAuc,
  rocCurve,
  rootMeanSquaredError,
} from './index.js';
import { assertInvalid, loadFixture } from '../test-fixtures.js';

type Prf = { precision: number; recall: number; f1: number };
interface Case {
  name: string;
  task: 'binary' | 'multiclass' | 'regression';
  classes?: number;
  y_true: number[];
  y_pred: number[];
  y_score?: number[];
  proba?: number[];
  sample_weight: number[] | null;
  expected: Record<string, unknown> & Record<'macro' | 'weighted' | 'micro', Prf>;
}

const fixture = loadFixture('metrics/metrics.json') as { cases: Case[] };

const TOL = 1e-12;
let compared = 0;
let worst = 0;

/** Asserts |actual − expected| ≤ tol·max(1, |expected|). */
function close(actual: number, expected: number, what: string, tol = TOL): void {
  const err = Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
  compared++;
  worst = Math.max(worst, err);
  assert.ok(err <= tol, `${what}: got ${actual}, scikit-learn ${expected} (relative error ${err})`);
}

function closeArray(actual: ArrayLike<number>, expected: number[], what: string, tol = TOL): void {
  assert.equal(
    actual.length,
    expected.length,
    `${what}: ${actual.length} points, scikit-learn ${expected.length}`,
  );
  for (let i = 0; i < expected.length; i++) close(actual[i]!, expected[i]!, `${what}[${i}]`, tol);
}

const f64 = (a: number[]) => Float64Array.from(a);

describe('metrics agree with scikit-learn (fixtures)', () => {
  for (const c of fixture.cases) {
    const yTrue = f64(c.y_true);
    const yPred = f64(c.y_pred);
    const w = c.sample_weight === null ? {} : { sampleWeight: f64(c.sample_weight) };
    const e = c.expected;
    it(`${c.name}`, () => {
      if (c.task === 'regression') {
        close(meanAbsoluteError(yTrue, yPred, w), e.mae as number, 'mae');
        close(meanSquaredError(yTrue, yPred, w), e.mse as number, 'mse');
        close(rootMeanSquaredError(yTrue, yPred, w), e.rmse as number, 'rmse');
        close(r2Score(yTrue, yPred, w), e.r2 as number, 'r2');
        close(meanAbsolutePercentageError(yTrue, yPred, w), e.mape as number, 'mape');
        close(explainedVariance(yTrue, yPred, w), e.explained_variance as number, 'explained_variance');
        const all = evaluate('regression', yTrue, yPred, undefined, w);
        for (const k of ['mae', 'mse', 'rmse', 'r2', 'mape', 'explained_variance'])
          close(all[k]!, e[k] as number, `evaluate ${k}`);
        return;
      }
      close(accuracy(yTrue, yPred, w), e.accuracy as number, 'accuracy');
      close(balancedAccuracy(yTrue, yPred, w), e.balanced_accuracy as number, 'balanced_accuracy');
      for (const avg of ['macro', 'weighted', 'micro'] as const) {
        const got = precisionRecallF1(yTrue, yPred, { ...w, average: avg });
        for (const m of ['precision', 'recall', 'f1'] as const) close(got[m], e[avg][m], `${m} ${avg}`);
      }
      closeArray(confusionMatrix(yTrue, yPred, w).matrix.data, e.confusion_matrix as number[], 'confusion');
      if (c.task === 'binary') {
        const score = f64(c.y_score!);
        const bin = e.binary as Prf;
        const got = precisionRecallF1(yTrue, yPred, w);
        for (const m of ['precision', 'recall', 'f1'] as const) close(got[m], bin[m], `${m} binary`);
        close(rocAuc(yTrue, score, w), e.roc_auc as number, 'roc_auc');
        close(averagePrecision(yTrue, score, w), e.average_precision as number, 'average_precision');
        close(logLoss(yTrue, score, w), e.log_loss as number, 'log_loss');
        close(brierScore(yTrue, score, w), e.brier as number, 'brier');
        const roc = e.roc_curve as Record<'fpr' | 'tpr' | 'thresholds', number[]>;
        const gotRoc = rocCurve(yTrue, score, w);
        closeArray(gotRoc.fpr, roc.fpr, 'roc fpr');
        closeArray(gotRoc.tpr, roc.tpr, 'roc tpr');
        closeArray(gotRoc.thresholds, roc.thresholds, 'roc thresholds');
        const full = e.roc_curve_full as typeof roc;
        const gotFull = rocCurve(yTrue, score, { ...w, dropIntermediate: false });
        closeArray(gotFull.fpr, full.fpr, 'full roc fpr');
        closeArray(gotFull.tpr, full.tpr, 'full roc tpr');
        closeArray(gotFull.thresholds, full.thresholds, 'full roc thresholds');
        const pr = e.pr_curve as Record<'precision' | 'recall' | 'thresholds', number[]>;
        const gotPr = precisionRecallCurve(yTrue, score, w);
        closeArray(gotPr.precision, pr.precision, 'pr precision');
        closeArray(gotPr.recall, pr.recall, 'pr recall');
        closeArray(gotPr.thresholds, pr.thresholds, 'pr thresholds');
        const cal = e.calibration as Record<string, Record<'prob_true' | 'prob_pred', number[]>>;
        for (const [key, want] of Object.entries(cal)) {
          const [strategy, bins] = key.split('_') as ['uniform' | 'quantile', string];
          const got = calibrationCurve(yTrue, score, { strategy, bins: Number(bins) });
          closeArray(got.probTrue, want.prob_true, `calibration ${key} prob_true`);
          closeArray(got.probPred, want.prob_pred, `calibration ${key} prob_pred`);
        }
        const all = evaluate('binary', yTrue, yPred, score, w);
        close(all.roc_auc!, e.roc_auc as number, 'evaluate roc_auc');
        close(all.log_loss!, e.log_loss as number, 'evaluate log_loss');
        close(all.f1!, bin.f1, 'evaluate f1');
        close(all.brier_score!, e.brier as number, 'evaluate brier_score');
        return;
      }
      const k = c.classes!;
      const proba = matrix(f64(c.proba!), yTrue.length, k);
      close(rocAuc(yTrue, proba, w), e.roc_auc_macro as number, 'roc_auc ovr macro');
      close(
        rocAuc(yTrue, proba, { ...w, average: 'weighted' }),
        e.roc_auc_weighted as number,
        'roc_auc ovr weighted',
      );
      close(averagePrecision(yTrue, proba, w), e.average_precision_macro as number, 'AP macro');
      close(
        averagePrecision(yTrue, proba, { ...w, average: 'weighted' }),
        e.average_precision_weighted as number,
        'AP weighted',
      );
      close(logLoss(yTrue, proba, w), e.log_loss as number, 'log_loss');
      close(rocAuc(yTrue, proba, { ...w, average: 'micro' }), e.roc_auc_micro as number, 'roc_auc ovr micro');
      close(
        averagePrecision(yTrue, proba, { ...w, average: 'micro' }),
        e.average_precision_micro as number,
        'AP micro',
      );
      const extra = precisionRecallF1(yTrue, yPred, { ...w, average: 'macro', classes: k + 1 });
      const wantExtra = e.macro_extra_class as Prf;
      for (const m of ['precision', 'recall', 'f1'] as const)
        close(extra[m], wantExtra[m], `${m} macro, k + 1 classes`);
      const all = evaluate('multiclass', yTrue, yPred, proba, w);
      close(all.f1_macro!, e.macro.f1, 'evaluate f1_macro');
      close(all.roc_auc_ovr_weighted!, e.roc_auc_weighted as number, 'evaluate roc_auc_ovr_weighted');
      close(all.log_loss!, e.log_loss as number, 'evaluate log_loss');
    });
  }
  it('reports the agreement', () => {
    assert.ok(compared > 1000, `compared ${compared} values`);
    console.log(`metrics: ${compared} values compared with scikit-learn, worst relative error ${worst}`);
  });
});

describe('metrics by hand', () => {
  it('AUC with tied scores is the trapezoid over distinct thresholds (ties count half)', () => {
    // positives score 0.5, 0.8; negatives 0.5, 0.2: pairs (0.8>0.5, 0.8>0.2, 0.5=0.5 → ½, 0.5>0.2)
    assert.equal(rocAuc(f64([1, 1, 0, 0]), f64([0.5, 0.8, 0.5, 0.2])), 3.5 / 4);
  });
  it('a perfect ranking has AUC 1 and average precision 1', () => {
    assert.equal(rocAuc(f64([0, 0, 1, 1]), f64([0.1, 0.2, 0.8, 0.9])), 1);
    assert.equal(averagePrecision(f64([0, 0, 1, 1]), f64([0.1, 0.2, 0.8, 0.9])), 1);
  });
  it('a 2-column probability Matrix is read as binary scores (column 1)', () => {
    const m = matrixFromRows([
      [0.9, 0.1],
      [0.4, 0.6],
      [0.65, 0.35],
      [0.2, 0.8],
    ]);
    assert.equal(rocAuc(f64([0, 1, 0, 1]), m), 1);
  });
  it('confusion matrix with classes lists absent classes too', () => {
    const cm = confusionMatrix(f64([0, 1, 1]), f64([0, 1, 0]), { classes: 3 });
    assert.deepEqual(cm.labels, [0, 1, 2]);
    assert.deepEqual([...cm.matrix.data], [1, 0, 0, 1, 1, 0, 0, 0, 0]);
  });
  it('log-loss clips probabilities of 0 and 1 instead of returning Infinity', () => {
    const v = logLoss(f64([1, 0]), f64([0, 1]));
    assert.ok(Number.isFinite(v) && v > 30);
  });
  it('MAPE with a zero target divides by machine epsilon, as scikit-learn', () => {
    assert.equal(meanAbsolutePercentageError(f64([0]), f64([1])), 1 / 2.220446049250313e-16);
  });
});

describe('evaluate', () => {
  it('leaves AUC out for a fold with one class but keeps the rest', () => {
    const got = evaluate('binary', f64([1, 1, 1]), f64([1, 0, 1]), f64([0.9, 0.4, 0.7]));
    assert.equal(got.roc_auc, undefined);
    assert.equal(got.accuracy, 2 / 3);
    assert.ok(Number.isFinite(got.log_loss!));
  });
  it('names the regression metrics as scikit-learn / MLflow users expect', () => {
    const got = evaluate('regression', f64([1, 2, 3]), f64([1, 2, 4]));
    assert.deepEqual(Object.keys(got).sort(), ['explained_variance', 'mae', 'mape', 'mse', 'r2', 'rmse']);
    assert.equal(got.mae, 1 / 3);
  });
  it('calibration counts add up to the number of samples', () => {
    const p = f64([0.05, 0.1, 0.3, 0.35, 0.6, 0.9, 0.95, 1]);
    const got = calibrationCurve(f64([0, 0, 0, 1, 1, 1, 0, 1]), p, { strategy: 'quantile', bins: 3 });
    assert.equal(
      got.counts.reduce((a, b) => a + b, 0),
      8,
    );
  });
});

describe('metrics refuse bad input', () => {
  const y = f64([0, 1, 0, 1]);
  it('length mismatch', () => {
    assertInvalid(() => accuracy(y, f64([0, 1, 0])), /yPred has 3 values but yTrue has 4/);
    assertInvalid(() => meanSquaredError(y, f64([1])), /lengths must match/);
    assertInvalid(() => rocAuc(y, matrixFromRows([[0.5, 0.5]])), /1 rows but yTrue has 4/);
  });
  it('NaN names the index', () => {
    assertInvalid(() => rocAuc(y, f64([0.1, Number.NaN, 0.3, 0.4])), /yScore\[1\] is NaN/);
    assertInvalid(() => r2Score(f64([1, Number.NaN]), f64([1, 2])), /yTrue\[1\] is NaN/);
  });
  it('a single class for AUC says so, like scikit-learn', () => {
    assertInvalid(() => rocAuc(f64([1, 1, 1]), f64([0.2, 0.5, 0.9])), /Only one class present in yTrue/);
  });
  it('probabilities not summing to 1', () => {
    const bad: Matrix = matrixFromRows([
      [0.5, 0.3, 0.1],
      [0.2, 0.2, 0.6],
      [0.1, 0.1, 0.8],
    ]);
    assertInvalid(() => rocAuc(f64([0, 1, 2]), bad), /row 0 sums to 0.9/);
    assertInvalid(() => logLoss(f64([0, 1, 2]), bad), /must sum to 1/);
    const negative = matrixFromRows([
      [1.2, -0.2],
      [0.5, 0.5],
    ]);
    assertInvalid(() => logLoss(f64([0, 1]), negative), /proba row 0, column 0 is 1.2/);
  });
  it('class indices beyond the probability columns, non-integer classes, negative weights', () => {
    const p = matrixFromRows([
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
    assertInvalid(() => logLoss(f64([0, 2]), p), /yTrue\[1\] is class 2, outside the 2 classes 0..1/);
    assertInvalid(() => accuracy(f64([0.5]), f64([0])), /expected a class index/);
    assertInvalid(() => accuracy(y, y, { sampleWeight: f64([1, -1, 1, 1]) }), /non-negative/);
  });
  it('binary averaging on more than two classes, bad options', () => {
    assertInvalid(
      () => precisionRecallF1(f64([0, 1, 2]), f64([0, 1, 2])),
      /3 classes but average is 'binary'/,
    );
    assertInvalid(
      () => calibrationCurve(y, f64([0.1, 0.2, 0.3, 0.4]), { strategy: 'median' as 'uniform' }),
      /strategy/,
    );
    assertInvalid(() => calibrationCurve(y, f64([0.1, 1.2, 0.3, 0.4])), /\[0, 1\]/);
    assertInvalid(() => evaluate('ranking' as 'binary', y, y), /task must be/);
  });
});
