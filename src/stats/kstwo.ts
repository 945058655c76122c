/**
 * The distribution of the two-sided one-sample Kolmogorov–Smirnov statistic Dₙ for finite n
 * (scipy's `kstwo`), by the method selection of Simard & L'Ecuyer (2011) as scipy implements it:
 * Ruben–Gambino closed forms at the ends, the Durbin matrix (Marsaglia–Tsang–Wang) and Pomeranz
 * recursions for small n·x², 2·Smirnov for large n·x² and Pelz–Good's asymptotic series for large n.
 */
import { smirnovSf } from './ks-distribution.js';
import { logFactorialOverPower } from './special.js';

const SCALE_EXP = 128;
const SCALE_UP = 2 ** SCALE_EXP;
const SCALE_DOWN = 2 ** -SCALE_EXP;
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const SQRT3 = Math.sqrt(3);

const clip = (p: number) => Math.min(1, Math.max(0, p));

/** Square matrix product c = a·b, all m×m row-major. */
function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array<ArrayBuffer> {
  const c = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) c[i * m + j]! += aik * b[k * m + j]!;
    }
  }
  return c;
}

/** Pr(Dₙ <= d) by Durbin's matrix method as Marsaglia, Tsang & Wang evaluate it: O(m³ log n), m = 2⌈nd⌉ − 1. */
function cdfDurbin(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  v[m - 1] = (1 + (Math.max(2 * h - 1, 0) ** m - 2 * h ** m)) * fac;
  let hm = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) hm[r * m + i] = w[r - i + 1]!;
  for (let r = 0; r < m; r++) hm[r * m] = v[r]!;
  for (let c = 0; c < m; c++) hm[(m - 1) * m + c] = v[m - 1 - c]!;

  let power = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let exponent = 0;
  let hExponent = 0;
  for (let nn = n; nn > 0; nn = Math.floor(nn / 2)) {
    if (nn % 2 === 1) {
      power = matmul(power, hm, m);
      exponent += hExponent;
    }
    hm = matmul(hm, hm, m);
    hExponent *= 2;
    if (Math.abs(hm[(k - 1) * m + (k - 1)]!) > SCALE_UP) {
      for (let i = 0; i < hm.length; i++) hm[i]! *= SCALE_DOWN;
      hExponent += SCALE_EXP;
    }
  }
  let p = power[(k - 1) * m + (k - 1)]!;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n; // times n!/n^n
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      exponent -= SCALE_EXP;
    }
  }
  return clip(exponent === 0 ? p : p * 2 ** exponent);
}

/** Interval [j1, j2] of the non-zero entries of row i in Pomeranz's recursion. */
function pomeranzRange(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pr(Dₙ <= x) by Pomeranz's recursion (1974): rows are convolutions with Poisson-like weights. */
function cdfPomeranz(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1]! * (g / n)) / m;
    twogpower[m] = (twogpower[m - 1]! * ((2 * g) / n)) / m;
    onem2gpower[m] = (onem2gpower[m - 1]! * ((1 - 2 * g) / n)) / m;
  }
  let v0 = new Float64Array(npwrs);
  let v1 = new Float64Array(npwrs);
  v1[0] = 1;
  let v0s = 0;
  let v1s = 0;
  let exponent = 0;
  let [j1, j2] = pomeranzRange(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [v0, v1] = [v1, v0];
    [v0s, v1s] = [v1s, v0s];
    v1.fill(0);
    [j1, j2] = pomeranzRange(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 === 1 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 <= 0) continue;
    // The slice of the previous row, full convolution with pwrs[0..ln2), entries j1-k1 … j2-k1.
    const start = k1 - v0s;
    const len = Math.min(ln2, npwrs - start);
    const plen = Math.min(ln2, npwrs);
    const convStart = j1 - k1;
    const convLen = j2 - j1 + 1;
    let peak = 0;
    for (let c = 0; c < convLen; c++) {
      const idx = convStart + c;
      let s = 0;
      for (let q = Math.max(0, idx - plen + 1); q <= Math.min(idx, len - 1); q++)
        s += v0[start + q]! * pwrs[idx - q]!;
      v1[c] = s;
      if (s > peak) peak = s;
    }
    if (peak > 0 && peak < SCALE_DOWN) {
      for (let c = 0; c < convLen; c++) v1[c]! *= SCALE_UP;
      exponent -= SCALE_EXP;
    }
    v1s = v0s + j1 - k1;
  }
  let ans = v1[n - v1s]!;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > SCALE_UP) {
      ans *= SCALE_DOWN;
      exponent += SCALE_EXP;
    }
    ans *= m;
  }
  return clip(exponent === 0 ? ans : ans * 2 ** exponent);
}

/** Pr(Dₙ <= x) by the Pelz–Good (1976) asymptotic series in z = x√n, four terms in n^(-1/2). */
function cdfPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const sums = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qpower = q ** (8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) sums[i] = sums[i]! * qpower + coeffs[i]!;
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) sums[i] = (sums[i]! * q * SQRT_2PI) / divisors[i]!;
  q = Math.exp(-PI2 / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = SQRT3 * z;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qk = q ** k2;
    k2extra += k2 * qk;
    const kpi = Math.PI * k;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk;
  }
  sums[2]! += (k2extra * PI2 * SQRT_2PI) / (-36 * z2 * z);
  sums[3]! += (k3extra * PI2 * SQRT_2PI) / (216 * z6);
  let total = 0;
  for (let i = 0; i < 4; i++) total += sums[i]! / n ** (i / 2);
  return total;
}

/**
 * Survival function of the two-sided one-sample KS statistic, Pr(Dₙ > d), as
 * `scipy.stats.kstwo.sf(d, n)`; the two-sample test's asymptotic p-value evaluates it at the
 * effective size round(n1·n2/(n1+n2)). Method by region (Simard & L'Ecuyer, as scipy): exact closed
 * forms for n·d <= 1 and n·d >= n − 1, 2·smirnovSf for d >= 0.5, then for n <= 140 Durbin
 * (n·d² <= 0.754693), Pomeranz (<= 4) or 2·smirnovSf; for larger n 2·smirnovSf when
 * 2.2 <= n·d² < 370, 0 beyond, else 1 − cdf by Durbin (n <= 100000 and n·d^1.5 <= 1.4) or
 * Pelz–Good. NaN unless n is a positive integer; 1 for d <= 0, 0 for d >= 1.
 */
export function kstwoSf(d: number, n: number): number {
  if (Number.isNaN(d) || !Number.isInteger(n) || n <= 0) return Number.NaN;
  if (d >= 1) return 0;
  if (d <= 0) return 1;
  const t = n * d;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    const cdf =
      n <= 140 ? product(n, 2 * t - 1) : Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * (1 - d) ** n);
  if (d >= 0.5) return clip(2 * smirnovSf(n, d));
  const nd2 = t * d;
  if (n <= 140) {
    if (nd2 <= 0.754693) return clip(1 - cdfDurbin(n, d));
    if (nd2 <= 4) return clip(1 - cdfPomeranz(n, d));
    return clip(2 * smirnovSf(n, d));
  }
  if (nd2 >= 370) return 0;
  if (nd2 >= 2.2) return clip(2 * smirnovSf(n, d));
  const cdf = n <= 100000 && n * d ** 1.5 <= 1.4 ? cdfDurbin(n, d) : cdfPelzGood(n, d);
  return clip(1 - cdf);
}

/** ∏_{i=1..n} (i/n)·c, the Ruben–Gambino form n!/nⁿ·cⁿ for small n. */
function product(n: number, c: number): number {
  let p = 1;
  for (let i = 1; i <= n; i++) p *= i * (1 / n) * c;
  return p;
}
