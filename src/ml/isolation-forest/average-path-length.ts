/** The average path length of an unsuccessful search in a binary search tree (internal to isolation-forest). */

const EULER_GAMMA = 0.5772156649015329;

/**
 * c(n) = 2·H(n − 1) − 2(n − 1)/n with H(i) ≈ ln(i) + γ, the expected depth at which a point is
 * isolated among `n` points; c(2) = 1 and c(n) = 0 for n <= 1, as scikit-learn defines it.
 */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}
