/**
 * The recursive TreeSHAP of Lundberg et al. (2018), Algorithm 2, over one tree for every row
 * (internal to src/ml/explain; see tree-shap.ts).
 */
import type { ShapContext } from './tree-shap-table.js';

/**
 * A function adding tree `t`'s TreeSHAP values of every row to `ctx.values`, by the recursion of
 * Algorithm 2 (as XGBoost's `pred_contribs`): O(leaves · depth²) per row, no allocation per row.
 */
export function createPathShap(ctx: ShapContext): (t: number) => void {
  const { ens, x, rows, M, K, leftFrac, rightFrac, scaled, values, maxDepth } = ctx;
  const { feature, threshold, left, right, missingLeft, treeStart } = ens;
  const categorical = ens.categorical;
  const catStart = ens.catStart;
  const catBits = ens.catBits;
  const treeOutput = ens.treeOutput;
  // The unique path of Algorithm 2, one segment per recursion level. Element i of the segment at
  // `off` is P[4(off+i) ..]: feature, zero fraction, one fraction, permutation weight.
  const maxd = maxDepth + 2;
  const P = new Float64Array(4 * (((maxd + 1) * (maxd + 2)) / 2 + maxd));
  const ws = new Float64Array(maxd + 1);
  // Ratios used by extend/unwind, by (d, i) at d * S + i, so the inner loops only multiply.
  const S = maxd + 1;
  const upR = new Float64Array(S * S); // (i + 1) / (d + 1)
  const downR = new Float64Array(S * S); // (d − i) / (d + 1)
  const invUp = new Float64Array(S * S); // (d + 1) / (i + 1)
  const invDown = new Float64Array(S * S); // (d + 1) / (d − i)
  for (let d = 0; d < S; d++)
    for (let i = 0; i < d; i++) {
      upR[d * S + i] = (i + 1) / (d + 1);
      downR[d * S + i] = (d - i) / (d + 1);
      invUp[d * S + i] = (d + 1) / (i + 1);
      invDown[d * S + i] = (d + 1) / (d - i);
    }
  let xOff = 0; // offset of the current row in x
  let phiOff = 0; // offset of (row, output 0) in values
  let tBase = 0; // first node of the current tree
  let tOut = -1; // treeOutput of the current tree

  const unwind = (o: number, d: number, at: number): void => {
    const one = P[o + 4 * at + 2]!;
    const zero = P[o + 4 * at + 1]!;
    let next = P[o + 4 * d + 3]!;
    if (one !== 0) {
      const inv = 1 / one;
      for (let i = d - 1; i >= 0; i--) {
        const tmp = P[o + 4 * i + 3]!;
        const w = next * inv * invUp[d * S + i]!;
        P[o + 4 * i + 3] = w;
        next = tmp - w * zero * downR[d * S + i]!;
      }
    } else {
      const inv = 1 / zero;
      for (let i = d - 1; i >= 0; i--) P[o + 4 * i + 3] = P[o + 4 * i + 3]! * inv * invDown[d * S + i]!;
    }
    for (let i = 4 * at; i < 4 * d; i += 4) {
      P[o + i] = P[o + i + 4]!;
      P[o + i + 1] = P[o + i + 5]!;
      P[o + i + 2] = P[o + i + 6]!;
    }
  };

  const leaf = (g: number, o: number, d: number): void => {
    // The unwound path sum of every element i (1..d) times (one − zero). For one = 0 it is
    // Σ_j w_j (d+1)/(d−j) / zero, the same sum for every such element (Fast TreeSHAP's reuse).
    let s0 = 0;
    const row = d * S;
    for (let j = d - 1; j >= 0; j--) s0 += P[o + 4 * j + 3]! * invDown[row + j]!;
    const last = P[o + 4 * d + 3]!;
    for (let i = 1; i <= d; i++) {
      const zero = P[o + 4 * i + 1]!;
      const one = P[o + 4 * i + 2]!;
      if (one === 0) {
        ws[i] = zero !== 0 ? -s0 : 0;
        continue;
      }
      let next = last;
      let total = 0;
      const inv = 1 / one;
      for (let j = d - 1; j >= 0; j--) {
        const tmp = next * inv * invUp[row + j]!;
        total += tmp;
        next = P[o + 4 * j + 3]! - tmp * zero * downR[row + j]!;
      }
      ws[i] = total * (one - zero);
    }
    if (tOut >= 0) {
      const v = scaled[g * K]!;
      const base = phiOff + tOut * M;
      for (let i = 1; i <= d; i++) values[base + P[o + 4 * i]!]! += ws[i]! * v;
    } else {
      for (let k = 0; k < K; k++) {
        const v = scaled[g * K + k]!;
        const base = phiOff + k * M;
        for (let i = 1; i <= d; i++) values[base + P[o + 4 * i]!]! += ws[i]! * v;
      }
    }
  };

  const walk = (g: number, d: number, parentO: number, zero: number, one: number, pf: number): void => {
    // Copy the parent's path, then extend it by (pf, zero, one).
    const o = parentO + 4 * (d + 1);
    for (let i = 0; i < 4 * d; i++) P[o + i] = P[parentO + i]!;
    const e = o + 4 * d;
    P[e] = pf;
    P[e + 1] = zero;
    P[e + 2] = one;
    P[e + 3] = d === 0 ? 1 : 0;
    const row = d * S;
    for (let i = d - 1; i >= 0; i--) {
      const w = P[o + 4 * i + 3]!;
      P[o + 4 * i + 7]! += one * w * upR[row + i]!;
      P[o + 4 * i + 3] = zero * w * downR[row + i]!;
    }
    const f = feature[g]!;
    if (f < 0) {
      leaf(g, o, d);
      return;
    }
    const v = x[xOff + f]!;
    let goLeft: boolean;
    if (Number.isNaN(v)) goLeft = missingLeft[g] === 1;
    else if (categorical !== undefined && categorical[g] === 1) {
      const start = catStart![g]!;
      const words = catStart![g + 1]! - start;
      goLeft =
        v >= 0 &&
        Number.isInteger(v) &&
        v < words * 32 &&
        ((catBits![start + (v >>> 5)]! >>> (v & 31)) & 1) === 1;
    } else goLeft = v <= threshold[g]!;
    const l = tBase + left[g]!;
    const r = tBase + right[g]!;
    const hot = goLeft ? l : r;
    const cold = goLeft ? r : l;
    const hotZero = goLeft ? leftFrac[g]! : rightFrac[g]!;
    const coldZero = goLeft ? rightFrac[g]! : leftFrac[g]!;
    let inZero = 1;
    let inOne = 1;
    let at = 0;
    while (at <= d && P[o + 4 * at] !== f) at++;
    let dd = d;
    if (at <= d) {
      inZero = P[o + 4 * at + 1]!;
      inOne = P[o + 4 * at + 2]!;
      unwind(o, d, at);
      dd = d - 1;
    }
    // A child reached by no cover and not by x contributes nothing; skipping it also avoids 0/0.
    if (hotZero * inZero !== 0 || inOne !== 0) walk(hot, dd + 1, o, hotZero * inZero, inOne, f);
    if (coldZero * inZero !== 0) walk(cold, dd + 1, o, coldZero * inZero, 0, f);
  };

  return (t: number): void => {
    tBase = treeStart[t]!;
    tOut = treeOutput?.[t] ?? -1;
    if (feature[tBase]! < 0) return; // a single leaf: only the bias
    for (let r = 0; r < rows; r++) {
      xOff = r * M;
      phiOff = r * K * M;
      walk(tBase, 0, 0, 1, 1, -1);
    }
  };
}
