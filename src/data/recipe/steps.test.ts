import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BlobStore } from '../../storage/blobs/index.js';
import { openTestData, type TestData } from '../data-fixture.js';
import type { DataService } from '../data-service.js';

const csv = `id,age,income,city,signup,notes
1,17,1000.5,Paris,2024-03-01 10:15:00,hello
2,30,,Lyon,2023-12-31 23:59:59,
3,,2500,Paris,2024-02-29 08:00:00,héllo wörld
4,65,4000,,2021-01-04 00:00:00,x
5,45,-0.5,Nice,2020-06-15 12:30:45,abc
`;

describe('each step, in batch, on a small CSV', () => {
  let t: TestData;
  let dir: string;
  let blobs: BlobStore;
  let data: DataService;
  let n = 0;
  /** Applies `steps` to people@1 and answers the rows of the result, in order. */
  const run = async (...steps: unknown[]) => {
    const result = await data.transform('people@1', { version: 1, steps, output: `out${++n}` }, null);
    const v = result.outputs[0]!.version;
    const rows = await (await data.engine()).query<Record<string, unknown>>(
      `SELECT * EXCLUDE (file_row_number) FROM read_parquet('${blobs.localPath(v.digest)}', file_row_number = true) ORDER BY file_row_number`,
    );
    return { rows, columns: v.columns.map((c) => `${c.name}:${c.type}`) };
  };
  const col = (rows: Record<string, unknown>[], name: string) => rows.map((r) => r[name]);

  before(async () => {
    t = await openTestData({ piiSalt: 'x' });
    ({ dir, blobs, data } = t);
    writeFileSync(path.join(dir, 'people.csv'), csv);
    await data.ingestFile(path.join(dir, 'people.csv'), { name: 'people', filename: 'people.csv' }, null);
  });
  after(() => t?.close());

  it('select, rename and drop choose and name columns', async () => {
    const { rows, columns } = await run(
      { select: ['city', 'id', 'age'] },
      { rename: { city: 'town' } },
      { drop: ['age'] },
    );
    assert.deepEqual(columns, ['town:VARCHAR', 'id:BIGINT']);
    assert.deepEqual(rows[0], { town: 'Paris', id: 1 });
  });

  it('cast converts, and what does not convert is NULL', async () => {
    const { rows, columns } = await run(
      { select: ['age', 'income', 'signup'] },
      { cast: { age: 'VARCHAR', income: 'BIGINT', signup: 'DATE' } },
    );
    assert.deepEqual(columns, ['age:VARCHAR', 'income:BIGINT', 'signup:DATE']);
    assert.deepEqual(col(rows, 'age'), ['17', '30', null, '65', '45']);
    assert.deepEqual(col(rows, 'income'), [1000, null, 2500, 4000, 0], 'halves to even');
    assert.deepEqual(col(rows, 'signup'), [
      '2024-03-01',
      '2023-12-31',
      '2024-02-29',
      '2021-01-04',
      '2020-06-15',
    ]);
    const back = await run(
      { select: ['id'] },
      { derive: { t: "'12x'", u: "' 7 '" } },
      { cast: { t: 'BIGINT', u: 'BIGINT' } },
    );
    assert.deepEqual([back.rows[0]!['t'], back.rows[0]!['u']], [null, 7]);
  });

  it('filter keeps the rows where the condition is true', async () => {
    const { rows } = await run({ filter: 'age >= 18 and city is not null' });
    assert.deepEqual(col(rows, 'id'), [2, 5]);
  });

  it('derive adds columns in order, each able to use the last', async () => {
    const { rows, columns } = await run(
      { select: ['id', 'age', 'income', 'city'] },
      {
        derive: {
          ratio: 'income / age',
          label: "lower(city) || '#' || 'x'",
          twice: 'ratio * 2',
          age: 'age + 1',
        },
      },
    );
    assert.deepEqual(columns, [
      'id:BIGINT',
      'age:BIGINT',
      'income:DOUBLE',
      'city:VARCHAR',
      'ratio:DOUBLE',
      'label:VARCHAR',
      'twice:DOUBLE',
    ]);
    assert.deepEqual(col(rows, 'ratio'), [1000.5 / 17, null, null, 4000 / 65, -0.5 / 45]);
    assert.deepEqual(col(rows, 'twice'), [(1000.5 / 17) * 2, null, null, (4000 / 65) * 2, (-0.5 / 45) * 2]);
    assert.deepEqual(col(rows, 'label'), ['paris#x', 'lyon#x', 'paris#x', null, 'nice#x']);
    assert.deepEqual(col(rows, 'age'), [18, 31, null, 66, 46]);
  });

  it('impute fills gaps with the mean, median, mode or a constant', async () => {
    const { rows, columns } = await run({
      impute: { age: 'mean', income: 'median', city: 'mode', notes: { constant: '?' } },
    });
    assert.deepEqual(col(rows, 'age'), [17, 30, (17 + 30 + 65 + 45) / 4, 65, 45]);
    assert.deepEqual(col(rows, 'income'), [1000.5, (1000.5 + 2500) / 2, 2500, 4000, -0.5]);
    assert.deepEqual(col(rows, 'city'), ['Paris', 'Lyon', 'Paris', 'Paris', 'Nice']);
    assert.deepEqual(col(rows, 'notes'), ['hello', '?', 'héllo wörld', 'x', 'abc']);
    assert.ok(columns.includes('age:DOUBLE'), 'a mean makes the column DOUBLE');
  });

  it('clip, log, minmax_scale and bucketize transform numbers', async () => {
    const { rows, columns } = await run(
      { select: ['age', 'income'] },
      { derive: { a2: 'age', a3: 'age' } },
      { clip: { age: { min: 18, max: 60 } } },
      { log: ['income'] },
      { minmax_scale: ['a2'] },
      { bucketize: { a3: { edges: [18, 40] } } },
    );
    assert.deepEqual(columns, ['age:BIGINT', 'income:DOUBLE', 'a2:DOUBLE', 'a3:BIGINT']);
    assert.deepEqual(col(rows, 'age'), [18, 30, null, 60, 45]);
    assert.deepEqual(col(rows, 'income'), [
      Math.log(1001.5),
      null,
      Math.log(2501),
      Math.log(4001),
      Math.log(0.5),
    ]);
    assert.deepEqual(col(rows, 'a2'), [0, 13 / 48, null, 1, 28 / 48]);
    assert.deepEqual(col(rows, 'a3'), [0, 1, null, 2, 2]);
    const uniform = await run({ select: ['age'] }, { bucketize: { age: { bins: 4, strategy: 'uniform' } } });
    // Cut points 29, 41, 53 between min 17 and max 65.
    assert.deepEqual(col(uniform.rows, 'age'), [0, 1, null, 3, 2]);
  });

  it('datetime_parts and text_length add columns after their source', async () => {
    const { rows, columns } = await run(
      { select: ['signup', 'notes'] },
      { datetime_parts: { signup: ['year', 'month', 'weekday', 'hour', 'dayofyear'] } },
      { text_length: ['notes'] },
    );
    assert.deepEqual(columns, [
      'signup:TIMESTAMP',
      'signup_year:BIGINT',
      'signup_month:BIGINT',
      'signup_weekday:BIGINT',
      'signup_hour:BIGINT',
      'signup_dayofyear:BIGINT',
      'notes:VARCHAR',
      'notes_length:BIGINT',
    ]);
    assert.deepEqual(col(rows, 'signup_weekday'), [5, 7, 4, 1, 1]);
    assert.deepEqual(col(rows, 'signup_hour'), [10, 23, 8, 0, 12]);
    assert.deepEqual(col(rows, 'signup_dayofyear'), [61, 365, 60, 4, 167]);
    assert.deepEqual(col(rows, 'notes_length'), [5, null, 11, 1, 3]);
  });

  it('refuses steps on columns of the wrong type, naming them', async () => {
    await assert.rejects(
      run({ standard_scale: ['city'] }),
      /step 1 \(standard_scale\): column "city" is VARCHAR; standard_scale needs a number/,
    );
    await assert.rejects(
      run(
        { datetime_parts: { signup: ['hour'] } },
        { cast: { signup: 'DATE' } },
        { datetime_parts: { signup: ['minute'] } },
      ),
      /step 3 \(datetime_parts\): column "signup" is a DATE, which has no minute/,
    );
    await assert.rejects(
      run({ cast: { signup: 'DOUBLE' } }),
      /column "signup" \(TIMESTAMP\) cannot be cast to DOUBLE/,
    );
    await assert.rejects(
      run({ impute: { city: 'mean' } }),
      /column "city" is VARCHAR; impute needs a number for mean and median/,
    );
    await assert.rejects(
      run({ impute: { age: { constant: 'old' } } }),
      /column "age" takes a number; got "old"/,
    );
    await assert.rejects(
      run({ text_length: ['notes'] }, { text_length: ['notes'] }),
      /would add a column "notes_length", which exists already/,
    );
    await assert.rejects(
      run({ filter: 'age + 1' }),
      /a filter must be a condition \(true or false\); "age \+ 1" is an integer/,
    );
  });
});
