/**
 * Gradient histograms (internal, shared by the main thread and the histogram workers): per
 * histogram slot (feature bin) the interleaved float64 sums `hist[2s]` (gradient) and
 * `hist[2s + 1]` (hessian) over a node's rows. Each feature's sums are added in row order, so
 * splitting the features among threads gives bit-identical histograms.
 *
 * Speed: the row loop over a contiguous feature range is generated once per (columns, range) with
 * the feature loop unrolled (`new Function`), which measured about twice as fast in V8 as the
 * plain nested loop; ranges wider than {@link MAX_UNROLL} features use the plain loop.
 */

/** Widest feature range whose loop is unrolled. */
export const MAX_UNROLL = 128;

type Kernel = (
  slot: Uint16Array | Uint32Array,
  grad: Float64Array,
  rows: Int32Array,
  start: number,
  end: number,
  hist: Float64Array,
) => void;

const kernels = new Map<string, Kernel>();

/** The unrolled kernel adding rows to the slots of features f0..f1−1 of a `cols`-column matrix. */
function kernel(cols: number, f0: number, f1: number, wide: boolean): Kernel {
  const key = `${cols}:${f0}:${f1}:${wide ? 32 : 16}`;
  let k = kernels.get(key);
  if (!k) {
    let body =
      'for (let k = start; k < end; k++) {\n const r = rows[k];\n const g = grad[2 * r];\n const h = grad[2 * r + 1];\n' +
      ` const p = r * ${cols};\n let s = 0;\n`;
    for (let f = f0; f < f1; f++) body += ` s = slot[p + ${f}] << 1; hist[s] += g; hist[s + 1] += h;\n`;
    body += '}\n';
    k = new Function('slot', 'grad', 'rows', 'start', 'end', 'hist', body) as Kernel;
    kernels.set(key, k);
  }
  return k;
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
    let body =
      'for (let k = 0; k < m; k++) {\n const r = list[k];\n const hist = hists[targets[nodeOf[r]]];\n' +
      ` const g = grad[2 * r];\n const h = grad[2 * r + 1];\n const p = r * ${cols};\n let s = 0;\n`;
    for (let f = f0; f < f1; f++) body += ` s = slot[p + ${f}] << 1; hist[s] += g; hist[s + 1] += h;\n`;
    body += '}\n';
    k = new Function('slot', 'grad', 'nodeOf', 'targets', 'hists', 'list', 'm', body) as LevelKernel;
    levelKernels.set(key, k);
  }
  return k;
}

let scratch = new Int32Array(0);

/**
 * Builds the histograms of a whole tree level: row `r` with `nodeOf[r] = t >= 0` and
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
  n: number,
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
  if (scratch.length < n) scratch = new Int32Array(n);
  const list = scratch;
  let m = 0;
  for (let r = 0; r < n; r++) {
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
 * columns, `offset` the first slot per feature, `grad` the interleaved gradient/hessian pairs.
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
): void {
  if (a >= b) return;
  for (let j = a; j < b; j++) {
    const f = features[j]!;
    hist.fill(0, 2 * offset[f]!, 2 * offset[f + 1]!);
  }
  const f0 = features[a]!;
  const f1 = features[b - 1]! + 1;
  if (f1 - f0 === b - a && b - a <= MAX_UNROLL) {
    kernel(cols, f0, f1, slot instanceof Uint32Array)(slot, grad, rows, start, end, hist);
    return;
  }
  for (let k = start; k < end; k++) {
    const r = rows[k]!;
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

/** Splits `count` features into `parts` contiguous shares of equal size; returns `parts + 1` boundaries. */
export function featureShares(count: number, parts: number): Int32Array {
  const out = new Int32Array(parts + 1);
  for (let p = 0; p <= parts; p++) out[p] = Math.round((p * count) / parts);
  return out;
}
