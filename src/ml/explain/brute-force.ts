/**
 * Test helper (not exported from src/ml): Shapley values by enumerating every feature subset, for
 * checking the fast explainers on small inputs.
 */
import { goesLeft, type TreeEnsemble } from '../tree-ensemble.js';

/**
 * TreeSHAP's value function: the expected raw outputs when only the features in `mask` (bit j set
 * = feature j known) are known, integrating the others out with the node covers.
 */
export function treeConditionalExpectation(
  ens: TreeEnsemble,
  x: Float64Array,
  offset: number,
  mask: number,
): Float64Array {
  const K = ens.outputs;
  const out = Float64Array.from(ens.base);
  const trees = ens.treeStart.length - 1;
  for (let t = 0; t < trees; t++) {
    const s = ens.treeStart[t]!;
    const to = ens.treeOutput?.[t] ?? -1;
    const expect = (g: number, o: number): number => {
      const f = ens.feature[g]!;
      if (f < 0) return ens.value[g * K + o]!;
      const l = s + ens.left[g]!;
      const r = s + ens.right[g]!;
      if (mask & (1 << f)) return expect(goesLeft(ens, g, x[offset + f]!) ? l : r, o);
      return (ens.cover[l]! * expect(l, o) + ens.cover[r]! * expect(r, o)) / ens.cover[g]!;
    };
    if (to >= 0) out[to]! += ens.scale * expect(s, 0);
    else for (let o = 0; o < K; o++) out[o]! += ens.scale * expect(s, o);
  }
  return out;
}

/**
 * Shapley values of one row for a set function `value(mask)` over `m` features (outputs × m,
 * row-major), by the subset formula Σ_S |S|!(m−|S|−1)!/m! (v(S ∪ j) − v(S)).
 */
export function bruteForceShapley(
  m: number,
  outputs: number,
  value: (mask: number) => Float64Array,
): Float64Array {
  const cache = new Map<number, Float64Array>();
  const v = (mask: number): Float64Array => {
    let r = cache.get(mask);
    if (!r) {
      r = value(mask);
      cache.set(mask, r);
    }
    return r;
  };
  const fact = [1];
  for (let i = 1; i <= m; i++) fact.push(fact[i - 1]! * i);
  const phi = new Float64Array(outputs * m);
  for (let j = 0; j < m; j++) {
    for (let mask = 0; mask < 1 << m; mask++) {
      if (mask & (1 << j)) continue;
      let size = 0;
      for (let b = 0; b < m; b++) if (mask & (1 << b)) size++;
      const w = (fact[size]! * fact[m - size - 1]!) / fact[m]!;
      const a = v(mask | (1 << j));
      const b = v(mask);
      for (let o = 0; o < outputs; o++) phi[o * m + j]! += w * (a[o]! - b[o]!);
    }
  }
  return phi;
}
