import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLatheError } from '../core/index.js';
import { parsePredictPayload } from './payload.js';

/** Columns as plain arrays, for comparisons. */
function cols(p: ReturnType<typeof parsePredictPayload>): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(p.batch.columns).map(([k, v]) => [k, Array.from(v)]));
}

function refuses(body: unknown, pattern: RegExp, order?: string[], maxRows?: number): void {
  assert.throws(
    () => parsePredictPayload(body, order, maxRows === undefined ? {} : { maxRows }),
    (err: unknown) => {
      assert.ok(isLatheError(err), `expected a LatheError, got ${String(err)}`);
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.match(err.message, pattern);
      return true;
    },
  );
}

describe('parsePredictPayload: native shapes', () => {
  it('reads a bare array of row objects, keeping row order and the union of keys', () => {
    const p = parsePredictPayload([{ a: 1, b: 'x' }, { a: 2 }, { b: 'z', a: 3 }]);
    assert.equal(p.format, 'rows');
    assert.equal(p.batch.rows, 3);
    assert.deepEqual(cols(p), { a: [1, 2, 3], b: ['x', undefined, 'z'] });
    assert.equal(p.params, undefined);
  });

  it('reads {"rows": [...]}', () => {
    const p = parsePredictPayload({ rows: [{ a: 1 }, { a: 2 }] });
    assert.equal(p.format, 'rows');
    assert.deepEqual(cols(p), { a: [1, 2] });
  });

  it('reads an empty batch', () => {
    assert.equal(parsePredictPayload([]).batch.rows, 0);
    assert.equal(parsePredictPayload({ rows: [] }).batch.rows, 0);
  });

  it('reads {"columns": [...], "data": [[...]]}', () => {
    const p = parsePredictPayload({
      columns: ['a', 'b'],
      data: [
        [1, 'x'],
        [2, 'y'],
      ],
    });
    assert.equal(p.format, 'columns');
    assert.deepEqual(cols(p), { a: [1, 2], b: ['x', 'y'] });
  });

  it('names positional rows by the signature order when columns are absent', () => {
    const p = parsePredictPayload({ data: [[1, 2]] }, ['a', 'b']);
    assert.deepEqual(cols(p), { a: [1], b: [2] });
    const q = parsePredictPayload(
      [
        [1, 2],
        [3, 4],
      ],
      ['a', 'b'],
    );
    assert.equal(q.format, 'rows');
    assert.deepEqual(cols(q), { a: [1, 3], b: [2, 4] });
  });

  it('keeps a "__proto__" column as data, not as a prototype', () => {
    const p = parsePredictPayload(JSON.parse('[{"__proto__": 5, "a": 1}]'));
    assert.deepEqual(Object.keys(p.batch.columns).sort(), ['__proto__', 'a']);
    assert.equal(Object.getPrototypeOf(p.batch.columns), Object.prototype);
  });
});

describe('parsePredictPayload: MLflow scoring server shapes', () => {
  it('reads dataframe_split as pandas to_json(orient="split") writes it, index included', () => {
    // pandas.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_json(orient="split")
    const body = JSON.parse(
      '{"dataframe_split": {"columns":["a","b"],"index":[0,1],"data":[[1,"x"],[2,"y"]]}}',
    );
    const p = parsePredictPayload(body);
    assert.equal(p.format, 'dataframe_split');
    assert.deepEqual(cols(p), { a: [1, 2], b: ['x', 'y'] });
  });

  it('reads the dataframe_split example of the MLflow serving docs', () => {
    const body = {
      dataframe_split: {
        columns: ['feature1', 'feature2', 'feature3', 'feature4'],
        data: [[1, 2, 3, 4]],
      },
    };
    assert.deepEqual(cols(parsePredictPayload(body)), {
      feature1: [1],
      feature2: [2],
      feature3: [3],
      feature4: [4],
    });
  });

  it('reads dataframe_records', () => {
    const p = parsePredictPayload({
      dataframe_records: [
        { a: 1, b: 'x' },
        { a: 2, b: 'y' },
      ],
    });
    assert.equal(p.format, 'dataframe_records');
    assert.deepEqual(cols(p), { a: [1, 2], b: ['x', 'y'] });
  });

  it('reads instances as row objects, positional rows, or single values of a one-input model', () => {
    const a = parsePredictPayload({
      instances: [
        { a: 1, b: 2 },
        { a: 3, b: 4 },
      ],
    });
    assert.equal(a.format, 'instances');
    assert.deepEqual(cols(a), { a: [1, 3], b: [2, 4] });
    assert.deepEqual(cols(parsePredictPayload({ instances: [[1, 2]] }, ['a', 'b'])), { a: [1], b: [2] });
    assert.deepEqual(cols(parsePredictPayload({ instances: [1, 2, 3] }, ['x'])), { x: [1, 2, 3] });
    assert.deepEqual(cols(parsePredictPayload({ instances: { a: [1, 2], b: [3, 4] } })), {
      a: [1, 2],
      b: [3, 4],
    });
  });

  it('reads inputs as column → values, column → one value, rows, or positional rows', () => {
    const p = parsePredictPayload({ inputs: { a: [1, 2], b: ['x', 'y'] } });
    assert.equal(p.format, 'inputs');
    assert.deepEqual(cols(p), { a: [1, 2], b: ['x', 'y'] });
    const one = parsePredictPayload({ inputs: { a: 1, b: 'x' } });
    assert.equal(one.batch.rows, 1);
    assert.deepEqual(cols(one), { a: [1], b: ['x'] });
    assert.deepEqual(cols(parsePredictPayload({ inputs: [{ a: 1 }] })), { a: [1] });
    // The curl example of the MLflow serving docs: {"inputs": [[1, 2, 3, 4]]}.
    assert.deepEqual(cols(parsePredictPayload({ inputs: [[1, 2, 3, 4]] }, ['f1', 'f2', 'f3', 'f4'])), {
      f1: [1],
      f2: [2],
      f3: [3],
      f4: [4],
    });
  });

  it('returns MLflow params apart from the data', () => {
    const p = parsePredictPayload({ dataframe_records: [{ a: 1 }], params: { threshold: 0.3 } });
    assert.deepEqual(p.params, { threshold: 0.3 });
    assert.deepEqual(cols(p), { a: [1] });
    assert.deepEqual(parsePredictPayload({ inputs: { a: [1] }, params: {} }).params, {});
  });
});

describe('parsePredictPayload: bad bodies', () => {
  it('refuses bodies that are not a JSON object or array, naming the accepted shapes', () => {
    refuses(
      'a,b\n1,2',
      /expected a JSON object or array; got the string .*accepted bodies: .*dataframe_split/,
    );
    refuses(42, /got the number 42/);
    refuses(null, /got null/);
  });

  it('refuses two data shapes at once', () => {
    refuses({ instances: [{ a: 1 }], inputs: { a: [1] } }, /2 data shapes at once \(instances, inputs\)/);
    refuses({ rows: [{ a: 1 }], columns: ['a'], data: [[1]] }, /rows, columns\/data/);
  });

  it('refuses unknown top-level keys and bodies without data', () => {
    refuses({ instance: [{ a: 1 }] }, /unknown top-level key "instance"/);
    refuses({ inputs: { a: [1] }, signature_name: 'x' }, /unknown top-level key "signature_name"/);
    refuses({}, /holds no data/);
    refuses({ params: { a: 1 } }, /holds no data \(keys: params\)/);
  });

  it('refuses rows of different widths, naming the row and the expected width', () => {
    refuses(
      { columns: ['a', 'b'], data: [[1, 2], [3]] },
      /body\.data\[1\] holds 1 values; every row must hold 2 \(one per column: a, b\)/,
    );
    refuses(
      { dataframe_split: { columns: ['a'], data: [[1, 2]] } },
      /dataframe_split\.data\[0\] holds 2 values/,
    );
    refuses({ instances: [[1, 2], [3]] }, /instances\[1\] holds 1 values/, ['a', 'b']);
    refuses({ inputs: [[1, 2, 3]] }, /holds 3 values; every row must hold 2/, ['a', 'b']);
  });

  it('refuses bad column names', () => {
    refuses(
      { columns: ['a', 2], data: [[1, 2]] },
      /body\.columns\[1\] must be a column name \(a string\); got the number 2/,
    );
    refuses({ columns: [], data: [] }, /columns is empty/);
    refuses({ columns: 'a', data: [[1]] }, /must be an array of column names; got the string "a"/);
    refuses({ columns: ['a', 'a'], data: [[1, 2]] }, /names column "a" twice/);
    refuses({ columns: ['a'] }, /has "columns" but no "data"/);
  });

  it('refuses positional values without a column order', () => {
    refuses(
      { instances: [[1, 2]] },
      /values without column names and the model's signature gives no column order/,
    );
    refuses({ data: [[1]] }, /without column names/);
    refuses([[1, 2]], /without column names/);
    refuses({ inputs: [1, 2] }, /without column names/);
    refuses({ inputs: [1, 2] }, /only a one-input model reads; this model reads 2 columns \(a, b\)/, [
      'a',
      'b',
    ]);
  });

  it('refuses malformed MLflow shapes', () => {
    refuses({ dataframe_split: [[1]] }, /dataframe_split must be an object/);
    refuses(
      { dataframe_split: { columns: ['a'], data: [[1]], index: [0, 1] } },
      /index holds 2 labels for 1 rows/,
    );
    refuses({ dataframe_split: { columns: ['a'], data: [[1]], dtypes: {} } }, /unknown key "dtypes"/);
    refuses({ dataframe_records: { a: [1] } }, /dataframe_records must be an array of row objects/);
    refuses({ dataframe_records: [{ a: 1 }, 5] }, /dataframe_records\[1\] must be a row object/);
    refuses({ instances: 'x' }, /"instances" must be a list of rows or an object/);
    refuses({ inputs: { a: [1, 2], b: [1] } }, /column "b" holds 1 values but "a" holds 2/);
    refuses({ inputs: { a: [1, 2], b: 3 } }, /mixes lists and single values/);
    refuses({ inputs: {} }, /inputs is an empty object/);
    refuses({ instances: [1, [2]] }, /instances\[1\] must be a single value/, ['x']);
    refuses({ inputs: { a: [1] }, params: [1] }, /"params" must be an object/);
  });

  it('refuses more rows than maxRows', () => {
    refuses([{ a: 1 }, { a: 2 }, { a: 3 }], /holds 3 rows; at most 2 rows/, undefined, 2);
    assert.equal(parsePredictPayload([{ a: 1 }, { a: 2 }], undefined, { maxRows: 2 }).batch.rows, 2);
  });
});
