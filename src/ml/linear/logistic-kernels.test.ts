import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binaryLossRange } from './logistic-loss.js';
import { data } from './logistic-test-data.js';

describe('binary logistic kernel', () => {
  it('matches the textbook loss and gradient on any row range (4-row blocks and the remainder)', () => {
    const { X, y, sw } = data(11, 5, 1);
    const w = Float64Array.of(0.3, -0.2, 0.1, 0.5, -0.4, 0.25);
    for (const fitIntercept of [true, false]) {
      for (const [from, to] of [
        [0, 11],
        [2, 9],
        [3, 4],
      ] as const) {
        const grad = new Float64Array(6);
        const f = binaryLossRange(X.data, 5, y, sw, w, fitIntercept, from, to, grad);
        let fRef = 0;
        const gRef = new Float64Array(6);
        for (let i = from; i < to; i++) {
          let z = fitIntercept ? w[5]! : 0;
          for (let j = 0; j < 5; j++) z += X.data[i * 5 + j]! * w[j]!;
          const p = 1 / (1 + Math.exp(-z));
          fRef += sw[i]! * -(y[i]! * Math.log(p) + (1 - y[i]!) * Math.log(1 - p));
          for (let j = 0; j < 5; j++) gRef[j]! += sw[i]! * (p - y[i]!) * X.data[i * 5 + j]!;
          if (fitIntercept) gRef[5]! += sw[i]! * (p - y[i]!);
        }
        assert.ok(Math.abs(f - fRef) < 1e-12 * Math.max(1, fRef), `${f} vs ${fRef}`);
        for (let j = 0; j < 6; j++) assert.ok(Math.abs(grad[j]! - gRef[j]!) < 1e-12, `grad ${j}`);
      }
    }
  });
});
