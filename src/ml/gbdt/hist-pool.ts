/**
 * Histogram storage and building on the calling thread (internal): a free list of histogram
 * buffers, reused from node to node and tree to tree.
 */
import type { BinnedData } from './binning.js';
import type { HistPool } from './grow.js';
import { buildHistogram, buildLevelHistograms } from './histogram.js';

/** A {@link HistPool} that builds every histogram on the calling thread. */
export class LocalHistPool implements HistPool {
  readonly rows: Int32Array;
  readonly nodeOf: Int32Array;
  readonly targets: Int32Array;
  private readonly buffers: Float64Array[] = [];
  private readonly free: number[] = [];
  private readonly all: Int32Array;

  constructor(
    private readonly data: BinnedData,
    private readonly grads: Float64Array[],
  ) {
    this.rows = new Int32Array(data.rows);
    this.nodeOf = new Int32Array(data.rows);
    this.targets = new Int32Array(data.rows + 2);
    this.all = Int32Array.from({ length: data.cols }, (_, i) => i);
  }

  acquire(): number {
    const id = this.free.pop();
    if (id !== undefined) return id;
    this.buffers.push(new Float64Array(2 * this.data.offset[this.data.cols]!));
    return this.buffers.length - 1;
  }

  release(id: number): void {
    if (id >= 0) this.free.push(id);
  }

  view(id: number): Float64Array {
    return this.buffers[id]!;
  }

  build(gradSet: number, start: number, end: number, id: number, features: Int32Array): void {
    const d = this.data;
    const list = features.length === d.cols ? this.all : features;
    buildHistogram(
      d.slot,
      d.cols,
      d.offset,
      this.grads[gradSet]!,
      this.rows,
      start,
      end,
      list,
      0,
      list.length,
      this.view(id),
    );
  }

  buildLevel(gradSet: number, count: number, features: Int32Array): void {
    const d = this.data;
    const list = features.length === d.cols ? this.all : features;
    buildLevelHistograms(
      d.slot,
      d.cols,
      d.offset,
      this.grads[gradSet]!,
      this.nodeOf,
      this.targets,
      count,
      this.buffers,
      d.rows,
      list,
      0,
      list.length,
    );
  }
}
