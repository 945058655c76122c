/**
 * MLflow model directories as MLflow 2.x writes them (`MLmodel` YAML with the flavor, signature as
 * JSON strings and saved_input_example_info), around model files made by the peer libraries
 * (test/fixtures/models/xgboost, onnx, lightgbm). MLflow itself is not installable here, so the
 * MLmodel texts below follow the layout of MLflow's `log_model` output field by field.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LatheError } from '../../../core/index.js';
import { runFlavorConformance } from '../flavor.conformance.js';
import type { ModelSource } from '../flavor.js';
import { detectFlavor, loadPackage, modelFlavor } from '../flavors.js';
import { importedPackage, readPackageFiles } from '../imported-package.js';
import { exampleRows, parseMlModel } from './mlmodel.js';

const fixtures = new URL('../../../../test/fixtures/models/', import.meta.url);
const read = (path: string) => new Uint8Array(readFileSync(new URL(path, fixtures)));
const enc = (s: string) => new TextEncoder().encode(s);
const mlflow = modelFlavor('mlflow');

const names = ['age', 'income', 'score', 'tenure', 'visits'];
const binary = JSON.parse(readFileSync(new URL('xgboost/binary.expected.json', fixtures), 'utf8')) as {
  rows: number;
  cols: number;
  X: (number | null)[];
  predict: number[];
};
const rows = Array.from({ length: binary.rows }, (_, r) =>
  Object.fromEntries(names.map((n, j) => [n, binary.X[r * binary.cols + j]])),
);

/** The MLmodel MLflow 2.14's `mlflow.xgboost.log_model` writes, with a signature and an example. */
function xgboostMlmodel(format: string, signatureNames = names): string {
  const inputs = JSON.stringify(signatureNames.map((name) => ({ type: 'double', name, required: true })));
  return `artifact_path: model
flavors:
  python_function:
    data: model.xgb
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.xgboost
    python_version: 3.11.4
  xgboost:
    code: null
    data: model.xgb
    model_class: xgboost.sklearn.XGBClassifier
    model_format: ${format}
    xgb_version: 1.7.4
mlflow_version: 2.14.2
model_size_bytes: 35040
model_uuid: 516954aae7c94e91adeed9df76cb4052
run_id: bf212703d1874eee9dcb37c8a92a6de6
saved_input_example_info:
  artifact_path: input_example.json
  pandas_orient: split
  type: dataframe
signature:
  inputs: '${inputs}'
  outputs: '[{"type": "long", "required": true}]'
  params: null
utc_time_created: '2024-07-01 10:00:00.000000'
`;
}

function xgboostDir(model: Uint8Array, format = 'xgb', example = rows.slice(0, 3)): ModelSource {
  return {
    name: 'churn-model',
    files: new Map([
      ['MLmodel', enc(xgboostMlmodel(format))],
      ['model.xgb', model],
      ['conda.yaml', enc('name: mlflow-env\n')],
      ['requirements.txt', enc('mlflow==2.14.2\nxgboost==1.7.4\n')],
      [
        'input_example.json',
        enc(
          JSON.stringify({ columns: Object.keys(example[0]!), data: example.map((r) => Object.values(r)) }),
        ),
      ],
    ]),
  };
}

runFlavorConformance(mlflow, async () => ({
  source: xgboostDir(read('xgboost/binary.json')),
  rows,
  expected: {
    predictions: binary.predict.map((p) => (p > 0.5 ? 1 : 0)),
    probabilities: binary.predict.map((p) => [1 - p, p]),
  },
}));

/** Imports a source as the import service does: inspect, write the package, read it back, load. */
async function load(source: ModelSource) {
  const flavor = detectFlavor(source);
  const inspected = await flavor.inspect(source);
  const pkg = await readPackageFiles(importedPackage(flavor, source, inspected));
  return { flavor, inspected, predictor: await loadPackage(pkg) };
}

const refusal = (pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof LatheError && err.code === 'MODEL_PACKAGE_INVALID', String(err));
  assert.match(err.message, pattern);
  return true;
};

describe('MLflow model directories', () => {
  it('reads the xgboost flavor in JSON, UBJSON or model.xgb, with its signature, example and run', async () => {
    for (const [bytes, format] of [
      [read('xgboost/binary.json'), 'json'],
      [read('xgboost/binary.ubj'), 'ubj'],
      [read('xgboost/binary.ubj'), 'xgb'],
    ] as const) {
      const { flavor, inspected, predictor } = await load(xgboostDir(bytes, format));
      assert.equal(flavor.name, 'mlflow');
      assert.equal(inspected.loadAs, 'xgboost');
      assert.deepEqual(
        inspected.signature.inputs.map((c) => c.name),
        names,
      );
      assert.deepEqual(inspected.inputExample, rows.slice(0, 3));
      assert.deepEqual(inspected.meta['mlflow'], {
        flavor: 'xgboost',
        runId: 'bf212703d1874eee9dcb37c8a92a6de6',
        artifactPath: 'model',
      });
      const out = await predictor.predict(rows.slice(0, 5));
      for (const [i, p] of out.probabilities!.entries())
        assert.ok(Math.abs(p[1]! - binary.predict[i]!) < 1e-6);
    }
  });

  it('reads a nested directory (the artifact path folder) and the onnx and lightgbm flavors', async () => {
    const nested: ModelSource = {
      name: 'download',
      files: new Map([...xgboostDir(read('xgboost/binary.json')).files].map(([p, b]) => [`model/${p}`, b])),
    };
    assert.equal((await load(nested)).inspected.loadAs, 'xgboost');

    const onnxDir: ModelSource = {
      name: 'onnx-model',
      files: new Map([
        [
          'MLmodel',
          enc(`artifact_path: model
flavors:
  onnx:
    code: null
    data: model.onnx
    onnx_version: 1.12.0
    providers:
    - CUDAExecutionProvider
    - CPUExecutionProvider
  python_function:
    data: model.onnx
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.onnx
    python_version: 3.11.4
mlflow_version: 2.14.2
signature:
  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 5]}}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 1]}}]'
  params: null
`),
        ],
        ['model.onnx', read('onnx/logistic.onnx')],
      ]),
    };
    const loaded = await load(onnxDir);
    assert.equal(loaded.inspected.loadAs, 'onnx');
    assert.ok(
      loaded.inspected.signature.inputs.length > 0,
      'a tensor signature leaves the columns to the ONNX graph',
    );
    await loaded.predictor.close?.();

    const lgbDir: ModelSource = {
      name: 'lgb-model',
      files: new Map([
        [
          'MLmodel',
          enc(`flavors:
  lightgbm:
    code: null
    data: model.lgb
    lgb_version: 4.3.0
    model_class: lightgbm.basic.Booster
  python_function:
    data: model.lgb
    loader_module: mlflow.lightgbm
mlflow_version: 2.14.2
`),
        ],
        ['model.lgb', read('lightgbm/lgmulticlass.model')],
      ]),
    };
    const lgb = await load(lgbDir);
    assert.equal(lgb.inspected.loadAs, 'lightgbm');
    assert.equal(lgb.inspected.task, 'multiclass');
  });

  it('refuses pickled flavors with the reason and how to convert, and says which flavors it reads', async () => {
    const pickled: ModelSource = {
      name: 'sk-model',
      files: new Map([
        [
          'MLmodel',
          enc(`flavors:
  python_function:
    env: conda.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.11.4
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.2.1
mlflow_version: 2.14.2
`),
        ],
        ['model.pkl', new Uint8Array([0x80, 5, 0x95, 1, 2])],
      ]),
    };
    await assert.rejects(
      mlflow.inspect(pickled),
      refusal(
        /refusing to load sk-model\/model\.pkl: it is an MLflow model stored as a pickle.*arbitrary code.*skl2onnx/,
      ),
    );
    const torch: ModelSource = {
      name: 'torch-model',
      files: new Map([
        ['MLmodel', enc('flavors:\n  pytorch:\n    model_data: data\n    pytorch_version: 2.1.0\n')],
      ]),
    };
    await assert.rejects(
      mlflow.inspect(torch),
      refusal(/has the flavors pytorch; Lathe reads MLflow models with the flavors onnx, xgboost, lightgbm/),
    );
    const noFile = xgboostDir(read('xgboost/binary.json'));
    (noFile.files as Map<string, Uint8Array>).delete('model.xgb');
    await assert.rejects(
      mlflow.inspect(noFile),
      refusal(/names model\.xgb for flavor xgboost, but the directory has no such file/),
    );
    await assert.rejects(
      mlflow.inspect(xgboostDir(new Uint8Array([0, 0, 0, 1, 2, 3]))),
      refusal(/legacy binary format.*model_format="json"/),
    );
    await assert.rejects(
      mlflow.inspect({ name: 'x', files: new Map([['MLmodel', enc('flavors: [unclosed')]]) }),
      refusal(/MLmodel: not valid YAML/),
    );
  });

  it('reads input examples in split, records, values and serving-payload layouts', () => {
    const cols = ['a', 'b'];
    const want = [
      { a: 1, b: 'x' },
      { a: 2, b: 'y' },
    ];
    assert.deepEqual(
      exampleRows(enc('{"columns": ["a", "b"], "data": [[1, "x"], [2, "y"]]}'), undefined),
      want,
    );
    assert.deepEqual(exampleRows(enc('[{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]'), undefined), want);
    assert.deepEqual(exampleRows(enc('[[1, "x"], [2, "y"]]'), cols), want);
    assert.deepEqual(exampleRows(enc('{"inputs": [[1, "x"], [2, "y"]]}'), cols), want);
    assert.deepEqual(
      exampleRows(
        enc('{"dataframe_split": {"columns": ["a", "b"], "data": [[1, "x"], [2, "y"]]}}'),
        undefined,
      ),
      want,
    );
    assert.throws(
      () => exampleRows(enc('[[1, "x", 3]]'), cols),
      refusal(/row 0 has 3 values; the signature names 2 inputs/),
    );
    assert.throws(() => exampleRows(enc('{oops'), cols), refusal(/input example is not valid JSON/));
  });

  it('parses signatures: column specs with MLflow types, tensor specs left to the model', () => {
    const m = parseMlModel(
      enc(
        `flavors: {onnx: {data: m.onnx}}\nsignature:\n  inputs: '[{"type": "long", "name": "n"}, {"type": "string", "name": "s", "required": false}]'\n`,
      ),
    );
    assert.deepEqual(m.inputs, [
      { name: 'n', type: 'long', required: true },
      { name: 's', type: 'string', required: false },
    ]);
    assert.equal(
      parseMlModel(enc(`flavors: {}\nsignature:\n  inputs: '[{"type": "tensor", "tensor-spec": {}}]'\n`))
        .inputs,
      null,
    );
    assert.throws(
      () => parseMlModel(enc(`flavors: {}\nsignature:\n  inputs: '[{"type": "decimal", "name": "d"}]'\n`)),
      refusal(/signature inputs\[0\] has type the string "decimal"; Lathe reads boolean, integer/),
    );
  });
});
