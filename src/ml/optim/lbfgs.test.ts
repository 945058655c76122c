import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimizeLbfgs } from './lbfgs.js';

// Rosenbrock in n dimensions: minimum 0 at (1, …, 1).
function rosenbrock(x: Float64Array, g: Float64Array): number {
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1]! - x[i]! * x[i]!;
    const b = 1 - x[i]!;
    f += 100 * a * a + b * b;
    g[i]! += -400 * a * x[i]! - 2 * b;
    g[i + 1]! += 200 * a;
  }
  return f;
}

describe('minimizeLbfgs', () => {
  it('finds the Rosenbrock minimum', () => {
    const r = minimizeLbfgs(rosenbrock, new Float64Array([-1.2, 1, -1.2, 1, 0.5]), {
      maxIter: 1000,
      gtol: 1e-10,
      ftol: 0,
    });
    assert.ok(r.converged, r.reason);
    for (const v of r.x) assert.ok(Math.abs(v - 1) < 1e-8, String(v));
  });

  it('solves a lasso-type problem with OWL-QN (soft-thresholding)', () => {
    // f = ½ Σ (x_i − c_i)², l1 = 1: optimum x_i = sign(c_i) · max(|c_i| − 1, 0); coordinate 3 unpenalised.
    const c = [3, -0.5, 0.8, -4, 2];
    const mask = new Uint8Array([1, 1, 1, 1, 0]);
    const r = minimizeLbfgs(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < x.length; i++) {
          g[i] = x[i]! - c[i]!;
          f += 0.5 * g[i]! * g[i]!;
        }
        return f;
      },
      new Float64Array(5),
      { l1: 1, l1Mask: mask, gtol: 1e-12, ftol: 0 },
    );
    assert.deepEqual(
      Array.from(r.x, (v) => Math.round(v * 1e9) / 1e9),
      [2, 0, 0, -3, 2],
    );
  });

  it('rejects out-of-range options', () => {
    assert.throws(
      () => minimizeLbfgs(rosenbrock, new Float64Array(2), { memory: 0 }),
      /memory must be an integer >= 1/,
    );
  });
});
