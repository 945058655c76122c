/**
 * Gradient histograms (internal, shared by the main thread and the histogram workers): per
 * histogram slot (feature bin) the interleaved float64 sums `hist[2s]` (gradient) and
 * `hist[2s + 1]` (hessian) over a node's rows.
 *
 * Determinism: the rows of every histogram are split into {@link ROW_BLOCKS} fixed blocks (whatever
 * the number of threads); block 0 is summed straight into the histogram, block 1 into a scratch
 * histogram, in row order, and the scratch is then added slot by slot ({@link addInto}). One
 * thread builds both blocks one after the other; with more threads the blocks run in parallel
 * (and a block's features may be split further among threads, which does not change any sum), so
 * every thread count gives bit-identical histograms.
 *
 * Quantized gradients: each row's gradient and hessian are small integers packed into one float64
 * (see {@link Quantization}), so a packed histogram (stride 1) holds one exact integer sum per slot
 * and a row adds one value per feature instead of two; {@link decodeHistogram} then writes the
 * interleaved pairs. Integer sums do not depend on the order of the additions, so threads may cut
 * a quantized build's rows anywhere (level.ts `sumQuantizedLevel`).
 *
 * Speed: the row loop over a contiguous feature range is generated once per (columns, range) with
 * the feature loop unrolled (`new Function`), which measured about twice as fast in V8 as the
 * plain nested loop; ranges wider than {@link MAX_UNROLL} features use the plain loop.
 */

/** Widest feature range whose loop is unrolled. */
const MAX_UNROLL = 128;

/** Fixed number of row blocks per histogram (independent of the thread count). */
const ROW_BLOCKS = 2;

/** The work of thread `i` of `threads`: its row block and its share `[a, b)` of `len` features. */
export function assignment(i: number, threads: number, len: number): { block: number; a: number; b: number } {
  if (threads <= 1) return { block: -1, a: 0, b: len };
  const block = i % ROW_BLOCKS;
  const members = Math.floor((threads - block + ROW_BLOCKS - 1) / ROW_BLOCKS);
  const shares = featureShares(len, members);
  const s = Math.floor(i / ROW_BLOCKS);
  return { block, a: shares[s]!, b: shares[s + 1]! };
}

/** The first row position of row block `block` of the range `[start, end)` (`block` ≤ {@link ROW_BLOCKS}). */
export function blockStart(start: number, end: number, block: number): number {
  return start + Math.floor(((end - start) * block) / ROW_BLOCKS);
}

/** Values per row in a gradient array and per slot in a histogram: 2 (gradient, hessian) or 1 (packed). */
export type Stride = 1 | 2;

/**
 * Gradients and hessians quantized to integers and packed into one float64 per row (LightGBM's
 * quantized training): `packed = gq · 2^shift + hq` with `|gq|, hq <= 2^bits − 1`, so a sum over up
 * to `2^(shift − bits)` rows stays an exact integer below 2^53. The scales are powers of two, so
 * decoded sums (`G = gq · gScale`, `H = hq · hScale`) are exact too: histogram sums, subtractions and
 * totals agree to the last bit whatever the order or the thread count.
 */
export interface Quantization {
  /** The packed values, one per training row. */
  packed: Float64Array;
  shift: number;
  gScale: number;
  hScale: number;
  /** The sum of the packed values of all training rows (the root's sums when every row is sampled). */
  total: number;
}

/** The scales of a quantization: what packing and decoding need. */
export type QuantScale = Pick<Quantization, 'shift' | 'gScale' | 'hScale'>;

/** `dst += src` over the slots of the features `features[a..b)`. */
export function addInto(
  dst: Float64Array,
  src: Float64Array,
  offset: Int32Array,
  features: Int32Array,
  a: number,
  b: number,
): void {
  for (let j = a; j < b; j++) {
    const f = features[j]!;
    for (let i = 2 * offset[f]!, e = 2 * offset[f + 1]!; i < e; i++) dst[i]! += src[i]!;
  }
}

/** The gradient and hessian sums of one packed sum. */
export function unpack(v: number, q: QuantScale): { G: number; H: number } {
  const unit = 2 ** q.shift;
  const g = Math.floor(v / unit);
  return { G: g * q.gScale, H: (v - g * unit) * q.hScale };
}

/**
 * Writes the interleaved (gradient, hessian) pairs of the packed sums `src` (a histogram built with
 * stride 1) into `dst`, over the features `features[a..b)`.
 */
export function decodeHistogram(
  src: Float64Array,
  dst: Float64Array,
  offset: Int32Array,
  features: Int32Array,
  a: number,
  b: number,
  q: QuantScale,
): void {
  const unit = 2 ** q.shift;
  const inv = 1 / unit;
  const { gScale, hScale } = q;
  for (let j = a; j < b; j++) {
    const f = features[j]!;
    for (let s = offset[f]!, e = offset[f + 1]!; s < e; s++) {
      const v = src[s]!;
      const g = Math.floor(v * inv);
      dst[2 * s] = g * gScale;
      dst[2 * s + 1] = (v - g * unit) * hScale;
    }
  }
}

/**
 * Numbers the level targets that have a histogram (`scratchTargets[t]` = 0, 1, … or −1) and
 * returns how many there are: block 1 of target `t` is built into scratch histogram
 * `scratchTargets[t]`.
 */
export function numberScratch(targets: Int32Array, count: number, scratchTargets: Int32Array): number {
  let j = 0;
  for (let t = 0; t < count; t++) scratchTargets[t] = targets[t]! >= 0 ? j++ : -1;
  return j;
}

type Kernel = (
  slot: Uint16Array | Uint32Array,
  grad: Float64Array,
  rows: Int32Array,
  start: number,
  end: number,
  hist: Float64Array,
  pairs: Uint32Array | undefined,
) => void;

/** The row's values (`g`, `h` or the packed `v`) as the kernels read them. */
function rowValues(stride: Stride): string {
  return stride === 2 ? ' const g = grad[2 * r];\n const h = grad[2 * r + 1];\n' : ' const v = grad[r];\n';
}

/** The unrolled loop-body tail shared by both kernels: add the row to each feature's slot, close the loop. */
function unrolledAdds(f0: number, f1: number, stride: Stride): string {
  let body = '';
  for (let f = f0; f < f1; f++)
    body +=
      stride === 2
        ? ` s = slot[p + ${f}] << 1; hist[s] += g; hist[s + 1] += h;\n`
        : ` hist[slot[p + ${f}]] += v;\n`;
  return `${body}}\n`;
}

const kernels = new Map<string, Kernel>();

/** The unrolled kernel adding rows to the slots of features f0..f1−1 of a `cols`-column matrix. */
function kernel(cols: number, f0: number, f1: number, wide: boolean, stride: Stride): Kernel {
  const key = `${cols}:${f0}:${f1}:${wide ? 32 : 16}:${stride}`;
  let k = kernels.get(key);
  if (!k) {
    const paired = pairedReads(cols, wide, stride);
    const body =
      'for (let k = start; k < end; k++) {\n const r = rows[k];\n' +
      rowValues(stride) +
      ` const p = r * ${cols};\n let s = 0;\n` +
      (paired
        ? ` const q = r * ${cols / 2};\n let w = 0;\n${pairedAdds(f0, f1)}`
        : unrolledAdds(f0, f1, stride));
    k = new Function('slot', 'grad', 'rows', 'start', 'end', 'hist', 'pairs', body) as Kernel;
    kernels.set(key, k);
  }
  return k;
}

/**
 * Whether a packed kernel reads the 16-bit slots of two features at once, as one 32-bit word (an
 * even column count keeps every row's slots word-aligned): about 10% faster. Both slots get the
 * same value, so which half holds which feature (the platform's byte order) does not matter.
 */
function pairedReads(cols: number, wide: boolean, stride: Stride): boolean {
  return stride === 1 && !wide && cols % 2 === 0;
}

/** The loop-body tail of a paired packed kernel over features f0..f1−1. */
function pairedAdds(f0: number, f1: number): string {
  let body = '';
  for (let f = f0; f < f1; f++) {
    if (f % 2 === 0 && f + 1 < f1) {
      body += ` w = pairs[q + ${f / 2}]; hist[w & 0xffff] += v; hist[w >>> 16] += v;\n`;
      f++;
    } else body += ` hist[slot[p + ${f}]] += v;\n`;
  }
  return `${body}}\n`;
}

/** The 32-bit view of a 16-bit slot matrix with an even column count (kept per matrix). */
const pairViews = new WeakMap<Uint16Array, Uint32Array>();
function pairView(slot: Uint16Array): Uint32Array {
  let view = pairViews.get(slot);
  if (!view) {
    view = new Uint32Array(slot.buffer, slot.byteOffset, slot.length >>> 1);
    pairViews.set(slot, view);
  }
  return view;
}

type LevelKernel = (
  slot: Uint16Array | Uint32Array,
  grad: Float64Array,
  nodeOf: Int32Array,
  targets: Int32Array,
  hists: Float64Array[],
  list: Int32Array,
  m: number,
) => void;

const levelKernels = new Map<string, LevelKernel>();

/** The unrolled kernel of {@link buildLevelHistograms} for features f0..f1−1. */
function levelKernel(cols: number, f0: number, f1: number, wide: boolean): LevelKernel {
  const key = `${cols}:${f0}:${f1}:${wide ? 32 : 16}`;
  let k = levelKernels.get(key);
  if (!k) {
    const body =
      'for (let k = 0; k < m; k++) {\n const r = list[k];\n const hist = hists[targets[nodeOf[r]]];\n' +
      rowValues(2) +
      ` const p = r * ${cols};\n let s = 0;\n` +
      unrolledAdds(f0, f1, 2);
    k = new Function('slot', 'grad', 'nodeOf', 'targets', 'hists', 'list', 'm', body) as LevelKernel;
    levelKernels.set(key, k);
  }
  return k;
}

let listBuffer = new Int32Array(0);

/**
 * Builds the histograms of a whole tree level over the rows `r0 <= r < r1`: row `r` with `nodeOf[r] = t >= 0` and
 * `targets[t] = id >= 0` is added to `hists[id]` (the features `features[a..b)`, whose slots in
 * every target are zeroed first). The rows to add are first listed in ascending order by a
 * branch-free pass over all rows; the build then reads the row data in order however scattered the
 * nodes' rows are (the union of a level's smaller children is dense enough for the hardware
 * prefetcher), without a per-row branch. Rows of nodes that need no histogram (the larger
 * children, leaves, rows not sampled) are left out.
 */
export function buildLevelHistograms(
  slot: Uint16Array | Uint32Array,
  cols: number,
  offset: Int32Array,
  grad: Float64Array,
  nodeOf: Int32Array,
  targets: Int32Array,
  count: number,
  hists: Float64Array[],
  r0: number,
  r1: number,
  features: Int32Array,
  a: number,
  b: number,
): void {
  if (a >= b) return;
  for (let t = 0; t < count; t++) {
    const id = targets[t]!;
    if (id < 0) continue;
    const hist = hists[id]!;
    for (let j = a; j < b; j++) {
      const f = features[j]!;
      hist.fill(0, 2 * offset[f]!, 2 * offset[f + 1]!);
    }
  }
  if (listBuffer.length < r1 - r0) listBuffer = new Int32Array(r1 - r0);
  const list = listBuffer;
  let m = 0;
  for (let r = r0; r < r1; r++) {
    const t = nodeOf[r]!;
    list[m] = r;
    // Kept when t >= 0 and targets[t] >= 0 (t < 0 reads targets[0] but is dropped by its sign).
    m += ((t >>> 31) | (targets[t & ~(t >> 31)]! >>> 31)) ^ 1;
  }
  const f0 = features[a]!;
  const f1 = features[b - 1]! + 1;
  if (f1 - f0 === b - a && b - a <= MAX_UNROLL) {
    levelKernel(cols, f0, f1, slot instanceof Uint32Array)(slot, grad, nodeOf, targets, hists, list, m);
    return;
  }
  for (let k = 0; k < m; k++) {
    const r = list[k]!;
    const hist = hists[targets[nodeOf[r]!]!]!;
    const p = r * cols;
    const g = grad[2 * r]!;
    const h = grad[2 * r + 1]!;
    for (let j = a; j < b; j++) {
      const s = slot[p + features[j]!]! << 1;
      hist[s]! += g;
      hist[s + 1]! += h;
    }
  }
}

/**
 * Builds the histogram of rows `rows[start..end)` for the features `features[a..b)` into `hist`
 * (whose slots of those features are zeroed first). `slot` is the row-major slot matrix of `cols`
 * columns, `offset` the first slot per feature, `grad` the interleaved gradient/hessian pairs (or,
 * with `stride` 1, the packed values of a {@link Quantization}).
 */
export function buildHistogram(
  slot: Uint16Array | Uint32Array,
  cols: number,
  offset: Int32Array,
  grad: Float64Array,
  rows: Int32Array,
  start: number,
  end: number,
  features: Int32Array,
  a: number,
  b: number,
  hist: Float64Array,
  stride: Stride = 2,
): void {
  if (a >= b) return;
  for (let j = a; j < b; j++) {
    const f = features[j]!;
    hist.fill(0, stride * offset[f]!, stride * offset[f + 1]!);
  }
  const f0 = features[a]!;
  const f1 = features[b - 1]! + 1;
  if (f1 - f0 === b - a && b - a <= MAX_UNROLL) {
    const wide = slot instanceof Uint32Array;
    const pairs = pairedReads(cols, wide, stride) ? pairView(slot as Uint16Array) : undefined;
    kernel(cols, f0, f1, wide, stride)(slot, grad, rows, start, end, hist, pairs);
    return;
  }
  for (let k = start; k < end; k++) {
    const r = rows[k]!;
    const p = r * cols;
    if (stride === 1) {
      const v = grad[r]!;
      for (let j = a; j < b; j++) hist[slot[p + features[j]!]!]! += v;
      continue;
    }
    const g = grad[2 * r]!;
    const h = grad[2 * r + 1]!;
    for (let j = a; j < b; j++) {
      const s = slot[p + features[j]!]! << 1;
      hist[s]! += g;
      hist[s + 1]! += h;
    }
  }
}

/** Splits `count` features into `parts` contiguous shares of equal size; returns `parts + 1` boundaries. */
export function featureShares(count: number, parts: number): Int32Array {
  const out = new Int32Array(parts + 1);
  for (let p = 0; p <= parts; p++) out[p] = Math.round((p * count) / parts);
  return out;
}
