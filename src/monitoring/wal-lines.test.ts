import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PredictionRecord } from './types.js';
import { packedLines, packPredictions, predictionLine } from './wal-lines.js';

const base = (i: number): PredictionRecord => ({
  predictionId: `p-${i}`,
  timestamp: 1_790_000_000_000 + i,
  model: 'churn',
  modelVersion: i % 2 ? '2' : '1',
  environment: 'production',
  endpoint: i % 3 ? 'churn' : null,
  features: { age: 30 + i / 7, usage: i % 4 ? i * 0.1 : null },
  prediction: i % 2 ? 'yes' : 'no',
  probabilities: { no: 0.25, yes: 0.75 },
  latencyMs: 2.5,
  tags: {},
  shap: null,
});

/** What the in-thread path writes: each record's line and a newline. */
const lines = (records: PredictionRecord[], classes: string[]) =>
  Buffer.from(records.map((r) => `${predictionLine(r, classes)}\n`).join(''), 'utf8');

describe('packed WAL lines', () => {
  it('format to exactly the bytes of the records, whatever the records hold', () => {
    const records = Array.from({ length: 40 }, (_, i) => base(i));
    // Rows the packing cannot take as numbers: other key orders, a missing key, strings, booleans.
    records[3]!.features = { usage: 1, age: 2 };
    records[4]!.features = { age: 5 };
    records[5]!.features = { age: 'old', usage: 1 };
    records[6]!.features = { age: true, usage: 1 };
    records[7]!.features = { age: 1, usage: 2, extra: 3 };
    // Numbers at the edges of their formatting.
    records[8]!.features = { age: -0, usage: 1e21 };
    records[9]!.features = { age: 5e-324, usage: Number.NaN };
    // Tags, SHAP values, no probabilities, missing or odd classes, numeric predictions, texts to escape.
    records[10]!.tags = { region: 'eu "north"' };
    records[11]!.shap = { age: 0.5, usage: -0.25 };
    records[12]!.probabilities = null;
    records[13]!.probabilities = { yes: 0.5 };
    records[14]!.prediction = 3.25;
    records[15]!.prediction = Number.NaN;
    records[16]!.prediction = true;
    records[17]!.latencyMs = null;
    records[18]!.latencyMs = Number.POSITIVE_INFINITY;
    records[19]!.predictionId = 'line\nbreak "quoted" \u2028 ünïcode';
    records[20]!.endpoint = 'other\\endpoint';
    records[21]!.environment = 'staging';
    const classes = ['no', 'yes'];
    assert.deepEqual(Buffer.from(packedLines(packPredictions(records, classes))), lines(records, classes));
    // The packed form survives a structured clone (what posting to a worker does).
    const posted = structuredClone(packPredictions(records, classes));
    assert.deepEqual(Buffer.from(packedLines(posted)), lines(records, classes));
  });

  it('packs text and boolean features too, and falls back per row where kinds or keys differ', () => {
    const records = Array.from({ length: 12 }, (_, i) => ({
      ...base(i),
      features: {
        age: 30 + i,
        plan: i % 3 ? 'pro' : 'basic "tier"\n',
        active: i % 2 === 0,
        note: null as string | null,
      } as Record<string, string | number | boolean | null>,
    }));
    records[2]!.features = { age: null, plan: null, active: null, note: null };
    records[6]!.features = { age: 1, plan: 'pro', active: true, note: 'late' }; // null first: a number column
    records[3]!.features = { age: 1, plan: 7, active: true, note: null }; // a number where texts go
    records[4]!.features = { age: 1, plan: 'pro', active: 'yes', note: null }; // a text where booleans go
    records[5]!.features = { age: 1, plan: 'ünïcode \u2028', active: false, note: null };
    const packed = packPredictions(records, ['no', 'yes']);
    assert.deepEqual(packed.features.names, ['age', 'plan', 'active', 'note']);
    assert.deepEqual(
      packed.features.json.map(([row]) => row),
      [3, 4, 6],
      'only the rows of other kinds fall back',
    );
    assert.deepEqual(Buffer.from(packedLines(structuredClone(packed))), lines(records, ['no', 'yes']));
    const bare = Array.from({ length: 3 }, (_, i) => ({ ...base(i), features: {}, probabilities: null }));
    assert.deepEqual(Buffer.from(packedLines(packPredictions(bare, []))), lines(bare, []));
  });
});
