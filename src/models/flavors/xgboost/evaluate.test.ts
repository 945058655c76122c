import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rawTreeOutputs } from '../../../ml/index.js';
import { SeededRandom } from '../../../ml/seeded-random.js';
import { float32Boundary, readXgbModel, type XgbModel, xgbMargins, xgbTreeEnsemble } from './index.js';

/** An XGBoost JSON document of random trees (node ids in depth-first order, as a saved model may hold). */
function randomModel(
  random: SeededRandom,
  opts: { trees: number; cols: number; groups: number; depths: number[]; objective?: string },
): unknown {
  const trees = Array.from({ length: opts.trees }, (_, t) => {
    const left: number[] = [];
    const right: number[] = [];
    const feature: number[] = [];
    const cond: number[] = [];
    const defLeft: number[] = [];
    const hess: number[] = [];
    const maxDepth = opts.depths[t % opts.depths.length]!;
    const grow = (d: number): number => {
      const id = left.length;
      left.push(-1);
      right.push(-1);
      feature.push(0);
      cond.push(Math.fround(random.normal()));
      defLeft.push(random.uniform() < 0.5 ? 1 : 0);
      hess.push(1 + random.uniform());
      if (d < maxDepth && (d < 2 || random.uniform() < 0.8)) {
        feature[id] = Math.floor(random.uniform() * opts.cols);
        left[id] = grow(d + 1);
        right[id] = grow(d + 1);
      }
      return id;
    };
    grow(0);
    const n = left.length;
    return {
      left_children: left,
      right_children: right,
      split_indices: feature,
      split_conditions: cond,
      default_left: defLeft,
      sum_hessian: hess,
      base_weights: new Array(n).fill(0),
      split_type: new Array(n).fill(0),
      tree_param: { num_nodes: String(n), size_leaf_vector: '0' },
    };
  });
  const groups = opts.groups;
  return {
    learner: {
      objective: { name: opts.objective ?? (groups > 1 ? 'multi:softprob' : 'reg:squarederror') },
      learner_model_param: {
        base_score: '2.5E-1',
        num_class: String(groups > 1 ? groups : 0),
        num_feature: String(opts.cols),
      },
      gradient_booster: {
        name: 'gbtree',
        model: { trees, tree_info: trees.map((_, t) => t % groups) },
      },
    },
    version: [1, 7, 4],
  };
}

/** XGBoost's rule, written plainly: float32 inputs, `x < split` left, NaN by default_left, float32 sums. */
function reference(model: XgbModel, x: Float64Array, rows: number): Float32Array {
  const t = model.trees;
  const G = model.groups;
  const out = new Float32Array(rows * G);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < G; g++) out[r * G + g] = model.baseMargin[g]!;
    for (let k = 0; k + 1 < t.treeStart.length; k++) {
      const s = t.treeStart[k]!;
      let n = s;
      while (t.feature[n]! >= 0) {
        const v = Math.fround(x[r * model.numFeature + t.feature[n]!]!);
        const goLeft = Number.isNaN(v) ? t.defaultLeft[n] === 1 : v < t.split[n]!;
        n = s + (goLeft ? t.left[n]! : t.right[n]!);
      }
      out[r * G + t.treeGroup[k]!] = Math.fround(out[r * G + t.treeGroup[k]!]! + t.value[n]!);
    }
  }
  return out;
}

/** Rows near the model's splits (at them, one double either side), random values and NaN. */
function rowsNear(random: SeededRandom, model: XgbModel, rows: number): Float64Array {
  const cols = model.numFeature;
  const splits = Array.from(model.trees.split.filter((_, g) => model.trees.feature[g]! >= 0));
  const x = new Float64Array(rows * cols);
  for (let i = 0; i < x.length; i++) {
    const u = random.uniform();
    const s = splits[Math.floor(random.uniform() * splits.length)]!;
    x[i] =
      u < 0.1
        ? Number.NaN
        : u < 0.3
          ? s
          : u < 0.45
            ? s + s * 2 ** -30
            : u < 0.6
              ? s - Math.abs(s) * 2 ** -26
              : u < 0.62
                ? Number.POSITIVE_INFINITY
                : random.normal();
  }
  return x;
}

describe('xgboost evaluator', () => {
  it('float32Boundary: x <= boundary exactly when float32(x) < split', () => {
    const random = new SeededRandom(3);
    const splits = [
      0,
      -0,
      1,
      -1,
      0.1,
      -0.1,
      1e-45,
      -1e-45,
      1.17549435e-38,
      3.4028234e38,
      -3.4028234e38,
      7,
      2 ** 24,
    ];
    for (let i = 0; i < 200; i++)
      splits.push(Math.fround(random.normal() * 10 ** Math.floor(random.uniform() * 8 - 4)));
    for (const raw of splits) {
      const t = Math.fround(raw);
      const b = float32Boundary(t);
      const probes = [
        t,
        b,
        1e308,
        3.4028235677973366e38,
        3.402823567797336e38,
        t * (1 + 2 ** -40),
        t * (1 - 2 ** -40),
        t - 2 ** -149,
        t + 2 ** -149,
      ];
      for (let k = -3; k <= 3; k++) probes.push(b + k * Math.abs(b || 1) * 2 ** -52);
      for (const x of probes) assert.equal(x <= b, Math.fround(x) < t, `split ${t}, x ${x}, boundary ${b}`);
    }
  });

  for (const c of [
    { name: 'shallow trees (the padded walk), one output', trees: 23, groups: 1, depths: [6, 3, 1, 5] },
    { name: 'shallow trees, three classes', trees: 30, groups: 3, depths: [4, 4, 2] },
    { name: 'a tree of depth 14 (the plain walk)', trees: 5, groups: 1, depths: [3, 14] },
    {
      name: 'splits on about 350 features (blocks of 8 rows)',
      trees: 300,
      groups: 1,
      depths: [3],
      cols: 400,
    },
    {
      name: 'splits on more than 512 features (the plain walk)',
      trees: 400,
      groups: 1,
      depths: [3],
      cols: 700,
    },
  ] as { name: string; trees: number; groups: number; depths: number[]; cols?: number }[])
    it(`${c.name}: XGBoost's float32 rule for any number of rows, and the TreeEnsemble agrees`, () => {
      const random = new SeededRandom(11);
      const cols = c.cols ?? 6;
      const model = readXgbModel(
        randomModel(random, { trees: c.trees, cols, groups: c.groups, depths: c.depths }),
      );
      const used = new Set(model.trees.feature.filter((f) => f >= 0)).size;
      if (c.cols)
        assert.ok(c.cols === 400 ? used > 256 && used <= 512 : used > 512, `${used} features split on`);
      for (const rows of [0, 1, 3, 8, 13, 64, 150]) {
        const x = rowsNear(random, model, rows);
        const want = reference(model, x, rows);
        assert.deepEqual(Array.from(xgbMargins(model, x, rows)), Array.from(want), `${rows} rows`);
        const columns = Array.from({ length: cols }, (_, j) =>
          Float64Array.from({ length: rows }, (_, i) => x[i * cols + j]!),
        );
        assert.deepEqual(
          Array.from(xgbMargins(model, columns, rows)),
          Array.from(want),
          `${rows} rows as columns`,
        );
        const raw = rawTreeOutputs(xgbTreeEnsemble(model), x, rows);
        for (let i = 0; i < raw.length; i++)
          assert.ok(
            Math.abs(raw[i]! - want[i]!) <= 1e-5 * Math.max(1, Math.abs(want[i]!)),
            `ensemble output ${i}`,
          );
      }
    });

  it('reuses an output buffer of the right size', () => {
    const random = new SeededRandom(5);
    const model = readXgbModel(randomModel(random, { trees: 4, cols: 3, groups: 1, depths: [3] }));
    const x = rowsNear(random, model, 10);
    const out = new Float32Array(10);
    assert.equal(xgbMargins(model, x, 10, out), out);
    assert.deepEqual(Array.from(out), Array.from(reference(model, x, 10)));
  });
});
