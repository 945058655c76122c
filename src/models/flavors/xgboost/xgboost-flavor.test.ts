import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LatheError } from '../../../core/index.js';
import { rowsToBatch } from '../../conform.js';
import { rawTreeOutputs, treeShap } from '../../../ml/index.js';
import type { ModelSource } from '../flavor.js';
import { runFlavorConformance } from '../flavor.conformance.js';
import { importedPackage, readPackageFiles } from '../imported-package.js';
import { parseXgboostModel, xgbMargins, xgbPredict, xgbTreeEnsemble, xgboostFlavor } from './index.js';

interface Expected {
  objective: string;
  rows: number;
  cols: number;
  X: (number | null)[];
  predict: number[];
  margin: number[];
  contribs: number[];
}

const dir = new URL('../../../../test/fixtures/models/xgboost/', import.meta.url);
const file = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, dir)));
const expected = (name: string): Expected =>
  JSON.parse(readFileSync(new URL(`${name}.expected.json`, dir), 'utf8'));
const matrixOf = (e: Expected) => Float64Array.from(e.X, (v) => (v === null ? Number.NaN : v));
const source = (name: string, bytes: Uint8Array): ModelSource => ({ name, files: new Map([[name, bytes]]) });

const models = [
  'binary',
  'binary-logitraw',
  'multi-softprob',
  'multi-softmax',
  'reg-squarederror',
  'reg-absoluteerror',
  'reg-pseudohubererror',
  'reg-logistic',
  'count-poisson',
  'reg-gamma',
  'reg-tweedie',
  'reg-squaredlogerror',
  'survival-cox',
  'binary-hinge',
  'rank-pairwise',
  'rank-ndcg',
  'categorical',
  'dart',
];

function assertClose(actual: number, want: number, rel: number, what: string): void {
  assert.ok(
    Math.abs(actual - want) <= rel * Math.max(1e-30, Math.abs(want)),
    `${what}: ${actual} vs ${want}`,
  );
}

async function loadFromSource(src: ModelSource) {
  const inspected = await xgboostFlavor.inspect(src);
  const pkg = await readPackageFiles(importedPackage(xgboostFlavor, src, inspected));
  return { inspected, predictor: await xgboostFlavor.load(pkg) };
}

function rowsOf(e: Expected, names: string[]): Record<string, unknown>[] {
  return Array.from({ length: e.rows }, (_, r) =>
    Object.fromEntries(names.map((n, j) => [n, e.X[r * e.cols + j]])),
  );
}

describe('xgboost flavor: XGBoost 1.7.4 reference outputs', () => {
  for (const name of models) {
    const formats = name === 'binary' ? ['json', 'ubj'] : ['json'];
    for (const format of formats)
      it(`${name} (${format}): margins bit for bit, predictions to 1e-6, pred_contribs to 1e-5`, () => {
        const e = expected(name);
        const model = parseXgboostModel(file(`${name}.${format}`));
        assert.equal(model.objective.name, e.objective);
        const x = matrixOf(e);
        assert.deepEqual(Array.from(xgbMargins(model, x, e.rows)), e.margin);
        const p = xgbPredict(model, x, e.rows);
        for (const [i, v] of e.predict.entries()) assertClose(p[i]!, v, 1e-6, `predict ${i}`);
        const shap = treeShap(xgbTreeEnsemble(model), { data: x, rows: e.rows, cols: e.cols });
        const K = shap.outputs;
        const C = e.cols;
        for (let r = 0; r < e.rows; r++)
          for (let k = 0; k < K; k++)
            for (let j = 0; j <= C; j++) {
              const mine = j < C ? shap.values[(r * K + k) * C + j]! : shap.expected[k]!;
              const ref = e.contribs[(r * K + k) * (C + 1) + j]!;
              assert.ok(
                Math.abs(mine - ref) <= 1e-5 * Math.max(1, Math.abs(ref)),
                `row ${r} output ${k} feature ${j}: ${mine} vs ${ref}`,
              );
            }
      });
  }
});

describe('xgboost flavor: the Predictor', () => {
  for (const name of models)
    it(`${name}: predictions, probabilities and TreeSHAP through an imported package`, async () => {
      const e = expected(name);
      const { inspected, predictor } = await loadFromSource(source(`${name}.json`, file(`${name}.json`)));
      const names = inspected.signature.inputs.map((c) => c.name);
      const got = await predictor.predict(rowsOf(e, names));
      const G = e.predict.length / e.rows;
      const task = inspected.task;
      for (let r = 0; r < e.rows; r++) {
        if (task === 'regression' || task === 'ranking')
          assertClose(got.predictions[r] as number, e.predict[r]!, 1e-6, `row ${r}`);
        else if (e.objective === 'binary:logistic')
          assertClose(got.probabilities![r]![1]!, e.predict[r]!, 1e-6, `row ${r} probability`);
        else if (e.objective === 'multi:softprob')
          for (let c = 0; c < G; c++)
            assertClose(got.probabilities![r]![c]!, e.predict[r * G + c]!, 1e-6, `row ${r}`);
        else if (e.objective === 'multi:softmax') assert.equal(got.predictions[r], e.predict[r]);
        else if (e.objective === 'binary:hinge') assert.equal(got.probabilities![r]![1], e.predict[r]);
        else if (e.objective === 'binary:logitraw')
          assertClose(
            Math.log(got.probabilities![r]![1]! / got.probabilities![r]![0]!),
            e.predict[r]!,
            1e-5,
            `row ${r}`,
          );
      }
      // TreeSHAP on the predictor's TreeEnsemble: XGBoost's pred_contribs (bias last).
      const ens = predictor.treeEnsemble!();
      const x = matrixOf(e);
      // treeInputs: the matrix the trees read, built from the rows through the signature.
      const inputs = predictor.treeInputs!(rowsToBatch(rowsOf(e, names)));
      assert.deepEqual(Array.from(inputs), Array.from(x));
      const raw = rawTreeOutputs(ens, x, e.rows);
      for (const [i, v] of raw.entries())
        assert.ok(Math.abs(v - e.margin[i]!) <= 1e-5 * Math.max(1, Math.abs(e.margin[i]!)), `margin ${i}`);
      const shap = treeShap(ens, { data: x, rows: e.rows, cols: e.cols });
      const K = shap.outputs;
      const C = e.cols;
      for (let r = 0; r < e.rows; r++)
        for (let k = 0; k < K; k++)
          for (let j = 0; j <= C; j++) {
            const mine = j < C ? shap.values[(r * K + k) * C + j]! : shap.expected[k]!;
            const ref = e.contribs[(r * K + k) * (C + 1) + j]!;
            assert.ok(
              Math.abs(mine - ref) <= 1e-5 * Math.max(1, Math.abs(ref)),
              `row ${r} output ${k} feature ${j}: ${mine} vs ${ref}`,
            );
          }
    });

  it('reads the signature from feature names and types', async () => {
    const bin = await xgboostFlavor.inspect(source('binary.json', file('binary.json')));
    assert.deepEqual(
      bin.signature.inputs.map((c) => `${c.name}:${c.type}`),
      ['age:double', 'income:double', 'score:double', 'tenure:double', 'visits:double'],
    );
    assert.deepEqual(bin.signature.classes, [0, 1]);
    assert.equal(bin.family, 'xgboost gbtree binary:logistic');
    assert.deepEqual([...bin.files.keys()], ['model.json']);
    const cat = await xgboostFlavor.inspect(source('categorical.json', file('categorical.json')));
    assert.deepEqual(
      cat.signature.inputs.map((c) => `${c.name}:${c.type}`),
      ['f0:double', 'f1:integer', 'f2:double', 'f3:integer'],
    );
    assert.equal(cat.task, 'regression');
    const multi = await xgboostFlavor.inspect(source('multi-softprob.json', file('multi-softprob.json')), {
      classes: ['a', 'b', 'c'],
    });
    assert.deepEqual(multi.signature.classes, ['a', 'b', 'c']);
    assert.equal(multi.signature.outputs[0]!.type, 'string');
    const ubj = await xgboostFlavor.inspect(source('binary.ubj', file('binary.ubj')));
    assert.deepEqual([...ubj.files.keys()], ['model.ubj']);
    assert.equal(
      (await xgboostFlavor.inspect(source('d.json', file('dart.json')))).family,
      'xgboost dart binary:logistic',
    );
    assert.equal((await xgboostFlavor.inspect(source('r.json', file('rank-pairwise.json')))).task, 'ranking');
  });

  it("takes a signature given on import (an MLflow MLmodel) in the model's feature order", async () => {
    const names = ['age', 'income', 'score', 'tenure', 'visits'];
    const given = {
      inputs: [...names].reverse().map((name) => ({ name, type: 'double' as const, required: true })),
      outputs: [{ name: 'churn', type: 'long' as const, required: true }],
    };
    const inspected = await xgboostFlavor.inspect(source('binary.json', file('binary.json')), {
      signature: given,
    });
    assert.deepEqual(
      inspected.signature.inputs.map((c) => c.name),
      names,
    );
    assert.equal(inspected.signature.outputs[0]!.name, 'churn');
    const renamed = {
      ...given,
      inputs: names.map((_, i) => ({ name: `c${i}`, type: 'double' as const, required: true })),
    };
    const r = await xgboostFlavor.inspect(source('binary.json', file('binary.json')), { signature: renamed });
    assert.deepEqual(
      r.signature.inputs.map((c) => c.name),
      ['c0', 'c1', 'c2', 'c3', 'c4'],
    );
    await assert.rejects(
      xgboostFlavor.inspect(source('binary.json', file('binary.json')), {
        signature: { ...given, inputs: given.inputs.slice(1) },
      }),
      /lists 4 inputs .*reads 5 features/,
    );
    await assert.rejects(
      xgboostFlavor.inspect(source('binary.json', file('binary.json')), {
        signature: {
          ...given,
          inputs: given.inputs.map((c, i) => (i ? c : { ...c, type: 'string' as const })),
        },
      }),
      /column visits a string; an XGBoost model reads numbers/,
    );
  });

  it('keeps the hyperparameters the scikit-learn wrapper stored', async () => {
    const doc = JSON.parse(new TextDecoder().decode(file('binary.json')));
    doc.learner.attributes.scikit_learn =
      '{"n_estimators": 8, "max_depth": 3, "missing": NaN, "callbacks": null, "classes_": [0, 1], "_estimator_type": "classifier"}';
    const inspected = await xgboostFlavor.inspect(
      source('m.json', new TextEncoder().encode(JSON.stringify(doc))),
    );
    assert.equal(inspected.params['n_estimators'], 8);
    assert.equal(inspected.params['max_depth'], 3);
    assert.equal(inspected.params['objective'], 'binary:logistic');
    for (const key of ['scikit_learn', 'callbacks', 'classes_', '_estimator_type', 'missing'])
      assert.ok(!(key in inspected.params), key);
  });

  it('answers class labels given at import', async () => {
    const e = expected('multi-softprob');
    const src = source('multi-softprob.json', file('multi-softprob.json'));
    const inspected = await xgboostFlavor.inspect(src, { classes: ['a', 'b', 'c'] });
    const predictor = await xgboostFlavor.load(
      await readPackageFiles(importedPackage(xgboostFlavor, src, inspected)),
    );
    const got = await predictor.predict(rowsOf(e, ['f0', 'f1', 'f2', 'f3']).slice(0, 5));
    assert.deepEqual(got.classes, ['a', 'b', 'c']);
    for (const label of got.predictions) assert.ok(['a', 'b', 'c'].includes(label as string));
  });
});

describe('xgboost flavor: detection and bad input', () => {
  const refused = async (src: ModelSource, pattern: RegExp) =>
    assert.rejects(xgboostFlavor.inspect(src), (err: unknown) => {
      assert.ok(err instanceof LatheError, String(err));
      assert.equal(err.code, 'MODEL_PACKAGE_INVALID');
      assert.match(err.message, pattern);
      return true;
    });
  const json = new TextDecoder().decode(file('binary.json'));
  const text = (s: string) => new TextEncoder().encode(s);

  it('detects JSON and UBJSON models and nothing else', () => {
    assert.ok(xgboostFlavor.detect(source('m.json', file('binary.json'))));
    assert.ok(xgboostFlavor.detect(source('m.ubj', file('binary.ubj'))));
    assert.ok(!xgboostFlavor.detect(source('other.json', text('{"name": "not a model"}'))));
    assert.ok(!xgboostFlavor.detect(source('m.txt', text('tree\nversion=v3\n'))));
    assert.ok(
      !xgboostFlavor.detect({
        name: 'dir',
        files: new Map([
          ['a.json', file('binary.json')],
          ['MLmodel', text('x')],
        ]),
      }),
    );
  });

  it('refuses truncated, non-JSON and wrongly shaped files, unknown objectives and gblinear', async () => {
    await refused(source('m.json', text(json.slice(0, 500))), /not valid JSON.*truncated/);
    await refused(
      source('m.json', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe])),
      /neither JSON nor UBJSON/,
    );
    await refused(source('m.json', text('{"trees": []}')), /not an XGBoost model.*trees/);
    await refused(
      source('m.json', text(json.replace('"binary:logistic"', '"reg:unknownloss"'))),
      /objective "reg:unknownloss" is not supported; supported: .*binary:logistic/,
    );
    await refused(source('m.json', file('gblinear.json')), /gblinear booster is not supported/);
    interface Doc {
      learner: {
        learner_model_param: Record<string, unknown>;
        gradient_booster: { model: { trees: Record<string, number[]>[] } };
      };
    }
    const edited = (edit: (tree: Record<string, number[]>, doc: Doc) => void) => {
      const doc = JSON.parse(json) as Doc;
      edit(doc.learner.gradient_booster.model.trees[0]!, doc);
      return source('m.json', text(JSON.stringify(doc)));
    };
    await refused(
      edited((t) => {
        t.left_children![0] = 99;
      }),
      /tree 0 node 0 has a bad child 99/,
    );
    await refused(
      edited((t) => {
        t.left_children![0] = 0;
      }),
      /bad child 0/,
    );
    await refused(
      edited((t) => {
        t.split_indices![0] = 40;
      }),
      /tree 0 node 0 splits on feature 40; the model has 5 features/,
    );
    await refused(
      edited((t) => {
        t.sum_hessian!.pop();
      }),
      /sum_hessian must hold \d+ values \(one per node\)/,
    );
    await refused(
      edited((_, doc) => {
        doc.learner.learner_model_param.num_feature = 'five';
      }),
      /num_feature must be a number/,
    );
    await refused(
      edited((_, doc) => {
        doc.learner.gradient_booster.model.trees = [];
      }),
      /has no trees/,
    );
    const ubj = file('binary.ubj');
    await refused(source('m.ubj', ubj.subarray(0, ubj.length - 100)), /truncated/);
    await refused(
      {
        name: 'two',
        files: new Map([
          ['a.json', ubj],
          ['b.json', ubj],
        ]),
      },
      /one file/,
    );
  });
});

for (const format of ['json', 'ubj'])
  runFlavorConformance(xgboostFlavor, async () => {
    const e = expected('binary');
    const names = ['age', 'income', 'score', 'tenure', 'visits'];
    return {
      source: source(`binary.${format}`, file(`binary.${format}`)),
      rows: rowsOf(e, names),
      expected: {
        predictions: e.predict.map((p) => (p > 0.5 ? 1 : 0)),
        probabilities: e.predict.map((p) => [1 - p, p]),
      },
    };
  });

runFlavorConformance(xgboostFlavor, async () => {
  const e = expected('multi-softprob');
  return {
    source: source('multi.json', file('multi-softprob.json')),
    rows: rowsOf(e, ['f0', 'f1', 'f2', 'f3']),
    expected: {
      predictions: Array.from({ length: e.rows }, (_, r) => {
        const p = e.predict.slice(r * 3, r * 3 + 3);
        return p.indexOf(Math.max(...p));
      }),
      probabilities: Array.from({ length: e.rows }, (_, r) => e.predict.slice(r * 3, r * 3 + 3)),
    },
  };
});
