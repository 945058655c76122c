import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyFittedRecipe, LatheClient } from '../../../sdk/index.js';
import { createTestApp, type TestApp } from '../../testing.js';
import { type DataRouteFixture, dataRouteFixture } from './data-route-fixture.js';

const fixtures = path.resolve(import.meta.dirname, '../../../../test/fixtures/recipe');

const yaml = `
version: 1
steps:
  - select: [customer_id, age, income, city, churned]
  - rename: { income: annual_income }
  - filter: "age >= 18 and city is not null"
  - derive: { income_per_year_of_age: "annual_income / age" }
  - impute: { annual_income: median }
  - onehot: { columns: [city], max_categories: 4 }
  - standard_scale: [age]
split: { kind: stratified, ratios: { train: 0.8, test: 0.2 }, column: churned, seed: 42 }
output: customers-clean
`;

describe('transform API', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let api: DataRouteFixture;

  const inject = async (
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = admin,
  ) => {
    const res = await t.app.inject({
      method,
      url,
      headers,
      ...(payload !== undefined ? { payload: payload as string } : {}),
    });
    return { status: res.statusCode, body: res.json() };
  };

  before(async () => {
    t = await createTestApp();
    api = dataRouteFixture(t);
    admin = api.admin;
    await api.ingest(
      'customers',
      readFileSync(path.join(fixtures, 'customers.csv')),
      '?filename=customers.csv&target=churned',
    );
  });
  after(() => t.close());

  it('POST …/transform with YAML text answers 201 with one version per split, with lineage and the recipe', async () => {
    const res = await inject('POST', '/api/v1/datasets/customers/versions/1/transform?message=clean%20cut', {
      recipe: yaml,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.input, 'customers@1');
    assert.match(res.body.artifact, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      res.body.outputs.map(
        (o: {
          split: string;
          created: boolean;
          version: { ref: string; parents: string[]; message: string };
        }) => [o.split, o.created, o.version.ref, o.version.parents, o.version.message],
      ),
      [
        ['train', true, 'customers-clean-train@1', ['customers@1'], 'clean cut'],
        ['test', true, 'customers-clean-test@1', ['customers@1'], 'clean cut'],
      ],
    );
    const shown = await inject('GET', '/api/v1/datasets/customers-clean-test/versions/1');
    assert.equal(shown.status, 200);
    assert.deepEqual(shown.body.source, { kind: 'recipe', inputs: ['customers@1'] });
    assert.equal(shown.body.recipe.artifact, res.body.artifact);
    assert.equal(shown.body.recipe.split, 'test');
    assert.equal(shown.body.columns.find((c: { name: string }) => c.name === 'churned').semantic, 'target');
  });

  it('GET …/recipe answers the fitted recipe, which the SDK applies to rows', async () => {
    const res = await inject('GET', '/api/v1/datasets/customers-clean-train/versions/latest/recipe');
    assert.equal(res.status, 200);
    assert.equal(res.body.format, 'lathe.fitted-recipe');
    assert.equal(res.body.fittedOn, 'customers@1');
    assert.deepEqual(
      res.body.steps.map((s: { kind: string }) => s.kind),
      ['select', 'rename', 'filter', 'derive', 'impute', 'onehot', 'standard_scale'],
    );
    const row = applyFittedRecipe(res.body, {
      customer_id: 1,
      age: 40,
      income: 50000,
      city: 'Atlantis',
      churned: false,
    });
    assert.equal(row!['city__unseen__'], 1);
    assert.equal(row!['income_per_year_of_age'], 1250);
    assert.equal(applyFittedRecipe(res.body, { age: 12, city: 'Paris' }), null, 'a row the filter drops');
    const none = await inject('GET', '/api/v1/datasets/customers/versions/1/recipe');
    assert.equal(none.status, 404);
    assert.match(none.body.error.message, /customers@1 was not made by a recipe/);
  });

  it('takes the recipe as a JSON object and as text/plain YAML', async () => {
    const json = await inject('POST', '/api/v1/datasets/customers/versions/latest/transform', {
      version: 1,
      steps: [{ select: ['customer_id', 'age'] }, { impute: { age: { constant: 0 } } }],
      output: 'ages',
    });
    assert.equal(json.status, 201, JSON.stringify(json.body));
    assert.equal(json.body.outputs[0].version.ref, 'ages@1');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets/customers/versions/1/transform',
      payload:
        'version: 1\nsteps:\n  - select: [customer_id, age]\n  - impute: { age: { constant: 0 } }\noutput: ages\n',
      headers: { ...admin, 'content-type': 'text/plain' },
    });
    assert.equal(res.statusCode, 200, 'the same content again: the existing version, nothing created');
    assert.deepEqual(
      res
        .json()
        .outputs.map((o: { created: boolean; version: { ref: string } }) => [o.created, o.version.ref]),
      [[false, 'ages@1']],
    );
  });

  it('a bad recipe is 422 RECIPE_INVALID with where and what; a missing version is 404; viewers may not transform', async () => {
    const bad = await inject('POST', '/api/v1/datasets/customers/versions/1/transform', {
      version: 1,
      steps: [{ filter: 'age >= 18 and ;' }],
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'RECIPE_INVALID');
    assert.match(
      bad.body.error.message,
      /step 1 \(filter\): expected a column, number, string or '\(' at position 15, got ';'/,
    );
    assert.equal(bad.body.error.details.position, 15);
    const unknown = await inject('POST', '/api/v1/datasets/customers/versions/1/transform', {
      recipe: 'version: 1\nsteps:\n  - log: [salary]\n',
    });
    assert.equal(unknown.status, 422);
    assert.match(
      unknown.body.error.message,
      /unknown column "salary"; the columns at this step are customer_id, name, email/,
    );
    const missing = await inject('POST', '/api/v1/datasets/customers/versions/7/transform', {
      version: 1,
      steps: [{ drop: ['age'] }],
    });
    assert.equal(missing.status, 404);
    const denied = await inject(
      'POST',
      '/api/v1/datasets/customers/versions/1/transform',
      { version: 1, steps: [{ drop: ['age'] }] },
      await api.viewer(),
    );
    assert.equal(denied.status, 403);
  });

  it('the SDK transforms and reads recipes over HTTP', async () => {
    const client = new LatheClient({ url: await t.listen(), token: t.adminToken });
    const result = await client.data.transform(
      'customers@1',
      'version: 1\nsteps:\n  - text_length: [notes]\n  - select: [notes_length]\noutput: lengths\n',
    );
    assert.equal(result.outputs[0]!.version.ref, 'lengths@1');
    const fitted = await client.data.recipe('lengths@1');
    assert.deepEqual(applyFittedRecipe(fitted, { notes: 'héllo 😀' }), { notes_length: 7 });
    await assert.rejects(
      client.data.transform('customers@1', { version: 1, steps: [{ log: ['city'] }] }),
      /column "city" is VARCHAR; log needs a number/,
    );
  });
});
