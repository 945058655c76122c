/**
 * Helpers shared by the src/ml unit tests (not part of the public surface; not exported from
 * index.ts): reading the JSON fixtures under test/fixtures/ml, building matrices from flat arrays,
 * and asserting on INVALID_ARGUMENT errors.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LatheError } from '../core/index.js';
import { type Matrix, matrix } from './matrix.js';
import { SeededRandom } from './seeded-random.js';

/** Parses `test/fixtures/ml/<path>` (e.g. `tree/single-trees.json`); the caller names its shape. */
export function loadFixture<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(new URL(`../../test/fixtures/ml/${path}`, import.meta.url), 'utf8')) as T;
}

/** A row-major Matrix of `cols` columns over a flat list of values. */
export function mat(values: readonly number[], cols: number): Matrix {
  return { data: Float64Array.from(values), rows: values.length / cols, cols };
}

/** Asserts `fn` throws a LatheError INVALID_ARGUMENT whose message matches `pattern`. */
export function assertInvalid(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof LatheError, `expected a LatheError, got ${String(err)}`);
    assert.equal(err.code, 'INVALID_ARGUMENT');
    assert.match(err.message, pattern);
    return true;
  });
}

/**
 * `rows` seeded rows of `cols` uniform features in [−1, 1) with s = Σ xⱼ·(j+1); y is s itself
 * (`classes` 0), s > 0 (2) or s split at −1 and 1 into 3 classes (3).
 */
export function linearData(seed: number, rows: number, cols: number, classes: 0 | 2 | 3) {
  const random = new SeededRandom(seed);
  const x = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) {
      x[i * cols + j] = random.uniform() * 2 - 1;
      s += x[i * cols + j]! * (j + 1);
    }
    y[i] = classes === 0 ? s : classes === 2 ? (s > 0 ? 1 : 0) : s < -1 ? 0 : s < 1 ? 1 : 2;
  }
  return { X: matrix(x, rows, cols), y };
}
