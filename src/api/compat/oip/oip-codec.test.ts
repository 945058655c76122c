import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatheError } from '../../../core/index.js';
import type { BatchPrediction, ModelSignature } from '../../../models/index.js';
import { decodeInferRequest, encodeInferResponse, modelMetadata, oipError } from './oip-codec.js';

const iris: ModelSignature = {
  inputs: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'].map((name) => ({
    name,
    type: 'double' as const,
    required: true,
  })),
  outputs: [{ name: 'species', type: 'string', required: true }],
  classes: ['setosa', 'versicolor', 'virginica'],
};

const mixed: ModelSignature = {
  inputs: [
    { name: 'age', type: 'long', required: true },
    { name: 'income', type: 'double', required: true },
    { name: 'color', type: 'string', required: true },
    { name: 'member', type: 'boolean', required: true },
    { name: 'note', type: 'string', required: false },
  ],
  outputs: [{ name: 'score', type: 'double', required: true }],
};

function col(batch: { columns: Record<string, ArrayLike<unknown>> }, name: string): unknown[] {
  return Array.from(batch.columns[name]!);
}

function refuses(
  body: unknown,
  code: 'INVALID_ARGUMENT' | 'MODEL_INPUT_INVALID',
  pattern: RegExp,
  sig = mixed,
) {
  assert.throws(
    () => decodeInferRequest(body, sig),
    (err: unknown) => {
      assert.ok(isLatheError(err), `expected a LatheError, got ${String(err)}`);
      assert.equal(err.code, code, err.message);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

/** A one-tensor per-feature request for `mixed`, with `tensor` replacing that feature's tensor. */
function mixedRequest(tensor: Record<string, unknown>): unknown {
  const base: Record<string, Record<string, unknown>> = {
    age: { name: 'age', shape: [1], datatype: 'INT64', data: [40] },
    income: { name: 'income', shape: [1], datatype: 'FP64', data: [1.5] },
    color: { name: 'color', shape: [1], datatype: 'BYTES', data: ['red'] },
    member: { name: 'member', shape: [1], datatype: 'BOOL', data: [true] },
  };
  base[tensor.name as string] = tensor;
  return { inputs: Object.values(base) };
}

describe('decodeInferRequest: requests as the clients send them', () => {
  it("reads KServe's sklearn-iris V2 request (InferRequest.to_rest: id, model_name, nested FP32 [2, 4])", () => {
    // kserve/kserve python/kserve/kserve/protocol/infer_type.py InferRequest.to_rest() with
    // InferInput(name="input-0", shape=[2, 4], datatype="FP32", data=[[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]):
    // to_rest adds "id" (a uuid4 when none is given) and "model_name".
    const body = JSON.parse(`{
      "id": "6f1b2c8e-4d3a-4f0e-9a57-0c6d1e2f3a4b",
      "model_name": "sklearn-iris",
      "inputs": [{"name": "input-0", "shape": [2, 4], "datatype": "FP32",
                  "data": [[6.8, 2.8, 4.8, 1.4], [6.0, 3.4, 4.5, 1.6]]}]
    }`);
    const req = decodeInferRequest(body, iris);
    assert.equal(req.layout, 'matrix');
    assert.equal(req.id, '6f1b2c8e-4d3a-4f0e-9a57-0c6d1e2f3a4b');
    assert.equal(req.batch.rows, 2);
    assert.deepEqual(col(req.batch, 'sepal_length'), [6.8, 6.0]);
    assert.deepEqual(col(req.batch, 'petal_width'), [1.4, 1.6]);
    assert.equal(req.outputs, undefined);
  });

  it('reads tritonclient.http JSON data (set_data_from_numpy(x, binary_data=False)) with requested outputs', () => {
    // triton-inference-server/client src/python/library/tritonclient/http: InferInput("INPUT0", [2, 4], "FP32")
    // .set_data_from_numpy(np.float32 array, binary_data=False) flattens to Python floats of float32;
    // InferRequestedOutput("predict", binary_data=False) and infer(..., request_id="1") give:
    const body = JSON.parse(`{"id": "1", "inputs": [{"name": "INPUT0", "shape": [2, 4], "datatype": "FP32",
      "data": [6.800000190734863, 2.799999952316284, 4.800000190734863, 1.399999976158142,
               6.0, 3.4000000953674316, 4.5, 1.600000023841858]}],
      "outputs": [{"name": "predict", "parameters": {"binary_data": false}},
                  {"name": "predict_proba", "parameters": {"binary_data": false}}]}`);
    const req = decodeInferRequest(body, iris);
    assert.equal(req.id, '1');
    assert.deepEqual(req.outputs, ['predict', 'predict_proba']);
    assert.deepEqual(col(req.batch, 'sepal_width'), [2.799999952316284, 3.4000000953674316]);
  });

  it('reads tritonclient.http requests without outputs (binary_data_output: answers are JSON, which it reads)', () => {
    // tritonclient.http _get_inference_request sets parameters.binary_data_output = True when no outputs are given.
    const body = {
      inputs: [{ name: 'INPUT0', shape: [1, 4], datatype: 'FP64', data: [5.1, 3.5, 1.4, 0.2] }],
      parameters: { binary_data_output: true },
    };
    const req = decodeInferRequest(body, iris);
    assert.deepEqual(req.parameters, { binary_data_output: true });
    assert.deepEqual(col(req.batch, 'petal_length'), [1.4]);
  });

  it("refuses tritonclient.http's default binary input, saying how to send JSON", () => {
    // set_data_from_numpy(x) (binary_data=True by default) sends no "data" and parameters.binary_data_size.
    const body = {
      inputs: [{ name: 'INPUT0', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 32 } }],
      parameters: { binary_data_output: true },
    };
    refuses(body, 'INVALID_ARGUMENT', /binary tensor data .*binary_data=False/, iris);
    const shm = {
      inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', parameters: { shared_memory_region: 'r' } }],
    };
    refuses(shm, 'INVALID_ARGUMENT', /shared memory region/, iris);
  });

  it('reads one tensor per feature, [N] or [N, 1], flat or nested, as KServe/MLServer pandas requests send them', () => {
    // MLServer's PandasCodec sends one [N, 1] tensor per column, BYTES for strings, with content_type parameters.
    const body = {
      parameters: { content_type: 'pd' },
      inputs: [
        { name: 'age', shape: [2], datatype: 'INT64', data: [40, 31] },
        { name: 'income', shape: [2, 1], datatype: 'FP64', data: [[52000.5], [null]] },
        {
          name: 'color',
          shape: [2, 1],
          datatype: 'BYTES',
          data: ['red', 'blue'],
          parameters: { content_type: 'str' },
        },
        { name: 'member', shape: [2], datatype: 'BOOL', data: [true, false] },
      ],
    };
    const req = decodeInferRequest(body, mixed);
    assert.equal(req.layout, 'per-feature');
    assert.equal(req.batch.rows, 2);
    assert.deepEqual(col(req.batch, 'age'), [40, 31]);
    assert.deepEqual(col(req.batch, 'income'), [52000.5, Number.NaN]);
    assert.deepEqual(col(req.batch, 'color'), ['red', 'blue']);
    assert.deepEqual(col(req.batch, 'member'), [true, false]);
    assert.equal('note' in req.batch.columns, false);
  });

  it('reads a BYTES [N, F] matrix for a mixed signature (numeric strings as numbers, "true"/"false")', () => {
    const body = {
      inputs: [
        {
          name: 'table',
          shape: [2, 5],
          datatype: 'BYTES',
          data: ['40', '1.5', 'red', 'true', '', '31', 'NaN', 'x', '0', 'n'],
        },
      ],
    };
    const req = decodeInferRequest(body, mixed);
    assert.equal(req.layout, 'matrix');
    assert.deepEqual(col(req.batch, 'age'), [40, 31]);
    assert.deepEqual(col(req.batch, 'income'), [1.5, Number.NaN]);
    assert.deepEqual(col(req.batch, 'member'), [true, false]);
    assert.deepEqual(col(req.batch, 'note'), ['', 'n']);
  });

  it('reads a single [N] tensor of any name for a one-input model', () => {
    const one: ModelSignature = { inputs: [{ name: 'text', type: 'string', required: true }], outputs: [] };
    const req = decodeInferRequest(
      { inputs: [{ name: 'input-0', shape: [2], datatype: 'BYTES', data: ['a', 'b'] }] },
      one,
    );
    assert.deepEqual(col(req.batch, 'text'), ['a', 'b']);
  });

  it('reads a single [N, F] tensor even when it carries a feature name', () => {
    const req = decodeInferRequest(
      { inputs: [{ name: 'sepal_length', shape: [1, 4], datatype: 'FP64', data: [1, 2, 3, 4] }] },
      iris,
    );
    assert.equal(req.layout, 'matrix');
    assert.deepEqual(col(req.batch, 'petal_width'), [4]);
  });

  it('accepts every datatype with values that fit it', () => {
    const ints: [string, number[]][] = [
      ['INT8', [-128, 127]],
      ['INT16', [-32768, 32767]],
      ['INT32', [-2147483648, 2147483647]],
      ['INT64', [-9007199254740991, 9007199254740991]],
      ['UINT8', [0, 255]],
      ['UINT16', [0, 65535]],
      ['UINT32', [0, 4294967295]],
      ['UINT64', [0, 9007199254740991]],
      ['FP16', [-65504, 0.5]],
      ['FP32', [3.4e38, -1.25]],
      ['FP64', [1e300, -2.5]],
    ];
    const incomeOnly = {
      ...mixed,
      inputs: mixed.inputs.map((c) => ({ ...c, required: c.name === 'income' })),
    };
    for (const [datatype, data] of ints) {
      const req = decodeInferRequest(
        { inputs: [{ name: 'income', shape: [2], datatype, data }] },
        incomeOnly,
      );
      assert.deepEqual(col(req.batch, 'income'), data, datatype);
    }
    const bool = decodeInferRequest(
      mixedRequest({ name: 'member', shape: [1], datatype: 'INT8', data: [1] }),
      mixed,
    );
    assert.deepEqual(col(bool.batch, 'member'), [true]);
    const asNum = decodeInferRequest(
      mixedRequest({ name: 'income', shape: [1], datatype: 'BOOL', data: [true] }),
      mixed,
    );
    assert.deepEqual(col(asNum.batch, 'income'), [1]);
  });
});

describe('decodeInferRequest: bad requests', () => {
  it('refuses values outside each datatype, naming the tensor, element and range', () => {
    const cases: [string, unknown, RegExp][] = [
      ['INT8', 128, /INT8 expects an integer in \[-128, 127\]; got the number 128/],
      ['INT16', 32768, /INT16 expects an integer/],
      ['INT32', 2147483648, /INT32 expects an integer/],
      ['INT64', 1.5, /INT64 expects an integer/],
      ['UINT8', -1, /UINT8 expects an integer in \[0, 255\]/],
      ['UINT16', 65536, /UINT16/],
      ['UINT32', 4294967296, /UINT32/],
      ['UINT64', -1, /UINT64/],
      ['FP16', 70000, /FP16 expects a number within ±65504/],
      ['FP32', 1e39, /FP32 expects a number within/],
      ['FP64', 'x', /FP64 expects a number \(or null for a missing value\); got the string "x"/],
      ['BOOL', 1, /BOOL expects true or false; got the number 1/],
      ['BYTES', 5, /BYTES expects a string; got the number 5/],
    ];
    for (const [datatype, v, pattern] of cases)
      refuses(mixedRequest({ name: 'income', shape: [1], datatype, data: [v] }), 'INVALID_ARGUMENT', pattern);
    refuses(
      mixedRequest({ name: 'income', shape: [2], datatype: 'INT8', data: [0, 128] }),
      'INVALID_ARGUMENT',
      /input tensor "income" element 1/,
    );
  });

  it('refuses malformed tensors', () => {
    const t = (over: Record<string, unknown>) =>
      mixedRequest({ name: 'income', shape: [1], datatype: 'FP64', data: [1], ...over });
    refuses(t({ shape: [2] }), 'INVALID_ARGUMENT', /shape \[2\] holds 2 elements; data holds 1/);
    refuses(
      t({ shape: [1, 2], data: [[1, 2], [3]] }),
      'INVALID_ARGUMENT',
      /shape \[1, 2\] holds 2 elements; data holds 3/,
    );
    refuses(t({ data: [[[1]]] }), 'INVALID_ARGUMENT', /nested deeper than its shape's rank/);
    refuses(
      t({ datatype: 'FLOAT64' }),
      'INVALID_ARGUMENT',
      /unknown datatype the string "FLOAT64"; valid datatypes: BOOL, UINT8/,
    );
    refuses(t({ datatype: 'BF16' }), 'INVALID_ARGUMENT', /BF16 travels only as binary data/);
    refuses(t({ data: undefined }), 'INVALID_ARGUMENT', /has no "data"/);
    refuses(t({ data: 5 }), 'INVALID_ARGUMENT', /data must be an array/);
    refuses(
      t({ shape: [-1] }),
      'INVALID_ARGUMENT',
      /shape must be a non-empty array of non-negative integers; got \[-1\]/,
    );
    refuses(t({ shape: [] }), 'INVALID_ARGUMENT', /shape must be a non-empty array/);
    refuses(t({ contents: {} }), 'INVALID_ARGUMENT', /unknown key "contents"/);
    refuses(t({ name: '' }), 'INVALID_ARGUMENT', /name must be a non-empty string/);
    refuses({ inputs: [5] }, 'INVALID_ARGUMENT', /inputs\[0\] must be a tensor/);
  });

  it('refuses malformed requests', () => {
    refuses([1, 2], 'INVALID_ARGUMENT', /must be a JSON object \{"inputs": \[\.\.\.\]\}; got an array of 2/);
    refuses({ inputs: [] }, 'INVALID_ARGUMENT', /inputs must be a non-empty array/);
    refuses(
      { instances: [[1]] },
      'INVALID_ARGUMENT',
      /unknown request key "instances"; a request holds id, parameters, inputs/,
    );
    refuses(
      { ...(mixedRequest({ name: 'age', shape: [1], datatype: 'INT64', data: [1] }) as object), id: 42 },
      'INVALID_ARGUMENT',
      /id must be a string/,
    );
    const dup = mixedRequest({ name: 'age', shape: [1], datatype: 'INT64', data: [1] }) as {
      inputs: unknown[];
    };
    refuses({ inputs: [...dup.inputs, dup.inputs[0]] }, 'INVALID_ARGUMENT', /"age" is given twice/);
  });

  it('refuses outputs it cannot give or options it does not support', () => {
    const base = mixedRequest({ name: 'age', shape: [1], datatype: 'INT64', data: [1] }) as object;
    refuses(
      { ...base, outputs: [{ name: 'output0' }] },
      'INVALID_ARGUMENT',
      /unknown output "output0"; outputs: predict, predict_proba, prediction_id/,
    );
    refuses(
      { ...base, outputs: [{ name: 'predict', parameters: { classification: 2 } }] },
      'INVALID_ARGUMENT',
      /classification extension/,
    );
    refuses(
      { ...base, outputs: [{ name: 'predict' }, { name: 'predict' }] },
      'INVALID_ARGUMENT',
      /asked for twice/,
    );
    refuses({ ...base, outputs: 'predict' }, 'INVALID_ARGUMENT', /outputs must be an array/);
  });

  it('refuses tensors that do not fit the signature', () => {
    refuses(
      { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP64', data: [1, 2, 3] }] },
      'MODEL_INPUT_INVALID',
      /"x" is read as the feature matrix .* its shape must be \[N, 4\]; got \[1, 3\]/,
      iris,
    );
    refuses(
      { inputs: [{ name: 'x', shape: [4], datatype: 'FP64', data: [1, 2, 3, 4] }] },
      'MODEL_INPUT_INVALID',
      /must be \[N, 4\]; got \[4\]/,
      iris,
    );
    const req = mixedRequest({ name: 'age', shape: [1], datatype: 'INT64', data: [1] }) as {
      inputs: unknown[];
    };
    refuses(
      { inputs: [...req.inputs, { name: 'zip', shape: [1], datatype: 'BYTES', data: ['x'] }] },
      'MODEL_INPUT_INVALID',
      /unknown input tensor "zip"; name one tensor per input \(age, income, color, member, note\), or send one tensor of shape \[N, 5\]/,
    );
    refuses(
      { inputs: req.inputs.slice(0, 2) },
      'MODEL_INPUT_INVALID',
      /missing input tensors color, member; the model reads age, income/,
    );
    refuses(
      mixedRequest({ name: 'age', shape: [2], datatype: 'INT64', data: [1, 2] }),
      'MODEL_INPUT_INVALID',
      /"income" holds 1 rows but "age" holds 2/,
    );
    refuses(
      mixedRequest({ name: 'age', shape: [1, 2], datatype: 'INT64', data: [1, 2] }),
      'MODEL_INPUT_INVALID',
      /holds one feature, so its shape must be \[N\] or \[N, 1\]; got \[1, 2\]/,
    );
    refuses(
      mixedRequest({ name: 'color', shape: [1], datatype: 'INT64', data: [3] }),
      'MODEL_INPUT_INVALID',
      /"color" is INT64 but column color holds string values; send it as BYTES/,
    );
    refuses(
      mixedRequest({ name: 'income', shape: [1], datatype: 'BYTES', data: ['abc'] }),
      'MODEL_INPUT_INVALID',
      /"income" \(BYTES\), row 0, column income \(double\): expected a number; got the string "abc"/,
    );
    refuses(
      mixedRequest({ name: 'member', shape: [1], datatype: 'INT32', data: [2] }),
      'MODEL_INPUT_INVALID',
      /column member \(boolean\): expected true, false, 0 or 1; got the number 2/,
    );
    refuses(
      mixedRequest({ name: 'member', shape: [1], datatype: 'BYTES', data: ['maybe'] }),
      'MODEL_INPUT_INVALID',
      /expected true or false/,
    );
  });
});

describe('encodeInferResponse', () => {
  const classifier: BatchPrediction = {
    rows: 2,
    predictions: ['setosa', 'virginica'],
    probabilities: new Float64Array([0.9, 0.05, 0.05, 0.1, 0.2, 0.7]),
    classes: ['setosa', 'versicolor', 'virginica'],
    warnings: [],
  };

  it('answers labels, row-major probabilities and prediction ids, echoing the id and the version that answered', () => {
    const res = encodeInferResponse({
      modelName: 'iris',
      modelVersion: '7',
      id: '42',
      prediction: classifier,
      predictionIds: ['p1', 'p2'],
    });
    assert.deepEqual(JSON.parse(JSON.stringify(res)), {
      model_name: 'iris',
      model_version: '7',
      id: '42',
      outputs: [
        { name: 'predict', datatype: 'BYTES', shape: [2], data: ['setosa', 'virginica'] },
        {
          name: 'predict_proba',
          datatype: 'FP64',
          shape: [2, 3],
          data: [0.9, 0.05, 0.05, 0.1, 0.2, 0.7],
          parameters: { classes: '["setosa","versicolor","virginica"]' },
        },
        { name: 'prediction_id', datatype: 'BYTES', shape: [2], data: ['p1', 'p2'] },
      ],
    });
  });

  it('answers the requested outputs in the requested order, keeping the ids in a parameter', () => {
    const res = encodeInferResponse({
      modelName: 'iris',
      modelVersion: '8',
      prediction: classifier,
      outputs: ['predict_proba', 'predict'],
      predictionIds: ['p1', 'p2'],
      parameters: { fallback: true },
    });
    assert.deepEqual(
      res.outputs.map((o) => o.name),
      ['predict_proba', 'predict'],
    );
    assert.deepEqual(res.parameters, { fallback: true, prediction_ids: 'p1,p2' });
    assert.equal('id' in res, false);
  });

  it('chooses FP64 for regressors, INT64 for integer labels and BOOL for boolean labels', () => {
    const reg = encodeInferResponse({
      modelName: 'm',
      modelVersion: '1',
      prediction: { rows: 2, predictions: new Float64Array([1.5, Number.NaN]), warnings: [] },
    });
    assert.equal(reg.outputs[0]!.datatype, 'FP64');
    assert.deepEqual(JSON.parse(JSON.stringify(reg.outputs[0]!.data)), [1.5, null]);
    assert.deepEqual(
      reg.outputs.map((o) => o.name),
      ['predict'],
    );
    const ints = encodeInferResponse({
      modelName: 'm',
      modelVersion: '1',
      prediction: {
        rows: 1,
        predictions: [1],
        probabilities: new Float64Array([0.2, 0.8]),
        classes: [0, 1],
        warnings: [],
      },
    });
    assert.equal(ints.outputs[0]!.datatype, 'INT64');
    const bools = encodeInferResponse({
      modelName: 'm',
      modelVersion: '1',
      prediction: {
        rows: 1,
        predictions: [true],
        probabilities: new Float64Array([0.2, 0.8]),
        classes: [false, true],
        warnings: [],
      },
    });
    assert.equal(bools.outputs[0]!.datatype, 'BOOL');
  });

  it('refuses outputs the prediction cannot give', () => {
    const prediction: BatchPrediction = { rows: 1, predictions: new Float64Array([1]), warnings: [] };
    assert.throws(
      () =>
        encodeInferResponse({ modelName: 'm', modelVersion: '1', prediction, outputs: ['predict_proba'] }),
      (err: unknown) =>
        isLatheError(err) &&
        err.code === 'INVALID_ARGUMENT' &&
        /"predict_proba" is not available for this model; outputs: predict$/.test(err.message),
    );
  });

  it('answers data whose length fills each shape (as tritonclient reshapes it)', () => {
    const res = encodeInferResponse({
      modelName: 'iris',
      modelVersion: '7',
      prediction: classifier,
      predictionIds: ['a', 'b'],
    });
    for (const o of res.outputs)
      assert.equal(
        o.data.length,
        o.shape.reduce((a, b) => a * b, 1),
        o.name,
      );
  });
});

describe('modelMetadata and oipError', () => {
  it('describes per-feature inputs with OIP datatypes and the outputs with their shapes', () => {
    assert.deepEqual(modelMetadata('churn', [3, '4'], mixed), {
      name: 'churn',
      versions: ['3', '4'],
      platform: 'lathe',
      inputs: [
        { name: 'age', datatype: 'INT64', shape: [-1] },
        { name: 'income', datatype: 'FP64', shape: [-1] },
        { name: 'color', datatype: 'BYTES', shape: [-1] },
        { name: 'member', datatype: 'BOOL', shape: [-1] },
        { name: 'note', datatype: 'BYTES', shape: [-1] },
      ],
      outputs: [
        { name: 'predict', datatype: 'FP64', shape: [-1] },
        { name: 'prediction_id', datatype: 'BYTES', shape: [-1] },
      ],
    });
    const meta = modelMetadata('iris', ['1'], iris);
    assert.deepEqual(meta.outputs.slice(0, 2), [
      { name: 'predict', datatype: 'BYTES', shape: [-1] },
      { name: 'predict_proba', datatype: 'FP64', shape: [-1, 3] },
    ]);
  });

  it('writes error bodies as {"error": message}', () => {
    assert.deepEqual(oipError('no such model'), { error: 'no such model' });
    assert.deepEqual(oipError(new Error('boom')), { error: 'boom' });
  });
});
