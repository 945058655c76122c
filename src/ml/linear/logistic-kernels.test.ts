import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkCount, chunkedObjective, newControl } from './logistic-chunks.js';
import { binaryLossRange } from './logistic-loss.js';
import { localChunks } from './logistic-parallel.js';
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

describe('WebAssembly SIMD kernels', () => {
  it("give the JavaScript kernel's objective and gradient (odd and even column counts)", () => {
    for (const cols of [1, 5, 6]) {
      const { X, y, sw } = data(9001, cols, cols);
      const wasm = localChunks(X, y, sw, true);
      assert.ok(wasm.wasm !== undefined, 'WebAssembly SIMD is available in Node 20');
      const js = {
        data: X.data,
        rows: X.rows,
        cols,
        y,
        sw,
        fitIntercept: true,
        w: new Float64Array(cols + 1),
        partials: new Float64Array(chunkCount(X.rows) * (cols + 2)),
        ctrl: newControl(X.rows, false),
      };
      const a = chunkedObjective(wasm, 0.5);
      const b = chunkedObjective(js, 0.5);
      const w = Float64Array.from({ length: cols + 1 }, (_, j) => Math.cos(j) / 2);
      const ga = new Float64Array(cols + 1);
      const gb = new Float64Array(cols + 1);
      const fa = a(w, ga);
      const fb = b(w, gb);
      assert.ok(Math.abs(fa - fb) <= 1e-12 * fb, `${fa} vs ${fb}`);
      for (let j = 0; j <= cols; j++)
        assert.ok(Math.abs(ga[j]! - gb[j]!) <= 1e-9, `grad ${j}: ${ga[j]} vs ${gb[j]}`);
    }
  });
});
