import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InferenceRecord } from '../serving/index.js';
import { packServed, unpackServed } from './served-records.js';

const record = (i: number): InferenceRecord => ({
  id: `p-${i}`,
  timestamp: 1_790_000_000_000 + i,
  endpoint: 'churn-api',
  model: i % 4 === 3 ? 'churn@4' : 'churn@3',
  ref: i % 4 === 3 ? 'churn@challenger' : 'churn@champion',
  requestId: `req-${i >> 1}`,
  inputs: { age: 20 + i / 3, plan: i % 3 ? 'basic' : 'pro', active: i % 2 === 0, note: i % 5 ? null : 'x' },
  prediction: i % 2 ? 'yes' : 'no',
  probabilities: [0.25, 0.75],
  classes: ['no', 'yes'],
  latencyMs: 0.5 + i,
});

describe('served records packed for the log thread', () => {
  it('come back as they were, after a structured clone (a postMessage)', () => {
    const records = Array.from({ length: 30 }, (_, i) => record(i));
    // Inputs the packing cannot take by column go as JSON: other keys, orders, kinds, nested values.
    records[4]!.inputs = { plan: 'pro', age: 3 };
    records[6]!.inputs = { age: 'old', plan: 'pro', active: true, note: null };
    records[8]!.inputs = { age: 1, plan: 'pro', active: true, note: null, tensor: [1, 2] };
    records[9]!.inputs = { age: 1, plan: 'pro', active: true };
    // Records of other shapes: a regression, a shadow, a fallback, a multiclass model, odd texts.
    records[10] = {
      ...records[10]!,
      prediction: 3.5,
      probabilities: undefined,
      classes: undefined,
    } as InferenceRecord;
    delete records[10].probabilities;
    delete records[10].classes;
    records[11]!.shadow = true;
    records[12]!.fallback = 'timeout';
    records[13]!.probabilities = [0.1, 0.2, 0.7];
    records[13]!.classes = ['a', 'b', 'c'];
    records[14]!.prediction = null;
    records[15]!.requestId = 'line\nbreak "quoted" \u2028 ünïcode';
    records[16]!.inputs = { age: -0, plan: '', active: false, note: 'ünïcode' };
    const back = unpackServed(structuredClone(packServed(records)));
    assert.deepEqual(back, records);
  });

  it('give null for NaN inputs, as JSON does, and handle an empty batch', () => {
    const r = record(1);
    r.inputs = { age: Number.NaN, plan: 'pro', active: true, note: null };
    const [back] = unpackServed(packServed([r]));
    assert.equal(back!.inputs.age, null);
    assert.deepEqual(unpackServed(packServed([])), []);
  });
});
