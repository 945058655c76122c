import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findAll, parseXml } from '../../../test/support/xml.js';
import { checkRunToJUnit } from './junit.js';
import type { CheckRun } from './types.js';

const run: CheckRun = {
  id: 'chk_x',
  ref: 'shop@2',
  name: 'shop',
  version: 2,
  status: 'fail',
  summary: { pass: 1, warn: 1, fail: 1, error: 1, skipped: 1 },
  reference: 'shop@1',
  suite: { reference: 'previous', checks: [] },
  rows: 10,
  durationMs: 1234,
  createdAt: '2024-05-01T10:00:00.000Z',
  createdBy: 'ci',
  results: [
    {
      index: 0,
      check: 'string_mismatches',
      name: 'string_mismatches',
      status: 'warn',
      value: 0.2,
      thresholds: { op: '>', warn: 0, fail: null },
      message: 'values written several ways',
      columns: [
        {
          column: 'city <"&">',
          status: 'warn',
          value: 0.2,
          message: `1 value written several ways: "New York" & 'new york '`,
          rows: [1, 2],
          examples: ['bell\u0007', 'nul\u0000', 'ok\u{1F600}', 'lone\uD800'],
        },
        { column: 'plan', status: 'pass', value: 0, message: 'consistent' },
      ],
      ms: 4,
    },
    {
      index: 1,
      check: 'duplicate_rows',
      name: 'duplicate_rows',
      status: 'fail',
      value: 0.3,
      thresholds: { op: '>', warn: 0, fail: 0.05 },
      message: '3 rows (30%) repeat an earlier row ]]> <oops>',
      columns: [],
      ms: 10,
    },
    {
      index: 2,
      check: 'schema_change',
      name: 'schema_change',
      status: 'error',
      value: null,
      thresholds: null,
      message: 'the check could not run: boom',
      columns: [],
      ms: 0,
    },
    {
      index: 3,
      check: 'class_imbalance',
      name: 'class_imbalance',
      status: 'skipped',
      value: null,
      thresholds: null,
      message: 'no target column',
      columns: [],
      ms: 0,
    },
  ],
};

describe('JUnit XML of a check run', () => {
  const doc = parseXml(checkRunToJUnit(run));
  const cases = findAll(doc, 'testcase');

  it('is well-formed, with one test case per check or per column and the counts CI reads', () => {
    assert.equal(doc.name, 'testsuites');
    const suite = findAll(doc, 'testsuite')[0]!;
    assert.deepEqual(
      [
        suite.attrs['tests'],
        suite.attrs['failures'],
        suite.attrs['errors'],
        suite.attrs['skipped'],
        suite.attrs['time'],
      ],
      ['5', '1', '1', '1', '1.234'],
    );
    assert.deepEqual(
      cases.map((c) => c.attrs['name']),
      [
        'string_mismatches [city <"&">]',
        'string_mismatches [plan]',
        'duplicate_rows',
        'schema_change',
        'class_imbalance',
      ],
    );
    assert.equal(cases[0]!.attrs['classname'], 'shop@2.string_mismatches');
  });

  it('marks failures, errors and skips; a warning is a passing case saying WARNING', () => {
    const kinds = cases.map((c) => c.children.map((x) => x.name).filter((n) => n !== 'properties'));
    assert.deepEqual(kinds, [['system-out'], ['system-out'], ['failure'], ['error'], ['skipped']]);
    assert.match(
      findAll(cases[0]!, 'system-out')[0]!.text,
      /^WARNING: city <"&">: 1 value written several ways: "New York" & 'new york '/,
    );
    const failure = findAll(cases[2]!, 'failure')[0]!;
    assert.equal(failure.attrs['message'], '3 rows (30%) repeat an earlier row ]]> <oops>');
    const props = Object.fromEntries(
      findAll(cases[0]!, 'property').map((p) => [p.attrs['name'], p.attrs['value']]),
    );
    assert.deepEqual(props, { status: 'warn', value: '0.2', warn: '> 0' });
  });

  it('writes characters XML cannot hold as \\u escapes and keeps the others', () => {
    const out = findAll(cases[0]!, 'system-out')[0]!.text;
    for (const s of ['bell\\u0007', 'nul\\u0000', 'ok\u{1F600}', 'lone\\ud800'])
      assert.ok(out.includes(s), s);
  });
});
