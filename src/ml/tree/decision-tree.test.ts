import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatheError } from '../../core/index.js';
import { DecisionTreeClassifier, DecisionTreeRegressor, matrix, SeededRandom } from '../index.js';
import { loadFixture } from '../test-fixtures.js';

interface TreeCase {
  name: string;
  classifier: boolean;
  options: Record<string, number | string>;
  weighted: boolean;
  tieFree: boolean;
  tree: {
    feature: number[];
    threshold: number[];
    left: number[];
    right: number[];
    value: number[];
    impurity: number[];
  };
  predictions: number[];
  importances: number[];
}
const fixture = loadFixture('tree/single-trees.json') as {
  X: number[];
  rows: number;
  cols: number;
  yClass: number[];
  yValue: number[];
  weights: number[];
  XTest: number[];
  testRows: number;
  cases: TreeCase[];
};

const X = matrix(Float64Array.from(fixture.X), fixture.rows, fixture.cols);
const XTest = matrix(Float64Array.from(fixture.XTest), fixture.testRows, fixture.cols);

const camel: Record<string, string> = {
  criterion: 'criterion',
  max_depth: 'maxDepth',
  min_samples_leaf: 'minSamplesLeaf',
  min_samples_split: 'minSamplesSplit',
  min_impurity_decrease: 'minImpurityDecrease',
};

function fitCase(c: TreeCase): DecisionTreeClassifier | DecisionTreeRegressor {
  const options = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [camel[k]!, v]));
  const extra = c.weighted ? { sampleWeight: Float64Array.from(fixture.weights) } : undefined;
  return c.classifier
    ? DecisionTreeClassifier.fit(X, Float64Array.from(fixture.yClass), options, extra)
    : DecisionTreeRegressor.fit(X, Float64Array.from(fixture.yValue), options, extra);
}

function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

/** Share of test rows where both predict the same class (classifier) or R² of ours against theirs. */
function agreement(c: TreeCase, predicted: Float64Array): number {
  if (!c.classifier) {
    const mean = c.predictions.reduce((a, b) => a + b) / c.predictions.length;
    let res = 0;
    let tot = 0;
    c.predictions.forEach((v, i) => {
      res += (predicted[i]! - v) ** 2;
      tot += (v - mean) ** 2;
    });
    return 1 - res / tot;
  }
  const argmax = (p: ArrayLike<number>, r: number) => {
    let best = 0;
    for (let j = 1; j < 3; j++) if (p[r * 3 + j]! > p[r * 3 + best]!) best = j;
    return best;
  };
  let same = 0;
  for (let r = 0; r < fixture.testRows; r++) if (argmax(predicted, r) === argmax(c.predictions, r)) same++;
  return same / fixture.testRows;
}

describe('decision trees agree with scikit-learn', () => {
  for (const c of fixture.cases.filter((c) => !c.tieFree)) {
    it(`${c.name} (scikit-learn's own tree depends on its feature order): predictions mostly agree`, () => {
      const model = fitCase(c);
      const predicted =
        model instanceof DecisionTreeClassifier ? model.predictProba(XTest).data : model.predict(XTest);
      const a = agreement(c, predicted);
      assert.ok(a >= 0.8, `agreement ${a}`);
    });
  }
  for (const c of fixture.cases.filter((c) => c.tieFree)) {
    it(`${c.name}: same structure, thresholds, values, predictions and importances`, () => {
      const model = fitCase(c);
      const t = model.tree;
      assert.deepEqual(Array.from(t.feature), c.tree.feature);
      assert.deepEqual(Array.from(t.left), c.tree.left);
      assert.deepEqual(Array.from(t.right), c.tree.right);
      assert.deepEqual(Array.from(t.threshold), c.tree.threshold);
      assertClose(t.value, c.tree.value, 1e-9, 'value');
      assertClose(t.impurity, c.tree.impurity, 1e-9, 'impurity');
      const predicted =
        model instanceof DecisionTreeClassifier ? model.predictProba(XTest).data : model.predict(XTest);
      assertClose(predicted, c.predictions, 1e-9, 'predictions');
      assertClose(model.featureImportances, c.importances, 1e-9, 'importances');
    });
  }
});

describe('DecisionTreeClassifier', () => {
  const y = Float64Array.from(fixture.yClass);

  it('predicts the argmax of predictProba and fits the training data when grown fully', () => {
    const model = DecisionTreeClassifier.fit(X, y);
    const proba = model.predictProba(X);
    const predicted = model.predict(X);
    for (let r = 0; r < X.rows; r++) {
      const row = Array.from(proba.data.subarray(r * 3, r * 3 + 3));
      assert.ok(Math.abs(row.reduce((a, b) => a + b) - 1) < 1e-12);
      assert.equal(predicted[r], row.indexOf(Math.max(...row)));
      assert.equal(predicted[r], y[r]);
    }
  });

  it('respects maxDepth and minSamplesLeaf', () => {
    const model = DecisionTreeClassifier.fit(X, y, { maxDepth: 3, minSamplesLeaf: 7 });
    assert.ok(model.depth <= 3);
    for (let i = 0; i < model.nodeCount; i++)
      if (model.tree.feature[i]! < 0) assert.ok(model.tree.count[i]! >= 7);
  });

  it('is deterministic given the seed with maxFeatures, and the seed matters', () => {
    const a = DecisionTreeClassifier.fit(X, y, { maxFeatures: 'sqrt', seed: 3 });
    const b = DecisionTreeClassifier.fit(X, y, { maxFeatures: 'sqrt', seed: 3 });
    const c = DecisionTreeClassifier.fit(X, y, { maxFeatures: 2, seed: 4 });
    assert.deepEqual(a.tree, b.tree);
    assert.notDeepEqual(Array.from(a.tree.feature), Array.from(c.tree.feature));
  });

  it('save and load round-trip to identical predictions', () => {
    const model = DecisionTreeClassifier.fit(X, y, { criterion: 'entropy', maxDepth: 6 });
    const loaded = DecisionTreeClassifier.load(model.save());
    assert.deepEqual(loaded.predictProba(XTest), model.predictProba(XTest));
    assert.deepEqual(loaded.featureImportances, model.featureImportances);
  });

  it('rejects bad options and inputs before fitting, naming what is wrong', () => {
    const check = (fn: () => unknown, pattern: RegExp) =>
      assert.throws(
        fn,
        (e: unknown) => e instanceof LatheError && e.code === 'INVALID_ARGUMENT' && pattern.test(e.message),
      );
    check(() => DecisionTreeClassifier.fit(X, y, { maxDepht: 3 } as never), /unknown option maxDepht/);
    check(
      () => DecisionTreeClassifier.fit(X, y, { maxDepth: 0 }),
      /options.maxDepth must be an integer >= 1 or null; got the number 0/,
    );
    check(
      () => DecisionTreeClassifier.fit(X, y, { criterion: 'squared_error' }),
      /criterion must be one of gini, entropy/,
    );
    check(() => DecisionTreeClassifier.fit(X, y, { maxFeatures: 9 }), /maxFeatures must be .*1\.\.5/);
    check(
      () => DecisionTreeClassifier.fit(X, y, { minSamplesSplit: 1 }),
      /minSamplesSplit must be an integer >= 2/,
    );
    check(() => DecisionTreeClassifier.fit(X, new Float64Array(X.rows)), /at least 2 classes/);
    check(
      () =>
        DecisionTreeClassifier.fit(
          X,
          y.map((v, i) => (i === 7 ? 0.5 : v)),
        ),
      /class indices.*row 7/,
    );
    const bad = Float64Array.from(X.data);
    bad[3 * X.cols + 2] = Number.NaN;
    check(() => DecisionTreeClassifier.fit(matrix(bad, X.rows, X.cols), y), /row 3, column 2/);
    check(
      () => DecisionTreeClassifier.fit(X, y, {}, { sampleWeight: new Float64Array(X.rows).fill(-1) }),
      /sampleWeight must be finite and >= 0/,
    );
    const model = DecisionTreeClassifier.fit(X, y, { maxDepth: 2 });
    check(() => model.predict(matrix(new Float64Array(4), 1, 4)), /5 columns/);
    check(() => DecisionTreeRegressor.load(model.save()), /kind decision-tree-regressor/);
  });
});

describe('DecisionTreeRegressor', () => {
  it('fits a step function exactly and treats zero weights as absent rows', () => {
    const random = new SeededRandom(1);
    const rows = 200;
    const data = new Float64Array(rows * 2);
    const y = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      data[r * 2] = random.uniform();
      data[r * 2 + 1] = random.uniform();
      y[r] = data[r * 2]! < 0.3 ? 1 : data[r * 2 + 1]! < 0.6 ? 5 : -2;
    }
    const Xs = matrix(data, rows, 2);
    const model = DecisionTreeRegressor.fit(Xs, y);
    assert.deepEqual(model.predict(Xs), y);
    assert.ok(model.nodeCount <= 7);
    const w = new Float64Array(rows).fill(1);
    w[0] = 0;
    const yNoisy = Float64Array.from(y);
    yNoisy[0] = 100;
    const weighted = DecisionTreeRegressor.fit(Xs, yNoisy, {}, { sampleWeight: w }).predict(Xs);
    for (let r = 1; r < rows; r++) assert.equal(weighted[r], y[r]);
    const loaded = DecisionTreeRegressor.load(model.save());
    assert.deepEqual(loaded.predict(Xs), model.predict(Xs));
  });
});
