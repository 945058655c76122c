import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { InferenceRecord } from '../serving/index.js';
import { servedRecord } from './ingest.js';
import type { CatalogModel } from './model-catalog.js';
import { SchemaCheck } from './records.js';
import { packServed, servedLines, servedModelOf, unpackServed } from './served-records.js';
import type { PredictionRecord } from './types.js';
import { LineBuffer, predictionLine } from './wal-lines.js';

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

/** A model whose schema holds every record of `record` (churn@3, churn@4). */
const churn = (): CatalogModel => ({
  name: 'churn',
  key: '0123456789abcdef',
  task: 'classification',
  features: [
    { name: 'age', kind: 'numeric' },
    { name: 'plan', kind: 'categorical' },
    { name: 'active', kind: 'boolean' },
    { name: 'note', kind: 'categorical' },
  ],
  classes: ['no', 'yes', 'maybe'],
  tags: ['fallback'],
  versions: ['3', '4'],
  baselines: [],
  retentionDays: null,
  downsample: null,
  createdAt: 0,
});

/** What the record path writes: each record checked against the schema, then formatted. */
function recordPath(
  records: readonly InferenceRecord[],
  model: CatalogModel,
): { bytes: Uint8Array; grew: boolean } {
  const check = new SchemaCheck(model);
  const out = new LineBuffer(1024);
  for (const r of records) {
    const p = servedRecord(r) as PredictionRecord;
    assert.equal(typeof p, 'object', `record ${r.id} is refused: ${String(p)}`);
    assert.equal(check.check(p), null);
    out.push(predictionLine(p, model.classes));
  }
  return { bytes: out.bytes(), grew: check.grew };
}

describe('a packed batch of one model formatted straight from its arrays', () => {
  const batch = () =>
    Array.from({ length: 40 }, (_, i) => {
      const r = record(i);
      r.model = 'churn@3';
      r.ref = 'churn@champion';
      return r;
    });
  const text = (b: Uint8Array | null) => new TextDecoder().decode(b ?? new Uint8Array());

  it('writes the bytes the record path writes: shadows, fallbacks, missing and NaN inputs, odd texts, reordered classes', () => {
    const records = batch();
    records[3]!.shadow = true;
    records[5]!.fallback = 'timeout';
    records[7]!.inputs = { age: Number.NaN, plan: null, active: null, note: null };
    records[8]!.inputs = { age: -0, plan: 'ünïcode "q" \u2028', active: false, note: 'x' };
    records[9]!.inputs = { age: 1e-300, plan: '', active: true, note: null };
    records[11]!.classes = ['yes', 'no'];
    records[11]!.probabilities = [0.9, 0.1];
    records[13]!.classes = ['no', 'yes', 'maybe'];
    records[13]!.probabilities = [0.2, Number.NaN, 0.3];
    records[15]!.latencyMs = 1234.5678;
    records[17]!.id = 'id with "quotes"';
    const model = churn();
    const want = recordPath(records, model);
    assert.equal(want.grew, false);
    const p = structuredClone(packServed(records));
    assert.equal(servedModelOf(p), 'churn@3');
    const got = servedLines(p, model);
    assert.ok(got, 'the fast path takes the batch');
    assert.equal(text(got), text(want.bytes));
    // Probabilities in the model's class order: record 11 sent them as [yes, no].
    assert.match(text(got).split('\n')[11]!, /"pr":\[0\.1,0\.9,null\]/);
  });

  it("writes a regression model's batch, numbers as predictions and no probabilities", () => {
    const records = batch().map((r, i) => {
      const { probabilities: _p, classes: _c, ...rest } = r;
      return { ...rest, prediction: i * 0.25 - 3 } as InferenceRecord;
    });
    const model = { ...churn(), task: 'regression' as const, classes: [] };
    const got = servedLines(packServed(records), model);
    assert.ok(got);
    assert.equal(text(got), text(recordPath(records, model).bytes));
  });

  it('leaves to the record path every batch that would fail or grow the schema', () => {
    const refused = (change: (records: InferenceRecord[], model: CatalogModel) => void, why: string) => {
      const records = batch();
      const model = churn();
      change(records, model);
      assert.equal(servedLines(packServed(records), model), null, why);
    };
    refused((_, m) => {
      m.versions = ['4'];
    }, 'a new version');
    refused((_, m) => {
      m.features = m.features.filter((f) => f.name !== 'note');
    }, 'a new feature');
    refused((_, m) => {
      m.features[0] = { name: 'age', kind: 'categorical' };
    }, 'a feature of another kind');
    refused((r, m) => {
      m.classes = ['no', 'yes'];
      r[1]!.classes = ['no', 'yes', 'maybe'];
      r[1]!.probabilities = [0.2, 0.3, 0.5];
    }, 'a new class in probabilities');
    refused((r) => {
      r[2]!.prediction = 'unheard-of';
    }, 'a new label');
    refused((r) => {
      r[2]!.prediction = Number.NaN;
    }, 'a prediction that cannot be monitored');
    refused((_, m) => {
      m.task = 'regression';
    }, 'another task');
    refused((r, m) => {
      m.tags = [];
      r[5]!.fallback = 'error';
    }, 'a new tag (fallback)');
    refused((r) => {
      r[6]!.inputs = { plan: 'pro', age: 3 };
    }, 'inputs the packing sends as JSON');
    refused((r) => {
      r[6]!.probabilities = [0.5];
    }, 'fewer probabilities than classes');
    assert.ok(servedLines(packServed(batch()), churn()), 'the unchanged batch is taken');
  });
});
