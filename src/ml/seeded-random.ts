/**
 * A small, fast, seeded pseudo-random generator for reproducible ML code: xoshiro128** (Blackman &
 * Vigna) with its 128-bit state filled by splitmix32 from the seed. Not for cryptography.
 */
import { LatheError } from '../core/index.js';

const TWO_POW_32 = 4294967296;

/** One step of splitmix32 on `state`, returning the new state and an output word. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/**
 * Deterministic random numbers from an integer seed: the same seed gives the same sequence on every
 * platform (only 32-bit integer arithmetic is used). Period 2^128 − 1.
 */
export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | undefined;

  /**
   * @param seed a safe integer (negative allowed); its low and high 32 bits both feed the state.
   * @throws LatheError INVALID_ARGUMENT when `seed` is not a safe integer.
   */
  constructor(seed = 0) {
    if (!Number.isSafeInteger(seed)) {
      throw new LatheError('INVALID_ARGUMENT', `seed must be a safe integer; got ${String(seed)}`, {
        seed: String(seed),
      });
    }
    const low = seed >>> 0;
    const high = Math.floor(seed / TWO_POW_32) >>> 0;
    let state = low ^ Math.imul(high, 0x27d4eb2d);
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(state);
      state = next;
      words.push(out);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    // splitmix32 never yields four zero words in a row, but keep the invariant explicit.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next unsigned 32-bit integer, uniform on [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A double uniform on [0, 1), with 32 random bits. */
  uniform(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** An integer uniform on [0, n) for 1 <= n <= 2^32 (multiply-shift; bias below 2^-32·n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const u2 = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
