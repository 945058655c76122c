/**
 * Row partitioning of a tree level (internal, shared by the main thread and the histogram
 * workers). A level's splits are queued as jobs and partitioned together, so several threads can
 * take disjoint nodes; a node's result does not depend on which thread partitions it.
 *
 * Job `j` is `jobs[JOB * j + 0..4]`: start, end, feature, level index of the left child (−1: do not
 * set `nodeOf`), and the first right position written back; its lookup table (1 = left) per bin,
 * the missing bin last, is `luts[LUT * j ..]`.
 */

/** Int32 fields per job. */
export const JOB = 5;
/** Lookup-table bytes per job (256 bins and the missing bin). */
export const LUT = 257;

/**
 * Stable, branch-free partition of `rows[start..end)` by job `j` (each row is written to both
 * sides and only the matching cursor advances; the left cursor never passes the read position, so
 * the in-place writes are safe); with a left level index `li >= 0` it also sets `nodeOf` of the
 * left rows to `li` and of the right rows to `li + 1`. Writes the first right position to the job.
 */
export function partitionJob(
  jobs: Int32Array,
  luts: Uint8Array,
  j: number,
  rows: Int32Array,
  tmp: Int32Array,
  colBins: Uint8Array,
  n: number,
  nodeOf: Int32Array,
): void {
  const o = JOB * j;
  const start = jobs[o]!;
  const end = jobs[o + 1]!;
  const f = jobs[o + 2]!;
  const li = jobs[o + 3]!;
  const lut = luts.subarray(LUT * j, LUT * (j + 1));
  const col = colBins.subarray(f * n, (f + 1) * n);
  let l = start;
  let t = 0;
  if (li < 0) {
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      const bit = lut[col[r]!]!;
      rows[l] = r;
      tmp[t] = r;
      l += bit;
      t += 1 - bit;
    }
  } else {
    const right = li + 1;
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      const bit = lut[col[r]!]!;
      rows[l] = r;
      tmp[t] = r;
      l += bit;
      t += 1 - bit;
      nodeOf[r] = right - bit;
    }
  }
  rows.set(tmp.subarray(0, t), l);
  jobs[o + 4] = l;
}

/**
 * The jobs of thread `i` of `threads`, `[a, b)`: contiguous runs of about equal row counts (the
 * split does not change any result, only the balance).
 */
export function jobShare(jobs: Int32Array, count: number, i: number, threads: number): [number, number] {
  let total = 0;
  for (let j = 0; j < count; j++) total += jobs[JOB * j + 1]! - jobs[JOB * j]!;
  const lo = (total * i) / threads;
  const hi = (total * (i + 1)) / threads;
  let a = count;
  let b = count;
  let cum = 0;
  for (let j = 0; j < count; j++) {
    const mid = cum + (jobs[JOB * j + 1]! - jobs[JOB * j]!) / 2;
    if (a === count && mid >= lo) a = j;
    if (mid >= hi) {
      b = j;
      break;
    }
    cum += jobs[JOB * j + 1]! - jobs[JOB * j]!;
  }
  if (i === threads - 1) b = count;
  if (i === 0) a = 0;
  return [a, Math.max(a, b)];
}
