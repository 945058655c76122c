import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isLatheError } from '../../core/index.js';
import type { BlobStore } from '../../storage/blobs/index.js';
import type { MetaStore } from '../../storage/meta/index.js';
import { openTestData, type TestData } from '../data-fixture.js';
import { DataService } from '../data-service.js';
import { hashPii } from '../pii/index.js';
import { applyFittedRecipe } from './row-path.js';

const fixtures = path.resolve(import.meta.dirname, '../../../test/fixtures/recipe');
const salt = 'test-salt-not-secret';

/** Every row-wise step, on a real CSV of 322 customers (missing values, Unicode, timestamps). */
const everyStep = `
version: 1
steps:
  - select: [customer_id, name, email, phone, age, income, city, plan, signup, birth_date, notes, score, visits, churned]
  - rename: { income: annual_income }
  - cast: { score: VARCHAR }
  - cast: { score: DOUBLE, visits: DOUBLE, customer_id: VARCHAR }
  - filter: "(age >= 18 or age is null) and customer_id not like '%7'"
  - derive:
      income_per_age: "annual_income / age"
      rich_city: "annual_income > 40000 and city in ('Paris', 'Lyon')"
      city_up: "upper(coalesce(city, 'none')) || '/' || lower(plan)"
      r: "round(score, 2) + floor(score) - ceil(score) + abs(score) + sqrt(abs(score)) + exp(score)"
      ln_v: "ln(visits) + log10(visits + 1)"
      tenure: "year(signup) - year(birth_date) + month(signup) / 12.0"
      note_len: "length(trim(notes))"
  - impute: { age: median, annual_income: mean, city: mode, ln_v: { constant: 0 } }
  - onehot: { columns: [city], max_categories: 5 }
  - ordinal: { columns: [plan], categories: { plan: [basic, pro] } }
  - standard_scale: [age]
  - minmax_scale: [annual_income]
  - log: [visits]
  - clip: { score: { min: 0, max: 4 }, note_len: { max: 10 } }
  - bucketize:
      income_per_age: { bins: 4, strategy: quantile }
      tenure: { bins: 3, strategy: uniform }
      r: { edges: [0, 5, 50] }
  - datetime_parts: { signup: [year, quarter, month, day, weekday, dayofyear, hour, minute, second], birth_date: [year, weekday] }
  - text_length: [notes]
  - pii: { email: hash, phone: mask, name: drop }
  - drop: [birth_date]
output: customers-features
`;

describe('transform recipes on a real CSV', () => {
  let t: TestData;
  let dir: string;
  let meta: MetaStore;
  let blobs: BlobStore;
  let data: DataService;
  /** The rows of a version's Parquet file, in stored order. */
  const rowsOf = async (digest: string) => {
    const engine = await data.engine();
    return engine.query<Record<string, unknown>>(
      `SELECT * EXCLUDE (file_row_number) FROM read_parquet('${blobs.localPath(digest)}', file_row_number = true) ORDER BY file_row_number`,
    );
  };

  before(async () => {
    t = await openTestData({ piiSalt: salt });
    ({ dir, meta, blobs, data } = t);
    await data.ingestFile(
      path.join(fixtures, 'customers.csv'),
      { name: 'customers', filename: 'customers.csv', target: 'churned' },
      null,
    );
  });
  after(() => t?.close());

  it("the row path gives the batch path's numbers for every row-wise step (training and serving cannot drift)", async () => {
    const result = await data.transform('customers@1', everyStep, null);
    assert.equal(result.outputs.length, 1);
    const out = result.outputs[0]!;
    assert.equal(out.version.ref, 'customers-features@1');
    assert.deepEqual(out.version.parents, ['customers@1']);
    assert.deepEqual(out.version.source, { kind: 'recipe', inputs: ['customers@1'] });
    const fitted = await data.fittedRecipe(out.version.ref);
    assert.equal((out.version.recipe as { artifact: string }).artifact, result.artifact);
    // The fitted recipe is plain JSON: what the SDK gets over HTTP.
    const shipped = JSON.parse(JSON.stringify(fitted));

    const input = await rowsOf((await data.version('customers@1')).digest);
    const batch = await rowsOf(out.version.digest);
    const served = input
      .map((r) => applyFittedRecipe(shipped, r, { piiSalt: salt }))
      .filter((r) => r !== null);
    assert.ok(
      batch.length > 250 && batch.length < input.length,
      `the filter kept ${batch.length} of ${input.length}`,
    );
    assert.equal(served.length, batch.length, 'the row path drops the rows the filter drops');
    assert.deepEqual(
      Object.keys(served[0]!),
      fitted.output.map((c) => c.name),
    );
    let doubles = 0;
    for (const [i, b] of batch.entries()) {
      const s = served[i]!;
      assert.deepEqual(Object.keys(s), Object.keys(b));
      for (const [k, want] of Object.entries(b)) {
        const got = s[k];
        const type = fitted.output.find((c) => c.name === k)!.type;
        if (
          type === 'DOUBLE' &&
          typeof want === 'number' &&
          typeof got === 'number' &&
          !Number.isInteger(want)
        ) {
          doubles++;
          assert.ok(Math.abs(got - want) <= 1e-12 * Math.abs(want), `row ${i} ${k}: ${got} vs ${want}`);
        } else assert.deepEqual(got, want, `row ${i} ${k}`);
      }
    }
    assert.ok(doubles > 1000, `compared ${doubles} doubles`);
    // Every kind of column came through: integers, doubles, text, booleans, timestamps.
    const types = new Set(fitted.output.map((c) => c.type));
    for (const t of ['BIGINT', 'DOUBLE', 'VARCHAR', 'BOOLEAN', 'TIMESTAMP']) assert.ok(types.has(t), t);
  });

  it('fits the parameters one computes by hand', async () => {
    const recipe = {
      version: 1,
      steps: [
        { impute: { age: 'median', income: 'mean', city: 'mode' } },
        { standard_scale: ['score'] },
        { minmax_scale: ['visits'] },
        { onehot: { columns: ['plan'] } },
        { bucketize: { income: { bins: 4, strategy: 'quantile' } } },
      ],
      output: 'customers-fit',
    };
    const result = await data.transform('customers', recipe, null);
    const fitted = await data.fittedRecipe(result.outputs[0]!.version.ref);
    const csv = readFileSync(path.join(fixtures, 'customers.csv'), 'utf8').trim().split('\n').slice(1);
    const col = (i: number) => csv.map((l) => l.split(',')[i]!);
    const nums = (i: number) =>
      col(i)
        .filter((x) => x !== '')
        .map(Number);
    const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
    const quantile = (xs: number[], p: number) => {
      const s = sorted(xs);
      const h = (s.length - 1) * p;
      return s[Math.floor(h)]! + (h - Math.floor(h)) * (s[Math.ceil(h)]! - s[Math.floor(h)]!);
    };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const close = (a: number, b: number, what: string) =>
      assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
    const [impute, scale, minmax, onehot, bucket] = fitted.steps as unknown as Record<
      string,
      Record<string, Record<string, unknown>>
    >[];
    const age = nums(4);
    const income = nums(5);
    assert.equal(impute!['columns']!['age']!['value'], quantile(age, 0.5));
    close(impute!['columns']!['income']!['value'] as number, mean(income), 'income mean');
    const cities = col(6).filter((x) => x !== '');
    const counts = new Map<string, number>();
    for (const c of cities) counts.set(c, (counts.get(c) ?? 0) + 1);
    const mode = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
    assert.equal(impute!['columns']!['city']!['value'], mode);
    const score = nums(12);
    const m = mean(score);
    close(scale!['columns']!['score']!['mean'] as number, m, 'score mean');
    close(
      scale!['columns']!['score']!['std'] as number,
      Math.sqrt(mean(score.map((x) => (x - m) ** 2))),
      'score std (population)',
    );
    const visits = nums(13);
    assert.equal(minmax!['columns']!['visits']!['min'], Math.min(...visits));
    assert.equal(minmax!['columns']!['visits']!['range'], Math.max(...visits) - Math.min(...visits));
    assert.deepEqual(onehot!['columns']!['plan']!['categories'], ['basic', 'enterprise', 'pro']);
    assert.deepEqual(onehot!['columns']!['plan']!['names'], ['plan_basic', 'plan_enterprise', 'plan_pro']);
    // Quartile edges of income after the mean was imputed into its gaps.
    const filled = col(5).map((x) => (x === '' ? mean(income) : Number(x)));
    const edges = bucket!['columns']!['income']!['edges'] as number[];
    for (const [i, p] of [0.25, 0.5, 0.75].entries()) close(edges[i]!, quantile(filled, p), `income q${p}`);
  });

  it('answers unseen categories at row time: the __unseen__ bucket and ordinal -1', async () => {
    const result = await data.transform(
      'customers@1',
      {
        version: 1,
        steps: [
          { select: ['city', 'plan'] },
          { onehot: { columns: ['city'], max_categories: 3 } },
          { ordinal: ['plan'] },
        ],
        output: 'unseen',
      },
      null,
    );
    const fitted = await data.fittedRecipe(result.outputs[0]!.version.ref);
    const row = applyFittedRecipe(fitted, { city: 'Atlantis', plan: 'platinum' })!;
    assert.deepEqual(row, { city_Lyon: 0, city_Nice: 0, city_Paris: 0, city__unseen__: 1, plan: -1 });
    assert.deepEqual(applyFittedRecipe(fitted, { city: 'Nice', plan: 'pro' }), {
      city_Lyon: 0,
      city_Nice: 1,
      city_Paris: 0,
      city__unseen__: 0,
      plan: 2,
    });
    // Missing values: no category at all, and a null code.
    assert.deepEqual(applyFittedRecipe(fitted, {}), {
      city_Lyon: 0,
      city_Nice: 0,
      city_Paris: 0,
      city__unseen__: 0,
      plan: null,
    });
    // Categories beyond max_categories are unseen in the batch too.
    const rows = await rowsOf(result.outputs[0]!.version.digest);
    const input = await rowsOf((await data.version('customers@1')).digest);
    const zurich = input.findIndex((r) => r['city'] === 'Zürich');
    assert.equal(rows[zurich]!['city__unseen__'], 1);
    assert.throws(
      () => applyFittedRecipe(fitted, { city: 3 as unknown as string, plan: { x: 1 } as unknown as string }),
      /column "plan" holds VARCHAR values/,
    );
  });

  it('hashes PII with the salt, masks and drops it; the raw values are nowhere in the output', async () => {
    const result = await data.transform(
      'customers@1',
      {
        version: 1,
        steps: [
          { select: ['customer_id', 'name', 'email', 'phone'] },
          { pii: { email: 'hash', phone: 'mask', name: 'drop' } },
        ],
        output: 'customers-safe',
      },
      null,
    );
    const v = result.outputs[0]!.version;
    assert.deepEqual(
      v.columns.map((c) => c.name),
      ['customer_id', 'email', 'phone'],
    );
    const input = await rowsOf((await data.version('customers@1')).digest);
    const rows = await rowsOf(v.digest);
    for (const [i, r] of rows.entries()) {
      assert.equal(r['email'], hashPii(input[i]!['email'] as string, salt));
      assert.match(r['phone'] as string, /^\+\*\* \* \*\* \*\* \*\* \d\d$/);
    }
    const file = readFileSync(blobs.localPath(v.digest)!);
    for (const raw of input.slice(0, 50)) {
      assert.ok(!file.includes(raw['email'] as string), 'a raw email in the Parquet file');
      assert.ok(!file.includes(raw['name'] as string), 'a raw name in the Parquet file');
    }
    const fitted = await data.fittedRecipe(v.ref);
    const json = JSON.stringify(fitted);
    assert.ok(!json.includes(salt), 'the salt is not in the fitted recipe');
    assert.match(fitted.piiSaltId!, /^[0-9a-f]{16}$/);
    assert.throws(
      () => applyFittedRecipe(fitted, input[0]!),
      /pass the server's PII salt as options.piiSalt/,
    );
    assert.throws(
      () => applyFittedRecipe(fitted, input[0]!, { piiSalt: 'other' }),
      /not the salt this recipe was fitted with/,
    );
  });

  it('deduplicates, keeping the first or the last of each key', async () => {
    const first = await data.transform(
      'customers@1',
      { version: 1, steps: [{ deduplicate: {} }], output: 'dedup-all' },
      null,
    );
    assert.equal(first.outputs[0]!.version.rows, 320, 'two rows of the file repeat others exactly');
    const last = await data.transform(
      'customers@1',
      {
        version: 1,
        steps: [
          { select: ['customer_id', 'plan', 'city'] },
          { deduplicate: { columns: ['plan'], keep: 'last' } },
        ],
        output: 'dedup-plan',
      },
      null,
    );
    const rows = await rowsOf(last.outputs[0]!.version.digest);
    assert.equal(rows.length, 3);
    const input = await rowsOf((await data.version('customers@1')).digest);
    for (const r of rows) {
      const lastOfPlan = input.filter((x) => x['plan'] === r['plan']).at(-1)!;
      assert.equal(r['customer_id'], lastOfPlan['customer_id']);
    }
  });

  it('a failing recipe leaves no version behind, and says which step and column', async () => {
    const before = (await data.list()).map((d) => d.name);
    await assert.rejects(
      data.transform(
        'customers@1',
        {
          version: 1,
          steps: [{ impute: { age: 'median' } }, { standard_scale: ['salary'] }],
          output: 'broken',
        },
        null,
      ),
      (err) =>
        isLatheError(err) &&
        err.code === 'RECIPE_INVALID' &&
        /step 2 \(standard_scale\): unknown column "salary"; the columns at this step are customer_id, name/.test(
          err.message,
        ),
    );
    await assert.rejects(
      data.transform(
        'customers@1',
        { version: 1, steps: [{ filter: 'age > 1000' }], output: 'broken' },
        null,
      ),
      /the recipe leaves no rows/,
    );
    await assert.rejects(data.transform('customers@1', { version: 2, steps: [] }, null), /version must be 1/);
    await assert.rejects(
      data.transform('customers@1', 'steps: [ {select: [a] ', null),
      /not valid YAML or JSON/,
    );
    await assert.rejects(
      data.transform('customers@1', { version: 1, steps: [{ explode: ['age'] }] }, null),
      /unknown step "explode"; the steps are select, drop, rename/,
    );
    await assert.rejects(
      data.transform('customers@1', { version: 1, steps: [{ filter: 'age > 1; drop table x' }] }, null),
      /step 1 \(filter\): expected an operator or the end of the expression at position 8, got ';'/,
    );
    assert.deepEqual(
      (await data.list()).map((d) => d.name),
      before,
    );
    const engine = await data.engine();
    const temps = await engine.query(
      `SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'lathe_%'`,
    );
    assert.deepEqual(temps, [], 'temporary tables are dropped');
  });

  it('refuses a recipe that hashes without a salt configured', async () => {
    const bare = new DataService(meta, blobs, t.audit, { tmpDir: `${dir}/tmp` });
    try {
      await assert.rejects(
        bare.transform('customers@1', { version: 1, steps: [{ pii: { email: 'hash' } }] }, null),
        /hashing PII needs a salt: set data.piiSalt/,
      );
    } finally {
      await bare.close();
    }
  });
});
