/**
 * Softmax of `k` values in place, at `a[offset .. offset + k - 1]`, shifted by their maximum so
 * large margins do not overflow.
 */
export function softmaxRow(a: Float32Array | Float64Array, offset: number, k: number): void {
  let max = a[offset]!;
  for (let c = 1; c < k; c++) max = Math.max(max, a[offset + c]!);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(a[offset + c]! - max);
    a[offset + c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) a[offset + c] = a[offset + c]! / sum;
}
