/**
 * Split search on a node's histogram (internal): XGBoost's gain `T(G)²/(H + λ)` with the L1
 * soft-threshold `T(G) = sign(G)·max(|G| − α, 0)` (no ½ factor, as XGBoost's code), both default
 * directions for missing values, LightGBM-style categorical partitions (categories sorted by
 * G/(H + catSmooth), best prefix of at most `maxCatThreshold` categories, from either end), and
 * monotonic constraints with XGBoost's weight bounds.
 */
import type { BinnedData } from './binning.js';

/** Regularisation and constraint parameters the split search reads. */
export interface SplitParams {
  lambda: number;
  alpha: number;
  minChildWeight: number;
  maxCatThreshold: number;
  catSmooth: number;
  /** −1, 0 or 1 per feature, or empty. */
  monotone: Int8Array;
}

/** The best split found for a node (`gain` −Infinity when there is none). */
export interface Split {
  gain: number;
  feature: number;
  /** Numeric: value bins `<= bin` go left. */
  bin: number;
  missingLeft: boolean;
  /** Categorical: bit `c` set = category `c` goes left. */
  catBits: Uint32Array | null;
  GL: number;
  HL: number;
  GR: number;
  HR: number;
}

/** A split with no gain. */
export function emptySplit(): Split {
  return {
    gain: Number.NEGATIVE_INFINITY,
    feature: -1,
    bin: -1,
    missingLeft: false,
    catBits: null,
    GL: 0,
    HL: 0,
    GR: 0,
    HR: 0,
  };
}

function thresholdL1(g: number, alpha: number): number {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

/** The leaf weight of sums (G, H), clamped to [lower, upper]. */
export function leafWeight(G: number, H: number, p: SplitParams, lower: number, upper: number): number {
  if (H + p.lambda <= 0) return 0;
  const w = -thresholdL1(G, p.alpha) / (H + p.lambda);
  return Math.min(Math.max(w, lower), upper);
}

/** The gain term of sums (G, H) at weight `w` (equals T(G)²/(H + λ) at the optimal weight). */
function gainAt(G: number, H: number, w: number, p: SplitParams): number {
  if (H <= 0) return 0;
  return -(2 * (G * w + p.alpha * Math.abs(w)) + (H + p.lambda) * w * w);
}

/** The unconstrained gain term T(G)²/(H + λ). */
function gain(G: number, H: number, lambda: number, alpha: number): number {
  if (H <= 0) return 0;
  const t = thresholdL1(G, alpha);
  return (t * t) / (H + lambda);
}

/**
 * Finds the best split of a node with sums (G, H) and weight bounds [lower, upper] over `features`
 * and writes it to `out`. Ties keep the first found (lowest feature, then lowest bin).
 */
export function findBestSplit(
  hist: Float64Array,
  G: number,
  H: number,
  lower: number,
  upper: number,
  features: Int32Array,
  data: Pick<BinnedData, 'nBins' | 'offset' | 'categorical'>,
  p: SplitParams,
  out: Split,
): void {
  out.gain = Number.NEGATIVE_INFINITY;
  out.feature = -1;
  out.catBits = null;
  const constrained = p.monotone.length > 0;
  const parentGain = constrained
    ? gainAt(G, H, leafWeight(G, H, p, lower, upper), p)
    : gain(G, H, p.lambda, p.alpha);
  const { lambda, alpha, minChildWeight: mcw } = p;
  for (let j = 0; j < features.length; j++) {
    const f = features[j]!;
    const nb = data.nBins[f]!;
    const o = 2 * data.offset[f]!;
    if (data.categorical[f]) {
      categoricalSplit(hist, o, nb, f, G, H, parentGain, p, out);
      continue;
    }
    const Gm = hist[o + 2 * nb]!;
    const Hm = hist[o + 2 * nb + 1]!;
    if (!constrained && alpha === 0 && Hm <= 0) {
      numericSplitFast(hist, o, nb, f, G, H, parentGain, lambda, mcw, out);
      continue;
    }
    const mono = constrained ? p.monotone[f]! : 0;
    const last = Hm > 0 ? nb - 1 : nb - 2;
    let GL = 0;
    let HL = 0;
    for (let b = 0; b <= last; b++) {
      GL += hist[o + 2 * b]!;
      HL += hist[o + 2 * b + 1]!;
      // Missing values right.
      let gl = GL;
      let hl = HL;
      for (let dir = 0; dir < 2; dir++) {
        if (dir === 1) {
          if (Hm <= 0 || b === nb - 1) break;
          gl = GL + Gm;
          hl = HL + Hm;
        }
        const gr = G - gl;
        const hr = H - hl;
        if (hl < mcw || hr < mcw || hl <= 0 || hr <= 0) continue;
        let g: number;
        if (!constrained) g = gain(gl, hl, lambda, alpha) + gain(gr, hr, lambda, alpha) - parentGain;
        else {
          const wl = leafWeight(gl, hl, p, lower, upper);
          const wr = leafWeight(gr, hr, p, lower, upper);
          if ((mono > 0 && wl > wr) || (mono < 0 && wl < wr)) continue;
          g = gainAt(gl, hl, wl, p) + gainAt(gr, hr, wr, p) - parentGain;
        }
        if (g > out.gain) {
          out.gain = g;
          out.feature = f;
          out.bin = b;
          out.missingLeft = dir === 1;
          out.catBits = null;
          out.GL = gl;
          out.HL = hl;
          out.GR = gr;
          out.HR = hr;
        }
      }
    }
  }
}

/**
 * The common case of the numeric scan (no constraint, no L1, no missing values in the node): the
 * same candidates and gains as the general loop, with the gain written out.
 */
function numericSplitFast(
  hist: Float64Array,
  o: number,
  nb: number,
  f: number,
  G: number,
  H: number,
  parentGain: number,
  lambda: number,
  mcw: number,
  out: Split,
): void {
  let GL = 0;
  let HL = 0;
  const minH = mcw > 0 ? mcw : Number.MIN_VALUE;
  for (let b = 0; b <= nb - 2; b++) {
    GL += hist[o + 2 * b]!;
    HL += hist[o + 2 * b + 1]!;
    const HR = H - HL;
    if (HL < minH || HR < minH) continue;
    const GR = G - GL;
    const g = (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - parentGain;
    if (g > out.gain) {
      out.gain = g;
      out.feature = f;
      out.bin = b;
      out.missingLeft = false;
      out.catBits = null;
      out.GL = GL;
      out.HL = HL;
      out.GR = GR;
      out.HR = HR;
    }
  }
}

const order = new Int32Array(256);
const ratio = new Float64Array(256);

function categoricalSplit(
  hist: Float64Array,
  o: number,
  nb: number,
  f: number,
  G: number,
  H: number,
  parentGain: number,
  p: SplitParams,
  out: Split,
): void {
  const Gm = hist[o + 2 * nb]!;
  const Hm = hist[o + 2 * nb + 1]!;
  let used = 0;
  for (let c = 0; c < nb; c++) {
    const h = hist[o + 2 * c + 1]!;
    if (h > 0) {
      order[used++] = c;
      ratio[c] = hist[o + 2 * c]! / (h + p.catSmooth);
    }
  }
  if (used < 1 || (used < 2 && Hm <= 0)) return;
  const sorted = Array.from(order.subarray(0, used)).sort((a, b) => ratio[a]! - ratio[b]! || a - b);
  const maxTake = Math.min(p.maxCatThreshold, Hm > 0 ? used : used - 1);
  const { lambda, alpha, minChildWeight: mcw } = p;
  const consider = (take: number, fromEnd: boolean, single: number): void => {
    let gl = 0;
    let hl = 0;
    if (single >= 0) {
      gl = hist[o + 2 * single]!;
      hl = hist[o + 2 * single + 1]!;
    } else
      for (let i = 0; i < take; i++) {
        const c = sorted[fromEnd ? used - 1 - i : i]!;
        gl += hist[o + 2 * c]!;
        hl += hist[o + 2 * c + 1]!;
      }
    for (let dir = 0; dir < 2; dir++) {
      if (dir === 1) {
        if (Hm <= 0) break;
        gl += Gm;
        hl += Hm;
      }
      const gr = G - gl;
      const hr = H - hl;
      if (hl < mcw || hr < mcw || hl <= 0 || hr <= 0) continue;
      const g = gain(gl, hl, lambda, alpha) + gain(gr, hr, lambda, alpha) - parentGain;
      if (g > out.gain) {
        const bits = new Uint32Array(Math.ceil(nb / 32));
        if (single >= 0) bits[single >>> 5]! |= 1 << (single & 31);
        else
          for (let i = 0; i < take; i++) {
            const c = sorted[fromEnd ? used - 1 - i : i]!;
            bits[c >>> 5]! |= 1 << (c & 31);
          }
        out.gain = g;
        out.feature = f;
        out.bin = -1;
        out.missingLeft = dir === 1;
        out.catBits = bits;
        out.GL = gl;
        out.HL = hl;
        out.GR = gr;
        out.HR = hr;
      }
    }
  };
  // Few categories: one category against the rest; always: the best prefix of the sorted order.
  if (used <= 4) for (let i = 0; i < used; i++) consider(1, false, order[i]!);
  for (let take = 1; take <= maxTake; take++) {
    consider(take, false, -1);
    if (take < used) consider(take, true, -1);
  }
}
