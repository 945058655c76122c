/**
 * The LightGBM flavor against models and predictions made by real LightGBM (see
 * test/fixtures/models/lightgbm/README.md for where each file comes from), plus the shared flavor
 * conformance suite.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { matrix, rawTreeOutputs, treeShap } from '../../../ml/index.js';
import { runFlavorConformance } from '../flavor.conformance.js';
import { predictScores, rawScores } from './evaluate.js';
import { lightgbmEnsemble } from './lgb-ensemble.js';
import { importedPackage, readPackageFiles } from '../imported-package.js';
import type { InspectOptions } from '../flavor.js';
import { lightgbmFlavor } from './lightgbm-flavor.js';
import { type LightgbmModel, parseModelText } from './model-text.js';
import { catStump, modelText, stump } from './test-models.js';

const dir = new URL('../../../../test/fixtures/models/lightgbm/', import.meta.url);
const text = (name: string) => readFileSync(new URL(name, dir), 'utf8');
const bytes = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));
const table = (name: string, sep: RegExp = /\t/) =>
  text(name)
    .trim()
    .split('\n')
    .map((l) => l.split(sep).map(Number));

/** libsvm rows as a dense matrix (absent entries are 0, as LightGBM reads them). */
function libsvm(name: string, cols: number): { x: Float64Array; rows: number } {
  const lines = text(name).trim().split('\n');
  const x = new Float64Array(lines.length * cols);
  lines.forEach((line, r) => {
    for (const pair of line.split(' ').slice(1)) {
      const [j, v] = pair.split(':');
      x[r * cols + Number(j)] = Number(v);
    }
  });
  return { x, rows: lines.length };
}

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-6, what = 'value'): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const scale = Math.max(1, Math.abs(want[i]!));
    assert.ok(Math.abs(got[i]! - want[i]!) <= tol * scale, `${what} ${i}: ${got[i]} vs ${want[i]}`);
  }
}

/** Checks TreeSHAP contributions plus the expected value add up to the raw margins. */
function assertShapSums(model: LightgbmModel, x: Float64Array, rows: number): void {
  const ens = lightgbmEnsemble(model);
  const raw = rawScores(model, x, rows);
  assertClose(rawTreeOutputs(ens, x, rows), raw, 1e-9, 'ensemble walk');
  const shap = treeShap(ens, matrix(x, rows, ens.cols));
  const k = shap.outputs;
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < k; o++) {
      let sum = shap.expected[o]!;
      for (let j = 0; j < shap.cols; j++) sum += shap.values[(r * k + o) * shap.cols + j]!;
      assert.ok(Math.abs(sum - raw[r * k + o]!) < 1e-6, `row ${r} output ${o}: ${sum} vs ${raw[r * k + o]}`);
    }
}

describe('LightGBM reference predictions', () => {
  it('multiclass (softmax, 5 classes, 50 trees): raw scores and probabilities equal LightGBM', () => {
    const model = parseModelText(text('lgmulticlass.model'));
    assert.equal(model.treesPerIteration, 5);
    assert.equal(model.trees, 50);
    const rows = table('multiclass_test_head.tsv').map((r) => r.slice(1));
    const x = Float64Array.from(rows.flat());
    assertClose(rawScores(model, x, rows.length), table('lgmulticlass_true_raw_predictions_head.txt').flat());
    assertClose(predictScores(model, x, rows.length), table('lgmulticlass_true_predictions_head.txt').flat());
    assertShapSums(model, x.subarray(0, 8 * 28), 8);
  });

  it('binary DART: raw scores equal LightGBM, probabilities are their sigmoid', () => {
    const model = parseModelText(text('lg_dart_breast_cancer.model'));
    const rows = table('breast_cancer_test.tsv');
    const x = Float64Array.from(rows.flat());
    const want = table('lg_dart_breast_cancer_true_predictions.txt').flat();
    assertClose(rawScores(model, x, rows.length), want);
    assertClose(
      predictScores(model, x, rows.length),
      want.map((m) => 1 / (1 + Math.exp(-m))),
    );
    assertShapSums(model, x, rows.length);
  });

  it('random forest (average_output, saved by LightGBM 2.x): the average of the leaves', () => {
    const model = parseModelText(text('lg_rf_iris.model'));
    assert.equal(model.averageOutput, true);
    const { x, rows } = libsvm('iris_test.libsvm', 4);
    assertClose(predictScores(model, x, rows), table('lg_rf_iris_true_predictions.txt').flat());
    assertShapSums(model, x, rows);
  });

  it('categorical splits (bitsets over several words of categories): regression equals LightGBM', () => {
    const model = parseModelText(text('toy_categorical_model.txt'));
    const { x, rows } = libsvm('toy_categorical.test', 2);
    assertClose(predictScores(model, x, rows), table('toy_categorical.test.pred').flat());
    assertShapSums(model, x, rows);
  });
});

describe('lightgbm flavor', () => {
  const source = (name: string, file = 'model.txt') => ({ name, files: new Map([[file, bytes(name)]]) });

  it('detects text models, under their own name or model.txt, and nothing else', () => {
    assert.equal(lightgbmFlavor.detect(source('lgmulticlass.model', 'lgmulticlass.model')), true);
    assert.equal(lightgbmFlavor.detect(source('toy_categorical_model.txt')), true);
    const wide = modelText([stump(0, 0.5, 2, -1, 1)], {
      features: Array.from({ length: 600 }, (_, j) => `feature_${j}`),
    });
    assert.ok(wide.indexOf('Tree=0') > 4096, 'the header alone passes the first 4 KB');
    assert.equal(
      lightgbmFlavor.detect({
        name: 'lgb.model',
        files: new Map([['lgb.model', new TextEncoder().encode(wide)]]),
      }),
      true,
    );
    const other = new TextEncoder().encode('{"learner": {}}');
    assert.equal(
      lightgbmFlavor.detect({ name: 'model.json', files: new Map([['model.json', other]]) }),
      false,
    );
    const csv = new TextEncoder().encode('tree,version\n1,2\n');
    assert.equal(lightgbmFlavor.detect({ name: 'a.txt', files: new Map([['a.txt', csv]]) }), false);
  });

  it('inspects the task, classes, signature and family, keeping the file as model.txt', async () => {
    const m = await lightgbmFlavor.inspect(source('lgmulticlass.model', 'lgmulticlass.model'));
    assert.equal(m.task, 'multiclass');
    assert.deepEqual(m.signature.classes, [0, 1, 2, 3, 4]);
    assert.equal(m.signature.inputs.length, 28);
    assert.deepEqual(m.signature.inputs[0], { name: 'Column_0', type: 'double', required: true });
    assert.equal(m.family, 'lightgbm gbdt multiclass');
    assert.deepEqual([...m.files.keys()], ['model.txt']);
    assert.equal(m.params['num_iterations'], 10);
    const rf = await lightgbmFlavor.inspect(source('lg_rf_iris.model'));
    assert.equal(rf.task, 'binary');
    assert.equal(rf.family, 'lightgbm rf binary');
    const reg = await lightgbmFlavor.inspect(source('toy_categorical_model.txt'), { classes: ['a'] });
    assert.equal(reg.task, 'regression');
    assert.equal(reg.signature.classes, undefined);
  });

  it('takes class labels and a signature given by the user, checking them against the model', async () => {
    const m = await lightgbmFlavor.inspect(source('lg_dart_breast_cancer.model'), {
      classes: ['benign', 'malignant'],
    });
    assert.deepEqual(m.signature.classes, ['benign', 'malignant']);
    await assert.rejects(
      lightgbmFlavor.inspect(source('lg_dart_breast_cancer.model'), { classes: ['a', 'b', 'c'] }),
      /has 2 classes; 3 class labels were given/,
    );
    const named = await lightgbmFlavor.inspect(source('toy_categorical_model.txt'), {
      signature: {
        inputs: [
          { name: 'shop', type: 'long', required: false },
          { name: 'day', type: 'long', required: false },
        ],
        outputs: [{ name: 'sales', type: 'double', required: true }],
      },
    });
    assert.deepEqual(
      named.signature.inputs.map((c) => [c.name, c.type]),
      [
        ['shop', 'long'],
        ['day', 'long'],
      ],
    );
    await assert.rejects(
      lightgbmFlavor.inspect(source('toy_categorical_model.txt'), {
        signature: { inputs: [{ name: 'a', type: 'string', required: true }], outputs: [] },
      }),
      /the model reads Column_0, Column_1/,
    );
  });

  /** Inspects `src`, stores the package as import does, reads it back and loads it. */
  async function importAndLoad(src: ReturnType<typeof source>, options: InspectOptions = {}) {
    const inspected = await lightgbmFlavor.inspect(src, options);
    const pkg = importedPackage(lightgbmFlavor, src, inspected);
    return lightgbmFlavor.load(await readPackageFiles(pkg));
  }

  it('a loaded binary model answers probabilities of both classes, labels and its trees', async () => {
    const model = await importAndLoad(source('lg_dart_breast_cancer.model'), {
      classes: ['benign', 'malignant'],
    });
    const rows = table('breast_cancer_test.tsv').slice(0, 5);
    const margins = table('lg_dart_breast_cancer_true_predictions.txt').flat();
    const got = await model.predict(rows.map((r) => Object.fromEntries(r.map((v, j) => [`Column_${j}`, v]))));
    rows.forEach((_, i) => {
      const p = 1 / (1 + Math.exp(-margins[i]!));
      assertClose(got.probabilities![i]!, [1 - p, p]);
      assert.equal(got.predictions[i], p > 0.5 ? 'malignant' : 'benign');
    });
    assert.equal(model.treeEnsemble!().link, 'logistic');
  });

  it('models trained on pandas category columns take the category values', async () => {
    const text = modelText([catStump(0, [0b010], -1, 1), stump(1, 0.5, 2, 10, 20)], {
      features: ['colour', 'size'],
      trailer:
        'parameters:\n[boosting: gbdt]\n[categorical_feature: 0]\nend of parameters\n\npandas_categorical:[["red", "green", "blue"]]',
    });
    const src = { name: 'model.txt', files: new Map([['model.txt', new TextEncoder().encode(text)]]) };
    const model = await importAndLoad(src);
    assert.deepEqual(
      model.signature.inputs.map((c) => c.type),
      ['string', 'double'],
    );
    const got = await model.predict([
      { colour: 'green', size: 0 },
      { colour: 'red', size: 0 },
      { colour: 'purple', size: 1 },
      { colour: null, size: 1 },
    ]);
    assert.deepEqual(got.predictions, [9, 11, 21, 21]);
    await assert.rejects(model.predict([{ colour: 2, size: 0 }]), /colour/);
  });
});

runFlavorConformance(lightgbmFlavor, async () => {
  const rows = table('multiclass_test_head.tsv').map((r) =>
    Object.fromEntries(r.slice(1).map((v, j) => [`Column_${j}`, v])),
  );
  const probabilities = table('lgmulticlass_true_predictions_head.txt');
  return {
    source: {
      name: 'lgmulticlass.model',
      files: new Map([['lgmulticlass.model', bytes('lgmulticlass.model')]]),
    },
    rows,
    expected: {
      predictions: probabilities.map((p) => p.indexOf(Math.max(...p))),
      probabilities,
    },
  };
});
