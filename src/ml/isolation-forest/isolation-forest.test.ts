import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spearmanCorrelation } from '../../stats/index.js';
import { IsolationForest, type IsolationForestJSON, SeededRandom } from '../index.js';
import { assertInvalid, loadFixture } from '../test-fixtures.js';

/** `inliers` rows from a standard Gaussian in `cols` dimensions, then `outliers` rows 8–12 sd away. */
function plantedData(inliers: number, outliers: number, cols: number, seed: number): Float64Array {
  const random = new SeededRandom(seed);
  const data = new Float64Array((inliers + outliers) * cols);
  for (let i = 0; i < inliers * cols; i++) data[i] = random.normal();
  for (let r = inliers; r < inliers + outliers; r++) {
    const direction = Array.from({ length: cols }, () => random.normal());
    const norm = Math.hypot(...direction);
    const radius = 8 + 4 * random.uniform();
    for (let j = 0; j < cols; j++) data[r * cols + j] = (direction[j]! / norm) * radius;
  }
  return data;
}

/** Row indices by descending score. */
function ranking(scores: Float64Array): number[] {
  return Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/** ROC AUC of `scores` for rows flagged in `positive` (probability a positive outscores a negative). */
function rocAuc(scores: Float64Array, positive: (row: number) => boolean): number {
  let wins = 0;
  let pairs = 0;
  for (let p = 0; p < scores.length; p++) {
    if (!positive(p)) continue;
    for (let n = 0; n < scores.length; n++) {
      if (positive(n)) continue;
      pairs++;
      wins += scores[p]! > scores[n]! ? 1 : scores[p] === scores[n] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

/** c(n) of Liu et al.: 2(ln(n − 1) + γ) − 2(n − 1)/n, c(2) = 1, c(1) = 0. */
function c(n: number): number {
  return n <= 1 ? 0 : n === 2 ? 1 : 2 * (Math.log(n - 1) + 0.5772156649015329) - (2 * (n - 1)) / n;
}

/** Scores computed straight from the JSON trees: the definition, for checking the fast path. */
function referenceScores(json: IsolationForestJSON, data: Float64Array, rows: number): number[] {
  return Array.from({ length: rows }, (_, r) => {
    let total = 0;
    for (const tree of json.trees) {
      let node = 0;
      let depth = 0;
      while (tree.feature[node]! >= 0) {
        const x = data[r * json.cols + tree.feature[node]!]!;
        node = x <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
        depth++;
      }
      total += depth + c(tree.size[node]!);
    }
    return 2 ** (-total / json.trees.length / c(json.sampleSize));
  });
}

const COLS = 5;
const INLIERS = 2000;
const OUTLIERS = 20;
const ROWS = INLIERS + OUTLIERS;
const planted = plantedData(INLIERS, OUTLIERS, COLS, 7);

describe('IsolationForest', () => {
  it('ranks planted outliers first: all 20 in the top 30, ROC AUC > 0.99', () => {
    const forest = IsolationForest.fit(planted, ROWS, COLS, { seed: 1 });
    const scores = forest.score(planted, ROWS);
    assert.equal(scores.length, ROWS);
    const top30 = new Set(ranking(scores).slice(0, 30));
    for (let r = INLIERS; r < ROWS; r++) assert.ok(top30.has(r), `outlier row ${r} is not in the top 30`);
    const auc = rocAuc(scores, (r) => r >= INLIERS);
    assert.ok(auc > 0.99, `ROC AUC ${auc}`);
  });

  it('gives scores in (0, 1], about 0.5 or less for ordinary rows and well above for outliers', () => {
    const forest = IsolationForest.fit(planted, ROWS, COLS);
    const scores = forest.score(planted, ROWS);
    for (const s of scores) assert.ok(s > 0 && s <= 1, `score ${s} outside (0, 1]`);
    const inlier = Array.from(scores.subarray(0, INLIERS)).sort((a, b) => a - b);
    const medianInlier = inlier[INLIERS / 2]!;
    assert.ok(medianInlier > 0.35 && medianInlier < 0.5, `median inlier score ${medianInlier}`);
    const minOutlier = Math.min(...scores.subarray(INLIERS));
    // scikit-learn gives 0.58-0.60 on this data for random_state 0-2.
    assert.ok(minOutlier > 0.55, `lowest outlier score ${minOutlier}`);
    // Rows far beyond anything seen, even infinite, still score within (0, 1].
    const inf = Number.POSITIVE_INFINITY;
    const extreme = Float64Array.from([1e300, -1e300, 1e300, -1e300, 1e300, inf, -inf, inf, -inf, inf]);
    for (const s of forest.score(extreme, 2)) assert.ok(s > minOutlier && s <= 1, `extreme score ${s}`);
  });

  it('is deterministic for a seed and varies with it', () => {
    const a = IsolationForest.fit(planted, ROWS, COLS, { seed: 42, trees: 50 }).score(planted, ROWS);
    const b = IsolationForest.fit(planted, ROWS, COLS, { seed: 42, trees: 50 }).score(planted, ROWS);
    const c = IsolationForest.fit(planted, ROWS, COLS, { seed: 43, trees: 50 }).score(planted, ROWS);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.ok(spearmanCorrelation(a, c) > 0.9, 'two seeds should still agree broadly');
  });

  it('defaults sampleSize to min(256, rows) and lowers a larger request to rows', () => {
    assert.equal(IsolationForest.fit(planted, ROWS, COLS).sampleSize, 256);
    const small = planted.subarray(0, 100 * COLS);
    assert.equal(IsolationForest.fit(small, 100, COLS).sampleSize, 100);
    assert.equal(IsolationForest.fit(small, 100, COLS, { sampleSize: 500 }).sampleSize, 100);
    assert.equal(IsolationForest.fit(planted, ROWS, COLS, { sampleSize: 64 }).sampleSize, 64);
    assert.equal(IsolationForest.fit(planted, ROWS, COLS).cols, COLS);
  });

  it('ignores a constant column and scores identical rows 0.5', () => {
    const rows = 500;
    const withConstant = new Float64Array(rows * 3);
    for (let r = 0; r < rows; r++) {
      withConstant[r * 3] = planted[r * COLS]!;
      withConstant[r * 3 + 1] = 7; // constant
      withConstant[r * 3 + 2] = planted[r * COLS + 1]!;
    }
    withConstant[0] = 50; // one outlier in the first column
    const forest = IsolationForest.fit(withConstant, rows, 3, { seed: 3 });
    const scores = forest.score(withConstant, rows);
    assert.equal(ranking(scores)[0], 0);
    for (const s of scores) assert.ok(Number.isFinite(s) && s > 0 && s <= 1);
    // No split uses the constant column, so a new value there changes nothing.
    const moved = withConstant.slice(3, 6);
    moved[1] = -1000;
    assert.equal(forest.score(moved, 1)[0], scores[1]);

    const same = new Float64Array(40).fill(2.5);
    const flat = IsolationForest.fit(same, 20, 2);
    for (const s of flat.score(same, 20)) assert.ok(Math.abs(s - 0.5) < 1e-12, `score ${s}`);
  });

  it('fits on as few as two rows and scores zero rows', () => {
    const forest = IsolationForest.fit(Float64Array.from([0, 1]), 2, 1);
    assert.equal(forest.sampleSize, 2);
    for (const s of forest.score(Float64Array.from([0, 1, 0.5, 100]), 4)) assert.ok(s > 0 && s <= 1);
    assert.equal(forest.score(new Float64Array(0), 0).length, 0);
  });

  it('rejects bad input with INVALID_ARGUMENT saying what was expected', () => {
    const withNaN = planted.slice(0, 10 * COLS);
    withNaN[3 * COLS + 2] = Number.NaN;
    assertInvalid(() => IsolationForest.fit(withNaN, 10, COLS), /finite.*got NaN at row 3, column 2/);
    const withInf = planted.slice(0, 10 * COLS);
    withInf[7] = Number.NEGATIVE_INFINITY;
    assertInvalid(() => IsolationForest.fit(withInf, 10, COLS), /-Infinity at row 1, column 2/);
    assertInvalid(
      () => IsolationForest.fit(planted, 10, COLS),
      /rows × cols = 10 × 5 = 50 values; got 10100/,
    );
    assertInvalid(
      () => IsolationForest.fit(planted.subarray(0, COLS), 1, COLS),
      /rows must be an integer >= 2/,
    );
    assertInvalid(
      () => IsolationForest.fit(new Float64Array(0), 0, 0),
      /rows must be an integer >= 2; got the number 0/,
    );
    assertInvalid(() => IsolationForest.fit(planted, ROWS, 0), /cols must be an integer >= 1/);
    assertInvalid(() => IsolationForest.fit(planted, 2.5, COLS), /rows must be an integer/);
    const untyped = [1, 2, 3, 4] as unknown as Float64Array; // a caller without types
    assertInvalid(() => IsolationForest.fit(untyped, 2, 2), /data must be a Float64Array.*array of 4/);
    assertInvalid(
      () => IsolationForest.fit(planted, ROWS, COLS, { trees: 0 }),
      /options.trees must be an integer >= 1/,
    );
    assertInvalid(
      () => IsolationForest.fit(planted, ROWS, COLS, { sampleSize: 1 }),
      /options.sampleSize .* >= 2/,
    );
    assertInvalid(
      () => IsolationForest.fit(planted, ROWS, COLS, { seed: 0.5 }),
      /options.seed must be a safe integer/,
    );

    const forest = IsolationForest.fit(planted, ROWS, COLS, { trees: 10 });
    assertInvalid(
      () => forest.score(planted.subarray(0, 12), 3),
      /3 × 5 \(the column count the forest was fitted on\) = 15 values; got 12/,
    );
    assertInvalid(() => forest.score(planted, ROWS + 1), /got 10100/);
    const scoreNaN = planted.slice(0, 2 * COLS);
    scoreNaN[COLS + 4] = Number.NaN;
    assertInvalid(() => forest.score(scoreNaN, 2), /NaN is not allowed.*row 1, column 4/);
  });

  it('scores as the definition: 2^(-mean path length / c(sampleSize)), walking each tree', () => {
    const forest = IsolationForest.fit(planted, ROWS, COLS, { seed: 5, trees: 20 });
    const json = forest.toJSON();
    const scores = forest.score(planted, ROWS);
    const expected = referenceScores(json, planted, ROWS);
    for (let r = 0; r < ROWS; r++) assert.ok(Math.abs(scores[r]! - expected[r]!) < 1e-12, `row ${r}`);
    // The height limit is ceil(log2(256)) = 8: no leaf lies deeper.
    for (const tree of json.trees) {
      const depth = new Array<number>(tree.feature.length).fill(0);
      tree.feature.forEach((f, i) => {
        if (f >= 0) depth[tree.left[i]!] = depth[tree.right[i]!] = depth[i]! + 1;
      });
      assert.ok(Math.max(...depth) <= 8);
    }
  });

  it('scores deep, sparse trees (many repeated rows) as the definition too', () => {
    // 4,000 zeros and 96 powers of two: each random split peels off the largest value, so trees are
    // chains as deep as the height limit ceil(log2(4096)) = 12 with few nodes.
    const rows = 4096;
    const data = new Float64Array(rows);
    for (let i = 0; i < 96; i++) data[4000 + i] = 2 ** (i + 1);
    const forest = IsolationForest.fit(data, rows, 1, { sampleSize: 4096, trees: 10 });
    const json = forest.toJSON();
    assert.ok(json.trees.some((t) => t.feature.length < 60 && t.feature.filter((f) => f >= 0).length >= 11));
    const probe = Float64Array.from([0, 3, 2 ** 40, 2 ** 96, 2 ** 200, -5]);
    const scores = forest.score(probe, probe.length);
    const expected = referenceScores(json, probe, probe.length);
    for (let r = 0; r < probe.length; r++) assert.ok(Math.abs(scores[r]! - expected[r]!) < 1e-12, `row ${r}`);
    assert.ok(scores[4]! > scores[0]!, 'the largest value is more anomalous than the repeated zero');

    // Mixed with dense trees grown on spread-out values, the two kinds of tree add up.
    const spread = Float64Array.from({ length: rows }, (_, i) => Math.sin(i) * 100);
    const dense = IsolationForest.fit(spread, rows, 1, { sampleSize: 4096, trees: 5, seed: 1 }).toJSON();
    const mixed = { ...json, trees: [...dense.trees, ...json.trees] };
    const mixedScores = IsolationForest.fromJSON(mixed).score(probe, probe.length);
    const mixedExpected = referenceScores(mixed, probe, probe.length);
    for (let r = 0; r < probe.length; r++) assert.ok(Math.abs(mixedScores[r]! - mixedExpected[r]!) < 1e-12);
  });

  it('round-trips through JSON with identical scores', () => {
    const forest = IsolationForest.fit(planted, ROWS, COLS, { seed: 9, trees: 30, sampleSize: 128 });
    const json = JSON.parse(JSON.stringify(forest));
    assert.equal(json.kind, 'isolation-forest');
    assert.equal(json.trees.length, 30);
    const back = IsolationForest.fromJSON(json);
    assert.equal(back.cols, COLS);
    assert.equal(back.sampleSize, 128);
    assert.deepEqual(back.score(planted, ROWS), forest.score(planted, ROWS));
    assert.deepEqual(back.toJSON(), forest.toJSON());
  });

  it('refuses malformed JSON naming the field', () => {
    const good = IsolationForest.fit(planted, ROWS, COLS, { trees: 2 }).toJSON();
    const tweak = (edit: (j: ReturnType<typeof structuredClone<typeof good>>) => void) => {
      const copy = structuredClone(good);
      edit(copy);
      return () => IsolationForest.fromJSON(copy);
    };
    assertInvalid(() => IsolationForest.fromJSON('forest'), /must be an object; got the string "forest"/);
    assertInvalid(
      tweak((j) => Object.assign(j, { kind: 'random-forest' })),
      /kind "isolation-forest".*got kind the string "random-forest"/,
    );
    assertInvalid(
      tweak((j) => Object.assign(j, { trees: [] })),
      /trees must be a non-empty array/,
    );
    assertInvalid(
      tweak((j) => {
        j.trees[1]!.size.pop();
      }),
      /trees\[1\]\.size must be an array of \d+ numbers/,
    );
    assertInvalid(
      tweak((j) => {
        j.trees[0]!.feature[0] = COLS;
      }),
      /trees\[0\] node 0: feature must be -1 \(leaf\) or 0\.\.4; got 5/,
    );
    assertInvalid(
      tweak((j) => {
        j.trees[0]!.left[0] = 0;
      }),
      /trees\[0\] node 0: children must be node indices/,
    );
    assertInvalid(
      tweak((j) => {
        j.trees[0]!.right[0] = j.trees[0]!.left[0]!;
      }),
      /already has a parent/,
    );
    assertInvalid(
      tweak((j) => {
        j.trees[0]!.size[0]! += 1;
      }),
      /node 0: size must be an integer in 1\.\.256; got 257/,
    );
    assertInvalid(
      tweak((j) => {
        const child = j.trees[0]!.left[0]!;
        j.trees[0]!.size[child] = j.trees[0]!.size[child] === 1 ? 2 : j.trees[0]!.size[child]! - 1;
      }),
      /node 0: size must be the sum of its children's sizes/,
    );
  });
});

describe('IsolationForest against scikit-learn', () => {
  const fixture = loadFixture('isolation-forest.json') as {
    rows: number;
    cols: number;
    data: number[];
    scores: number[];
    planted: number[];
  };
  const data = Float64Array.from(fixture.data);
  const reference = Float64Array.from(fixture.scores);
  const ours = IsolationForest.fit(data, fixture.rows, fixture.cols, { trees: 200, seed: 0 }).score(
    data,
    fixture.rows,
  );

  it('correlates with sklearn IsolationForest(n_estimators=200) scores (Spearman > 0.9)', () => {
    const rho = spearmanCorrelation(ours, reference);
    assert.ok(rho > 0.9, `Spearman ${rho}`);
  });

  it('agrees with sklearn on at least 8 of its top-10 outliers', () => {
    const theirs = new Set(ranking(reference).slice(0, 10));
    const shared = ranking(ours)
      .slice(0, 10)
      .filter((r) => theirs.has(r)).length;
    assert.ok(shared >= 8, `only ${shared} of the top 10 in common`);
  });
});
