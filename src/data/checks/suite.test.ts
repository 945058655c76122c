import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import { defaultSuite, parseSuite } from './suite.js';
import { checkNames } from './types.js';

/** The LatheError a bad suite raises. */
function refused(input: unknown) {
  try {
    parseSuite(input);
  } catch (err) {
    assert.ok(isLatheError(err), String(err));
    assert.equal(err.code, 'INVALID_ARGUMENT');
    return err;
  }
  assert.fail(`the suite was accepted: ${JSON.stringify(input)}`);
}

describe('check suites', () => {
  it('reads YAML with defaults filled in and labels per check', () => {
    const suite = parseSuite(`
reference: customers@3
checks:
  - check: missing_values
    columns: [age, income]
    warn: 0.01
    fail: 0.05
  - check: out_of_range
    column: age
    min: 0
    max: 120
  - check: outliers
    method: zscore
    severity: warn
`);
    assert.equal(suite.reference, 'customers@3');
    const [missing, range, outliers] = suite.checks;
    assert.deepEqual(missing!.thresholds, { op: '>', warn: 0.01, fail: 0.05 });
    assert.deepEqual(missing!.options['columns'], ['age', 'income']);
    assert.equal(missing!.name, 'missing_values(age+income)');
    assert.deepEqual(range!.thresholds, { op: '>', warn: null, fail: 0 });
    assert.equal(range!.name, 'out_of_range(age)');
    assert.equal(outliers!.options['method'], 'zscore');
    assert.equal(outliers!.options['z'], 3);
    assert.equal(outliers!.severity, 'warn');
    assert.equal(outliers!.name, 'outliers(zscore)');
  });

  it('reads JSON objects, JSON text, bare lists and { suite: text } alike', () => {
    const obj = { checks: [{ check: 'duplicate_rows', fail: null }] };
    for (const input of [obj, JSON.stringify(obj), obj.checks, { suite: JSON.stringify(obj) }]) {
      const s = parseSuite(input);
      assert.equal(s.reference, 'previous');
      assert.deepEqual(s.checks[0]!.thresholds, { op: '>', warn: 0, fail: null });
    }
  });

  it('answers the default suite for nothing, an empty object or empty text', () => {
    const d = defaultSuite();
    assert.ok(d.checks.length >= 10);
    assert.ok(!d.checks.some((c) => c.check === 'out_of_range' || c.check === 'insufficient_history'));
    for (const input of [undefined, null, '', {}, '   \n']) assert.deepEqual(parseSuite(input), d);
  });

  it('refuses an unknown check, naming the index, what arrived and every valid check', () => {
    const err = refused({ checks: [{ check: 'missing_values' }, { check: 'dupes' }] });
    assert.match(err.message, /checks\[1\]/);
    assert.match(err.message, /"dupes"/);
    for (const name of checkNames) assert.ok(err.message.includes(name), name);
    assert.equal(err.details?.['index'], 1);
    assert.equal(err.details?.['field'], 'check');
  });

  it('refuses an unknown field, naming the valid fields of that check', () => {
    const err = refused({ checks: [{ check: 'missing_values', treshold: 0.1 }] });
    assert.match(err.message, /checks\[0\] \(missing_values\)/);
    assert.match(err.message, /"treshold"/);
    assert.match(err.message, /warn, fail, columns/);
  });

  it('refuses wrong types and values, saying what was expected and what arrived', () => {
    const cases: [unknown, RegExp][] = [
      [{ checks: [{ check: 'out_of_range', column: 'age', max: '120a' }] }, /field "max".*ISO date.*"120a"/],
      [{ checks: [{ check: 'missing_values', warn: 2 }] }, /field "warn".*0 to 1.*number 2/],
      [{ checks: [{ check: 'missing_values', warn: 0.5, fail: 0.1 }] }, /warn threshold at or below fail/],
      [{ checks: [{ check: 'class_imbalance', warn: 0.01, fail: 0.1 }] }, /at or above fail/],
      [{ checks: [{ check: 'outliers', method: 'lof' }] }, /one of iqr, zscore, isolation_forest/],
      [{ checks: [{ check: 'missing_values', columns: 7 }] }, /a list of column names/],
      [{ checks: [{ check: 'out_of_range', column: 'age' }] }, /min, max or both/],
      [
        { checks: [{ check: 'out_of_range', column: 'day', max: '2024-02-30' }] },
        /an ISO date.*"2024-02-30"/,
      ],
      [{ checks: [{ check: 'out_of_range', column: 'age', min: 10, max: 1 }] }, /≥ min/],
      [{ checks: [{ check: 'outliers', trees: 2.5 }] }, /whole number/],
      [{ checks: [{ check: 'duplicate_ids', column: 'a', columns: ['a', 'b'] }] }, /not both/],
      [{ checks: [] }, /non-empty list/],
      [{ checks: ['missing_values'] }, /an object such as/],
      [{ reference: 'bad ref!', checks: [{ check: 'schema_change' }] }, /dataset name/],
      [{ checks: [{ check: 'missing_values' }], extra: 1 }, /"extra".*valid: reference, target, checks/],
      ['checks: [unclosed', /does not parse/],
      [42, /an object with a list of checks/],
    ];
    for (const [input, pattern] of cases)
      assert.match(refused(input).message, pattern, JSON.stringify(input));
  });

  it('takes severity overrides and null thresholds', () => {
    const s = parseSuite({
      checks: [
        { check: 'schema_change', added: 'pass', removed: 'warn' },
        { check: 'constant_columns', fail: null, severity: 'fail' },
      ],
    });
    assert.equal(s.checks[0]!.options['added'], 'pass');
    assert.equal(s.checks[0]!.options['type_changed'], 'fail');
    assert.equal(s.checks[0]!.thresholds, undefined);
    assert.deepEqual(s.checks[1]!.thresholds, { op: '>=', warn: 0.95, fail: null });
    assert.equal(s.checks[1]!.severity, 'fail');
  });
});
