import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { LatheError } from '../core/index.js';
import {
  type BatchPrediction,
  type ColumnType,
  type InputBatch,
  importedPackage,
  type ModelTask,
  modelFlavor,
  type Predictor,
  readPackageFiles,
  rowsToBatch,
} from '../models/index.js';
import type { Condition, GraphSpec } from './deployment-spec.js';
import { checkGraph, conditionHolds, type GraphModel, runGraph } from './graph.js';

type Label = string | number | boolean;
type Row = Record<string, unknown>;

const dir = new URL('../../test/fixtures/models/xgboost/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('binary.expected.json', dir), 'utf8')) as {
  rows: number;
  cols: number;
  X: (number | null)[];
};
const FEATURES = ['age', 'income', 'score', 'tenure', 'visits'];
/** The first `n` rows of the binary fixture, with extra request fields. */
const fixtureRows = (n: number, extra: (i: number) => Row = () => ({})): Row[] =>
  Array.from({ length: n }, (_, r) => ({
    ...Object.fromEntries(FEATURES.map((f, j) => [f, expected.X[r * expected.cols + j]])),
    ...extra(r),
  }));

async function loadXgb(): Promise<Predictor> {
  const flavor = modelFlavor('xgboost');
  const src = {
    name: 'binary.json',
    files: new Map([['binary.json', new Uint8Array(readFileSync(new URL('binary.json', dir)))]]),
  };
  const inspected = await flavor.inspect(src);
  return flavor.load(await readPackageFiles(importedPackage(flavor, src, inspected)));
}

/** A real predictor as a graph model. */
const wrap = (key: string, predictor: Predictor): GraphModel => ({
  key,
  version: 1,
  predictor,
  predict: (call) => predictor.predictBatch(call.batch, { numericStrings: call.numericStrings }),
});

interface Fake extends GraphModel {
  /** The batches it was asked, as rows. */
  calls: Row[][];
}

const rowsOf = (b: InputBatch): Row[] =>
  Array.from({ length: b.rows }, (_, r) =>
    Object.fromEntries(Object.entries(b.columns).map(([k, col]) => [k, col[r]])),
  );

/**
 * A model from a function of one row: a number (regression, ranking) or class probabilities
 * (classifiers; the label is the first class of highest probability).
 */
function fake(
  key: string,
  task: ModelTask,
  answer: (row: Row, i: number) => number | number[],
  options: { classes?: Label[]; inputs?: [string, ColumnType][]; fail?: LatheError } = {},
): Fake {
  const classes =
    options.classes ?? (task === 'binary' ? [0, 1] : task === 'multiclass' ? ['a', 'b', 'c'] : undefined);
  const calls: Row[][] = [];
  const signature = {
    inputs: (options.inputs ?? []).map(([name, type]) => ({ name, type, required: true })),
    outputs: [],
    ...(classes && task !== 'regression' && task !== 'ranking' ? { classes } : {}),
  };
  return {
    key,
    version: 1,
    calls,
    predictor: { signature, metadata: { task } } as unknown as Predictor,
    predict: async ({ batch }) => {
      if (options.fail) throw options.fail;
      const rows = rowsOf(batch);
      calls.push(rows);
      const out = rows.map(answer);
      if (task === 'regression' || task === 'ranking')
        return {
          rows: rows.length,
          predictions: Float64Array.from(out as number[]),
          warnings: [`${key} saw ${rows.length}`],
        };
      const k = classes!.length;
      const probabilities = Float64Array.from((out as number[][]).flat());
      const predictions = (out as number[][]).map((p) => classes![p.indexOf(Math.max(...p))]!);
      assert.equal(probabilities.length, rows.length * k);
      return { rows: rows.length, predictions, probabilities, classes: classes!, warnings: [] };
    },
  };
}

const call = (rows: Row[]) => ({ batch: rowsToBatch(rows), numericStrings: false });
const probs = (p: BatchPrediction, k: number) =>
  Array.from({ length: p.rows }, (_, r) => Array.from(p.probabilities!.subarray(r * k, (r + 1) * k)));
function close(a: number[], b: number[], what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (const [i, v] of a.entries()) assert.ok(Math.abs(v - b[i]!) < 1e-12, `${what}[${i}]: ${v} vs ${b[i]}`);
}
const refused = (fn: () => void, pattern: RegExp) =>
  assert.throws(
    fn,
    (e: unknown) => e instanceof LatheError && e.code === 'INVALID_ARGUMENT' && pattern.test(e.message),
  );

let xgb: Predictor;
let churn: GraphModel;
/** The fixture model's P(class 1) for the first `n` rows, asked directly. */
const direct = async (rows: Row[]) => {
  const p = await xgb.predictBatch(rowsToBatch(rows));
  return probs(p, 2).map((x) => x[1]!);
};
before(async () => {
  xgb = await loadXgb();
  churn = wrap('churn@1', xgb);
});

describe('graph: sequence', () => {
  it("feeds a binary classifier's probability of its second class to the next step as column `output`", async () => {
    const calib = fake('calib@2', 'regression', (r) => 10 * (r.prediction as number), {
      inputs: [['prediction', 'double']],
    });
    const graph: GraphSpec = {
      kind: 'sequence',
      steps: [
        { model: 'churn@champion', output: 'prediction' },
        { model: 'calib@2', output: 'prediction' },
      ],
    };
    const models = new Map<string, GraphModel>([
      ['churn@champion', churn],
      ['calib@2', calib],
    ]);
    checkGraph(graph, models);
    const rows = fixtureRows(6, (i) => ({ region: `r${i}` }));
    const out = await runGraph(graph, models, call(rows));
    const p1 = await direct(rows);
    const seen = calib.calls[0]!;
    close(
      seen.map((r) => r.prediction as number),
      p1,
      'prediction column',
    );
    assert.deepEqual(
      seen.map((r) => r.region),
      rows.map((r) => r.region),
      'request fields pass through',
    );
    close(
      Array.from(out.prediction.predictions as Float64Array),
      p1.map((p) => 10 * p),
      'answer',
    );
    assert.deepEqual(out.models, ['churn@1', 'calib@2']);
    assert.ok(out.prediction.warnings.includes('calib@2: calib@2 saw 6'));
    assert.equal(out.rowModels, undefined);
  });

  it('a step output replaces a request column of that name; a multiclass step passes its label as a string', async () => {
    const seg = fake(
      'seg@1',
      'multiclass',
      (r) => ((r.i as number) % 2 ? [0.1, 0.8, 0.1] : [0.7, 0.2, 0.1]),
      {
        classes: [1, 2, 3],
      },
    );
    const pre = fake('pre@1', 'regression', (r) => (r.segment === '2' ? 3 : -3), {
      inputs: [['segment', 'string']],
    });
    const graph: GraphSpec = {
      kind: 'sequence',
      steps: [
        { model: 'seg@1', output: 'segment' },
        { model: 'pre@1', output: 'score' },
        { model: 'churn@1', output: 'prediction' },
      ],
    };
    const models = new Map<string, GraphModel>([
      ['seg@1', seg],
      ['pre@1', pre],
      ['churn@1', churn],
    ]);
    checkGraph(graph, models);
    const rows = fixtureRows(4, (i) => ({ i, segment: 'sent by the caller' }));
    const out = await runGraph(graph, models, call(rows));
    assert.deepEqual(
      pre.calls[0]!.map((r) => r.segment),
      ['1', '2', '1', '2'],
    );
    // the xgboost step read `score` as written by pre@1, not the request's
    const want = await direct(rows.map((r, i) => ({ ...r, score: i % 2 ? 3 : -3 })));
    close(
      probs(out.prediction, 2).map((p) => p[1]!),
      want,
      'churn on rewritten score',
    );
    assert.deepEqual(out.prediction.classes, [0, 1]);
    assert.ok(out.prediction.warnings.some((w) => w.startsWith('churn@1: ignored column')));
  });
});

describe('graph: parallel', () => {
  const values = [1, 2, 3];
  const rows = values.map((v) => ({ v }));
  const a = fake('a@1', 'regression', (r) => r.v as number);
  const b = fake('b@1', 'regression', (r) => 3 * (r.v as number));
  const regs = new Map<string, GraphModel>([
    ['a@1', a],
    ['b@1', b],
  ]);
  const members = [
    { model: 'a@1', weight: 1, name: 'a' },
    { model: 'b@1', weight: 3, name: 'b' },
  ];

  it('average ignores weights; weighted_average normalises them (regression)', async () => {
    const avg = await runGraph({ kind: 'parallel', members, combiner: 'average' }, regs, call(rows));
    assert.deepEqual(Array.from(avg.prediction.predictions as Float64Array), [2, 4, 6]);
    assert.deepEqual(avg.models, ['a@1', 'b@1']);
    const w = await runGraph({ kind: 'parallel', members, combiner: 'weighted_average' }, regs, call(rows));
    close(
      Array.from(w.prediction.predictions as Float64Array),
      values.map((v) => 0.25 * v + 0.75 * 3 * v),
      'weighted',
    );
    assert.deepEqual(w.prediction.warnings, ['a@1: a@1 saw 3', 'b@1: b@1 saw 3']);
  });

  it('averages classifier probabilities (XGBoost and a constant model) and labels by the argmax', async () => {
    const flat = fake('flat@1', 'binary', () => [0.2, 0.8]);
    const models = new Map<string, GraphModel>([
      ['churn@1', churn],
      ['flat@1', flat],
    ]);
    const graph: GraphSpec = {
      kind: 'parallel',
      members: [
        { model: 'churn@1', weight: 3, name: 'xgb' },
        { model: 'flat@1', weight: 1, name: 'flat' },
      ],
      combiner: 'weighted_average',
    };
    checkGraph(graph, models);
    const input = fixtureRows(12);
    const p1 = await direct(input);
    const out = await runGraph(graph, models, call(input));
    const want = p1.map((p) => 0.75 * p + 0.25 * 0.8);
    close(
      probs(out.prediction, 2).map((p) => p[1]!),
      want,
      'P(1)',
    );
    assert.deepEqual(
      out.prediction.predictions,
      want.map((p) => (p > 0.5 ? 1 : 0)),
    );
    assert.ok(want.some((p) => p < 0.5) && want.some((p) => p > 0.5), 'both labels occur');
    const plain = await runGraph({ ...graph, combiner: 'average' }, models, call(input));
    close(
      probs(plain.prediction, 2).map((p) => p[0]!),
      p1.map((p) => (1 - p + 0.2) / 2),
      'P(0)',
    );
  });

  it('vote: majority label, ties to the higher mean probability, probabilities are vote shares', async () => {
    // rows: 0 → two votes for a; 1 and 2 → one vote each, the mean probability highest for c
    const answers: number[][][] = [
      [
        [0.9, 0.05, 0.05],
        [0.6, 0.3, 0.1],
        [0.1, 0.8, 0.1],
      ],
      [
        [0.4, 0.3, 0.3],
        [0.1, 0.5, 0.4],
        [0.1, 0.2, 0.7],
      ],
      [
        [0.45, 0.1, 0.45 - 1e-9],
        [0.05, 0.5, 0.45],
        [0.0, 0.0, 1.0],
      ],
    ];
    const m = [0, 1, 2].map((j) => fake(`m${j}@1`, 'multiclass', (r) => answers[r.i as number]![j]!));
    const models = new Map<string, GraphModel>(m.map((x) => [x.key, x]));
    const graph: GraphSpec = {
      kind: 'parallel',
      members: m.map((x, j) => ({ model: x.key, weight: 1, name: `m${j}` })),
      combiner: 'vote',
    };
    checkGraph(graph, models);
    const out = await runGraph(graph, models, call([{ i: 0 }, { i: 1 }, { i: 2 }]));
    assert.deepEqual(out.prediction.predictions, ['a', 'c', 'c']);
    assert.deepEqual(probs(out.prediction, 3), [
      [2 / 3, 1 / 3, 0],
      [1 / 3, 1 / 3, 1 / 3],
      [1 / 3, 1 / 3, 1 / 3],
    ]);
    assert.deepEqual(out.prediction.classes, ['a', 'b', 'c']);
    // four voters, two and two: the tied class with the higher mean probability wins
    const four = [
      fake('v0@1', 'multiclass', () => [0.9, 0.1, 0]),
      fake('v1@1', 'multiclass', () => [0.6, 0.4, 0]),
      fake('v2@1', 'multiclass', () => [0.3, 0.7, 0]),
      fake('v3@1', 'multiclass', () => [0.1, 0.9, 0]),
    ];
    const g4: GraphSpec = {
      kind: 'parallel',
      members: four.map((x, j) => ({ model: x.key, weight: 1, name: `v${j}` })),
      combiner: 'vote',
    };
    const tie = await runGraph(g4, new Map(four.map((x) => [x.key, x])), call([{}]));
    // a: mean 0.475, b: mean 0.525
    assert.deepEqual(tie.prediction.predictions, ['b']);
    assert.deepEqual(probs(tie.prediction, 3), [[0.5, 0.5, 0]]);
  });

  it('stacking: the stacker reads one score column per member, named by the member', async () => {
    const rule = fake('rule@4', 'binary', (r) => ((r.age as number) > 0 ? [0.1, 0.9] : [0.7, 0.3]));
    const stack = fake('stack@1', 'regression', (r) => 0.5 * (r.xgb as number) + 0.5 * (r.rule as number), {
      inputs: [
        ['xgb', 'double'],
        ['rule', 'double'],
      ],
    });
    const models = new Map<string, GraphModel>([
      ['churn@1', churn],
      ['rule@4', rule],
      ['stack@1', stack],
    ]);
    const graph: GraphSpec = {
      kind: 'parallel',
      members: [
        { model: 'churn@1', weight: 1, name: 'xgb' },
        { model: 'rule@4', weight: 1, name: 'rule' },
      ],
      combiner: 'stacking',
      stacker: 'stack@1',
    };
    checkGraph(graph, models);
    const input = fixtureRows(8, () => ({ rule: 'overwritten' }));
    const out = await runGraph(graph, models, call(input));
    const p1 = await direct(input);
    const ruleScore = input.map((r) => ((r.age as number) > 0 ? 0.9 : 0.3));
    const seen = stack.calls[0]!;
    close(
      seen.map((r) => r.xgb as number),
      p1,
      'xgb column',
    );
    assert.deepEqual(
      seen.map((r) => r.rule),
      ruleScore,
    );
    assert.deepEqual(
      seen.map((r) => r.age),
      input.map((r) => r.age),
      'request columns reach the stacker',
    );
    close(
      Array.from(out.prediction.predictions as Float64Array),
      p1.map((p, i) => 0.5 * p + 0.5 * ruleScore[i]!),
      'answer',
    );
    assert.deepEqual(out.models, ['churn@1', 'rule@4', 'stack@1']);
  });

  it("a member's error propagates", async () => {
    const err = new LatheError('MODEL_INPUT_INVALID', 'row 0 lacks required column x');
    const broken = fake('broken@1', 'regression', () => 0, { fail: err });
    const models = new Map<string, GraphModel>([
      ['a@1', a],
      ['broken@1', broken],
    ]);
    const graph: GraphSpec = {
      kind: 'parallel',
      members: [
        { model: 'a@1', weight: 1, name: 'a' },
        { model: 'broken@1', weight: 1, name: 'b' },
      ],
      combiner: 'average',
    };
    await assert.rejects(runGraph(graph, models, call(rows)), (e) => e === err);
  });
});

describe('graph: switch', () => {
  const cases: { when: Condition; model: string }[] = [
    { when: { field: 'region', op: 'eq', value: 'eu' }, model: 'eu@1' },
    {
      when: {
        all: [
          { field: 'spend', op: 'ge', value: 100 },
          {
            any: [
              { field: 'vip', op: 'eq', value: true },
              { field: 'tier', op: 'in', value: ['gold', 'platinum'] },
            ],
          },
        ],
      },
      model: 'vip@1',
    },
  ];

  it('routes each row by the first case that holds, one call per model, answers in row order', async () => {
    const eu = fake('eu@1', 'regression', (r) => 100 + (r.i as number));
    const vip = fake('vip@3', 'regression', (r) => 200 + (r.i as number));
    const base = fake('base@1', 'regression', (r) => r.i as number);
    const models = new Map<string, GraphModel>([
      ['eu@1', eu],
      ['vip@1', vip],
      ['base@latest', base],
    ]);
    const graph: GraphSpec = { kind: 'switch', cases, default: 'base@latest' };
    checkGraph(graph, models);
    const rows: Row[] = [
      { i: 0, region: 'eu', spend: 500, vip: true }, // first case wins
      { i: 1, region: 'us', spend: 500, vip: true },
      { i: 2, region: 'EU' }, // equality is exact
      { i: 3, spend: 99.5, tier: 'gold' },
      { i: 4, spend: 100, tier: 'platinum' },
      { i: 5, region: 'eu' },
      { i: 6, spend: '500', vip: true }, // no coercion: "500" is not a number
      { i: 7 },
    ];
    const out = await runGraph(graph, models, call(rows));
    assert.deepEqual(
      Array.from(out.prediction.predictions as Float64Array),
      [100, 201, 2, 3, 204, 105, 6, 7],
    );
    assert.deepEqual(out.rowModels, [
      'eu@1',
      'vip@3',
      'base@1',
      'base@1',
      'vip@3',
      'eu@1',
      'base@1',
      'base@1',
    ]);
    assert.deepEqual(out.models, ['eu@1', 'vip@3', 'base@1']);
    assert.deepEqual(
      [eu, vip, base].map((m) => m.calls.map((c) => c.map((r) => r.i))),
      [[[0, 5]], [[1, 4]], [[2, 3, 6, 7]]],
    );
    assert.deepEqual(out.prediction.warnings, [
      'eu@1: eu@1 saw 2',
      'vip@3: vip@3 saw 2',
      'base@1: base@1 saw 4',
    ]);
  });

  it("merges classifiers' probabilities (XGBoost and a rule) in row order; an empty batch asks the default", async () => {
    const rule = fake('rule@1', 'binary', () => [0.25, 0.75]);
    const models = new Map<string, GraphModel>([
      ['churn@1', churn],
      ['rule@1', rule],
    ]);
    const graph: GraphSpec = {
      kind: 'switch',
      cases: [{ when: { field: 'region', op: 'in', value: ['eu', 'uk'] }, model: 'rule@1' }],
      default: 'churn@1',
    };
    checkGraph(graph, models);
    const input = fixtureRows(10, (i) => (i % 3 === 0 ? { region: i % 2 ? 'uk' : 'eu' } : {}));
    const out = await runGraph(graph, models, call(input));
    const p1 = await direct(input);
    const got = probs(out.prediction, 2).map((p) => p[1]!);
    close(
      got,
      p1.map((p, i) => (i % 3 === 0 ? 0.75 : p)),
      'P(1)',
    );
    assert.deepEqual(out.prediction.classes, [0, 1]);
    assert.deepEqual(
      out.prediction.predictions,
      got.map((p) => (p > 0.5 ? 1 : 0)),
    );
    const empty = await runGraph(graph, models, call([]));
    assert.equal(empty.prediction.rows, 0);
    assert.deepEqual(empty.models, ['churn@1']);
    assert.deepEqual(empty.rowModels, []);
  });

  it('conditions: missing fields are never equal, in or ordered; ne holds for them; no coercion', () => {
    const batch: InputBatch = {
      rows: 4,
      columns: {
        n: [3, '3', null, undefined],
        f: Float64Array.from([1.5, Number.NaN, 2, 0]),
        big: [10n, 1n, 0n, 5n],
        s: ['a', 'b', 'a', 'c'],
      },
    };
    const holds = (c: Condition) => [0, 1, 2, 3].map((r) => conditionHolds(c, batch, r));
    assert.deepEqual(holds({ field: 'n', op: 'eq', value: 3 }), [true, false, false, false]);
    assert.deepEqual(holds({ field: 'n', op: 'eq', value: '3' }), [false, true, false, false]);
    assert.deepEqual(holds({ field: 'n', op: 'ne', value: 3 }), [false, true, true, true]);
    assert.deepEqual(holds({ field: 'n', op: 'lt', value: 5 }), [true, false, false, false]);
    assert.deepEqual(holds({ field: 'absent', op: 'ne', value: 1 }), [true, true, true, true]);
    assert.deepEqual(holds({ field: 'absent', op: 'in', value: [1, 'x'] }), [false, false, false, false]);
    assert.deepEqual(holds({ field: 'f', op: 'le', value: 2 }), [true, false, true, true], 'NaN is missing');
    assert.deepEqual(holds({ field: 'f', op: 'gt', value: -1 }), [true, false, true, true]);
    assert.deepEqual(holds({ field: 'big', op: 'ge', value: 5 }), [true, false, false, true]);
    assert.deepEqual(holds({ field: 's', op: 'in', value: ['a', 'c'] }), [true, false, true, true]);
    assert.deepEqual(
      holds({
        any: [
          { field: 's', op: 'eq', value: 'b' },
          {
            all: [
              { field: 'f', op: 'gt', value: 1 },
              { field: 's', op: 'eq', value: 'a' },
            ],
          },
        ],
      }),
      [true, true, true, false],
    );
  });

  it("a model's error propagates", async () => {
    const err = new LatheError('MODEL_INPUT_INVALID', 'bad rows');
    const models = new Map<string, GraphModel>([
      ['eu@1', fake('eu@1', 'regression', () => 1, { fail: err })],
      ['vip@1', fake('vip@1', 'regression', () => 2)],
      ['base@1', fake('base@1', 'regression', () => 3)],
    ]);
    await assert.rejects(
      runGraph({ kind: 'switch', cases, default: 'base@1' }, models, call([{ region: 'eu' }, {}])),
      (e) => e === err,
    );
  });
});

describe('graph: checkGraph refusals', () => {
  const reg = fake('reg@1', 'regression', () => 0);
  const rank = fake('rank@1', 'ranking', () => 0);
  const bin = fake('bin@1', 'binary', () => [0.5, 0.5]);
  const binYN = fake('yn@1', 'binary', () => [0.5, 0.5], { classes: ['yes', 'no'] });
  const binNY = fake('ny@1', 'binary', () => [0.5, 0.5], { classes: ['no', 'yes'] });
  const multi = fake('multi@1', 'multiclass', () => [1, 0, 0]);
  const models = new Map<string, GraphModel>([reg, rank, bin, binYN, binNY, multi].map((m) => [m.key, m]));
  const par = (
    refs: string[],
    combiner: 'average' | 'weighted_average' | 'vote' | 'stacking',
    stacker?: string,
  ): GraphSpec => ({
    kind: 'parallel',
    members: refs.map((model, i) => ({ model, weight: 1, name: `m${i}` })),
    combiner,
    ...(stacker ? { stacker } : {}),
  });

  it('names a model reference that is not loaded', () => {
    refused(
      () => checkGraph(par(['reg@1', 'gone@2'], 'average'), models),
      /^graph\.members\[1\]\.model names gone@2, which is not loaded/,
    );
    refused(
      () => checkGraph(par(['bin@1', 'bin@1'], 'stacking', 'stk@1'), models),
      /^graph\.stacker names stk@1, which is not loaded/,
    );
    refused(
      () =>
        checkGraph(
          { kind: 'switch', cases: [{ when: { all: [] }, model: 'reg@1' }], default: 'x@1' },
          models,
        ),
      /^graph\.default names x@1/,
    );
  });

  it('parallel members share a task and, for classifiers, the same classes in the same order', () => {
    refused(
      () => checkGraph(par(['reg@1', 'rank@1'], 'average'), models),
      /graph\.members\[1\]\.model is rank@1, a ranking model; parallel members must share a task.*regression/,
    );
    refused(
      () => checkGraph(par(['yn@1', 'ny@1'], 'weighted_average'), models),
      /is ny@1 with classes \["no", "yes"\]; parallel members must have the same classes in the same order.*\["yes", "no"\]/,
    );
    refused(() => checkGraph(par(['bin@1', 'yn@1'], 'vote'), models), /same classes/);
    checkGraph(par(['bin@1', 'bin@1'], 'vote'), models);
    checkGraph(par(['rank@1', 'rank@1'], 'average'), models);
  });

  it('vote needs classifiers; stacking refuses multiclass members and a stacker reading a member column as text', () => {
    refused(
      () => checkGraph(par(['reg@1', 'reg@1'], 'vote'), models),
      /graph\.combiner vote needs classifiers; the members are regression models: use average/,
    );
    refused(
      () => checkGraph(par(['multi@1', 'multi@1'], 'stacking', 'reg@1'), models),
      /graph\.members are multiclass models, which answer one probability per class; a stacker reads one score column per member/,
    );
    const textual = fake('txt@1', 'regression', () => 0, { inputs: [['m1', 'string']] });
    const withText = new Map([...models, ['txt@1', textual]]);
    refused(
      () => checkGraph(par(['bin@1', 'bin@1'], 'stacking', 'txt@1'), withText),
      /graph\.stacker is txt@1, which reads member column m1 as string/,
    );
    checkGraph(par(['bin@1', 'bin@1'], 'stacking', 'multi@1'), models);
  });

  it('switch models share a task and classes', () => {
    const sw = (a: string, b: string): GraphSpec => ({
      kind: 'switch',
      cases: [{ when: { field: 'x', op: 'eq', value: 1 }, model: a }],
      default: b,
    });
    refused(
      () => checkGraph(sw('reg@1', 'bin@1'), models),
      /^graph\.default is bin@1, a binary model; switch models must share a task/,
    );
    refused(() => checkGraph(sw('yn@1', 'ny@1'), models), /^graph\.default is ny@1 with classes/);
    checkGraph(sw('bin@1', 'bin@1'), models);
  });

  it('sequence: a multiclass label cannot feed a numeric column, a score cannot feed a text column', () => {
    const numeric = fake('num@1', 'regression', () => 0, { inputs: [['prediction', 'double']] });
    const text = fake('text@1', 'regression', () => 0, { inputs: [['prediction', 'string']] });
    const ints = fake('ints@1', 'regression', () => 0, { inputs: [['p', 'integer']] });
    const all = new Map([...models, ...[numeric, text, ints].map((m) => [m.key, m] as const)]);
    const seq = (...steps: [string, string][]): GraphSpec => ({
      kind: 'sequence',
      steps: steps.map(([model, output]) => ({ model, output })),
    });
    refused(
      () => checkGraph(seq(['multi@1', 'prediction'], ['num@1', 'prediction']), all),
      /^graph\.steps\[1\]\.model is num@1, which reads prediction as double; graph\.steps\[0\] \(multi@1\) is a multiclass model, which answers one probability per class, not one score column/,
    );
    refused(
      () => checkGraph(seq(['bin@1', 'prediction'], ['text@1', 'prediction']), all),
      /reads prediction as string; graph\.steps\[0\] \(bin@1\) answers a probability there/,
    );
    refused(
      () => checkGraph(seq(['reg@1', 'p'], ['reg@1', 'q'], ['ints@1', 'out']), all),
      /^graph\.steps\[2\]\.model is ints@1, which reads p as integer; graph\.steps\[0\] \(reg@1\) answers a value/,
    );
    // a later step writing the same column replaces it: step 0's label never reaches num@1
    checkGraph(seq(['multi@1', 'prediction'], ['reg@1', 'prediction'], ['num@1', 'prediction']), all);
    checkGraph(seq(['multi@1', 'prediction'], ['text@1', 'prediction']), all);
  });
});
