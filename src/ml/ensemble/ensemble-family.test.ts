import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadFitted, modelFamily } from '../families.js';
import { linearData } from '../test-fixtures.js';

function data(rows: number, classes: 0 | 2 | 3) {
  return linearData(11, rows, 3, classes);
}

describe('ensemble family', () => {
  const ensemble = modelFamily('ensemble');
  const members = JSON.stringify([
    { model: 'logistic', params: { C: 1 } },
    { model: 'rf', params: { trees: 10, seed: 1 } },
    { model: 'naive-bayes', params: {} },
  ]);

  it('averages member probabilities and saves/loads to identical predictions', () => {
    const { X, y } = data(200, 3);
    const model = ensemble.fit(X, y, { members, weights: '[2, 1, 1]' }, { task: 'multiclass', classes: 3 });
    const parts = [
      modelFamily('logistic').fit(X, y, { C: 1 }, { task: 'multiclass', classes: 3 }),
      modelFamily('rf').fit(X, y, { trees: 10, seed: 1 }, { task: 'multiclass', classes: 3 }),
      modelFamily('naive-bayes').fit(X, y, {}, { task: 'multiclass', classes: 3 }),
    ].map((m) => m.predictProba!(X).data);
    const p = model.predictProba!(X);
    for (let i = 0; i < p.data.length; i += 17)
      assert.ok(
        Math.abs(p.data[i]! - (0.5 * parts[0]![i]! + 0.25 * parts[1]![i]! + 0.25 * parts[2]![i]!)) < 1e-12,
      );
    const saved = model.save();
    assert.equal(saved.kind, 'ensemble');
    assert.ok(Object.keys(saved.arrays).some((k) => k.startsWith('m1.')));
    assert.deepEqual(
      (saved.meta['members'] as { kind: string }[]).map((m) => m.kind),
      ['logistic', 'random-forest-classifier', 'gaussian-naive-bayes'],
    );
    const back = loadFitted(saved);
    assert.deepEqual(back.predict(X), model.predict(X));
    assert.deepEqual(back.predictProba!(X).data, p.data);
  });

  it('averages regression predictions', () => {
    const { X, y } = data(150, 0);
    const model = ensemble.fit(
      X,
      y,
      {
        members: JSON.stringify([
          { model: 'ridge', params: {} },
          { model: 'rf', params: { trees: 5 } },
        ]),
      },
      { task: 'regression', classes: 0 },
    );
    const back = loadFitted(model.save());
    assert.deepEqual(back.predict(X), model.predict(X));
  });

  it('refuses bad members naming the parameter', () => {
    const { X, y } = data(50, 2);
    assert.throws(
      () => ensemble.fit(X, y, { members: 'nope' }, { task: 'binary', classes: 2 }),
      /members must be/,
    );
    assert.throws(
      () =>
        ensemble.fit(X, y, { members: '[{"model":"ridge","params":{}}]' }, { task: 'binary', classes: 2 }),
      /member ridge does not do binary/,
    );
    assert.throws(
      () => ensemble.fit(X, y, { members, weights: '[1]' }, { task: 'binary', classes: 2 }),
      /weights must be a JSON list of 3/,
    );
  });
});
