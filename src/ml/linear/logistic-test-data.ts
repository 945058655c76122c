/** Synthetic data for the logistic-regression tests (not used by the library). */
import { type Matrix, matrix } from '../matrix.js';
import { SeededRandom } from '../seeded-random.js';

/** `rows` × `cols` standard-normal features and a logistic label. */
export function data(
  rows: number,
  cols: number,
  seed: number,
): { X: Matrix; y: Float64Array; sw: Float64Array } {
  const random = new SeededRandom(seed);
  const X = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  const sw = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let z = 0.2;
    for (let j = 0; j < cols; j++) {
      X[i * cols + j] = random.normal();
      z += X[i * cols + j]! * (j % 3 === 0 ? 0.8 : -0.3);
    }
    y[i] = random.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    sw[i] = 0.5 + random.uniform();
  }
  return { X: matrix(X, rows, cols), y, sw };
}
