import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cvFolds, holdOutRows } from './splits.js';

const spec = { data: 'd@1', target: 't', model: 'rf' };

describe('training splits', () => {
  it('a group split keeps every group on one side and holds out about the test share', () => {
    const groups = Array.from({ length: 200 }, (_, i) => `g${i % 23}`);
    const y = new Float64Array(200);
    const { train, test } = holdOutRows(
      { ...spec, split: { kind: 'group', column: 'g' }, testSize: 0.25 },
      y,
      false,
      groups,
    );
    const trainGroups = new Set(Array.from(train, (r) => groups[r]));
    assert.ok(Array.from(test).every((r) => !trainGroups.has(groups[r]!)));
    assert.equal(train.length + test.length, 200);
    assert.ok(test.length >= 50 && test.length < 70, `test rows ${test.length}`);
    const folds = cvFolds({ ...spec, split: { kind: 'group', column: 'g' }, cv: 3 }, train, y, false, groups);
    for (const f of folds) {
      const inTrain = new Set(Array.from(f.train, (i) => groups[train[i]!]));
      assert.ok(Array.from(f.test).every((i) => !inTrain.has(groups[train[i]!])));
    }
  });

  it('a time split holds out the latest rows and folds forward in time', () => {
    const times = Array.from(
      { length: 100 },
      (_, i) => `2024-01-${String(1 + ((i * 7) % 28)).padStart(2, '0')}T00:00:00Z`,
    );
    const y = new Float64Array(100);
    const s = { ...spec, split: { kind: 'time' as const, column: 'ts' }, testSize: 0.2, cv: 4 };
    const { train, test } = holdOutRows(s, y, false, times);
    assert.equal(test.length, 20);
    const latestTrain = Array.from(train, (r) => times[r]!)
      .sort()
      .at(-1)!;
    assert.ok(Array.from(test).every((r) => times[r]! >= latestTrain));
    for (const f of cvFolds(s, train, y, false, times)) {
      const lastTrain = Math.max(...Array.from(f.train, (i) => Date.parse(times[train[i]!]!)));
      assert.ok(Array.from(f.test).every((i) => Date.parse(times[train[i]!]!) >= lastTrain));
    }
  });

  it('a random split of classes is stratified', () => {
    const y = Float64Array.from({ length: 100 }, (_, i) => (i < 80 ? 0 : 1));
    const { test } = holdOutRows({ ...spec, testSize: 0.2 }, y, true);
    assert.equal(Array.from(test).filter((r) => y[r] === 1).length, 4);
  });
});
