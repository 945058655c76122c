import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../seeded-random.js';
import { addPaddedMargins, padTrees, type TreeNodes } from './padded-walk.js';

/** Random trees (breadth-first, children relative to the tree's first node) of depth up to `maxDepth`. */
function randomTrees(
  random: SeededRandom,
  count: number,
  cols: number,
  maxDepth: number,
): TreeNodes & { threshold: Float64Array } {
  const feature: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const missingLeft: number[] = [];
  const value: number[] = [];
  const threshold: number[] = [];
  const treeStart = [0];
  for (let t = 0; t < count; t++) {
    const start = feature.length;
    // Breadth-first: a queue of (depth) for nodes still to lay out.
    const queue = [0];
    for (let q = 0; q < queue.length; q++) {
      const d = queue[q]!;
      const split = d < maxDepth && random.uniform() < 0.8;
      if (split) {
        feature.push(Math.floor(random.uniform() * cols));
        threshold.push(random.normal());
        missingLeft.push(random.uniform() < 0.5 ? 1 : 0);
        const child = start + queue.length;
        left.push(child - start);
        right.push(child - start + 1);
        queue.push(d + 1, d + 1);
      } else {
        feature.push(-1);
        threshold.push(0);
        missingLeft.push(0);
        left.push(-1);
        right.push(-1);
      }
      value.push(random.normal());
    }
    treeStart.push(feature.length);
  }
  return {
    treeStart: Int32Array.from(treeStart),
    feature: Int32Array.from(feature),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    missingLeft: Uint8Array.from(missingLeft),
    value: Float64Array.from(value),
    threshold: Float64Array.from(threshold),
  };
}

/** The node-by-node walk: `x > threshold` right, NaN where the node says; sums in tree order. */
function reference(
  trees: TreeNodes & { threshold: Float64Array },
  x: Float64Array,
  rows: number,
  cols: number,
  t0: number,
  t1: number,
): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++)
    for (let t = t0; t < t1; t++) {
      const s = trees.treeStart[t]!;
      let g = s;
      while (trees.feature[g]! >= 0) {
        const v = x[r * cols + trees.feature[g]!]!;
        const right = Number.isNaN(v) ? !trees.missingLeft[g] : v > trees.threshold[g]!;
        g = s + (right ? trees.right[g]! : trees.left[g]!);
      }
      out[r]! += trees.value[g]!;
    }
  return out;
}

describe('padded tree walk', () => {
  it('adds exactly what a node-by-node walk adds, from rows or columns, for any row count and tree range', () => {
    const random = new SeededRandom(7);
    const cols = 9;
    const trees = randomTrees(random, 40, cols, 7);
    const padded = padTrees(trees, trees.threshold, 'float64');
    assert.ok(padded, 'these trees are padded');
    for (const rows of [1, 5, 8, 63, 64, 65, 200]) {
      const x = Float64Array.from({ length: rows * cols }, () => {
        const u = random.uniform();
        return u < 0.1
          ? Number.NaN
          : u < 0.12
            ? Number.POSITIVE_INFINITY
            : u < 0.14
              ? Number.NEGATIVE_INFINITY
              : random.normal();
      });
      const columns = Array.from({ length: cols }, (_, j) =>
        Float64Array.from({ length: rows }, (_, i) => x[i * cols + j]!),
      );
      for (const [t0, t1] of [
        [0, 40],
        [5, 17],
      ] as const) {
        const want = reference(trees, x, rows, cols, t0, t1);
        const fromRows = new Float64Array(rows);
        addPaddedMargins(padded, new Int32Array(40), t0, t1, x, rows, cols, 1, fromRows);
        assert.deepEqual(Array.from(fromRows), Array.from(want), `${rows} rows, trees ${t0}..${t1}`);
        const fromColumns = new Float64Array(rows);
        addPaddedMargins(padded, new Int32Array(40), t0, t1, columns, rows, cols, 1, fromColumns);
        assert.deepEqual(Array.from(fromColumns), Array.from(want), `${rows} rows as columns`);
      }
    }
  });

  it('declines trees it cannot walk: too deep, no split, or NaN sent right past a +Infinity boundary', () => {
    // A chain 13 splits deep: split g (even) has its right leaf at g + 1 and its left child at g + 2.
    const chain = {
      treeStart: Int32Array.from([0, 27]),
      feature: Int32Array.from({ length: 27 }, (_, g) => (g % 2 === 0 && g < 26 ? 0 : -1)),
      left: Int32Array.from({ length: 27 }, (_, g) => (g % 2 === 0 && g < 26 ? g + 2 : -1)),
      right: Int32Array.from({ length: 27 }, (_, g) => (g % 2 === 0 && g < 26 ? g + 1 : -1)),
      missingLeft: new Uint8Array(27),
      value: new Float64Array(27),
    };
    assert.equal(padTrees(chain, new Float64Array(27), 'float64'), null, 'deeper than 12');
    const leaf = {
      treeStart: Int32Array.from([0, 1]),
      feature: Int32Array.from([-1]),
      left: Int32Array.from([-1]),
      right: Int32Array.from([-1]),
      missingLeft: new Uint8Array(1),
      value: Float64Array.from([1]),
    };
    assert.equal(padTrees(leaf, new Float64Array(1), 'float64'), null, 'no split');
    const stump = {
      treeStart: Int32Array.from([0, 3]),
      feature: Int32Array.from([0, -1, -1]),
      left: Int32Array.from([1, -1, -1]),
      right: Int32Array.from([2, -1, -1]),
      missingLeft: Uint8Array.from([0, 0, 0]),
      value: Float64Array.from([0, 1, 2]),
    };
    const inf = Float64Array.from([Number.POSITIVE_INFINITY, 0, 0]);
    assert.equal(padTrees(stump, inf, 'float64'), null, 'NaN right past +Infinity');
    assert.ok(
      padTrees({ ...stump, missingLeft: Uint8Array.from([1, 0, 0]) }, inf, 'float64'),
      'NaN left is fine',
    );
  });
});
