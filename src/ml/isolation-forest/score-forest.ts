/**
 * Scores rows against a grown forest (internal to isolation-forest).
 *
 * Each tree is laid out as a complete binary heap down to its depth D (children of slot n at 2n + 1
 * and 2n + 2), so a step is `n = 2n + 1 + (x[feature[n]] > threshold[n])`: no child lookup and no
 * branch to mispredict. A leaf above depth D is padded with slots of threshold +∞ that always go
 * left, and its path length sits at its left-most descendant at depth D; every walk in a tree takes
 * exactly D steps. The heaps are walked by a WebAssembly kernel (wasm-heap-kernel.ts), a block of
 * rows against every tree before the next block, so the block stays in cache. A tree whose heap
 * would be far larger than the tree itself (sparse and deep, from data with many repeated rows), and
 * every tree where WebAssembly is unavailable, is walked node by node in JavaScript instead.
 */
import { averagePathLength } from './average-path-length.js';
import type { ForestArrays } from './grow-forest.js';
import { type HeapTree, WasmHeapKernel } from './wasm-heap-kernel.js';

/** A forest prepared for {@link scoreForest}: the heap trees in a kernel, the others by index. */
export interface CompiledForest {
  forest: ForestArrays;
  kernel: WasmHeapKernel | undefined;
  /** Trees the kernel does not hold, walked node by node. */
  walked: number[];
}

/** A heap may hold at most this many bottom slots per tree node (plus a fixed allowance). */
const HEAP_SLOTS_PER_NODE = 4;
const HEAP_SLOTS_ALLOWANCE = 1024;

/** Lays out `forest` for {@link scoreForest}. The trees must be valid (pre-order, children in range). */
export function compileForest(forest: ForestArrays): CompiledForest {
  const heaps: HeapTree[] = [];
  const heapTrees: number[] = [];
  for (let t = 0; t + 1 < forest.treeStart.length; t++) {
    const heap = toHeap(forest, t);
    if (heap) {
      heaps.push(heap);
      heapTrees.push(t);
    }
  }
  const kernel = WasmHeapKernel.create(heaps);
  const all = Array.from({ length: forest.treeStart.length - 1 }, (_, t) => t);
  const walked = kernel ? all.filter((t) => !heapTrees.includes(t)) : all;
  return { forest, kernel, walked };
}

function toHeap(forest: ForestArrays, t: number): HeapTree | undefined {
  const base = forest.treeStart[t]!;
  const nodes = forest.treeStart[t + 1]! - base;
  // Pre-order puts a parent before its children, so one forward pass finds every depth.
  const level = new Int32Array(nodes);
  let depth = 0;
  for (let i = 0; i < nodes; i++) {
    if (level[i]! > depth) depth = level[i]!;
    if (forest.feature[base + i]! >= 0) {
      level[forest.left[base + i]!] = level[i]! + 1;
      level[forest.right[base + i]!] = level[i]! + 1;
    }
  }
  if (depth > 30 || 2 ** depth > HEAP_SLOTS_PER_NODE * nodes + HEAP_SLOTS_ALLOWANCE) return undefined;
  const splits = 2 ** depth - 1;
  const feature = new Int32Array(splits);
  const value = new Float64Array(2 * splits + 1);
  value.fill(Number.POSITIVE_INFINITY, 0, splits);
  const slot = new Int32Array(nodes);
  for (let i = 0; i < nodes; i++) {
    const f = forest.feature[base + i]!;
    const at = slot[i]!;
    if (f >= 0) {
      feature[at] = f;
      value[at] = forest.threshold[base + i]!;
      slot[forest.left[base + i]!] = 2 * at + 1;
      slot[forest.right[base + i]!] = 2 * at + 2;
    } else {
      let bottom = at;
      for (let d = level[i]!; d < depth; d++) bottom = 2 * bottom + 1;
      value[bottom] = level[i]! + averagePathLength(forest.size[base + i]!);
    }
  }
  return { depth, feature, value };
}

/**
 * Anomaly scores 2^(−E[h(x)] / c(sampleSize)) of `rows` rows of `data` (row-major, `cols` columns,
 * no NaN), one per row in row order.
 */
export function scoreForest(
  compiled: CompiledForest,
  sampleSize: number,
  data: Float64Array,
  rows: number,
  cols: number,
): Float64Array {
  const { forest, kernel, walked } = compiled;
  const trees = forest.treeStart.length - 1;
  const blockRows = Math.max(16, Math.min(4096, Math.floor(65536 / cols)));
  const total = new Float64Array(blockRows);
  const scores = new Float64Array(rows);
  const scale = -1 / (trees * averagePathLength(sampleSize));
  for (let first = 0; first < rows; first += blockRows) {
    const count = Math.min(rows, first + blockRows) - first;
    const block = data.subarray(first * cols, (first + count) * cols);
    total.fill(0);
    kernel?.addPaths(block, count, cols, total);
    for (const t of walked) addWalkedPaths(forest, t, block, count, cols, total);
    for (let i = 0; i < count; i++) scores[first + i] = 2 ** (total[i]! * scale);
  }
  return scores;
}

/** Adds each row's path length in tree `t` to `total`, following the stored nodes one by one. */
function addWalkedPaths(
  forest: ForestArrays,
  t: number,
  block: Float64Array,
  count: number,
  cols: number,
  total: Float64Array,
): void {
  const { feature, threshold, left, right, size } = forest;
  const base = forest.treeStart[t]!;
  for (let r = 0; r < count; r++) {
    const b = r * cols;
    let node = base;
    let depth = 0;
    for (let f = feature[node]!; f >= 0; f = feature[node]!, depth++) {
      node = base + (block[b + f]! <= threshold[node]! ? left[node]! : right[node]!);
    }
    total[r]! += depth + averagePathLength(size[node]!);
  }
}
