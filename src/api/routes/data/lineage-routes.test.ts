import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LatheClient } from '../../../sdk/index.js';
import { createTestApp, type TestApp } from '../../testing.js';
import { type DataRouteFixture, dataRouteFixture } from './data-route-fixture.js';

const fixtures = path.resolve(import.meta.dirname, '../../../../test/fixtures/recipe');

/** A recipe over customers@1 that joins plans@1 in and splits: its outputs are other datasets. */
const recipe = `
version: 1
steps:
  - select: [customer_id, age, plan_id, churned]
  - join: { with: "plans@1", on: plan_id, how: left, columns: [monthly_price] }
split: { kind: random, ratios: { train: 0.75, test: 0.25 }, seed: 7 }
output: features
`;

interface Link {
  type: string;
  id: string;
  distance: number;
  kind: string;
  version?: { name: string; rows: number; source: { kind: string } };
}

describe('lineage API', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let api: DataRouteFixture;
  const brief = (links: Link[]) => links.map((l) => [l.id, l.kind, l.distance]);

  before(async () => {
    t = await createTestApp();
    api = dataRouteFixture(t);
    admin = api.admin;
    const customers = readFileSync(path.join(fixtures, 'customers.csv'));
    await api.ingest('customers', customers, '?filename=customers.csv&target=churned');
    await api.ingest('plans', readFileSync(path.join(fixtures, 'plans.csv')), '?filename=plans.csv');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets/customers/versions/1/transform',
      payload: { recipe },
      headers: admin,
    });
    assert.equal(res.statusCode, 201, res.body);
    // An appended batch: the same dataset's child, beside the recipe's children in other datasets.
    const lines = customers.toString('utf8').split('\n');
    await api.ingest(
      'customers',
      Buffer.from(`${lines[0]}\n${lines.slice(1, 11).join('\n')}\n`),
      '?filename=more.csv&append=true',
    );
  });
  after(() => t.close());

  it('lists children in other datasets (a recipe’s splits) and in the same one (an append), with their kind', async () => {
    const res = await api.get('/api/v1/datasets/customers/versions/1/lineage');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.ref, 'customers@1');
    assert.equal(res.body.depth, 1);
    assert.deepEqual(res.body.parents, []);
    assert.deepEqual(brief(res.body.children).sort(), [
      ['customers@2', 'append', 1],
      ['features-test@1', 'recipe', 1],
      ['features-train@1', 'recipe', 1],
    ]);
    const train = res.body.children.find((c: Link) => c.id === 'features-train@1');
    assert.equal(train.type, 'dataset_version');
    assert.equal(train.version.name, 'features-train');
    assert.deepEqual(train.version.source, { kind: 'recipe', inputs: ['customers@1', 'plans@1'] });
    assert.ok(train.version.rows > 0);
    assert.equal(res.body.nodes[0].id, 'customers@1');
    assert.equal(res.body.nodes[0].distance, 0);
    assert.equal(res.body.nodes.length, 4);
    assert.equal(res.body.edges.length, 3);
    assert.equal(res.body.truncated, false);
  });

  it('shows a joined version as a parent of kind join, and the joined version’s children', async () => {
    const child = await api.get('/api/v1/datasets/features-train/versions/latest/lineage');
    assert.equal(child.status, 200);
    assert.equal(child.body.ref, 'features-train@1', 'latest is resolved');
    assert.deepEqual(brief(child.body.parents).sort(), [
      ['customers@1', 'recipe', -1],
      ['plans@1', 'join', -1],
    ]);
    assert.deepEqual(child.body.children, []);
    const plans = await api.get('/api/v1/datasets/plans/versions/1/lineage');
    assert.deepEqual(brief(plans.body.children).sort(), [
      ['features-test@1', 'join', 1],
      ['features-train@1', 'join', 1],
    ]);
  });

  it('follows `depth` generations each way', async () => {
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets/features-train/versions/1/transform',
      payload: { version: 1, steps: [{ drop: ['monthly_price'] }], output: 'slim' },
      headers: admin,
    });
    assert.equal(again.statusCode, 201, again.body);
    const one = await api.get('/api/v1/datasets/customers/versions/1/lineage');
    assert.ok(!one.body.nodes.some((n: Link) => n.id === 'slim@1'), 'depth 1: children only');
    const two = await api.get('/api/v1/datasets/customers/versions/1/lineage?depth=2');
    const slim = two.body.nodes.find((n: Link) => n.id === 'slim@1');
    assert.equal(slim.distance, 2);
    assert.ok(
      two.body.edges.some(
        (e: { src: { id: string }; dst: { id: string }; kind: string }) =>
          e.src.id === 'features-train@1' && e.dst.id === 'slim@1' && e.kind === 'recipe',
      ),
    );
    // Upstream from the grandchild: both grandparents at distance -2.
    const up = await api.get('/api/v1/datasets/slim/versions/1/lineage?depth=3');
    assert.deepEqual(
      up.body.nodes.map((n: Link) => [n.id, n.distance]),
      [
        ['slim@1', 0],
        ['features-train@1', -1],
        ['customers@1', -2],
        ['plans@1', -2],
      ],
    );
  });

  it('refuses a bad depth and answers 404 for an unknown version', async () => {
    const bad = await api.get('/api/v1/datasets/customers/versions/1/lineage?depth=0');
    assert.equal(bad.status, 400);
    const missing = await api.get('/api/v1/datasets/customers/versions/9/lineage');
    assert.equal(missing.status, 404);
    assert.match(missing.body.error.message, /customers has no version 9/);
    const unknown = await api.get('/api/v1/datasets/nope/versions/1/lineage');
    assert.equal(unknown.status, 404);
  });

  it('is in the SDK: client.data.lineage(ref, { depth })', async () => {
    const url = await t.listen();
    const client = new LatheClient({ url, token: t.adminToken });
    const lineage = await client.data.lineage('customers@1');
    assert.deepEqual(lineage.children.map((c) => c.id).sort(), [
      'customers@2',
      'features-test@1',
      'features-train@1',
    ]);
    const deep = await client.data.lineage('plans', { depth: 2 });
    assert.ok(deep.nodes.some((n) => n.id === 'slim@1' && n.distance === 2));
  });
});
