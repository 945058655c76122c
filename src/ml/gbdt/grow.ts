/**
 * Growing one boosted tree on binned data (internal): depth-wise (all nodes of a level, XGBoost's
 * `depthwise`) or leaf-wise (best gain first, LightGBM style, up to `maxLeaves`), histogram
 * subtraction (the smaller child is built, the larger is parent − smaller), stable in-place row
 * partitioning, XGBoost's monotone bound propagation and its post-pruning by `gamma`.
 */
import type { BinnedData } from './binning.js';
import { type Quantization, unpack } from './histogram.js';
import type { Objective } from './objective.js';
import { readSplit, type SplitTable, subtract, writeInputs } from './level.js';
import { JOB, LUT } from './partition.js';
import { emptySplit, findBestSplit, leafWeight, type Split, type SplitParams } from './split.js';

/** What a pool needs for the row work of a round: the objective, targets, weights and margins. */
export interface RowData {
  objective: Objective;
  /** Outputs per row (margins are rows × k). */
  k: number;
  huberDelta: number;
  y: Float64Array;
  w: Float64Array | undefined;
  margin: Float64Array;
}

/**
 * Per leaf of the tree being finished: row ranges (`ranges[2i]`, `ranges[2i + 1]`), sums, values,
 * and the per-block partial sums (quantize.ts `leafBlockSums`).
 */
export interface LeafTable {
  ranges: Int32Array;
  G: Float64Array;
  H: Float64Array;
  values: Float64Array;
  partial: Float64Array;
}

/**
 * Where histograms live and how they are built, rows partitioned and the row work of a round done
 * (one thread, or shared with workers).
 */
export interface HistPool {
  /** Row indices of the tree being grown; nodes own contiguous ranges of it. */
  readonly rows: Int32Array;
  acquire(): number;
  release(id: number): void;
  view(id: number): Float64Array;
  /** Builds the histogram of `rows[start..end)` with gradient set `gradSet` into `id`. */
  build(gradSet: number, start: number, end: number, id: number, features: Int32Array): void;
  /** Level index of each training row (−1: in no node being built), for {@link buildLevel}. */
  readonly nodeOf: Int32Array;
  /** Histogram id per level index (−1: none). */
  readonly targets: Int32Array;
  /** Row range `[start, end)` in `rows` per level index (`ranges[2t]`, `ranges[2t + 1]`). */
  readonly ranges: Int32Array;
  /**
   * Builds the histograms `targets[0..count)`: of the rows by `nodeOf`, in one pass over all rows,
   * or, from quantized gradients, of each target's row range; then, per pair of level indices,
   * derives the histogram of the one not built from its `derive` entry in the split table and
   * searches the split of every index marked there (level.ts `finishLevel`).
   */
  buildLevel(gradSet: number, count: number, features: Int32Array): void;
  /** The split table of level builds, with room for at least `count` level indices. */
  splitTable(count: number): SplitTable;
  /** Partition jobs and their lookup tables (see partition.ts), room for at least `count` jobs. */
  jobTables(count: number): { jobs: Int32Array; luts: Uint8Array };
  /** Runs the partition jobs `0..count` (writing each job's first right position). */
  partitionLevel(count: number): void;
  /** Computes every gradient set from the margins (computeGradients over all rows). */
  gradients(): void;
  /**
   * Quantizes every gradient set `c` with `bits` bits and dithering seed `seeds[c]` into the
   * pool's packed arrays; from then on histograms are built from those (and hold the decoded
   * pairs). Without it they are built from the exact pairs.
   */
  quantizeAll(bits: number, seeds: readonly number[]): Quantization[];
  /** The leaf table, with room for at least `count` leaves (and the index of rows in no leaf). */
  leafTable(count: number): LeafTable;
  /**
   * Records the leaf of every row from the ranges of leaves `0..count`; with `unsampled` (the tree
   * was grown on a sample), the other rows first get `count` (in no leaf).
   */
  indexLeaves(count: number, unsampled: boolean): void;
  /** Fills `G`, `H` of leaves `0..count` of the leaf table from gradient set `gradSet` (rows indexed). */
  leafSums(gradSet: number, count: number): void;
  /** Adds each leaf's value to output `c` of its rows' margins, leaves `0..count` (rows indexed). */
  addLeafValues(c: number, count: number): void;
}

/** Growth parameters. */
export interface GrowParams extends SplitParams {
  /** 0 = unlimited. */
  maxDepth: number;
  /** 0 = depth-wise. */
  maxLeaves: number;
  gamma: number;
}

/** A grown tree before shrinkage: nodes in breadth-first order, child indices relative to the root. */
export interface GrownTree {
  feature: Int32Array;
  bin: Int32Array;
  missingLeft: Uint8Array;
  catBits: (Uint32Array | null)[];
  left: Int32Array;
  right: Int32Array;
  /** Optimal (bounded) weight of every node, before the learning rate. */
  weight: Float64Array;
  /** Hessian sum per node. */
  cover: Float64Array;
  /** Monotone weight bounds per node. */
  lower: Float64Array;
  upper: Float64Array;
  /** Loss reduction of each split (0 at leaves). */
  gain: Float64Array;
  /** Row range of each node in the pool's `rows` (leaves partition the sampled rows). */
  start: Int32Array;
  end: Int32Array;
}

interface Node {
  start: number;
  end: number;
  G: number;
  H: number;
  depth: number;
  lower: number;
  upper: number;
  weight: number;
  hist: number;
  split: Split;
  left: number;
  right: number;
  seq: number;
  /** The parent's `seq` (−1 at the root). */
  parent: number;
}

const RT_EPS = 1e-6;

/** Grows trees over one binned dataset; reuses its buffers between trees. */
export class TreeGrower {
  /** Whether the tree being grown keeps `nodeOf` (level builds from exact gradients). */
  private byRow = false;

  constructor(
    private readonly data: BinnedData,
    private readonly pool: HistPool,
    private readonly params: GrowParams,
  ) {}

  /**
   * Grows one tree on `rows[0..n)` of the pool with gradient set `gradSet` (`grad` its pairs), or
   * from its quantized values when `q` is given (as HistPool.quantizeAll returned it).
   */
  grow(gradSet: number, grad: Float64Array, n: number, features: Int32Array, q?: Quantization): GrownTree {
    const { pool, params: p, data } = this;
    const rows = pool.rows;
    let G = 0;
    let H = 0;
    if (q) {
      // Every row sampled: the total of the packed values (exact integers) is the root's sums.
      let v = q.total;
      if (n < data.rows) {
        v = 0;
        for (let k = 0; k < n; k++) v += q.packed[rows[k]!]!;
      }
      ({ G, H } = unpack(v, q));
    } else
      for (let k = 0; k < n; k++) {
        const r = rows[k]!;
        G += grad[2 * r]!;
        H += grad[2 * r + 1]!;
      }
    const nodes: Node[] = [];
    const make = (
      start: number,
      end: number,
      g: number,
      h: number,
      depth: number,
      lo: number,
      up: number,
    ) => {
      const node: Node = {
        start,
        end,
        G: g,
        H: h,
        depth,
        lower: lo,
        upper: up,
        weight: leafWeight(g, h, p, lo, up),
        hist: -1,
        split: emptySplit(),
        left: -1,
        right: -1,
        seq: nodes.length,
        parent: -1,
      };
      nodes.push(node);
      return node;
    };
    const canSplit = (depth: number) => p.maxDepth === 0 || depth < p.maxDepth;
    const root = make(0, n, G, H, 0, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    const queue: Node[] = [];
    const leafWise = p.maxLeaves > 0;
    const nodeOf = pool.nodeOf;
    // Level builds from exact gradients find each row's node through nodeOf; quantized ones read
    // the nodes' row ranges.
    const byRow = !leafWise && !q;
    this.byRow = byRow;
    if (canSplit(0) && n > 1) {
      root.hist = pool.acquire();
      if (leafWise) {
        pool.build(gradSet, 0, n, root.hist, features);
        findBestSplit(pool.view(root.hist), G, H, root.lower, root.upper, features, data, p, root.split);
      } else {
        if (byRow) {
          nodeOf.fill(-1);
          for (let k = 0; k < n; k++) nodeOf[rows[k]!] = 0;
        }
        pool.targets[0] = root.hist;
        pool.ranges[0] = 0;
        pool.ranges[1] = n;
        const table = pool.splitTable(1);
        writeInputs(table, 0, root, true, -1);
        pool.buildLevel(gradSet, 1, features);
        readSplit(table, 0, data, root.split);
      }
      queue.push(root);
    }
    let leaves = 1;
    let head = 0;
    // Depth-wise: a level's partitions are queued and run together (possibly on several threads)
    // before its children's histograms are built; `deferred` holds each job's children.
    const deferred: Node[] = [];
    const runSplits = () => {
      if (deferred.length === 0) return;
      pool.partitionLevel(deferred.length / 2);
      const jobs = pool.jobTables(0).jobs;
      for (let j = 0; 2 * j < deferred.length; j++) {
        const mid = jobs[JOB * j + 4]!;
        deferred[2 * j]!.end = mid;
        deferred[2 * j + 1]!.start = mid;
      }
      deferred.length = 0;
    };
    // Depth-wise: the children of a level are split first, then all their histograms are built in
    // one pass over the rows (`flush`), the larger siblings' derived and every split searched (by
    // the pool, see level.ts), and they join the queue.
    const pending: Node[] = [];
    const flush = () => {
      const table = pool.splitTable(pending.length);
      for (let i = 0; i < pending.length; i += 2) {
        const l = pending[i]!;
        const r = pending[i + 1]!;
        const parent = nodes[l.parent]!;
        const small = l.end - l.start <= r.end - r.start ? l : r;
        small.hist = pool.acquire();
        const t = small === l ? i : i + 1;
        pool.targets[t] = small.hist;
        pool.targets[t ^ 1] = -1;
        pool.ranges[2 * t] = small.start;
        pool.ranges[2 * t + 1] = small.end;
        writeInputs(table, i, l, l.end - l.start >= 2, small === l ? -1 : parent.hist);
        writeInputs(table, i + 1, r, r.end - r.start >= 2, small === r ? -1 : parent.hist);
      }
      pool.buildLevel(gradSet, pending.length, features);
      for (let i = 0; i < pending.length; i += 2) {
        const parent = nodes[pending[i]!.parent]!;
        for (let t = i; t < i + 2; t++) {
          const c = pending[t]!;
          if (c.hist < 0) c.hist = parent.hist;
          if (c.end - c.start < 2) this.drop(c);
          else {
            readSplit(table, t, data, c.split);
            queue.push(c);
          }
        }
        parent.hist = -1;
      }
      pending.length = 0;
    };
    while (head < queue.length || pending.length > 0) {
      if (head === queue.length) {
        runSplits();
        flush();
        continue;
      }
      let node: Node;
      if (leafWise) {
        let best = head;
        for (let i = head + 1; i < queue.length; i++) {
          const a = queue[i]!.split.gain;
          const b = queue[best]!.split.gain;
          if (a > b || (a === b && queue[i]!.seq < queue[best]!.seq)) best = i;
        }
        node = queue[best]!;
        queue[best] = queue[head]!;
        head++;
        if (leaves >= p.maxLeaves) {
          this.releaseAll(queue, head - 1);
          break;
        }
      } else node = queue[head++]!;
      const s = node.split;
      const childHists = canSplit(node.depth + 1) && (!leafWise || leaves + 1 < p.maxLeaves);
      if (!(s.gain > RT_EPS)) {
        pool.release(node.hist);
        node.hist = -1;
        if (byRow) for (let k = node.start; k < node.end; k++) nodeOf[rows[k]!] = -1;
        continue;
      }
      const li = byRow && childHists ? pending.length : -1;
      const job = deferred.length / 2;
      this.queueSplit(job, node.start, node.end, s, li);
      let mid = node.start;
      if (leafWise) {
        pool.partitionLevel(1);
        mid = pool.jobTables(0).jobs[4]!;
      }
      const f = s.feature;
      const mono = p.monotone.length > 0 ? p.monotone[f]! : 0;
      let lu = node.upper;
      let ll = node.lower;
      let ru = node.upper;
      let rl = node.lower;
      if (mono !== 0) {
        const wl = leafWeight(s.GL, s.HL, p, node.lower, node.upper);
        const wr = leafWeight(s.GR, s.HR, p, node.lower, node.upper);
        const m = (wl + wr) / 2;
        if (mono > 0) {
          lu = m;
          rl = m;
        } else {
          ll = m;
          ru = m;
        }
      }
      const left = make(node.start, mid, s.GL, s.HL, node.depth + 1, ll, lu);
      const right = make(mid, node.end, s.GR, s.HR, node.depth + 1, rl, ru);
      node.left = left.seq;
      node.right = right.seq;
      if (!leafWise) deferred.push(left, right);
      leaves++;
      if (childHists && !leafWise) {
        left.parent = node.seq;
        right.parent = node.seq;
        pending.push(left, right);
      } else if (childHists) {
        const [small, large] = mid - node.start <= node.end - mid ? [left, right] : [right, left];
        small.hist = pool.acquire();
        pool.build(gradSet, small.start, small.end, small.hist, features);
        subtract(pool.view(node.hist), pool.view(small.hist), data.offset, features);
        large.hist = node.hist;
        node.hist = -1;
        this.evaluate(left, right, features, queue);
      } else {
        pool.release(node.hist);
        node.hist = -1;
      }
    }
    runSplits();
    this.releaseAll(queue, head);
    return this.finish(nodes, root);
  }

  /** Releases the histogram of a node with fewer than 2 rows, which is not split. */
  private drop(c: Node): void {
    this.pool.release(c.hist);
    c.hist = -1;
    if (this.byRow) for (let k = c.start; k < c.end; k++) this.pool.nodeOf[this.pool.rows[k]!] = -1;
  }

  /** Searches the best split of both children and queues those with at least 2 rows (leaf-wise). */
  private evaluate(left: Node, right: Node, features: Int32Array, queue: Node[]): void {
    for (const c of [left, right]) {
      if (c.end - c.start < 2) {
        this.drop(c);
        continue;
      }
      findBestSplit(
        this.pool.view(c.hist),
        c.G,
        c.H,
        c.lower,
        c.upper,
        features,
        this.data,
        this.params,
        c.split,
      );
      queue.push(c);
    }
  }

  private releaseAll(queue: Node[], from: number): void {
    for (let i = from; i < queue.length; i++) {
      const q = queue[i]!;
      if (q.hist >= 0) this.pool.release(q.hist);
      q.hist = -1;
    }
  }

  /** Queues partition job `j`: `rows[start..end)` by the split `s`, left level index `li` (−1: none). */
  private queueSplit(j: number, start: number, end: number, s: Split, li: number): void {
    const { jobs, luts } = this.pool.jobTables(j + 1);
    const nb = this.data.nBins[s.feature]!;
    const o = LUT * j;
    for (let b = 0; b < nb; b++)
      luts[o + b] = s.catBits ? (s.catBits[b >>> 5]! >>> (b & 31)) & 1 : b <= s.bin ? 1 : 0;
    luts[o + nb] = s.missingLeft ? 1 : 0;
    jobs[JOB * j] = start;
    jobs[JOB * j + 1] = end;
    jobs[JOB * j + 2] = s.feature;
    jobs[JOB * j + 3] = li;
  }

  /** Prunes splits with gain < gamma bottom-up (XGBoost's pruner) and renumbers breadth-first. */
  private finish(nodes: Node[], root: Node): GrownTree {
    const gamma = this.params.gamma;
    const prune = (node: Node): void => {
      if (node.left < 0) return;
      const l = nodes[node.left]!;
      const r = nodes[node.right]!;
      prune(l);
      prune(r);
      if (l.left < 0 && r.left < 0 && node.split.gain < gamma) {
        node.left = -1;
        node.right = -1;
      }
    };
    if (gamma > 0) prune(root);
    const orderList: Node[] = [root];
    for (let i = 0; i < orderList.length; i++) {
      const node = orderList[i]!;
      if (node.left >= 0) orderList.push(nodes[node.left]!, nodes[node.right]!);
    }
    const m = orderList.length;
    const index = new Map<Node, number>();
    for (const [i, node] of orderList.entries()) index.set(node, i);
    const out: GrownTree = {
      feature: new Int32Array(m),
      bin: new Int32Array(m),
      missingLeft: new Uint8Array(m),
      catBits: [],
      left: new Int32Array(m),
      right: new Int32Array(m),
      weight: new Float64Array(m),
      cover: new Float64Array(m),
      lower: new Float64Array(m),
      upper: new Float64Array(m),
      gain: new Float64Array(m),
      start: new Int32Array(m),
      end: new Int32Array(m),
    };
    orderList.forEach((node, i) => {
      const leaf = node.left < 0;
      out.feature[i] = leaf ? -1 : node.split.feature;
      out.bin[i] = leaf ? -1 : node.split.bin;
      out.missingLeft[i] = !leaf && node.split.missingLeft ? 1 : 0;
      out.catBits.push(leaf ? null : node.split.catBits);
      out.left[i] = leaf ? -1 : index.get(nodes[node.left]!)!;
      out.right[i] = leaf ? -1 : index.get(nodes[node.right]!)!;
      out.weight[i] = node.weight;
      out.cover[i] = node.H;
      out.lower[i] = node.lower;
      out.upper[i] = node.upper;
      out.gain[i] = leaf ? 0 : node.split.gain;
      out.start[i] = node.start;
      out.end[i] = node.end;
    });
    return out;
  }
}
