/**
 * Helpers shared by the src/ml unit tests (not part of the public surface; not exported from
 * index.ts): reading the JSON fixtures under test/fixtures/ml, building matrices from flat arrays,
 * and asserting on INVALID_ARGUMENT errors.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LatheError } from '../core/index.js';
import type { Matrix } from './matrix.js';

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
