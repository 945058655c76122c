import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KMeans, matrixFromRows } from '../index.js';
import { assertInvalid, loadFixture, mat } from '../test-fixtures.js';

interface Case {
  name: string;
  data: 'blobs' | 'uniform';
  weighted: boolean;
  k: number;
  init: number[];
  maxIter: number;
  tol: number;
  centers: number[];
  labels: number[];
  inertia: number;
  nIter: number;
}
const fixture = loadFixture('simple/cluster.json') as {
  blobs: number[];
  blobsTruth: number[];
  uniform: number[];
  uniformWeights: number[];
  cases: Case[];
  plusplus: { k: number; inertia: number; labels: number[] };
};
const blobs = mat(fixture.blobs, 2);
const uniform = mat(fixture.uniform, 3);
const uniformWeights = Float64Array.from(fixture.uniformWeights);

/** Adjusted Rand index of two labelings. */
function adjustedRand(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const table = new Map<string, number>();
  const rowSums = new Map<number, number>();
  const colSums = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${a[i]},${b[i]}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rowSums.set(a[i]!, (rowSums.get(a[i]!) ?? 0) + 1);
    colSums.set(b[i]!, (colSums.get(b[i]!) ?? 0) + 1);
  }
  const pairs = (m: number): number => (m * (m - 1)) / 2;
  let index = 0;
  for (const v of table.values()) index += pairs(v);
  let sa = 0;
  let sb = 0;
  for (const v of rowSums.values()) sa += pairs(v);
  for (const v of colSums.values()) sb += pairs(v);
  const expected = (sa * sb) / pairs(n);
  return (index - expected) / ((sa + sb) / 2 - expected);
}

describe('KMeans against scikit-learn 1.2.1 from the same initial centres', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const X = c.data === 'blobs' ? blobs : uniform;
      const init = mat(c.init, X.cols);
      const km = KMeans.fit(
        X,
        { k: c.k, init, maxIter: c.maxIter, tol: c.tol },
        c.weighted ? { sampleWeight: uniformWeights } : {},
      );
      assert.deepEqual(Array.from(km.labels), c.labels);
      for (let i = 0; i < c.centers.length; i++)
        assert.ok(Math.abs(km.centers.data[i]! - c.centers[i]!) <= 1e-9, `centre value ${i}`);
      assert.ok(
        Math.abs(km.inertia - c.inertia) <= 1e-9 * Math.max(1, c.inertia),
        `inertia ${km.inertia} vs ${c.inertia}`,
      );
      assert.equal(km.iterations, c.nIter);
      assert.deepEqual(km.predict(X), km.labels);
    });
  }
});

describe('KMeans behaviour', () => {
  it('with k-means++ and its own seeds matches scikit-learn on well-separated blobs', () => {
    const { k, inertia, labels } = fixture.plusplus;
    for (const seed of [0, 1, 2]) {
      const km = KMeans.fit(blobs, { k, seed });
      assert.ok(
        Math.abs(km.inertia - inertia) / inertia < 0.01,
        `seed ${seed}: inertia ${km.inertia} vs ${inertia}`,
      );
      assert.equal(adjustedRand(km.labels, labels), 1);
      assert.equal(adjustedRand(km.labels, fixture.blobsTruth), 1);
    }
    const once = KMeans.fit(blobs, { k, nInit: 1, init: 'random', seed: 5 });
    assert.ok(Number.isFinite(once.inertia));
  });

  it('is deterministic given the seed', () => {
    const a = KMeans.fit(uniform, { k: 5, seed: 9 }, { sampleWeight: uniformWeights });
    const b = KMeans.fit(uniform, { k: 5, seed: 9 }, { sampleWeight: uniformWeights });
    assert.deepEqual(a.centers, b.centers);
    assert.equal(a.inertia, b.inertia);
  });

  it('round-trips through save and load with identical predictions', () => {
    const km = KMeans.fit(uniform, { k: 4, seed: 1 });
    const loaded = KMeans.load(km.save());
    assert.deepEqual(loaded.predict(uniform), km.predict(uniform));
    assert.deepEqual(loaded.transform(uniform), km.transform(uniform));
    assert.equal(loaded.inertia, km.inertia);
  });

  it('rejects bad options and bad data with clear errors', () => {
    const small = matrixFromRows([[0], [1], [2]]);
    assertInvalid(
      () => KMeans.fit(small, { k: 4 }),
      /options\.k must be at most the number of rows \(3\); got 4/,
    );
    assertInvalid(() => KMeans.fit(small, { k: 0 }), /options\.k must be an integer >= 1; got the number 0/);
    assertInvalid(() => KMeans.fit(small, { k: 2, tol: -1 }), /options\.tol/);
    assertInvalid(
      () => KMeans.fit(small, { k: 2, init: 'kmeans' as 'random' }),
      /options\.init must be one of/,
    );
    assertInvalid(
      () => KMeans.fit(small, { k: 2, init: matrixFromRows([[0]]) }),
      /options\.init must have at least 2 rows/,
    );
    assertInvalid(() => KMeans.fit(small, { k: 2, clusters: 2 } as never), /unknown option "clusters"/);
    assertInvalid(() => KMeans.fit(matrixFromRows([[0], [Number.NaN]]), { k: 1 }), /row 1, column 0/);
    assertInvalid(() => KMeans.fit(small, { k: 1 }).predict(matrixFromRows([[1, 2]])), /1 columns/);
  });
});
