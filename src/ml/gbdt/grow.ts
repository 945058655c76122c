/**
 * Growing one boosted tree on binned data (internal): depth-wise (all nodes of a level, XGBoost's
 * `depthwise`) or leaf-wise (best gain first, LightGBM style, up to `maxLeaves`), histogram
 * subtraction (the smaller child is built, the larger is parent − smaller), stable in-place row
 * partitioning, XGBoost's monotone bound propagation and its post-pruning by `gamma`.
 */
import type { BinnedData } from './binning.js';
import { emptySplit, findBestSplit, leafWeight, type Split, type SplitParams } from './split.js';

/** Where histograms live and how they are built (one thread, or shared with workers). */
export interface HistPool {
  /** Row indices of the tree being grown; nodes own contiguous ranges of it. */
  readonly rows: Int32Array;
  acquire(): number;
  release(id: number): void;
  view(id: number): Float64Array;
  /** Builds the histogram of `rows[start..end)` with gradient set `gradSet` into `id`. */
  build(gradSet: number, start: number, end: number, id: number, features: Int32Array): void;
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
}

const RT_EPS = 1e-6;

/** Grows trees over one binned dataset; reuses its buffers between trees. */
export class TreeGrower {
  private readonly tmp: Int32Array;
  private readonly lut = new Uint8Array(257);

  constructor(
    private readonly data: BinnedData,
    private readonly pool: HistPool,
    private readonly params: GrowParams,
  ) {
    this.tmp = new Int32Array(data.rows);
  }

  /** Grows one tree on `rows[0..n)` of the pool with gradient set `gradSet` (`grad` its pairs). */
  grow(gradSet: number, grad: Float64Array, n: number, features: Int32Array): GrownTree {
    const { pool, params: p, data } = this;
    const rows = pool.rows;
    let G = 0;
    let H = 0;
    for (let k = 0; k < n; k++) {
      const r = rows[k]!;
      G += grad[2 * r]!;
      H += grad[2 * r + 1]!;
    }
    const nodes: Node[] = [];
    const make = (start: number, end: number, g: number, h: number, depth: number, lo: number, up: number) => {
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
      };
      nodes.push(node);
      return node;
    };
    const canSplit = (depth: number) => p.maxDepth === 0 || depth < p.maxDepth;
    const root = make(0, n, G, H, 0, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    const queue: Node[] = [];
    if (canSplit(0) && n > 1) {
      root.hist = pool.acquire();
      pool.build(gradSet, 0, n, root.hist, features);
      findBestSplit(pool.view(root.hist), G, H, root.lower, root.upper, features, data, p, root.split);
      queue.push(root);
    }
    const leafWise = p.maxLeaves > 0;
    let leaves = 1;
    let head = 0;
    while (head < queue.length) {
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
      if (!(s.gain > RT_EPS)) {
        pool.release(node.hist);
        node.hist = -1;
        continue;
      }
      const mid = this.partition(node.start, node.end, s);
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
      leaves++;
      if (canSplit(node.depth + 1) && (!leafWise || leaves < p.maxLeaves)) {
        const [small, large] = mid - node.start <= node.end - mid ? [left, right] : [right, left];
        small.hist = pool.acquire();
        pool.build(gradSet, small.start, small.end, small.hist, features);
        const parent = pool.view(node.hist);
        const sh = pool.view(small.hist);
        for (const fj of features) {
          for (let i = 2 * data.offset[fj]!, e = 2 * data.offset[fj + 1]!; i < e; i++) parent[i]! -= sh[i]!;
        }
        large.hist = node.hist;
        node.hist = -1;
        for (const c of [left, right]) {
          if (c.end - c.start < 2) {
            pool.release(c.hist);
            c.hist = -1;
            continue;
          }
          findBestSplit(pool.view(c.hist), c.G, c.H, c.lower, c.upper, features, data, p, c.split);
          queue.push(c);
        }
      } else {
        pool.release(node.hist);
        node.hist = -1;
      }
    }
    this.releaseAll(queue, head);
    return this.finish(nodes, root);
  }

  private releaseAll(queue: Node[], from: number): void {
    for (let i = from; i < queue.length; i++) {
      const q = queue[i]!;
      if (q.hist >= 0) this.pool.release(q.hist);
      q.hist = -1;
    }
  }

  /** Stable partition of `rows[start..end)` by the split; returns the first right position. */
  private partition(start: number, end: number, s: Split): number {
    const { data, lut, tmp } = this;
    const rows = this.pool.rows;
    const f = s.feature;
    const nb = data.nBins[f]!;
    for (let b = 0; b < nb; b++)
      lut[b] = s.catBits ? (s.catBits[b >>> 5]! >>> (b & 31)) & 1 : b <= s.bin ? 1 : 0;
    lut[nb] = s.missingLeft ? 1 : 0;
    const col = data.colBins.subarray(f * data.rows, (f + 1) * data.rows);
    let l = start;
    let t = 0;
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      if (lut[col[r]!] === 1) rows[l++] = r;
      else tmp[t++] = r;
    }
    rows.set(tmp.subarray(0, t), l);
    return l;
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
    orderList.forEach((node, i) => index.set(node, i));
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
