import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODEL_FAMILIES, loadFitted, modelFamily } from './families.js';
import type { Task } from './family.js';
import { linearData } from './test-fixtures.js';
import { rawTreeOutputs } from './tree-ensemble.js';

function data(task: Task, rows = 120, cols = 4) {
  const classes = task === 'regression' ? 0 : task === 'binary' ? 2 : 3;
  return { ...linearData(7, rows, cols, classes), classes };
}

/** Raw tree outputs through the ensemble's link (boosted models sum margins; forests average probabilities). */
function linked(link: string, raw: Float64Array, k: number): Float64Array {
  if (link === 'identity') return raw;
  if (link === 'logistic') {
    const out = new Float64Array(raw.length * 2);
    raw.forEach((m, r) => {
      out[2 * r + 1] = 1 / (1 + Math.exp(-m));
      out[2 * r] = 1 - out[2 * r + 1]!;
    });
    return out;
  }
  const out = new Float64Array(raw.length);
  for (let r = 0; r < raw.length / k; r++) {
    const row = raw.subarray(r * k, (r + 1) * k);
    const max = Math.max(...row);
    const e = row.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    for (let c = 0; c < k; c++) out[r * k + c] = e[c]! / sum;
  }
  return out;
}

describe('model families', () => {
  for (const family of MODEL_FAMILIES) {
    for (const task of family.tasks) {
      it(`${family.name} fits ${task}, saves and loads to the same predictions`, () => {
        const { X, y, classes } = data(task);
        const model = family.fit(X, y, family.cheapStart, { task, classes });
        assert.equal(model.family, family.name);
        assert.equal(model.task, task);
        const p = model.predict(X);
        assert.equal(p.length, X.rows);
        if (task === 'regression') {
          let ss = 0;
          let st = 0;
          const mean = y.reduce((a, b) => a + b, 0) / y.length;
          for (let i = 0; i < y.length; i++) {
            ss += (y[i]! - p[i]!) ** 2;
            st += (y[i]! - mean) ** 2;
          }
          assert.ok(1 - ss / st > 0.5, `${family.name} R² on training data is ${1 - ss / st}`);
        } else {
          const correct = p.reduce((a, v, i) => a + (v === y[i] ? 1 : 0), 0);
          assert.ok(correct / y.length > 0.6, `${family.name} accuracy ${correct / y.length}`);
          const proba = model.predictProba!(X);
          assert.equal(proba.cols, classes);
        }
        const back = loadFitted(model.save());
        assert.equal(back.family, family.name);
        assert.equal(back.task, task);
        assert.deepEqual(back.predict(X), p);
        const trees = model.treeEnsemble?.();
        if (trees) {
          const raw = linked(trees.link, rawTreeOutputs(trees, X.data, X.rows), trees.outputs);
          const expected = task === 'regression' ? p : model.predictProba!(X).data;
          for (let i = 0; i < raw.length; i++) assert.ok(Math.abs(raw[i]! - expected[i]!) < 1e-12);
        }
      });
    }
  }

  it('refuses an unknown model naming the valid ones', () => {
    assert.throws(() => modelFamily('xgb'), /unknown model "xgb"; valid models are logistic, linear/);
  });

  it('refuses a task the family does not do', () => {
    const { X, y } = data('regression');
    assert.throws(
      () => modelFamily('logistic').fit(X, y, {}, { task: 'regression', classes: 0 }),
      /logistic does not do regression/,
    );
  });
});
