import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { LatheError } from '../../../core/index.js';
import type { ReadPackage } from '../../package.js';
import { importedPackage, readPackageFiles } from '../imported-package.js';
import type { InspectedModel, InspectOptions, ModelSource } from '../flavor.js';
import { type FlavorFixture, runFlavorConformance } from '../flavor.conformance.js';
import { type OnnxMeta, type OnnxPredictor, onnxFlavor } from './index.js';
import { columnMajorInput, readOnnxModel, removeZipMaps, zipMapsOf } from './proto.js';
import { createSession } from './session.js';

const dir = path.join(import.meta.dirname, '../../../../test/fixtures/models/onnx');

interface Reference {
  inputs: Record<string, unknown[]>;
  expected: {
    values?: number[];
    probabilities?: number[][];
    labels?: (string | number)[];
    classes?: unknown[];
  };
}

const bytesOf = (name: string) => new Uint8Array(readFileSync(path.join(dir, `${name}.onnx`)));
const sourceOf = (name: string, file = `${name}.onnx`): ModelSource => ({
  name: file,
  files: new Map([[file, bytesOf(name)]]),
});

function fixture(name: string, inspectOptions?: InspectOptions): FlavorFixture {
  const ref = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as Reference;
  const cols = Object.keys(ref.inputs);
  const n = ref.inputs[cols[0]!]!.length;
  const rows = Array.from({ length: n }, (_, i) =>
    Object.fromEntries(cols.map((c) => [c, ref.inputs[c]![i]])),
  );
  const e = ref.expected;
  return {
    source: sourceOf(name),
    rows,
    expected: {
      predictions: e.values ?? e.labels!,
      ...(e.probabilities ? { probabilities: e.probabilities } : {}),
    },
    tolerance: 1e-5,
    ...(inspectOptions ? { inspectOptions } : {}),
  };
}

const fixtures = [
  'mlp-regression',
  'mlp-classifier',
  'logistic',
  'sklearn-linear-zipmap',
  'sklearn-tree-zipmap',
  'named-inputs',
  'fixed-batch',
  'mlp-bench',
];
for (const name of fixtures) runFlavorConformance(onnxFlavor, async () => fixture(name));

async function stored(inspected: InspectedModel): Promise<ReadPackage> {
  return readPackageFiles(importedPackage(onnxFlavor, { name: 'model.onnx', files: new Map() }, inspected));
}

async function loaded(name: string, options?: InspectOptions, threads?: number) {
  const inspected = await onnxFlavor.inspect(sourceOf(name), options);
  const model = (await onnxFlavor.load(await stored(inspected), threads ? { threads } : {})) as OnnxPredictor;
  return { inspected, model, meta: inspected.meta as unknown as OnnxMeta };
}

const code = (c: string, pattern?: RegExp) => (err: unknown) => {
  assert.ok(err instanceof LatheError, String(err));
  assert.equal(err.code, c, err.message);
  if (pattern) assert.match(err.message, pattern);
  return true;
};

describe('onnx flavor: what imports read', () => {
  it('reads a PyTorch MLP: eight columns x0..x7, a regression on one output', async () => {
    const { inspected, model, meta } = await loaded('mlp-regression');
    assert.equal(inspected.task, 'regression');
    assert.equal(inspected.family, 'onnx pytorch');
    assert.deepEqual(
      inspected.signature.inputs.map((c) => `${c.name}:${c.type}`),
      Array.from({ length: 8 }, (_, j) => `x${j}:double`),
    );
    assert.deepEqual(meta.inputs, [
      { tensor: 'input', type: 'float32', rank: 2, columns: inspected.signature.inputs.map((c) => c.name) },
    ]);
    assert.deepEqual(meta.outputs, { value: 'output', transform: 'none' });
    await model.close();
  });

  it('answers the same on its typed-array fast path as through signature checks', async () => {
    const { model } = await loaded('mlp-classifier');
    const ref = fixture('mlp-classifier');
    const names = model.signature.inputs.map((c) => c.name);
    const plain = Object.fromEntries(names.map((c) => [c, ref.rows.map((r) => r[c])]));
    const typed = Object.fromEntries(
      names.map((c) => [c, Float64Array.from(ref.rows, (r) => r[c] as number)]),
    );
    const a = await model.predictBatch({ rows: ref.rows.length, columns: plain });
    const b = await model.predictBatch({ rows: ref.rows.length, columns: typed });
    assert.deepEqual(b.predictions, a.predictions);
    assert.deepEqual(b.probabilities, a.probabilities);
    const withNull = await model.predict([{ ...ref.rows[0]!, x3: null }]);
    const withNaN = await model.predict([{ ...ref.rows[0]!, x3: Number.NaN }]);
    assert.deepEqual(withNaN, withNull, 'null and NaN both reach the model as NaN');
    await model.close();
  });

  it('runs a model whose batch axis is fixed at 1 row by row', async () => {
    const { model, meta } = await loaded('fixed-batch');
    assert.equal(meta.batch, 'single');
    const rows = [
      { x0: 1, x1: 0, x2: 0 },
      { x0: 0, x1: 0, x2: 0 },
    ];
    const got = await model.predictBatch({ rows: 2, columns: { x0: [1, 0], x1: [0, 0], x2: [0, 0] } });
    assert.equal(got.rows, 2);
    assert.ok(Math.abs((got.predictions[1] as number) + 1) < 1e-6, 'a zero row answers the bias');
    assert.deepEqual((await model.predict(rows)).predictions, Array.from(got.predictions as Float64Array));
    await model.close();
  });

  it('names matrix columns from a user signature, else from metadata_props feature_names', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const signature = {
      inputs: names.map((name) => ({ name, type: 'double' as const, required: true })),
      outputs: [],
    };
    const mlp = await onnxFlavor.inspect(sourceOf('mlp-regression'), { signature });
    assert.deepEqual(
      mlp.signature.inputs.map((c) => c.name),
      names,
    );
    const logistic = await onnxFlavor.inspect(sourceOf('logistic'));
    assert.deepEqual(
      logistic.signature.inputs.map((c) => c.name),
      ['age', 'bmi', 'bp', 'glucose', 'insulin'],
    );
    await assert.rejects(
      onnxFlavor.inspect(sourceOf('mlp-regression'), {
        signature: { ...signature, inputs: signature.inputs.slice(0, 3) },
      }),
      code('MODEL_PACKAGE_INVALID', /lists 3 input columns.*reads 8/),
    );
  });

  it('maps one column to each named input, with its element type', async () => {
    const { inspected, model, meta } = await loaded('named-inputs');
    assert.deepEqual(
      inspected.signature.inputs.map((c) => `${c.name}:${c.type}`),
      ['age:double', 'income:double', 'visits:long', 'city:string'],
    );
    assert.deepEqual(
      meta.inputs.map((t) => `${t.tensor}/${t.type}/${t.rank}/${t.columns.join()}`),
      ['age/float32/2/age', 'income/float64/2/income', 'visits/int64/1/visits', 'city/string/2/city'],
    );
    const row = { age: 30, income: 50000, visits: 2, city: 'lyon' };
    const got = await model.predict([row, { ...row, city: 'unknown town' }]);
    assert.ok(
      Math.abs((got.predictions[0] as number) - (0.03 * 30 + 0.00002 * 50000 - 0.8 + 1.5 * -0.5 + 0.5)) <
        1e-5,
    );
    assert.ok(Math.abs((got.predictions[1] as number) - (0.03 * 30 + 0.00002 * 50000 - 0.8 + 0.5)) < 1e-5);
    await assert.rejects(
      model.predict([{ ...row, visits: null }]),
      code('MODEL_INPUT_INVALID', /int64.*missing/),
    );
    await assert.rejects(model.predict([{ ...row, visits: 1.5 }]), code('MODEL_INPUT_INVALID', /visits/));
    await model.close();
  });

  it('keeps the order of a signature that names the inputs', async () => {
    const order = ['city', 'visits', 'income', 'age'];
    const types = { city: 'string', visits: 'long', income: 'double', age: 'double' } as const;
    const signature = {
      inputs: order.map((name) => ({ name, type: types[name as keyof typeof types], required: true })),
      outputs: [],
    };
    const inspected = await onnxFlavor.inspect(sourceOf('named-inputs'), { signature });
    assert.deepEqual(
      inspected.signature.inputs.map((c) => c.name),
      order,
    );
    const model = await onnxFlavor.load(await stored(inspected));
    const got = await model.predict([{ age: 30, income: 50000, visits: 2, city: 'lyon' }]);
    assert.ok(Math.abs((got.predictions[0] as number) - 0.85) < 1e-5);
    await model.close?.();
  });

  it('reads skl2onnx classifiers: ZipMap keys as classes, the label output as predictions', async () => {
    const linear = await loaded('sklearn-linear-zipmap');
    assert.equal(linear.inspected.task, 'multiclass');
    assert.equal(linear.inspected.family, 'onnx skl2onnx LinearClassifier');
    assert.deepEqual(linear.inspected.signature.classes, ['setosa', 'versicolor', 'virginica']);
    assert.equal(linear.inspected.signature.outputs[0]!.type, 'string');
    assert.deepEqual(linear.meta.outputs, {
      probabilities: 'probabilities',
      label: 'output_label',
      transform: 'none',
    });
    const tree = await loaded('sklearn-tree-zipmap');
    assert.deepEqual(tree.inspected.signature.classes, [10, 20, 30]);
    const got = await tree.model.predictBatch({ rows: 1, columns: { x0: [2], x1: [0], x2: [0] } });
    assert.equal(got.predictions[0], 30);
    assert.deepEqual(got.classes, [10, 20, 30]);
    await linear.model.close();
    await tree.model.close();
  });

  it('reads a softmax output as a multiclass classifier and a sigmoid as binary', async () => {
    const mlp = await onnxFlavor.inspect(sourceOf('mlp-classifier'));
    assert.equal(mlp.task, 'multiclass');
    assert.deepEqual(mlp.signature.classes, [0, 1, 2]);
    const logistic = await onnxFlavor.inspect(sourceOf('logistic'), { classes: ['no', 'yes'] });
    assert.equal(logistic.task, 'binary');
    assert.deepEqual(logistic.signature.classes, ['no', 'yes']);
  });

  it('follows the task given: a one-column output as a binary logit, a regression refused on probabilities', async () => {
    const { model } = await loaded('mlp-regression', { task: 'binary' });
    const rows = [{ x0: 1, x1: 0, x2: 0, x3: 0, x4: 0, x5: 0, x6: 0, x7: 0 }];
    const raw = await (await loaded('mlp-regression')).model.predict(rows);
    const got = await model.predict(rows);
    const p = 1 / (1 + Math.exp(-(raw.predictions[0] as number)));
    assert.ok(Math.abs(got.probabilities![0]![1]! - p) < 1e-9);
    await assert.rejects(
      onnxFlavor.inspect(sourceOf('mlp-classifier'), { task: 'regression' }),
      code('MODEL_PACKAGE_INVALID', /one number per row/),
    );
    await model.close();
  });
});

describe('onnx flavor: refusals and resources', () => {
  it('refuses a graph with an operator onnxruntime lacks, with its reason', async () => {
    await assert.rejects(
      onnxFlavor.inspect(sourceOf('bad-operator')),
      code('MODEL_PACKAGE_INVALID', /operator this onnxruntime does not implement.*FrobnicateTensor/s),
    );
  });

  it('refuses an operator set onnxruntime does not support', async () => {
    await assert.rejects(
      onnxFlavor.inspect(sourceOf('bad-opset')),
      code('MODEL_PACKAGE_INVALID', /operator set or IR version.*Opset 99/s),
    );
  });

  it('refuses truncated and corrupt files, saying so', async () => {
    const good = bytesOf('mlp-regression');
    const as = (b: Uint8Array): ModelSource => ({ name: 'model.onnx', files: new Map([['model.onnx', b]]) });
    await assert.rejects(
      onnxFlavor.inspect(as(good.subarray(0, 600))),
      code('MODEL_PACKAGE_INVALID', /truncated or corrupt/),
    );
    const flipped = good.slice();
    for (let i = 40; i < flipped.length; i += 5) flipped[i] = flipped[i]! ^ 0x5a;
    await assert.rejects(onnxFlavor.inspect(as(flipped)), code('MODEL_PACKAGE_INVALID'));
    await assert.rejects(
      onnxFlavor.inspect(as(new TextEncoder().encode('not a model'))),
      code('MODEL_PACKAGE_INVALID'),
    );
  });

  it('detects .onnx files and ONNX bytes under another name', () => {
    assert.ok(onnxFlavor.detect(sourceOf('logistic')));
    assert.ok(onnxFlavor.detect(sourceOf('logistic', 'model.bin')));
    assert.ok(
      !onnxFlavor.detect({
        name: 'x.json',
        files: new Map([['x.json', new TextEncoder().encode('{"learner": {}}')]]),
      }),
    );
  });

  it('rewrites ZipMap out of the graph, keeping the other bytes', () => {
    const bytes = bytesOf('sklearn-tree-zipmap');
    const info = readOnnxModel(bytes);
    const zip = zipMapsOf(info);
    assert.deepEqual(zip, [{ output: 'output_probability', input: 'probabilities', classes: [10, 20, 30] }]);
    const after = readOnnxModel(removeZipMaps(bytes, zip));
    assert.deepEqual(after.outputs, ['output_label', 'probabilities']);
    assert.ok(!after.nodes.some((n) => n.opType === 'ZipMap'));
    assert.equal(after.nodes.length, info.nodes.length - 1);
  });

  it('feeds large column batches column-major, answering what row-major runs answer', async () => {
    for (const columnType of [1, 11] as const) {
      const bytes = columnMajorInput(bytesOf('mlp-regression'), 'input', 1, 8, columnType);
      const session = await createSession('model.onnx', bytes);
      assert.deepEqual([...session.inputNames], ['input__lathe_columns']);
      await session.release();
    }
    for (const name of ['mlp-regression', 'mlp-classifier']) {
      const { model } = await loaded(name);
      const n = 300;
      const doubles = model.signature.inputs.map((c, j): [string, Float64Array] => [
        c.name,
        Float64Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 0.7 + j))),
      ]);
      const rows = Array.from({ length: n }, (_, i) =>
        Object.fromEntries(doubles.map(([k, v]) => [k, v[i]!])),
      );
      const byRows = await model.predict(rows);
      const b = byRows.probabilities?.flat() ?? (byRows.predictions as number[]);
      // Double columns, float columns, and a mix of both (the mix is read as doubles).
      for (const columns of [
        Object.fromEntries(doubles),
        Object.fromEntries(doubles.map(([k, v]) => [k, Float32Array.from(v)])),
        Object.fromEntries(doubles.map(([k, v], j) => [k, j % 2 ? Float32Array.from(v) : v])),
      ]) {
        const byColumns = await model.predictBatch({ rows: n, columns });
        const a = byColumns.probabilities ?? (byColumns.predictions as Float64Array);
        assert.equal(a.length, b.length);
        for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-6, `${name} value ${i}`);
        // Run twice: the second call reuses the buffer and tensor of the first.
        const again = await model.predictBatch({ rows: n, columns });
        assert.deepEqual(again.probabilities ?? again.predictions, a);
      }
      await model.close();
    }
  });

  it('runs with two intra-op threads, and refuses to predict once closed', async () => {
    const { model } = await loaded('mlp-classifier', undefined, 2);
    const rows = [{ x0: 1, x1: 2, x2: 3, x3: 4, x4: 5, x5: 6, x6: 7, x7: 8 }];
    const got = await model.predict(rows);
    assert.ok(Math.abs(got.probabilities![0]!.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    await model.close();
    await assert.rejects(model.predict(rows), code('CONFLICT', /closed/));
  });
});
