/**
 * Row partitioning of a tree level (internal, shared by the main thread and the histogram
 * workers). A level's splits are queued as jobs and partitioned together; several threads take
 * equal shares of the level's rows (a job may be cut in pieces, joined afterwards), and the result
 * does not depend on the number of threads.
 *
 * Job `j` is `jobs[JOB * j + 0..4]`: start, end, feature, level index of the left child (−1: do not
 * set `nodeOf`), and the first right position written back; its lookup table (1 = left) per bin,
 * the missing bin last, is `luts[LUT * j ..]`.
 */

/** Int32 fields per job. */
export const JOB = 5;
/** Lookup-table bytes per job (256 bins and the missing bin). */
export const LUT = 257;

/** A level's jobs and the arrays a thread partitions them with. */
export interface LevelPartition {
  jobs: Int32Array;
  luts: Uint8Array;
  rows: Int32Array;
  colBins: Uint8Array;
  /** Training rows (the length of a `colBins` column). */
  n: number;
  nodeOf: Int32Array;
  /** First right position of each piece of a threaded partition: `mids[j · parts + part]`. */
  mids: Int32Array;
}

/**
 * Stable, branch-free partition of `rows[a..b)` by job `j` (each row is written to both sides and
 * only the matching cursor advances; the left cursor never passes the read position, so the
 * in-place writes are safe; the right rows go through `tmp`); with a left level index `li >= 0` it
 * also sets `nodeOf` of the left rows to `li` and of the right rows to `li + 1`. Returns the first
 * right position.
 */
function partitionRange(level: LevelPartition, j: number, a: number, b: number, tmp: Int32Array): number {
  const { jobs, luts, rows, colBins, n, nodeOf } = level;
  const o = JOB * j;
  const f = jobs[o + 2]!;
  const li = jobs[o + 3]!;
  const lut = luts.subarray(LUT * j, LUT * (j + 1));
  const col = colBins.subarray(f * n, (f + 1) * n);
  const l =
    li < 0 ? splitRows(rows, tmp, col, lut, a, b) : splitRowsNoting(rows, tmp, col, lut, a, b, nodeOf, li);
  rows.set(tmp.subarray(0, b - l), l);
  return l;
}

// The loops of a partition are functions that end with their loop, so V8's compiled loop never
// leaves into code without type feedback (see docs/ml.md, "Loops and V8"). The two differ by
// one store per row, kept out of the other's loop.

/** The loop of {@link partitionRange}: lefts to `rows[a..)`, rights to `tmp`; answers the lefts' end. */
function splitRows(
  rows: Int32Array,
  tmp: Int32Array,
  col: Uint8Array,
  lut: Uint8Array,
  a: number,
  b: number,
): number {
  let l = a;
  let t = 0;
  for (let i = a; i < b; i++) {
    const r = rows[i]!;
    const bit = lut[col[r]!]!;
    rows[l] = r;
    tmp[t] = r;
    l += bit;
    t += 1 - bit;
  }
  return l;
}

/** As {@link splitRows}, also setting `nodeOf` of the lefts to `li` and of the rights to `li + 1`. */
function splitRowsNoting(
  rows: Int32Array,
  tmp: Int32Array,
  col: Uint8Array,
  lut: Uint8Array,
  a: number,
  b: number,
  nodeOf: Int32Array,
  li: number,
): number {
  const right = li + 1;
  let l = a;
  let t = 0;
  for (let i = a; i < b; i++) {
    const r = rows[i]!;
    const bit = lut[col[r]!]!;
    rows[l] = r;
    tmp[t] = r;
    l += bit;
    t += 1 - bit;
    nodeOf[r] = right - bit;
  }
  return l;
}

/** Partitions job `j` on the calling thread (see partitionRange) and writes its first right position. */
export function partitionJob(level: LevelPartition, j: number, tmp: Int32Array): void {
  const o = JOB * j;
  level.jobs[o + 4] = partitionRange(level, j, level.jobs[o]!, level.jobs[o + 1]!, tmp);
}

/**
 * Calls `piece(j, a, b)` for each job `j` of `0..count` overlapping thread `part`'s share of the
 * level's rows: the jobs' ranges taken in job order and cut in `parts` equal runs, so the first
 * levels, with one or two jobs often of very different sizes, are shared evenly too.
 */
function forPieces(
  jobs: Int32Array,
  count: number,
  part: number,
  parts: number,
  piece: (j: number, a: number, b: number) => void,
): void {
  let total = 0;
  for (let j = 0; j < count; j++) total += jobs[JOB * j + 1]! - jobs[JOB * j]!;
  const lo = Math.floor((total * part) / parts);
  const hi = Math.floor((total * (part + 1)) / parts);
  let cum = 0;
  for (let j = 0; j < count && cum < hi; j++) {
    const start = jobs[JOB * j]!;
    const len = jobs[JOB * j + 1]! - start;
    const a = Math.max(lo, cum);
    const b = Math.min(hi, cum + len);
    if (a < b) piece(j, start + a - cum, start + b - cum);
    cum += len;
  }
}

/**
 * Thread `part` of `parts` partitions each piece of its share of the level's rows in place (a
 * piece becomes its left rows, then its right rows) and records the piece's first right position.
 * Then {@link joinPieces} puts together the jobs cut in several pieces.
 */
export function partitionShare(
  level: LevelPartition,
  count: number,
  part: number,
  parts: number,
  tmp: Int32Array,
): void {
  forPieces(level.jobs, count, part, parts, (j, a, b) => {
    level.mids[j * parts + part] = partitionRange(level, j, a, b, tmp);
  });
}

/**
 * After every thread's {@link partitionShare}: turns each job's pieces `[L0 R0 L1 R1 …]` into
 * `[L0 L1 … R0 R1 …]` by swapping adjacent blocks (the order one stable partition gives) and
 * writes the jobs' first right positions.
 */
export function joinPieces(level: LevelPartition, count: number, parts: number, tmp: Int32Array): void {
  const { jobs, rows, mids } = level;
  const mid = new Int32Array(count).fill(-1);
  for (let part = 0; part < parts; part++)
    forPieces(jobs, count, part, parts, (j, a) => {
      const m = mids[j * parts + part]!;
      if (mid[j]! < 0) {
        mid[j] = m;
        return;
      }
      // rows[mid..a) are the rights so far, rows[a..m) this piece's lefts: swap the two blocks.
      const rights = a - mid[j]!;
      const lefts = m - a;
      if (rights > 0 && lefts > 0) {
        tmp.set(rows.subarray(mid[j]!, a));
        rows.copyWithin(mid[j]!, a, m);
        rows.set(tmp.subarray(0, rights), mid[j]! + lefts);
      }
      mid[j] = mid[j]! + lefts;
    });
  for (let j = 0; j < count; j++) jobs[JOB * j + 4] = mid[j]!;
}
