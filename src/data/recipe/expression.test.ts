import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import { TableEngine } from '../../storage/tables/index.js';
import { checkExpression } from './expression-check.js';
import { evaluate } from './expression-eval.js';
import { parseExpression } from './expression-parser.js';
import { expressionSql } from './expression-sql.js';
import type { ValueKind } from './recipe-types.js';
import { timestampFromInput } from './values.js';

const columns = new Map<string, ValueKind>([
  ['age', 'integer'],
  ['income', 'double'],
  ['city', 'string'],
  ['active', 'boolean'],
  ['born', 'date'],
  ['signup', 'timestamp'],
  ['odd name', 'string'],
]);

function compile(src: string) {
  return checkExpression(parseExpression(src), columns, src);
}

/** Asserts `fn` throws RECIPE_INVALID with a message matching every pattern. */
function refuses(src: string, ...patterns: RegExp[]) {
  assert.throws(
    () => compile(src),
    (err) => {
      assert.ok(isLatheError(err), String(err));
      assert.equal(err.code, 'RECIPE_INVALID');
      for (const p of patterns) assert.match(err.message, p);
      return true;
    },
    src,
  );
}

describe('recipe expressions: parsing and checking', () => {
  it('parses the documented forms', () => {
    for (const src of [
      'age >= 18 and city is not null',
      'income / age',
      "city in ('Paris', 'Lyon') or not active",
      'age between 18 and 65',
      'age not between 18 and 65',
      "city not like 'P%'",
      "lower(trim(city)) = 'paris'",
      'coalesce(income, 0) * 2 + -age % 7',
      'round(income, -2) > 1e3',
      "signup >= '2024-01-01' and born < '2000-06-30'",
      "\"odd name\" || 'x' = 'ax'",
      'year(signup) - year(born) between 0 and 120',
      'sqrt(abs(income)) + ln(age) + log10(age) + exp(0.5) + floor(income) + ceil(income)',
      'length(city) > 3 and upper(city) <> city',
      'weekday(signup) in (6, 7) and hour(signup) < 12',
      '.5 + 5. + 1e-3 + 2E+2',
      'null is null',
    ])
      assert.doesNotThrow(() => compile(src), src);
  });

  it('points at the character where it went wrong and says what was expected', () => {
    refuses('age >= 18 and ;', /expected a column, number, string or '\(' at position 15, got ';'/);
    refuses(
      'age >= ',
      /expected a column, number, string or '\(' at position 8, got the end of the expression/,
    );
    refuses('(age + 1', /expected '\)' at position 9/);
    refuses('age 18', /expected an operator or the end of the expression at position 5, got the number 18/);
    refuses("city = 'Paris", /unterminated string starting at position 8/);
    refuses('age is 3', /expected 'null' after 'is' at position 8/);
    refuses('age not 3', /expected 'in', 'between' or 'like' after 'not' at position 9/);
    refuses('12abc > 1', /a number cannot run into letters at position 1/);
  });

  it('refuses unknown columns, listing the columns available', () => {
    refuses(
      'salary > 10',
      /unknown column "salary" at position 1; the columns at this step are age, income, city, active, born, signup, odd name/,
    );
  });

  it('refuses functions outside the whitelist and wrong argument counts', () => {
    refuses('read_csv(city)', /unknown function 'read_csv' at position 1; the functions are abs, round/);
    refuses('random() > 0.5', /unknown function 'random'/);
    refuses('abs(age, 2)', /abs\(\) takes 1 argument; got 2/);
    refuses('round(income, age)', /takes its number of digits as an integer/);
  });

  it('refuses SQL injection attempts', () => {
    refuses('1; drop table x', /expected an operator or the end of the expression at position 2, got ';'/);
    refuses('"a" || (select password from users)', /position 9, got the SQL word 'select'/);
    refuses('age > 1 union select 1', /got the SQL word 'union'/);
    // '--' is two minus signs, not a comment: here it subtracts a negated (unknown) column.
    refuses("city = 'x' -- comment", /unknown column "comment" at position 15/);
    refuses('age /* hi */ > 1', /got '\*'/);
    refuses("cast(age as varchar) = '1'", /got the SQL word 'cast'/);
    refuses('(select 1) = 1', /got the SQL word 'select'/);
    refuses("city = 'a' or 1=1; delete from t", /got ';'/);
    // Quoted, the same word is a column name, and an unknown one.
    refuses('"select" = 1', /unknown column "select"/);
  });

  it('refuses operands of the wrong type', () => {
    refuses("age + 'x'", /'\+' at position 5 needs numbers; got a string/);
    refuses('city > 3', /compares a string with a number/);
    refuses('age and active', /'and' at position 5 joins conditions; got a number/);
    refuses("signup > 'yesterday'", /'yesterday' at position 10 is not a timestamp/);
    refuses('hour(born) = 1', /hour\(\) at position 1 needs a timestamp; got a date/);
    refuses('lower(age)', /needs a string; got a number/);
    refuses("coalesce(age, 'x')", /mixes a number and a string/);
  });

  it('quotes identifiers and literals in the SQL it writes', () => {
    const sql = expressionSql(compile(`"odd name" = 'it''s' and city like '%"x'`));
    assert.equal(sql, `(("odd name" = 'it''s') AND ("city" LIKE '%"x'))`);
  });
});

describe('recipe expressions: SQL and row-by-row give the same answers', () => {
  let engine: TableEngine;
  const rows = `(VALUES
    (1, 30, 52000.5, 'Paris', true, DATE '1994-02-11', TIMESTAMP '2024-03-01 10:15:00', 'a'),
    (2, NULL, 0.0, 'lyon', false, DATE '1970-01-01', TIMESTAMP '2023-12-31 23:59:59.5', NULL),
    (3, -7, -1.5, NULL, NULL, NULL, NULL, 'Ünï'),
    (4, 0, NULL, ' São Paulo ', true, DATE '2000-02-29', TIMESTAMP '1969-07-20 20:17:40', '%_'),
    (5, 1000000007, 1e300, 'ßtraße', false, DATE '0001-01-01', TIMESTAMP '2024-02-29 00:00:00', ''),
    (6, 2, 2.675, 'İstanbul', true, DATE '2024-12-31', TIMESTAMP '2024-12-30 06:00:00.123456', 'x')
  ) t(id, age, income, city, active, born, signup, "odd name")`;

  before(async () => {
    engine = await TableEngine.create({ threads: 1 });
  });
  after(() => engine.close());

  const expressions = [
    'age + 1',
    'age - age * 3',
    'age % 4',
    'age / 4',
    'income / 0',
    'income * income * income * income',
    'exp(income)',
    'age / age',
    'income * income * income',
    'income % 0.7',
    '-income',
    'round(income)',
    'round(income, 2)',
    'round(income, -1)',
    'round(age)',
    'floor(income) + ceil(income)',
    'abs(age) + abs(income)',
    'ln(income)',
    'log10(age)',
    'sqrt(income)',
    'exp(age)',
    'lower(city)',
    'upper(city)',
    'trim(city)',
    'length(city)',
    "city || '!'",
    "coalesce(city, 'none')",
    'coalesce(age, income, 0)',
    'coalesce(born, signup)',
    "city like '%a%'",
    "city not like '_yon'",
    '"odd name" like \'\\%\'',
    "city in ('Paris', 'lyon')",
    "city not in ('Paris', null)",
    'age in (30, 0, null)',
    'age between 0 and 30',
    'income not between -2 and 1',
    'active and age > 1',
    'active or age > 1',
    'not active',
    'city is null',
    'age is not null',
    "city > 'M'",
    "city >= 'İ'",
    "born < '1990-01-01'",
    "signup >= '2024-01-01 00:00'",
    'signup > born',
    'year(signup) * 100 + month(signup)',
    'day(born) + quarter(born) + dayofyear(born) + weekday(born)',
    'hour(signup) + minute(signup) + second(signup) + weekday(signup)',
  ];

  it('every expression: DuckDB and evaluate() agree on every row', async () => {
    const sql = expressions.map((src, i) => `${expressionSql(compile(src))} AS e${i}`).join(', ');
    const answers = await engine.query<Record<string, unknown>>(`SELECT id, ${sql} FROM ${rows} ORDER BY id`);
    const inputs = await engine.query<Record<string, unknown>>(`SELECT * FROM ${rows} ORDER BY id`);
    for (const [r, input] of inputs.entries()) {
      const row: Record<string, unknown> = {
        ...input,
        signup: input['signup'] === null ? null : timestampFromInput(input['signup']),
      };
      for (const [i, src] of expressions.entries()) {
        const typed = compile(src);
        let got = evaluate(typed, row);
        let want = answers[r]![`e${i}`];
        if (typed.k === 'timestamp' && typeof want === 'string') want = timestampFromInput(want);
        if (typeof got === 'number' && typeof want === 'number' && !Number.isInteger(want)) {
          assert.ok(
            Math.abs(got - want) <= 1e-12 * Math.abs(want),
            `${src} on row ${input['id']}: ${got} vs DuckDB ${want}`,
          );
          got = want;
        }
        assert.deepEqual(got, want, `${src} on row ${input['id']}`);
      }
    }
  });
});
