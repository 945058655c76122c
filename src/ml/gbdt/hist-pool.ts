/**
 * Histogram storage and building on the calling thread (internal): a free list of histogram
 * buffers, reused from node to node and tree to tree. Both row blocks (see histogram.ts) are built
 * one after the other and merged, exactly as the threaded pool does in parallel; with quantized
 * gradients, whose sums are exact integers, all rows go straight into the histogram.
 */
import type { BinnedData } from './binning.js';
import type { HistPool, LeafTable, RowData } from './grow.js';
import {
  addInto,
  blockStart,
  buildHistogram,
  decodeHistogram,
  numberScratch,
  type Quantization,
} from './histogram.js';
import {
  buildLevelBlock,
  finishLevel,
  type LevelJob,
  newSplitTable,
  type SplitTable,
  sumQuantizedLevel,
} from './level.js';
import { computeGradients } from './objective.js';
import { JOB, type LevelPartition, LUT, partitionJob } from './partition.js';
import type { SplitParams } from './split.js';
import {
  addLeafValues,
  combineLeafSums,
  indexLeaves,
  LEAF_BLOCKS,
  leafBlockSums,
  quantizeGradients,
} from './quantize.js';

/** A {@link HistPool} that builds every histogram on the calling thread. */
export class LocalHistPool implements HistPool {
  readonly rows: Int32Array;
  readonly nodeOf: Int32Array;
  readonly targets: Int32Array;
  readonly ranges: Int32Array;
  private readonly scratchTargets: Int32Array;
  private readonly buffers: Float64Array[] = [];
  private readonly scratch: Float64Array[] = [];
  private readonly free: number[] = [];
  private readonly all: Int32Array;
  private readonly tmp: Int32Array;
  /** The leaf of each row of the tree being finished (see indexLeaves). */
  private readonly leafOf: Int32Array;

  /** The quantization of each gradient set this round (null: exact float sums). */
  private readonly quant: (Quantization | null)[];
  /** The largest |gradient| and hessian of each gradient set (computeGradients). */
  private readonly maxima: Float64Array;

  private leaves: LeafTable = newLeafTable(64, false);
  private readonly level: LevelJob;
  private readonly partition: LevelPartition;

  constructor(
    private readonly data: BinnedData,
    private readonly grads: Float64Array[],
    private readonly rowData: RowData,
    private readonly packed: Float64Array[] | null,
    params: SplitParams,
  ) {
    this.quant = grads.map(() => null);
    this.maxima = new Float64Array(2 * grads.length);
    this.rows = new Int32Array(data.rows);
    this.nodeOf = new Int32Array(data.rows);
    this.targets = new Int32Array(data.rows + 2);
    this.ranges = new Int32Array(2 * (data.rows + 2));
    this.scratchTargets = new Int32Array(data.rows + 2);
    this.all = Int32Array.from({ length: data.cols }, (_, i) => i);
    this.tmp = new Int32Array(data.rows);
    this.leafOf = new Int32Array(data.rows);
    this.partition = {
      jobs: new Int32Array(JOB * 64),
      luts: new Uint8Array(LUT * 64),
      rows: this.rows,
      colBins: data.colBins,
      n: data.rows,
      nodeOf: this.nodeOf,
      mids: new Int32Array(0),
    };
    this.level = {
      data,
      params,
      rows: this.rows,
      nodeOf: this.nodeOf,
      ranges: this.ranges,
      targets: this.targets,
      scratchTargets: this.scratchTargets,
      hists: this.buffers,
      scratch: this.scratch,
      table: newSplitTable(64, false),
    };
  }

  splitTable(count: number): SplitTable {
    const table = this.level.table;
    if (table.derive.length < count)
      this.level.table = newSplitTable(Math.max(count, 2 * table.derive.length), false);
    return this.level.table;
  }

  jobTables(count: number): { jobs: Int32Array; luts: Uint8Array } {
    const p = this.partition;
    if (JOB * count > p.jobs.length) {
      const cap = Math.max(count, (2 * p.jobs.length) / JOB);
      const jobs = new Int32Array(JOB * cap);
      jobs.set(p.jobs);
      const luts = new Uint8Array(LUT * cap);
      luts.set(p.luts);
      p.jobs = jobs;
      p.luts = luts;
    }
    return p;
  }

  partitionLevel(count: number): void {
    for (let j = 0; j < count; j++) partitionJob(this.partition, j, this.tmp);
  }

  gradients(): void {
    const { objective, y, w, margin, k, huberDelta } = this.rowData;
    computeGradients(objective, y, w, margin, k, this.grads, huberDelta, 0, this.data.rows, this.maxima, 0);
  }

  quantizeAll(bits: number, seeds: readonly number[]): Quantization[] {
    const n = this.data.rows;
    return this.grads.map((grad, c) => {
      const maxima = this.maxima.subarray(2 * c, 2 * c + 2);
      const q = quantizeGradients(grad, n, this.packed![c]!, bits, seeds[c]!, maxima);
      this.quant[c] = q;
      return q;
    });
  }

  leafTable(count: number): LeafTable {
    if (this.leaves.G.length <= count) this.leaves = newLeafTable(count + 1, false);
    return this.leaves;
  }

  indexLeaves(count: number, unsampled: boolean): void {
    const t = this.leaves;
    if (unsampled) this.leafOf.fill(count);
    indexLeaves(t.ranges, 0, count, this.rows, this.leafOf);
  }

  leafSums(gradSet: number, count: number): void {
    const t = this.leaves;
    leafBlockSums(this.leafOf, this.grads[gradSet]!, this.data.rows, 0, LEAF_BLOCKS, count + 1, t.partial);
    combineLeafSums(t.partial, count, t.G, t.H);
  }

  addLeafValues(c: number, count: number): void {
    const t = this.leaves;
    t.values[count] = 0;
    addLeafValues(this.leafOf, t.values, 0, this.data.rows, this.rowData.margin, this.rowData.k, c);
  }

  acquire(): number {
    const id = this.free.pop();
    if (id !== undefined) return id;
    this.buffers.push(this.newHist());
    return this.buffers.length - 1;
  }

  release(id: number): void {
    if (id >= 0) this.free.push(id);
  }

  view(id: number): Float64Array {
    return this.buffers[id]!;
  }

  private newHist(): Float64Array {
    return new Float64Array(2 * this.data.offset[this.data.cols]!);
  }

  private ensureScratch(count: number): void {
    while (this.scratch.length < count) this.scratch.push(this.newHist());
  }

  build(gradSet: number, start: number, end: number, id: number, features: Int32Array): void {
    const d = this.data;
    const list = features.length === d.cols ? this.all : features;
    const q = this.quant[gradSet];
    if (q) {
      this.ensureScratch(1);
      const part = this.scratch[0]!;
      buildHistogram(
        d.slot,
        d.cols,
        d.offset,
        q.packed,
        this.rows,
        start,
        end,
        list,
        0,
        list.length,
        part,
        1,
      );
      decodeHistogram(part, this.view(id), d.offset, list, 0, list.length, q);
      return;
    }
    const mid = blockStart(start, end, 1);
    const grad = this.grads[gradSet]!;
    this.ensureScratch(1);
    const hist = this.view(id);
    const part = this.scratch[0]!;
    buildHistogram(d.slot, d.cols, d.offset, grad, this.rows, start, mid, list, 0, list.length, hist);
    buildHistogram(d.slot, d.cols, d.offset, grad, this.rows, mid, end, list, 0, list.length, part);
    addInto(hist, part, d.offset, list, 0, list.length);
  }

  buildLevel(gradSet: number, count: number, features: Int32Array): void {
    const d = this.data;
    const list = features.length === d.cols ? this.all : features;
    const { targets, scratchTargets, level } = this;
    this.ensureScratch(numberScratch(targets, count, scratchTargets));
    const q = this.quant[gradSet];
    if (q) sumQuantizedLevel(level, q.packed, count, list, 0, 1);
    else
      for (const block of [0, 1])
        buildLevelBlock(level, this.grads[gradSet]!, count, block, list, 0, list.length);
    finishLevel(level, count, list, 0, 1, q ?? null);
  }
}

/** A leaf table for `count` leaves, shared or not. */
export function newLeafTable(count: number, shared: boolean): LeafTable {
  const f64 = (n: number) => (shared ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n));
  return {
    ranges: shared ? new Int32Array(new SharedArrayBuffer(count * 8)) : new Int32Array(2 * count),
    G: f64(count),
    H: f64(count),
    values: f64(count),
    partial: f64(2 * LEAF_BLOCKS * count),
  };
}
