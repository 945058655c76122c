/** Argsort (exported: gradient boosting's binning sorts with it too) and average ranks of NaN-free Float64Arrays. */

/** Below this length a comparator sort beats the radix passes' fixed cost. */
const RADIX_MIN = 4096;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Buffers for {@link argsort} of up to `capacity` values, to reuse when sorting many columns: fresh
 * buffers of a few megabytes per column are mostly page faults (and those of two threads contend).
 */
export interface SortScratch {
  capacity: number;
  idx: Uint32Array;
  tmp: Uint32Array;
  lo: Uint32Array;
  hi: Uint32Array;
  normalized: Float64Array;
  count: Uint32Array;
}

/** Sort buffers for up to `capacity` values. */
export function sortScratch(capacity: number): SortScratch {
  return {
    capacity,
    idx: new Uint32Array(capacity),
    tmp: new Uint32Array(capacity),
    lo: new Uint32Array(capacity),
    hi: new Uint32Array(capacity),
    normalized: new Float64Array(capacity),
    count: new Uint32Array(65536),
  };
}

/**
 * Indices that sort `values` ascending, stable: an LSD radix sort on the IEEE-754 bits mapped to
 * unsigned order (four 16-bit digits, a digit shared by all keys skipped), so 1,000,000 values sort
 * without a comparator call each. -0 and +0 are one key. `values` must hold no NaN. With `scratch`
 * (room for `values.length`) the result is a view of one of its buffers, valid until its next use.
 */
export function argsort(values: Float64Array, scratch?: SortScratch): Uint32Array {
  const n = values.length;
  if (n < RADIX_MIN) {
    const idx = new Uint32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    return idx.sort((a, b) => values[a]! - values[b]! || a - b);
  }
  const s = scratch && scratch.capacity >= n ? scratch : sortScratch(n);
  let idx = s.idx.subarray(0, n);
  const normalized = s.normalized.subarray(0, n);
  normalize(values, idx, normalized, n);
  splitWords(new Uint32Array(normalized.buffer, normalized.byteOffset, 2 * n), s.lo, s.hi, n);
  let tmp = s.tmp.subarray(0, n);
  const count = s.count;
  for (let pass = 0; pass < 4; pass++) {
    const key = pass < 2 ? s.lo : s.hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    countDigits(count, key, shift, n);
    if (count[(key[0]! >>> shift) & 0xffff] === n) continue;
    digitStarts(count);
    scatter(idx, tmp, count, key, shift, n);
    [idx, tmp] = [tmp, idx];
  }
  return idx;
}

// The radix passes are functions that end with their loop, so V8's compiled loop never leaves into
// code without type feedback (see docs/ml.md, "Loops and V8").

/** `idx` ← 0..n−1 and `normalized` ← `values` with -0 read as +0. */
function normalize(values: Float64Array, idx: Uint32Array, normalized: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    idx[i] = i;
    normalized[i] = values[i]! === 0 ? 0 : values[i]!;
  }
}

/**
 * The sort keys of the doubles whose words are `words`: their IEEE-754 bits mapped to unsigned
 * order, high words to `hi`, low words to `lo`.
 */
function splitWords(words: Uint32Array, lo: Uint32Array, hi: Uint32Array, n: number): void {
  const loAt = LITTLE_ENDIAN ? 0 : 1;
  const hiAt = 1 - loAt;
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + hiAt]!;
    const l = words[2 * i + loAt]!;
    // Negative numbers: flip all bits (larger magnitude sorts first); positive: set the sign bit.
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~l >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = l;
    }
  }
}

/** `count[d]` ← how many of `key[0..n)` have 16-bit digit `d` at `shift`. */
function countDigits(count: Uint32Array, key: Uint32Array, shift: number, n: number): void {
  count.fill(0);
  for (let i = 0; i < n; i++) count[(key[i]! >>> shift) & 0xffff]!++;
}

/** Digit counts → the first output position of each digit. */
function digitStarts(count: Uint32Array): void {
  let sum = 0;
  for (let d = 0; d < 65536; d++) {
    const c = count[d]!;
    count[d] = sum;
    sum += c;
  }
}

/** One stable pass: `tmp` ← `idx` ordered by the digit of their keys at `shift`. */
function scatter(
  idx: Uint32Array,
  tmp: Uint32Array,
  count: Uint32Array,
  key: Uint32Array,
  shift: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    const j = idx[i]!;
    tmp[count[(key[j]! >>> shift) & 0xffff]!++] = j;
  }
}

/** 1-based ranks of NaN-free `values`, ties given the average of their ranks (scipy `rankdata`). */
export function averageRanks(values: Float64Array): Float64Array {
  const n = values.length;
  const order = argsort(values);
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    const v = values[order[i]!]!;
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === v) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = rank;
    i = j + 1;
  }
  return ranks;
}
