import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import type { SearchEntity } from './ast.js';
import { maxOrderByClauses, parseOrderBy } from './order-by.js';
import { maxFilterClauses, parseFilter } from './parser.js';
import { quoteFilterKey, quoteFilterValue } from './tokenizer.js';

/** Asserts `fn` throws INVALID_ARGUMENT at `position` with a message matching `pattern`. */
function throwsAt(fn: () => unknown, position: number, pattern: RegExp | string, index?: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isLatheError(e), `expected a LatheError, got ${String(e)}`);
    assert.equal(e.code, 'INVALID_ARGUMENT');
    assert.equal(e.details?.position, position, e.message);
    if (index !== undefined) assert.equal(e.details?.index, index);
    assert.match(e.message, new RegExp(`position ${position}:`));
    if (typeof pattern === 'string') assert.ok(e.message.includes(pattern), e.message);
    else assert.match(e.message, pattern);
    return true;
  });
}

describe('parseFilter: the accepted language', () => {
  it('parses AND-ed comparisons into typed clauses with positions', () => {
    assert.deepEqual(
      parseFilter('runs', "metrics.acc > 0.5 and params.lr = '0.01' AND tags.`my tag` LIKE 'a%'"),
      [
        { kind: 'metric', key: 'acc', op: '>', value: 0.5, position: 1 },
        { kind: 'param', key: 'lr', op: '=', value: '0.01', position: 23 },
        { kind: 'tag', key: 'my tag', op: 'LIKE', value: 'a%', position: 46 },
      ],
    );
  });

  it('gives no clauses for an empty, blank or missing filter', () => {
    assert.deepEqual(parseFilter('runs', ''), []);
    assert.deepEqual(parseFilter('runs', ' \t\n '), []);
    assert.deepEqual(parseFilter('runs', undefined), []);
    assert.deepEqual(parseFilter('experiments', null), []);
  });

  it('accepts every run prefix alias MLflow accepts', () => {
    const kinds: Record<string, string> = {
      metric: 'metric',
      metrics: 'metric',
      param: 'param',
      params: 'param',
      parameter: 'param',
      parameters: 'param',
      tag: 'tag',
      tags: 'tag',
    };
    for (const [prefix, kind] of Object.entries(kinds)) {
      const value = kind === 'metric' ? '1' : "'1'";
      assert.equal(parseFilter('runs', `${prefix}.x = ${value}`)[0]!.kind, kind, prefix);
    }
    for (const prefix of ['attribute.', 'attributes.', 'attr.', 'run.', '']) {
      assert.deepEqual(parseFilter('runs', `${prefix}status = 'FAILED'`)[0], {
        kind: 'string_attribute',
        key: 'status',
        op: '=',
        value: 'FAILED',
        position: 1,
      });
    }
    for (const prefix of ['dataset', 'datasets']) {
      assert.equal(parseFilter('runs', `${prefix}.digest = 'd'`)[0]!.kind, 'dataset');
    }
  });

  it('resolves attribute aliases to their canonical key', () => {
    const key = (entity: SearchEntity, f: string) => (parseFilter(entity, f)[0] as { key: string }).key;
    assert.equal(key('runs', 'created > 1'), 'start_time');
    assert.equal(key('runs', 'Created > 1'), 'start_time');
    assert.equal(key('runs', "`run name` = 'x'"), 'run_name');
    assert.equal(key('runs', "attributes.`Run Name` = 'x'"), 'run_name');
    assert.equal(key('runs', '"Run name" = \'x\''), 'run_name');
    assert.equal(key('model_versions', 'version > 1'), 'version_number');
    assert.equal(key('experiments', "attributes.name = 'x'"), 'name');
    assert.equal(key('registered_models', "attribute.name = 'x'"), 'name');
    assert.equal(key('experiments', "tags.team = 'x'"), 'team');
  });

  it('reads quoted keys and values with their escapes', () => {
    const one = (f: string) => parseFilter('runs', f)[0] as { key: string; value: unknown };
    assert.equal(one("tags.`a b.c` = 'x'").key, 'a b.c');
    assert.equal(one("tags.`tick``tock` = 'x'").key, 'tick`tock');
    assert.equal(one('tags."a ""b""" = \'x\'').key, 'a "b"');
    assert.equal(one("tags.mlflow.source.name = 'x'").key, 'mlflow.source.name');
    assert.equal(one("tags.größe = 'x'").key, 'größe');
    assert.equal(one("tags.v1.2 = 'x'").key, 'v1.2');
    assert.equal(one("tags.x = 'it''s'").value, "it's");
    assert.equal(one("tags.x = 'it\\'s'").value, "it's");
    assert.equal(one('tags.x = "say ""hi"""').value, 'say "hi"');
    assert.equal(one('tags.x = "it\'s"').value, "it's");
    assert.equal(one("tags.x = 'C:\\temp\\\\new'").value, 'C:\\temp\\new');
    assert.equal(one("tags.x = ''").value, '');
    assert.equal(one("tags.x = '; drop table runs; --'").value, '; drop table runs; --');
  });

  it('reads negative, decimal and exponent numbers', () => {
    const value = (n: string) => (parseFilter('runs', `metrics.x > ${n}`)[0] as { value: number }).value;
    assert.equal(value('-3'), -3);
    assert.equal(value('0.25'), 0.25);
    assert.equal(value('.5'), 0.5);
    assert.equal(value('-.5'), -0.5);
    assert.equal(value('1e-3'), 0.001);
    assert.equal(value('2E+2'), 200);
    assert.equal(value('5.'), 5);
    assert.equal(value('1e999'), Number.POSITIVE_INFINITY);
    assert.equal((parseFilter('runs', 'metrics.x>-1')[0] as { value: number }).value, -1);
  });

  it('takes keywords and comparators in any case, and lists with IN / NOT IN', () => {
    assert.deepEqual(
      parseFilter('runs', "run_id in ('a', \"b\",) aNd datasets.name not IN ('x') AND tags.t ilike 'Y%'").map(
        (c) => c.op,
      ),
      ['IN', 'NOT IN', 'ILIKE'],
    );
    assert.deepEqual((parseFilter('runs', "run_id IN ('a','b')")[0] as { value: string[] }).value, [
      'a',
      'b',
    ]);
    assert.equal(parseFilter('model_versions', "run_id IN ('a')")[0]!.op, 'IN');
  });

  it('writes values and keys that read back exactly', () => {
    for (const s of ["it's", 'a\\b', '\\', "\\'", "''", 'x`y', '`', '', '%_', 'ünï 💥', 'a\u0000b']) {
      const c = parseFilter('runs', `tags.${quoteFilterKey(s)} = ${quoteFilterValue(s)}`)[0] as {
        key: string;
        value: string;
      };
      assert.equal(c.key, s);
      assert.equal(c.value, s);
    }
  });
});

describe('parseFilter: errors name the position, what was expected and what arrived', () => {
  it('matches the documented message shape', () => {
    throwsAt(
      () => parseFilter('runs', "params.a = 'x' AND metrics.acc ~ 1"),
      32,
      'Invalid filter at position 32: expected a comparison operator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN) after metrics.acc, got "~"',
    );
  });

  const cases: [SearchEntity, string, number, RegExp | string][] = [
    ['runs', 'metrics.acc ~ 3', 13, 'after metrics.acc, got "~"'],
    ['runs', 'metrics.a-b > 1', 10, 'need backticks'],
    ['runs', 'metrics.a > 1 OR metrics.b > 2', 15, 'OR is not supported'],
    ['runs', 'metrics.a > 1 or metrics.b > 2', 15, 'AND only'],
    [
      'runs',
      'metrics.a > 1 metrics.b > 2',
      15,
      'expected AND or the end of the filter after "metrics.a > 1", got "metrics.b"',
    ],
    ['runs', 'metrics.a > 1 AND', 18, 'expected a comparison after AND, got end of input'],
    ['runs', 'metrics.a > 1 AND AND metrics.b > 1', 19, 'got the keyword "AND"'],
    ['runs', 'AND metrics.a > 1', 1, 'got the keyword "AND"'],
    [
      'runs',
      'metrics.a >',
      12,
      'expected a number after metrics.a (metrics compare as numbers), got end of input',
    ],
    ['runs', "metrics.a > 'x'", 13, "got the string 'x'"],
    ['runs', 'start_time > "1"', 14, 'expected a number after start_time'],
    [
      'runs',
      'params.x = 1',
      12,
      "expected a quoted string after params.x (params are strings: write params.x = '1')",
    ],
    ['runs', 'tags.x = abc', 10, "quote string values, as in 'abc'"],
    ['runs', 'tags.x = `abc`', 10, 'expected a quoted string'],
    ['runs', 'metrics.a == 1', 11, 'write = to test equality'],
    ['runs', 'metrics.a <> 1', 11, 'write != to test inequality'],
    ['runs', 'tags.x IS NULL', 8, 'IS NULL and IS NOT NULL are not part'],
    ['runs', "tags.x NOT LIKE 'a'", 12, 'expected IN after NOT'],
    ['runs', '(metrics.a > 1)', 1, 'parentheses are not supported'],
    ['runs', "foo.bar = 'x'", 1, 'unknown prefix "foo" for run search; valid prefixes: metric, metrics'],
    ['runs', 'Metrics.acc > 1', 1, 'unknown prefix "Metrics"'],
    ['runs', "colour = 'red'", 1, 'unknown run attribute "colour"; valid attributes: run_id, run_name'],
    ['runs', "attributes.colour = 'red'", 12, 'unknown run attribute "colour"'],
    ['runs', "datasets.size = 'x'", 10, 'unknown dataset field "size"; valid fields: name, digest, context'],
    [
      'runs',
      "params.x > 'a'",
      10,
      'comparator > is not allowed for params.x; valid comparators: =, !=, LIKE, ILIKE',
    ],
    ['runs', "metrics.x LIKE '1'", 11, 'valid comparators: =, !=, >, >=, <, <='],
    ['runs', "status IN ('a')", 8, 'comparator IN is not allowed for status'],
    ['runs', "tags.x IN ('a')", 8, 'comparator IN is not allowed for tags.x'],
    ['runs', "run_id IN 'a'", 11, 'expected a parenthesised list of quoted strings after run_id IN'],
    ['runs', 'run_id IN ()', 12, 'expected a non-empty list'],
    ['runs', "run_id IN ('a' 'b')", 16, 'expected , or ) in the list'],
    ['runs', "run_id IN ('a', 1)", 17, 'expected a quoted string in the list, got "1"'],
    ['runs', "run_id IN ('a'", 15, 'expected , or ) in the list, got end of input'],
    ['runs', "tags.x = 'abc", 10, "unterminated string starting here; close it with '"],
    ['runs', "tags.`abc = 'x'", 6, 'unterminated quoted key'],
    ['runs', 'tags."abc = 1', 6, 'unterminated string'],
    ['runs', 'metrics.x > 1.2.3', 13, 'malformed number "1.2.3"'],
    ['runs', 'metrics.x > 5abc', 13, 'malformed number "5abc"'],
    ['runs', "tags. = 'x'", 6, 'expected a key after "tags.", got " "'],
    ['runs', "tags.`a`.b = 'x'", 6, 'a quoted key must be the whole key'],
    ['runs', "tags.x LIKE 'a\\\\'", 13, 'cannot end with a lone backslash'],
    ['runs', "tags.é = 'x' AND ;", 18, 'got ";"'],
    ['runs', "tags.x = 'y' 💥", 14, 'got "💥"'],
    [
      'experiments',
      'metrics.a > 1',
      1,
      'unknown prefix "metrics" for experiment search; valid prefixes: attribute, attributes, tag, tags',
    ],
    ['experiments', "name IN ('a')", 6, 'valid comparators: =, !=, LIKE, ILIKE'],
    ['experiments', "experiment_id = '1'", 1, 'unknown experiment attribute "experiment_id"'],
    ['registered_models', 'creation_timestamp > 1', 1, 'unknown registered model attribute'],
    ['model_versions', "name NOT IN ('x')", 6, 'comparator NOT IN is not allowed for name'],
    ['model_versions', "source_path IN ('x')", 13, 'comparator IN is not allowed'],
    ['model_versions', "version_number = '1'", 18, 'expected a number after version_number'],
    ['model_versions', "params.x = 'a'", 1, 'unknown prefix "params" for model version search'],
  ];
  for (const [entity, filter, position, message] of cases) {
    it(`${entity}: ${filter}`, () => throwsAt(() => parseFilter(entity, filter), position, message));
  }

  it('bounds the number of comparisons and list values', () => {
    const many = Array.from({ length: maxFilterClauses + 1 }, (_, i) => `metrics.m${i} > 0`).join(' AND ');
    assert.throws(() => parseFilter('runs', many), /at most 200 comparisons/);
    assert.equal(
      parseFilter('runs', many.split(' AND ').slice(0, maxFilterClauses).join(' AND ')).length,
      200,
    );
    const list = `run_id IN (${Array.from({ length: 10_001 }, () => "'a'").join(',')})`;
    assert.throws(() => parseFilter('runs', list), /at most 10000 list values/);
  });

  it('rejects a filter that is not a string', () => {
    throwsAt(() => parseFilter('runs', 42 as unknown as string), 1, 'expected a string, got number');
  });
});

describe('parseOrderBy', () => {
  it('parses fields, directions and aliases per entity', () => {
    assert.deepEqual(
      parseOrderBy('runs', ['metrics.acc DESC', 'params.`a b` asc', 'created', 'tags."x y" Desc']),
      [
        { kind: 'metric', key: 'acc', ascending: false },
        { kind: 'param', key: 'a b', ascending: true },
        { kind: 'attribute', key: 'start_time', ascending: true },
        { kind: 'tag', key: 'x y', ascending: false },
      ],
    );
    assert.deepEqual(parseOrderBy('registered_models', ['timestamp DESC', 'name']), [
      { kind: 'attribute', key: 'last_updated_timestamp', ascending: false },
      { kind: 'attribute', key: 'name', ascending: true },
    ]);
    assert.deepEqual(parseOrderBy('model_versions', ['version', 'attributes.creation_timestamp DESC']), [
      { kind: 'attribute', key: 'version_number', ascending: true },
      { kind: 'attribute', key: 'creation_timestamp', ascending: false },
    ]);
    assert.deepEqual(parseOrderBy('experiments', ['experiment_id', 'last_update_time DESC']).length, 2);
    assert.deepEqual(parseOrderBy('runs', undefined), []);
    assert.deepEqual(parseOrderBy('runs', []), []);
  });

  const cases: [SearchEntity, string[], number, number, RegExp | string][] = [
    ['runs', ['metrics.acc DESC x'], 0, 18, 'expected the end of the clause, got "x"'],
    [
      'runs',
      ['metrics.acc sideways'],
      0,
      13,
      'expected ASC, DESC or the end of the clause after metrics.acc, got "sideways"',
    ],
    [
      'runs',
      ['start_time', 'created DESC'],
      1,
      1,
      'order_by contains duplicate fields: created repeats order_by[0]',
    ],
    ['runs', ['metrics.a', 'metric.a DESC'], 1, 1, 'duplicate fields'],
    [
      'runs',
      [''],
      0,
      1,
      'expected a field to sort by, such as metrics.<key> or start_time, got end of input',
    ],
    ['runs', ['datasets.name'], 0, 1, 'runs sort by metrics, params, tags or attributes'],
    ['runs', ['`run name`'], 0, 1, 'unknown run attribute "run name"'],
    ['runs', ['metrics.acc ~'], 0, 13, 'got "~"'],
    [
      'experiments',
      ['name', 'tags.x'],
      1,
      1,
      'experiments sort by attributes only (name, experiment_id, creation_time, last_update_time)',
    ],
    ['experiments', ['colour'], 0, 1, 'unknown experiment attribute "colour"'],
    ['registered_models', ['timestamp DESC', 'last_updated_timestamp'], 1, 1, 'duplicate fields'],
    ['model_versions', ['version_number', 'version DESC'], 1, 1, 'duplicate fields'],
  ];
  for (const [entity, orderBy, index, position, message] of cases) {
    it(`${entity}: ${JSON.stringify(orderBy)}`, () =>
      throwsAt(() => parseOrderBy(entity, orderBy), position, message, index));
  }

  it('bounds the list and rejects non-strings', () => {
    const many = Array.from({ length: maxOrderByClauses + 1 }, (_, i) => `metrics.m${i}`);
    assert.throws(() => parseOrderBy('runs', many), /at most 20 clauses/);
    throwsAt(() => parseOrderBy('runs', [7 as unknown as string]), 1, 'expected a string, got number', 0);
    throwsAt(() => parseOrderBy('runs', 'name' as unknown as string[]), 1, 'expected a list of strings', 0);
  });
});
