/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, as scikit-learn's `_kmeans_plusplus`): the
 * first centre is a row drawn with probability proportional to its weight; each next centre is the
 * best of 2 + ⌊ln k⌋ candidates drawn with probability proportional to w·D², where D is the distance
 * to the nearest chosen centre — "best" meaning the candidate that lowers the potential Σ w·D² most.
 */
import type { SeededRandom } from '../seeded-random.js';

function squaredDistance(X: Float64Array, a: number, b: number, cols: number): number {
  let s = 0;
  for (let j = 0; j < cols; j++) {
    const t = X[a * cols + j]! - X[b * cols + j]!;
    s += t * t;
  }
  return s;
}

/** The first index whose cumulative sum reaches `target` (numpy's searchsorted, side left), clipped to n − 1. */
function searchCumulative(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, cumulative.length - 1);
}

/** k initial centres (k × cols, rows of X) chosen by greedy k-means++ with `random`. */
export function kMeansPlusPlus(
  X: Float64Array,
  rows: number,
  cols: number,
  w: Float64Array | undefined,
  k: number,
  random: SeededRandom,
): Float64Array {
  const centers = new Float64Array(k * cols);
  const trials = 2 + Math.floor(Math.log(k));
  const weight = (i: number): number => (w === undefined ? 1 : w[i]!);
  const cumulative = new Float64Array(rows);
  const fillCumulative = (values: (i: number) => number): number => {
    let s = 0;
    for (let i = 0; i < rows; i++) {
      s += values(i);
      cumulative[i] = s;
    }
    return s;
  };
  const totalWeight = fillCumulative(weight);
  const first = searchCumulative(cumulative, random.uniform() * totalWeight);
  centers.set(X.subarray(first * cols, (first + 1) * cols), 0);
  const closest = new Float64Array(rows);
  for (let i = 0; i < rows; i++) closest[i] = squaredDistance(X, i, first, cols);
  const candidate = new Float64Array(rows);
  const bestDist = new Float64Array(rows);
  for (let c = 1; c < k; c++) {
    const potential = fillCumulative((i) => weight(i) * closest[i]!);
    let bestPot = Number.POSITIVE_INFINITY;
    let bestId = -1;
    for (let t = 0; t < trials; t++) {
      const id = searchCumulative(cumulative, random.uniform() * potential);
      let pot = 0;
      for (let i = 0; i < rows; i++) {
        const d = Math.min(closest[i]!, squaredDistance(X, i, id, cols));
        candidate[i] = d;
        pot += weight(i) * d;
      }
      if (pot < bestPot) {
        bestPot = pot;
        bestId = id;
        bestDist.set(candidate);
      }
    }
    closest.set(bestDist);
    centers.set(X.subarray(bestId * cols, (bestId + 1) * cols), c * cols);
  }
  return centers;
}
