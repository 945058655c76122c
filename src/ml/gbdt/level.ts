/**
 * A depth-wise tree level (internal, shared by the pools and the histogram workers). Its
 * histograms are built in two phases: the rows are summed (each thread a share of every target's
 * rows when gradients are quantized, else a fixed row block), then {@link finishLevel} takes the
 * level's sibling pairs, each thread a share of the features of all of them (as many bins each):
 * it completes the built histogram of each pair (adds up the partial sums), derives the other
 * sibling's from the parent's by subtraction and searches both children for their best split
 * over its features. {@link mergeSplits} then keeps each child's best split of the threads'. The
 * split search thus runs on every thread instead of on the caller alone, evenly at every level
 * (the root's and its children's too), and the results do not depend on the number of threads.
 *
 * The grower writes each level index's inputs to the {@link SplitTable} (sums, weight bounds,
 * whether to search, the parent histogram to derive from) and reads the splits back.
 */
import type { BinnedData } from './binning.js';
import {
  addInto,
  blockStart,
  buildHistogram,
  buildLevelHistograms,
  decodeHistogram,
  type QuantScale,
} from './histogram.js';
import { emptySplit, findBestSplit, type Split, type SplitParams } from './split.js';

/** Float64 fields per level index in {@link SplitTable.splits}. */
export const SPLIT = 13;
/** Uint32 words per level index in {@link SplitTable.catBits} (categories 0..254). */
export const CAT_WORDS = 8;

/** Field offsets of a level index's record in {@link SplitTable.splits}. */
export const F = {
  /** Inputs: the node's sums, weight bounds, and 1 to search it. */
  G: 0,
  H: 1,
  LOWER: 2,
  UPPER: 3,
  SEARCH: 4,
  /** Outputs: the best split (gain −Infinity, feature −1: none). */
  GAIN: 5,
  FEATURE: 6,
  BIN: 7,
  MISSING_LEFT: 8,
  GL: 9,
  HL: 10,
  GR: 11,
  HR: 12,
} as const;

/** Per level index: split search inputs and results, and the histogram to derive from. */
export interface SplitTable {
  /** {@link SPLIT} float64 per level index (fields {@link F}). */
  splits: Float64Array;
  /** {@link CAT_WORDS} words per level index: the categories going left of a categorical split. */
  catBits: Uint32Array;
  /**
   * The parent's histogram id for the level index whose histogram is not built but is the
   * parent's minus its sibling's (the sibling is the other index of the pair, `t ^ 1`); −1: none.
   */
  derive: Int32Array;
  /**
   * With several threads, each thread's best split of each level index over its features: record
   * `t · parts + part` (fields {@link F} from GAIN on; {@link CAT_WORDS} words each in `foundBits`).
   */
  found: Float64Array;
  foundBits: Uint32Array;
}

/**
 * A split table with room for `count` level indices searched by `parts` threads, in shared memory
 * or not.
 */
export function newSplitTable(count: number, shared: boolean, parts = 1): SplitTable {
  const buffer = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const found = parts > 1 ? count * parts : 0;
  return {
    splits: new Float64Array(buffer(count * SPLIT * 8)),
    catBits: new Uint32Array(buffer(count * CAT_WORDS * 4)),
    derive: new Int32Array(buffer(count * 4)),
    found: new Float64Array(buffer(found * SPLIT * 8)),
    foundBits: new Uint32Array(buffer(found * CAT_WORDS * 4)),
  };
}

/** What a thread reads and writes to build and search a level: its views of the shared arrays. */
export interface LevelJob {
  data: Pick<BinnedData, 'rows' | 'slot' | 'cols' | 'offset' | 'nBins' | 'categorical'>;
  params: SplitParams;
  /** Row indices; level index `t` owns `rows[ranges[2t]..ranges[2t + 1])`. */
  rows: Int32Array;
  /** Level index of each training row (−1: none), for exact level builds. */
  nodeOf: Int32Array;
  ranges: Int32Array;
  /** Histogram id to build per level index (−1: none). */
  targets: Int32Array;
  /** Scratch number per built level index (histogram.ts `numberScratch`). */
  scratchTargets: Int32Array;
  hists: Float64Array[];
  scratch: Float64Array[];
  table: SplitTable;
}

/**
 * Phase one of building a level's quantized histograms on `parts` threads: thread `part` sums its
 * share of the rows of every target `t` with `targets[t] >= 0` (cut in `parts` equal runs) over
 * `features`, packed, into its scratch histogram `scratch[scratchTargets[t] * parts + part]`. Rows,
 * not features, are shared out: each row's slots are one cache line, which two threads taking
 * halves of the features would both fetch.
 */
export function sumQuantizedLevel(
  job: LevelJob,
  packed: Float64Array,
  count: number,
  features: Int32Array,
  part: number,
  parts: number,
): void {
  const { data, rows, ranges, targets, scratchTargets, scratch } = job;
  for (let t = 0; t < count; t++) {
    if (targets[t]! < 0) continue;
    const start = ranges[2 * t]!;
    const len = ranges[2 * t + 1]! - start;
    const from = start + Math.floor((len * part) / parts);
    const to = start + Math.floor((len * (part + 1)) / parts);
    const into = scratch[scratchTargets[t]! * parts + part]!;
    const { slot, cols, offset } = data;
    buildHistogram(slot, cols, offset, packed, rows, from, to, features, 0, features.length, into, 1);
  }
}

/**
 * Exact gradients `grad`: builds row block `block` (0 or 1, see histogram.ts) of the level's
 * histograms over `features[a..b)`, block 0 into the targets' histograms, block 1 into their
 * scratch histograms (added in by {@link finishLevel}); rows are found through `nodeOf`.
 */
export function buildLevelBlock(
  job: LevelJob,
  grad: Float64Array,
  count: number,
  block: number,
  features: Int32Array,
  a: number,
  b: number,
): void {
  const { data, nodeOf } = job;
  const mid = blockStart(0, data.rows, 1);
  const [r0, r1] = block === 0 ? [0, mid] : [mid, data.rows];
  const targets = block === 0 ? job.targets : job.scratchTargets;
  const hists = block === 0 ? job.hists : job.scratch;
  const { slot, cols, offset } = data;
  buildLevelHistograms(slot, cols, offset, grad, nodeOf, targets, count, hists, r0, r1, features, a, b);
}

/** The pairs `[from, to)` of thread `part` of `parts` for a level of `count` indices. */
/**
 * Thread `part`'s run `features[a..b)` of `parts` contiguous runs holding about as many histogram
 * slots each.
 */
export function featureRun(
  features: Int32Array,
  offset: Int32Array,
  part: number,
  parts: number,
): [number, number] {
  let total = 0;
  for (const f of features) total += offset[f + 1]! - offset[f]!;
  const start = (p: number) => {
    if (p <= 0) return 0;
    if (p >= parts) return features.length;
    // The cut whose slots before it are nearest the target (the lower one on a tie).
    const target = (total * p) / parts;
    let before = 0;
    for (let j = 0; j < features.length; j++) {
      const after = before + offset[features[j]! + 1]! - offset[features[j]!]!;
      if (after >= target) return target - before <= after - target ? j : j + 1;
      before = after;
    }
    return features.length;
  };
  return [start(part), start(part + 1)];
}

/**
 * Phase two, thread `part` of `parts`, over its run of `features` (see {@link featureRun}) for
 * every sibling pair of the level: completes each built histogram (quantized, `q` given: adds the
 * `parts` packed sums of {@link sumQuantizedLevel} and decodes them; exact: adds the row-block-1
 * scratch, see histogram.ts), derives the sibling's histogram (parent − built, in the parent's
 * buffer), and searches the split of each index whose SEARCH input is 1: written to the table on
 * one thread, else to the thread's `found` record (then {@link mergeSplits}).
 */
export function finishLevel(
  job: LevelJob,
  count: number,
  features: Int32Array,
  part: number,
  parts: number,
  q: QuantScale | null,
): void {
  const { data, targets, scratchTargets, hists, scratch, table } = job;
  const { offset } = data;
  const { splits, derive } = table;
  const [a, b] = featureRun(features, offset, part, parts);
  const mine = features.subarray(a, b);
  const split = emptySplit();
  for (let i = 0; 2 * i < count; i++) {
    const t1 = Math.min(2 * i + 2, count);
    for (let t = 2 * i; t < t1; t++) {
      const id = targets[t]!;
      if (id < 0) continue;
      if (q) {
        const first = scratch[scratchTargets[t]! * parts]!;
        for (let p = 1; p < parts; p++)
          addPacked(first, scratch[scratchTargets[t]! * parts + p]!, offset, mine);
        decodeHistogram(first, hists[id]!, offset, features, a, b, q);
      } else addInto(hists[id]!, scratch[scratchTargets[t]!]!, offset, features, a, b);
    }
    for (let t = 2 * i; t < t1; t++) {
      const parent = derive[t]!;
      if (parent >= 0) subtract(hists[parent]!, hists[targets[t ^ 1]!]!, offset, mine);
    }
    for (let t = 2 * i; t < t1; t++) {
      const o = SPLIT * t;
      if (splits[o + F.SEARCH] !== 1) continue;
      const hist = hists[targets[t]! >= 0 ? targets[t]! : derive[t]!]!;
      const { G, H, LOWER, UPPER } = F;
      findBestSplit(
        hist,
        splits[o + G]!,
        splits[o + H]!,
        splits[o + LOWER]!,
        splits[o + UPPER]!,
        mine,
        data,
        job.params,
        split,
      );
      if (parts === 1) writeSplit(table.splits, table.catBits, t, split);
      else writeSplit(table.found, table.foundBits, t * parts + part, split);
    }
  }
}

/**
 * After every thread's {@link finishLevel}: the split of each searched level index is the best of
 * the threads' (a later thread's only when its gain is greater, as one thread scanning all the
 * features in order would find).
 */
export function mergeSplits(table: SplitTable, count: number, parts: number): void {
  const { splits, found, catBits, foundBits } = table;
  for (let t = 0; t < count; t++) {
    const o = SPLIT * t;
    if (splits[o + F.SEARCH] !== 1) continue;
    let best = t * parts;
    for (let r = best + 1; r < (t + 1) * parts; r++)
      if (found[SPLIT * r + F.GAIN]! > found[SPLIT * best + F.GAIN]!) best = r;
    splits.set(found.subarray(SPLIT * best + F.GAIN, SPLIT * (best + 1)), o + F.GAIN);
    catBits.set(foundBits.subarray(CAT_WORDS * best, CAT_WORDS * (best + 1)), CAT_WORDS * t);
  }
}

/** `dst += src` over the packed (stride 1) slots of `features`. */
function addPacked(dst: Float64Array, src: Float64Array, offset: Int32Array, features: Int32Array): void {
  for (const f of features) for (let i = offset[f]!, e = offset[f + 1]!; i < e; i++) dst[i]! += src[i]!;
}

/** `parent −= child` over the slots of `features` (the parent's buffer becomes the sibling's). */
export function subtract(
  parent: Float64Array,
  child: Float64Array,
  offset: Int32Array,
  features: Int32Array,
): void {
  for (const f of features)
    for (let i = 2 * offset[f]!, e = 2 * offset[f + 1]!; i < e; i++) parent[i]! -= child[i]!;
}

/** Writes split `s` to record `t` of `out` (fields from GAIN on) and its categories to `bits`. */
function writeSplit(out: Float64Array, bits: Uint32Array, t: number, s: Split): void {
  const o = SPLIT * t;
  out[o + F.GAIN] = s.gain;
  out[o + F.FEATURE] = s.feature;
  out[o + F.BIN] = s.bin;
  out[o + F.MISSING_LEFT] = s.missingLeft ? 1 : 0;
  out[o + F.GL] = s.GL;
  out[o + F.HL] = s.HL;
  out[o + F.GR] = s.GR;
  out[o + F.HR] = s.HR;
  const words = bits.subarray(CAT_WORDS * t, CAT_WORDS * (t + 1));
  words.fill(0);
  if (s.catBits) words.set(s.catBits);
}

/** Writes level index `t`'s search inputs: sums, weight bounds, whether to search, the histogram to derive from. */
export function writeInputs(
  table: SplitTable,
  t: number,
  node: { G: number; H: number; lower: number; upper: number },
  search: boolean,
  derive: number,
): void {
  const o = SPLIT * t;
  const s = table.splits;
  s[o + F.G] = node.G;
  s[o + F.H] = node.H;
  s[o + F.LOWER] = node.lower;
  s[o + F.UPPER] = node.upper;
  s[o + F.SEARCH] = search ? 1 : 0;
  table.derive[t] = derive;
}

/** Reads level index `t`'s split from the table into `out` (a categorical split's bits copied). */
export function readSplit(
  table: SplitTable,
  t: number,
  data: Pick<BinnedData, 'nBins' | 'categorical'>,
  out: Split,
): void {
  const o = SPLIT * t;
  const s = table.splits;
  out.gain = s[o + F.GAIN]!;
  out.feature = s[o + F.FEATURE]!;
  out.bin = s[o + F.BIN]!;
  out.missingLeft = s[o + F.MISSING_LEFT] === 1;
  out.GL = s[o + F.GL]!;
  out.HL = s[o + F.HL]!;
  out.GR = s[o + F.GR]!;
  out.HR = s[o + F.HR]!;
  const f = out.feature;
  out.catBits =
    f >= 0 && data.categorical[f]
      ? table.catBits.slice(CAT_WORDS * t, CAT_WORDS * t + Math.ceil(data.nBins[f]! / 32))
      : null;
}
