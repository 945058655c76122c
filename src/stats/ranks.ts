/** Argsort (exported: gradient boosting's binning sorts with it too) and average ranks of NaN-free Float64Arrays. */

/** Below this length a comparator sort beats the radix passes' fixed cost. */
const RADIX_MIN = 4096;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Indices that sort `values` ascending, stable: an LSD radix sort on the IEEE-754 bits mapped to
 * unsigned order (four 16-bit digits, a digit shared by all keys skipped), so 1,000,000 values sort
 * without a comparator call each. -0 and +0 are one key. `values` must hold no NaN.
 */
export function argsort(values: Float64Array): Uint32Array {
  const n = values.length;
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (n < RADIX_MIN) return idx.sort((a, b) => values[a]! - values[b]! || a - b);

  const normalized = new Float64Array(n);
  for (let i = 0; i < n; i++) normalized[i] = values[i]! === 0 ? 0 : values[i]!;
  const words = new Uint32Array(normalized.buffer);
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  const [loAt, hiAt] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
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
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const key = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(key[i]! >>> shift) & 0xffff]!++;
    if (count[(key[0]! >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const j = idx[i]!;
      tmp[count[(key[j]! >>> shift) & 0xffff]!++] = j;
    }
    [idx, tmp] = [tmp, idx];
  }
  return idx;
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
