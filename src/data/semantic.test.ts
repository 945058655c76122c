import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferSemantic } from './semantic.js';

describe('inferSemantic', () => {
  const int = { family: 'integer' as const, min: 1, max: 1_000_000 };

  it('calls an id column identifier when its values are distinct, allowing for an approximate count', () => {
    assert.equal(inferSemantic({ name: 'id', ...int, count: 1000, distinct: 1000 }), 'identifier');
    // HyperLogLog said 962,761 for a million unique ids.
    assert.equal(
      inferSemantic({ name: 'id', ...int, count: 1_000_000, distinct: 962_761, distinctApproximate: true }),
      'identifier',
    );
    assert.equal(inferSemantic({ name: 'customer_id', ...int, count: 500, distinct: 499 }), 'identifier');
  });

  it('keeps numbers numeric when they repeat or are not named like an identifier', () => {
    assert.equal(inferSemantic({ name: 'id', ...int, count: 1000, distinct: 950 }), 'numeric');
    assert.equal(
      inferSemantic({ name: 'id', ...int, count: 1_000_000, distinct: 700_000, distinctApproximate: true }),
      'numeric',
    );
    assert.equal(inferSemantic({ name: 'income', ...int, count: 1000, distinct: 1000 }), 'numeric');
  });

  it('reads 0/1 integers as boolean and text by length and spread', () => {
    assert.equal(
      inferSemantic({ name: 'churned', family: 'integer', count: 100, distinct: 2, min: 0, max: 1 }),
      'boolean',
    );
    assert.equal(
      inferSemantic({ name: 'city', family: 'string', count: 100, distinct: 8, meanLength: 6 }),
      'categorical',
    );
    assert.equal(
      inferSemantic({ name: 'notes', family: 'string', count: 100, distinct: 90, meanLength: 80 }),
      'text',
    );
    assert.equal(
      inferSemantic({ name: 'sku', family: 'string', count: 100, distinct: 100, meanLength: 8 }),
      'identifier',
    );
  });
});
