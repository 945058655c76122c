import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatheError } from '../../core/index.js';
import { SeededRandom } from '../../ml/index.js';
import type { Frame } from '../check.js';
import { binaryFromScores, contextOf, type FrameModel } from '../test-context.js';
import { stressCheck } from './stress.js';

const FEATURES = ['x1', 'x2', 'city'];

function frame(n: number): Frame {
  const rng = new SeededRandom(5);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const city: unknown[] = [];
  for (let i = 0; i < n; i++) {
    x1[i] = rng.normal();
    x2[i] = 10 * rng.uniform();
    city.push(['Paris', 'Lyon'][rng.int(2)]);
  }
  return { rows: n, columns: { x1, x2, city, y: new Float64Array(n) } };
}

const num = (f: Frame, c: string) => f.columns[c] as Float64Array;
const text = (f: Frame, c: string) => f.columns[c] as unknown[];

/** Imputes NaN as 0, clips scores, ignores unknown cities. */
const robust: FrameModel = (f) =>
  binaryFromScores(
    num(f, 'x1').map((v, i) => {
      const a = Number.isFinite(v) ? v : 0;
      const b = Number.isFinite(num(f, 'x2')[i]!) ? num(f, 'x2')[i]! : 5;
      const s = 1 / (1 + Math.exp(-(a + (b - 5) / 5 + (text(f, 'city')[i] === 'Paris' ? 0.5 : 0))));
      return Number.isFinite(s) ? s : 0.5;
    }),
  );

/** Refuses missing x1 with a clear error; otherwise robust. */
const refusesNaN: FrameModel = (f) => {
  if (num(f, 'x1').some(Number.isNaN)) throw new LatheError('INVALID_ARGUMENT', 'x1 has missing values');
  return robust(f);
};

/** Answers NaN where x2 is missing, and throws on an unseen city. */
const fragile: FrameModel = (f) => {
  for (const c of text(f, 'city'))
    if (c !== null && c !== 'Paris' && c !== 'Lyon') throw new Error(`unknown city ${JSON.stringify(c)}`);
  return { y: num(f, 'x2').map((v) => (v > 5 ? 1 : v <= 5 ? 0 : Number.NaN)) };
};

async function run(model: FrameModel, raw: Record<string, unknown> = {}, sampleSize = 10_000) {
  const test = frame(300);
  const ctx = contextOf({
    task: 'binary',
    classes: [0, 1],
    target: 'y',
    features: FEATURES,
    test,
    yTest: num(test, 'y'),
    candidate: model,
    sampleSize,
  });
  return stressCheck.run(ctx, stressCheck.parseParams({ batchRows: 5000, latencyRows: 20, ...raw }));
}

const byName = (r: Awaited<ReturnType<typeof run>>) => new Map(r.tables[0]!.rows.map((row) => [row[0], row]));

describe('stress check', () => {
  it('passes a robust model, with a latency chart', async () => {
    const r = await run(robust, { maxLatencyMs: 60_000 });
    assert.equal(r.status, 'pass', r.message);
    assert.equal(r.value, 0);
    assert.match(r.message, /handled all \d+ stress scenarios/);
    const rows = byName(r);
    for (const name of [
      'missing: x1',
      'missing: city',
      'missing cells (10% at random)',
      'out of range (10 × max |value|)',
      'unseen category ("__unseen__")',
      'empty strings',
      'huge batch (5000 rows)',
      'single-row latency (20 calls)',
    ])
      assert.equal(rows.get(name)?.[1], true, name);
    assert.match(String(rows.get('huge batch (5000 rows)')![3]), /rows\/s\), RSS growth/);
    assert.deepEqual(r.charts[0]!.labels, ['p50', 'p90', 'p99', 'max']);
  });

  it('fails the missing-value scenarios of a model that throws on NaN, with its error', async () => {
    const r = await run(refusesNaN);
    assert.equal(r.status, 'fail', r.message);
    assert.equal(r.value, 2);
    const rows = byName(r);
    assert.deepEqual(rows.get('missing: x1')!.slice(0, 3), ['missing: x1', false, 'threw']);
    assert.match(String(rows.get('missing: x1')![3]), /INVALID_ARGUMENT: x1 has missing values/);
    assert.match(String(rows.get('missing cells (10% at random)')![3]), /fails with only: x1$/);
    assert.equal(rows.get('missing: x2')![1], true);
    assert.equal(rows.get('unseen category ("__unseen__")')![1], true);
    assert.equal(r.tables[0]!.rows[0]![1], false, 'failures first');
    assert.match(r.message, /failed 2 of \d+ stress scenarios: missing: x1 \(threw\)/);
  });

  it('counts a clear refusal as handled with allowRefusals, and warns', async () => {
    const r = await run(refusesNaN, { allowRefusals: true });
    assert.equal(r.status, 'warn', r.message);
    assert.equal(r.value, 0);
    assert.match(r.message, /2 with a clear error, allowed/);
  });

  it('fails a model answering NaN or throwing on unseen categories', async () => {
    const r = await run(fragile);
    assert.equal(r.status, 'fail', r.message);
    const rows = byName(r);
    assert.equal(rows.get('missing: x2')![2], 'invalid');
    assert.match(String(rows.get('missing: x2')![3]), /answered 300 of 300 predictions as NaN/);
    assert.equal(rows.get('unseen category ("__unseen__")')![2], 'threw');
    assert.match(String(rows.get('unseen category ("__unseen__")')![3]), /unknown city "__unseen__"/);
    assert.equal(rows.get('empty strings')![1], false);
    assert.equal(rows.get('missing: x1')![1], true);
    assert.equal(rows.get('missing: city')![1], true);
    assert.equal(r.value, 4);
  });

  it('tolerates failures up to maxFailed, with a warning', async () => {
    const r = await run(refusesNaN, { maxFailed: 2 });
    assert.equal(r.status, 'warn', r.message);
  });

  it('samples rows and says so', async () => {
    const r = await run(robust, { rows: 100, batchRows: 0, latencyRows: 0 });
    assert.deepEqual(r.sample, { rows: 100, of: 300 });
    assert.deepEqual(r.charts, []);
  });

  it('refuses bad parameters, naming them', () => {
    assert.throws(() => stressCheck.parseParams({ batchSize: 1 }), /unknown parameter batchSize/);
    assert.throws(() => stressCheck.parseParams({ latencyRows: 1.5 }), /latencyRows must be an integer/);
    assert.throws(
      () => stressCheck.parseParams({ allowRefusals: 'yes' }),
      /allowRefusals must be true or false/,
    );
    assert.equal(stressCheck.parseParams({}).batchRows, 50_000);
  });
});
