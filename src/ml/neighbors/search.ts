/**
 * Exact k-nearest-neighbour search: brute force or a KD-tree, both keeping a bounded max-heap per
 * query ordered by (distance, training index), so ties in distance go to the lower training index and
 * both searches return the same neighbours in the same order.
 */

/** How distances are measured: Minkowski with exponent `p` (1 Manhattan, 2 Euclidean). */
export interface DistanceSpec {
  readonly p: number;
}

/** Neighbours of each query row: `k` training indices and distances per row, nearest first. */
export interface NeighborResult {
  readonly indices: Int32Array;
  readonly distances: Float64Array;
}

/** A KD-tree over the rows of a row-major training matrix. */
export interface KdTree {
  /** Training row indices, permuted so every node covers a contiguous range. */
  readonly order: Int32Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Child node indices, −1 for leaves. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Per node, the bounding box of its rows: `cols` lower then `cols` upper bounds. */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

const LEAF_SIZE = 16;

/** The reduced distance (Σ|a−b|^p, no root) between row `a` of `A` and row `b` of `B`. */
function reduced(A: Float64Array, a: number, B: Float64Array, b: number, cols: number, p: number): number {
  let s = 0;
  const oa = a * cols;
  const ob = b * cols;
  if (p === 2) {
    for (let j = 0; j < cols; j++) {
      const d = A[oa + j]! - B[ob + j]!;
      s += d * d;
    }
  } else if (p === 1) {
    for (let j = 0; j < cols; j++) s += Math.abs(A[oa + j]! - B[ob + j]!);
  } else {
    for (let j = 0; j < cols; j++) s += Math.abs(A[oa + j]! - B[ob + j]!) ** p;
  }
  return s;
}

function fromReduced(r: number, p: number): number {
  return p === 1 ? r : p === 2 ? Math.sqrt(r) : r ** (1 / p);
}

/** A bounded max-heap of (distance, index) pairs; the root is the worst kept neighbour. */
class NeighborHeap {
  readonly dist: Float64Array;
  readonly idx: Int32Array;
  size = 0;
  constructor(readonly k: number) {
    this.dist = new Float64Array(k);
    this.idx = new Int32Array(k);
  }
  /** The distance a candidate must not exceed to enter (Infinity until full). */
  bound(): number {
    return this.size < this.k ? Number.POSITIVE_INFINITY : this.dist[0]!;
  }
  private greater(i: number, d: number, x: number): boolean {
    const di = this.dist[i]!;
    return di > d || (di === d && this.idx[i]! > x);
  }
  push(d: number, x: number): void {
    const { dist, idx } = this;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (this.greater(parent, d, x)) break;
        dist[i] = dist[parent]!;
        idx[i] = idx[parent]!;
        i = parent;
      }
      dist[i] = d;
      idx[i] = x;
      return;
    }
    if (!this.greater(0, d, x)) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.k) break;
      const r = l + 1;
      let c = l;
      if (r < this.k && (dist[r]! > dist[l]! || (dist[r] === dist[l] && idx[r]! > idx[l]!))) c = r;
      if (!(dist[c]! > d || (dist[c] === d && idx[c]! > x))) break;
      dist[i] = dist[c]!;
      idx[i] = idx[c]!;
      i = c;
    }
    dist[i] = d;
    idx[i] = x;
  }
  /** Writes the kept neighbours nearest first into `outIdx`/`outDist` at `offset`. */
  drain(outIdx: Int32Array, outDist: Float64Array, offset: number, p: number): void {
    const order = Array.from({ length: this.size }, (_, i) => i);
    order.sort((a, b) => this.dist[a]! - this.dist[b]! || this.idx[a]! - this.idx[b]!);
    for (let i = 0; i < order.length; i++) {
      outIdx[offset + i] = this.idx[order[i]!]!;
      outDist[offset + i] = fromReduced(this.dist[order[i]!]!, p);
    }
    this.size = 0;
  }
}

function squaredEuclidean(A: Float64Array, a: number, B: Float64Array, b: number, cols: number): number {
  let s = 0;
  const oa = a * cols;
  const ob = b * cols;
  for (let j = 0; j < cols; j++) {
    const d = A[oa + j]! - B[ob + j]!;
    s += d * d;
  }
  return s;
}

/**
 * Reorders `order[a..b)` so that position `mid` holds the row that would be there if the range were
 * sorted by column `col` (then row index), smaller rows before it and larger after (quickselect).
 */
function selectMedian(
  order: Int32Array,
  a: number,
  b: number,
  mid: number,
  X: Float64Array,
  cols: number,
  col: number,
): void {
  const less = (u: number, v: number): boolean => {
    const xu = X[u * cols + col]!;
    const xv = X[v * cols + col]!;
    return xu < xv || (xu === xv && u < v);
  };
  let lo = a;
  let hi = b - 1;
  while (lo < hi) {
    const pivot = order[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (less(order[i]!, pivot)) i++;
      while (less(pivot, order[j]!)) j--;
      if (i <= j) {
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
        i++;
        j--;
      }
    }
    if (mid <= j) hi = j;
    else if (mid >= i) lo = i;
    else return;
  }
}

/** Builds a KD-tree (split on the widest dimension at the median, leaves of up to 16 rows). */
export function buildKdTree(X: Float64Array, rows: number, cols: number): KdTree {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const start: number[] = [];
  const end: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  const build = (a: number, b: number): number => {
    const node = start.length;
    start.push(a);
    end.push(b);
    left.push(-1);
    right.push(-1);
    let widest = -1;
    let spread = 0;
    for (let j = 0; j < cols; j++) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let i = a; i < b; i++) {
        const v = X[order[i]! * cols + j]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      lower.push(lo);
      upper.push(hi);
      if (hi - lo > spread) {
        spread = hi - lo;
        widest = j;
      }
    }
    if (b - a <= LEAF_SIZE || widest < 0) return node;
    const mid = (a + b) >> 1;
    selectMedian(order, a, b, mid, X, cols, widest);
    left[node] = build(a, mid);
    right[node] = build(mid, b);
    return node;
  };
  build(0, rows);
  return {
    order,
    start: Int32Array.from(start),
    end: Int32Array.from(end),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    lower: Float64Array.from(lower),
    upper: Float64Array.from(upper),
  };
}

/** Minimum reduced distance from query row `q` to the bounding box of `node`. */
function boxDistance(
  tree: KdTree,
  node: number,
  Q: Float64Array,
  q: number,
  cols: number,
  p: number,
): number {
  let s = 0;
  const o = node * cols;
  for (let j = 0; j < cols; j++) {
    const v = Q[q * cols + j]!;
    const lo = tree.lower[o + j]!;
    const hi = tree.upper[o + j]!;
    const d = v < lo ? lo - v : v > hi ? v - hi : 0;
    s += p === 2 ? d * d : p === 1 ? d : d ** p;
  }
  return s;
}

/**
 * The `k` nearest training rows of each query row. With a `tree` the search is pruned by bounding
 * boxes; without it every training row is scanned. Both give identical results.
 */
export function kNeighbors(
  X: Float64Array,
  rows: number,
  Q: Float64Array,
  queries: number,
  cols: number,
  k: number,
  spec: DistanceSpec,
  tree?: KdTree,
): NeighborResult {
  const { p } = spec;
  const indices = new Int32Array(queries * k);
  const distances = new Float64Array(queries * k);
  const heap = new NeighborHeap(k);
  for (let q = 0; q < queries; q++) {
    if (tree === undefined) {
      let bound = heap.bound();
      for (let i = 0; i < rows; i++) {
        const d = p === 2 ? squaredEuclidean(Q, q, X, i, cols) : reduced(Q, q, X, i, cols, p);
        if (d <= bound) {
          heap.push(d, i);
          bound = heap.bound();
        }
      }
    } else {
      const visit = (node: number, minDist: number): void => {
        if (minDist > heap.bound()) return;
        const l = tree.left[node]!;
        if (l < 0) {
          for (let t = tree.start[node]!; t < tree.end[node]!; t++) {
            const i = tree.order[t]!;
            const d = reduced(Q, q, X, i, cols, p);
            if (d <= heap.bound()) heap.push(d, i);
          }
          return;
        }
        const r = tree.right[node]!;
        const dl = boxDistance(tree, l, Q, q, cols, p);
        const dr = boxDistance(tree, r, Q, q, cols, p);
        if (dl <= dr) {
          visit(l, dl);
          visit(r, dr);
        } else {
          visit(r, dr);
          visit(l, dl);
        }
      };
      visit(0, boxDistance(tree, 0, Q, q, cols, p));
    }
    heap.drain(indices, distances, q * k, p);
  }
  return { indices, distances };
}
