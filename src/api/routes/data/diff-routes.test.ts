import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestApp, type TestApp } from '../../testing.js';
import { type DataRouteFixture, dataRouteFixture } from './data-route-fixture.js';

const fixtures = path.resolve(import.meta.dirname, '../../../../test/fixtures/diff');
const expected = JSON.parse(readFileSync(path.join(fixtures, 'expected.json'), 'utf8'));

describe('dataset diff API', () => {
  let t: TestApp;
  let api: DataRouteFixture;
  const upload = (name: string, file: string) =>
    api.ingest(name, readFileSync(path.join(fixtures, file)), `?filename=${file}`);

  before(async () => {
    t = await createTestApp();
    api = dataRouteFixture(t);
    await upload('people', 'reference.csv');
    await upload('people', 'current.csv');
    await upload('prod', 'current.csv');
  });
  after(() => t.close());

  it('answers the diff of two versions with schema changes, row counts and drifted columns', async () => {
    const { status, body } = await api.get('/api/v1/datasets/people/diff?from=1&to=2');
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.reference.ref, 'people@1');
    assert.equal(body.current.ref, 'people@2');
    assert.deepEqual(body.rows, { reference: 1000, current: 1200, change: 200, changeShare: 0.2 });
    assert.deepEqual(
      body.schema.removed.map((c: { name: string }) => c.name),
      ['legacy_code'],
    );
    assert.deepEqual(body.schema.typeChanged, [{ name: 'zip', from: 'BIGINT', to: 'VARCHAR' }]);
    assert.deepEqual(body.summary.driftedColumns.sort(), ['city', 'income', 'zip']);
    const income = body.columns.find((c: { name: string }) => c.name === 'income');
    assert.equal(income.drifted, true);
    assert.deepEqual(income.histogram.reference, expected.income.reference);
    assert.deepEqual(income.histogram.current, expected.income.current);
    assert.ok(Math.abs(income.statistics.psi - expected.income.psi) < 1e-12);
    assert.ok(typeof income.reference.mean === 'number' && typeof income.current.std === 'number');
    const city = body.columns.find((c: { name: string }) => c.name === 'city');
    assert.deepEqual(city.categories.newCategories, ['Lille']);
    assert.equal(city.statistics.chiSquare.dof, 3);
  });

  it('defaults `to` to the latest version, diffs across datasets, and takes thresholds', async () => {
    const latest = await api.get('/api/v1/datasets/people/diff?from=1');
    assert.equal(latest.body.current.ref, 'people@2');
    const cross = await api.get('/api/v1/datasets/people/diff?from=1&toDataset=prod&to=latest');
    assert.equal(cross.status, 200);
    assert.equal(cross.body.current.ref, 'prod@1');
    const strict = await api.get('/api/v1/datasets/people/diff?from=1&to=2&ksStatistic=0.05');
    assert.equal(strict.status, 200);
    assert.equal(strict.body.thresholds.ksStatistic, 0.05);
    assert.ok(strict.body.summary.driftedColumns.includes('age'));
    const sampled = await api.get('/api/v1/datasets/people/diff?from=1&to=2&sampleSize=1000&seed=3');
    assert.equal(sampled.body.sampleSize, 1000);
    const income = sampled.body.columns.find((c: { name: string }) => c.name === 'income');
    assert.deepEqual([income.sampled, income.sample], [true, { reference: 1000, current: 1000 }]);
  });

  it('answers 404 for unknown datasets or versions', async () => {
    for (const url of [
      '/api/v1/datasets/nobody/diff?from=1',
      '/api/v1/datasets/people/diff?from=1&to=7',
      '/api/v1/datasets/people/diff?from=1&toDataset=nobody',
    ]) {
      const res = await api.get(url);
      assert.equal(res.status, 404, url);
      assert.equal(res.body.error.code, 'NOT_FOUND');
    }
  });

  it('answers 400 for bad references and options', async () => {
    for (const url of [
      '/api/v1/datasets/people/diff',
      '/api/v1/datasets/people/diff?from=0',
      '/api/v1/datasets/people/diff?from=one',
      '/api/v1/datasets/people/diff?from=1&toDataset=bad%20name',
      '/api/v1/datasets/people/diff?from=1&pValue=2',
      '/api/v1/datasets/people/diff?from=1&sampleSize=5',
    ]) {
      const res = await api.get(url);
      assert.equal(res.status, 400, `${url}: ${JSON.stringify(res.body)}`);
    }
    const named = await api.get('/api/v1/datasets/people/diff?from=1&toDataset=bad%20name');
    assert.match(named.body.error.message, /a dataset name is 1-128 letters/);
  });

  it('needs a token', async () => {
    const res = await api.get('/api/v1/datasets/people/diff?from=1', {});
    assert.equal(res.status, 401);
  });
});
