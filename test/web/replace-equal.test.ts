import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replaceEqualDeep } from '../../web/src/replace-equal.js';

describe('replaceEqualDeep (the UI keeps the objects a reload brings back unchanged)', () => {
  it('returns the previous object when the new one holds the same data', () => {
    const previous = { mv: { name: 'm', version: 2, tags: [{ key: 'a', value: '1' }] }, run: null };
    const next = structuredClone(previous);
    assert.equal(replaceEqualDeep(previous, next), previous);
  });

  it('keeps the unchanged parts and takes the changed ones', () => {
    const previous = { mv: { stage: 'None', tags: [{ key: 'a' }] }, lineage: { upstream: [{ id: 'r1' }] } };
    const next = { mv: { stage: 'Production', tags: [{ key: 'a' }] }, lineage: { upstream: [{ id: 'r1' }] } };
    const out = replaceEqualDeep(previous, next);
    assert.notEqual(out, previous);
    assert.deepEqual(out, next);
    assert.equal(out.lineage, previous.lineage, 'the lineage did not change, so it is the same object');
    assert.equal(out.mv.tags, previous.mv.tags);
    assert.notEqual(out.mv, previous.mv);
  });

  it('sees added, removed and reordered entries', () => {
    assert.deepEqual(replaceEqualDeep([1, 2], [1, 2, 3]), [1, 2, 3]);
    assert.deepEqual(replaceEqualDeep([1, 2, 3], [1, 2]), [1, 2]);
    assert.deepEqual(replaceEqualDeep([2, 1], [1, 2]), [1, 2]);
    assert.deepEqual(replaceEqualDeep({ a: 1, b: 2 }, { a: 1 }), { a: 1 });
    const empty = {};
    const out = replaceEqualDeep(empty, { a: undefined });
    assert.notEqual(out, empty, 'a key that appears is a change, even an undefined one');
    assert.ok(Object.hasOwn(out, 'a'));
  });

  it('never shares what is not a plain object or array', () => {
    const previous = { at: new Date(0), values: new Float64Array([1]) };
    const next = { at: new Date(0), values: new Float64Array([1]) };
    const out = replaceEqualDeep(previous, next);
    assert.equal(out.at, next.at);
    assert.equal(out.values, next.values);
    assert.equal(replaceEqualDeep(undefined, next), next);
    assert.equal(replaceEqualDeep(Number.NaN, Number.NaN), Number.NaN);
  });
});
