import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AuditLog, localPrincipal } from '../auth/index.js';
import { isLatheError } from '../core/index.js';
import { openBlobStore } from '../storage/blobs/index.js';
import { type MetaStore, openMetaStore } from '../storage/meta/index.js';
import { TrackingService } from '../tracking/index.js';
import { parseModelRef, RegistryService } from './index.js';

const code = (c: string, message?: RegExp) => (e: unknown) => {
  assert.ok(isLatheError(e), `expected a LatheError, got ${String(e)}`);
  assert.equal(e.code, c, e.message);
  if (message) assert.match(e.message, message);
  return true;
};

describe('RegistryService', () => {
  let dir: string;
  let meta: MetaStore;
  let audit: AuditLog;
  let tracking: TrackingService;
  let reg: RegistryService;
  const me = localPrincipal;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lathe-registry-'));
    meta = await openMetaStore(`sqlite:${path.join(dir, 'lathe.db')}`);
    audit = new AuditLog(meta);
    tracking = new TrackingService(meta, await openBlobStore(`file:${path.join(dir, 'blobs')}`), audit);
    reg = new RegistryService(meta, audit, tracking);
  });
  after(async () => {
    await reg.webhooks.idle();
    await meta.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a model with tags and description and refuses a duplicate', async () => {
    const m = await reg.models.create(
      { name: 'iris', description: 'flowers', tags: [{ key: 'team', value: 'ml' }] },
      me,
    );
    assert.equal(m.name, 'iris');
    assert.equal(m.description, 'flowers');
    assert.deepEqual(m.tags, [{ key: 'team', value: 'ml' }]);
    assert.deepEqual(m.latestVersions, []);
    await assert.rejects(reg.models.create({ name: 'iris' }, me), code('ALREADY_EXISTS', /iris/));
    await assert.rejects(reg.models.create({ name: '' }, me), code('INVALID_ARGUMENT', /'name'/));
    await assert.rejects(
      reg.models.get('nope'),
      code('NOT_FOUND', /Registered Model with name=nope not found/),
    );
  });

  it('numbers versions per model, checks the run and records lineage from run and datasets', async () => {
    const run = await tracking.runs.create({ experimentId: '0' }, me);
    const runId = run.info.runId;
    await tracking.runs.logInputs(runId, [
      {
        tags: [],
        dataset: { name: 'train', digest: 'abc', sourceType: 'local', source: '/data/train.csv' },
      },
    ]);
    const v1 = await reg.versions.create({ name: 'iris', source: 'runs:/x/model', runId }, me);
    const v2 = await reg.versions.create(
      { name: 'iris', source: 's3://b/m2', tags: [{ key: 'k', value: 'v' }], description: 'second' },
      me,
    );
    assert.equal(v1.version, 1);
    assert.equal(v2.version, 2);
    assert.equal(v1.status, 'READY');
    assert.equal(v1.currentStage, 'None');
    assert.deepEqual(v2.tags, [{ key: 'k', value: 'v' }]);
    await assert.rejects(
      reg.versions.create({ name: 'iris', source: 'x', runId: 'f'.repeat(32) }, me),
      code('NOT_FOUND', /Run with id=/),
    );
    await assert.rejects(reg.versions.create({ name: 'ghost', source: 'x' }, me), code('NOT_FOUND'));
    await assert.rejects(
      reg.versions.create({ name: 'iris', source: '' }, me),
      code('INVALID_ARGUMENT', /source/),
    );
    const edges = await meta.db
      .selectFrom('lineage_edges')
      .selectAll()
      .where('dst_type', '=', 'model_version')
      .where('dst_id', '=', 'iris/1')
      .execute();
    assert.deepEqual(edges.map((e) => e.src_type).sort(), ['dataset', 'run']);
    assert.equal(edges.find((e) => e.src_type === 'run')?.src_id, runId);
  });

  it('gives concurrent creations distinct consecutive numbers', async () => {
    await reg.models.create({ name: 'busy' }, me);
    const made = await Promise.all(
      Array.from({ length: 6 }, (_, i) => reg.versions.create({ name: 'busy', source: `s3://b/${i}` }, me)),
    );
    assert.deepEqual(
      made.map((v) => v.version).sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6],
    );
  });

  it('keeps the latest version per stage and archives existing versions on request', async () => {
    await reg.versions.transitionStage('iris', 1, 'production', false, me);
    const v3 = await reg.versions.create({ name: 'iris', source: 's3://b/m3' }, me);
    const moved = await reg.versions.transitionStage('iris', v3.version, 'Production', true, me);
    assert.equal(moved.currentStage, 'Production');
    assert.equal((await reg.versions.get('iris', 1)).currentStage, 'Archived');
    const latest = await reg.versions.latest('iris');
    assert.deepEqual(
      latest.map((v) => [v.currentStage, v.version]),
      [
        ['None', 2],
        ['Archived', 1],
        ['Production', 3],
      ].sort((a, b) => (a[1] as number) - (b[1] as number)),
    );
    assert.deepEqual(
      (await reg.versions.latest('iris', ['Production'])).map((v) => v.version),
      [3],
    );
    await assert.rejects(
      reg.versions.transitionStage('iris', 2, 'Shipping', false, me),
      code('INVALID_ARGUMENT', /Invalid Model Version stage: Shipping/),
    );
    await assert.rejects(
      reg.versions.transitionStage('iris', 2, 'Archived', true, me),
      code('INVALID_ARGUMENT', /not an Active stage/),
    );
    const m = await reg.models.get('iris');
    assert.deepEqual(m.latestVersions.map((v) => v.version).sort(), [1, 2, 3]);
  });

  it('sets, resolves and deletes aliases with MLflow’s name rules', async () => {
    await reg.models.setAlias('iris', 'champion', '3', me);
    await reg.models.setAlias('iris', 'challenger', 2, me);
    assert.equal((await reg.models.getByAlias('iris', 'champion')).version, 3);
    assert.deepEqual((await reg.versions.get('iris', 3)).aliases, ['champion']);
    assert.deepEqual((await reg.models.get('iris')).aliases, [
      { alias: 'challenger', version: 2 },
      { alias: 'champion', version: 3 },
    ]);
    for (const [bad, msg] of [
      ['latest', /'latest' alias name \(case insensitive\) is reserved/],
      ['v12', /Version alias name 'v12' is reserved/],
      ['has space', /Invalid alias name: 'has space'/],
      ['', /cannot be empty/],
      ['a'.repeat(256), /exceeds the maximum length of 255/],
    ] as const) {
      await assert.rejects(reg.models.setAlias('iris', bad, 1, me), code('INVALID_ARGUMENT', msg));
    }
    await assert.rejects(reg.models.setAlias('iris', 'x', 99, me), code('NOT_FOUND', /version=99/));
    assert.equal((await reg.resolveModelRef('iris@champion')).version, 3);
    assert.equal((await reg.resolveModelRef('iris@2')).version, 2);
    assert.equal((await reg.resolveModelRef('iris@latest')).version, 3);
    await reg.models.deleteAlias('iris', 'challenger', me);
    await assert.rejects(reg.models.getByAlias('iris', 'challenger'), code('INVALID_ARGUMENT', /not found/));
    await assert.rejects(reg.resolveModelRef('iris@challenger'), code('NOT_FOUND'));
  });

  it('parses model references', () => {
    assert.deepEqual(parseModelRef('a@b@7'), { name: 'a@b', kind: 'version', version: 7 });
    assert.deepEqual(parseModelRef('m@v4'), { name: 'm', kind: 'version', version: 4 });
    assert.deepEqual(parseModelRef('models:/m@Latest'), { name: 'm', kind: 'latest' });
    assert.deepEqual(parseModelRef('m@prod-1'), { name: 'm', kind: 'alias', alias: 'prod-1' });
    assert.throws(() => parseModelRef('m'), code('INVALID_ARGUMENT'));
    assert.throws(() => parseModelRef('m@'), code('INVALID_ARGUMENT'));
  });

  it('soft-deletes a version, drops its aliases and never reuses its number', async () => {
    await reg.models.setAlias('iris', 'temp', 2, me);
    await reg.versions.delete('iris', 2, me);
    await assert.rejects(
      reg.versions.get('iris', 2),
      code('NOT_FOUND', /Model Version \(name=iris, version=2\) not found/),
    );
    const row = await meta.db
      .selectFrom('model_versions')
      .selectAll()
      .where('version', '=', 2)
      .executeTakeFirst();
    assert.equal(row?.deleted, 1);
    assert.equal(
      (await reg.models.get('iris')).aliases.some((a) => a.alias === 'temp'),
      false,
    );
    const v4 = await reg.versions.create({ name: 'iris', source: 's3://b/m4' }, me);
    assert.equal(v4.version, 4);
  });

  it('sets and deletes tags with MLflow’s key rules', async () => {
    await reg.models.setTag('iris', { key: 'owner', value: 'ana' }, me);
    await reg.versions.setTag('iris', 1, { key: 'validated', value: 'yes' }, me);
    assert.ok((await reg.models.get('iris')).tags.some((t) => t.key === 'owner'));
    assert.deepEqual((await reg.versions.get('iris', 1)).tags, [{ key: 'validated', value: 'yes' }]);
    await reg.versions.deleteTag('iris', 1, 'validated', me);
    await reg.models.deleteTag('iris', 'owner', me);
    assert.deepEqual((await reg.versions.get('iris', 1)).tags, []);
    await assert.rejects(
      reg.models.setTag('iris', { key: '../x', value: '' }, me),
      code('INVALID_ARGUMENT', /resolve/),
    );
    await assert.rejects(
      reg.models.setTag('iris', { key: 'a', value: 'x'.repeat(5001) }, me),
      code('INVALID_ARGUMENT', /5000/),
    );
    await assert.rejects(
      reg.versions.setTag('iris', 'one', { key: 'a', value: '' }, me),
      code('INVALID_ARGUMENT', /must be an integer/),
    );
  });

  it('renames a model with its versions, tags, aliases and lineage in one go', async () => {
    await reg.models.setAlias('iris', 'champion', 3, me);
    await reg.models.create({ name: 'taken' }, me);
    await assert.rejects(reg.models.rename('iris', 'taken', me), code('ALREADY_EXISTS'));
    const m = await reg.models.rename('iris', 'iris-v2', me);
    assert.equal(m.name, 'iris-v2');
    assert.deepEqual(m.tags, [{ key: 'team', value: 'ml' }]);
    assert.equal((await reg.resolveModelRef('iris-v2@champion')).version, 3);
    await assert.rejects(reg.models.get('iris'), code('NOT_FOUND'));
    const edge = await meta.db
      .selectFrom('lineage_edges')
      .selectAll()
      .where('dst_id', '=', 'iris-v2/1')
      .execute();
    assert.equal(edge.length, 2);
  });

  it('searches with a name filter, order and pages', async () => {
    for (const n of ['s-a', 's-b', 's-c']) await reg.models.create({ name: n }, me);
    const p1 = await reg.models.search({ filter: "name LIKE 's-%'", maxResults: 2 });
    assert.deepEqual(
      p1.items.map((m) => m.name),
      ['s-a', 's-b'],
    );
    assert.ok(p1.nextPageToken);
    const p2 = await reg.models.search({
      filter: "name LIKE 's-%'",
      maxResults: 2,
      pageToken: p1.nextPageToken!,
    });
    assert.deepEqual(
      p2.items.map((m) => m.name),
      ['s-c'],
    );
    assert.equal(p2.nextPageToken, null);
    const desc = await reg.models.search({ filter: "name ILIKE 'S-%'", orderBy: ['name DESC'] });
    assert.deepEqual(
      desc.items.map((m) => m.name),
      ['s-c', 's-b', 's-a'],
    );
    await assert.rejects(reg.models.search({ maxResults: 1001 }), code('INVALID_ARGUMENT', /at most 1000/));
    await assert.rejects(
      reg.models.search({ filter: 'run_id = 1' }),
      code(
        'INVALID_ARGUMENT',
        /position 1: unknown registered model attribute "run_id"; valid attributes: name/,
      ),
    );
    const vs = await reg.versions.search({ filter: "name = 'iris-v2' AND version_number >= 3" });
    assert.deepEqual(vs.items.map((v) => v.version).sort(), [3, 4]);
    const byRun = await reg.versions.search({
      filter: `run_id = '${(await reg.versions.get('iris-v2', 1)).runId}'`,
    });
    assert.deepEqual(
      byRun.items.map((v) => v.version),
      [1],
    );
  });

  it('deletes a model with its versions and audits every write', async () => {
    await reg.models.delete('iris-v2', me);
    await assert.rejects(reg.versions.get('iris-v2', 1), code('NOT_FOUND'));
    const left = await meta.db
      .selectFrom('model_versions')
      .selectAll()
      .where('name', '=', 'iris-v2')
      .execute();
    assert.equal(left.length, 0);
    const { events } = await audit.list({ limit: 1000 });
    const actions = new Set(events.map((e) => e.action));
    for (const a of [
      'registered_model.create',
      'registered_model.rename',
      'registered_model.delete',
      'registered_model.tag_set',
      'model_version.create',
      'model_version.stage_transition',
      'model_version.alias_set',
      'model_version.alias_delete',
      'model_version.delete',
      'model_version.tag_set',
    ]) {
      assert.ok(actions.has(a), `audit has ${a}`);
    }
  });
});

describe('RegistryService search pages larger than one IN list', () => {
  let dir: string;
  let meta: MetaStore;
  let reg: RegistryService;
  const count = 40_000; // more names than SQLite binds in one statement (32,766)

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lathe-registry-bulk-'));
    meta = await openMetaStore(`sqlite:${path.join(dir, 'lathe.db')}`);
    const audit = new AuditLog(meta);
    const tracking = new TrackingService(meta, await openBlobStore(`file:${path.join(dir, 'blobs')}`), audit);
    reg = new RegistryService(meta, audit, tracking);
    const names = Array.from({ length: count }, (_, i) => `bulk-${String(i).padStart(5, '0')}`);
    await meta.insertMany(
      meta.db,
      'registered_models',
      ['name', 'creation_time', 'last_updated_time', 'description', 'user_id'],
      names.map((n) => [n, 1, 1, '', '']),
    );
    await meta.insertMany(
      meta.db,
      'model_versions',
      [
        'name',
        'version',
        'creation_time',
        'last_updated_time',
        'description',
        'user_id',
        'current_stage',
        'source',
        'status',
        'deleted',
      ],
      names.map((n) => [n, 1, 1, 1, '', '', 'None', `s3://b/${n}`, 'READY', 0]),
    );
    await reg.versions.setTag('bulk-39999', 1, { key: 'k', value: 'v' }, localPrincipal);
    await reg.models.setAlias('bulk-00000', 'champion', 1, localPrincipal);
  });
  after(async () => {
    await reg.webhooks.idle();
    await meta.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns a versions page covering more models than fit in one IN list', async () => {
    const page = await reg.versions.search({ maxResults: count + 10 });
    assert.equal(page.items.length, count);
    assert.equal(page.nextPageToken, null);
    assert.deepEqual(
      [page.items[0]!.name, page.items[count - 1]!.name],
      ['bulk-00000', 'bulk-39999'],
      'ties on last_updated_timestamp break by name',
    );
    assert.deepEqual(page.items[0]!.aliases, ['champion']);
    assert.deepEqual(page.items[count - 1]!.tags, [{ key: 'k', value: 'v' }]);
    assert.equal(page.items[1]!.source, 's3://b/bulk-00001');
    const models = await reg.models.search({ maxResults: 1000, orderBy: ['name DESC'] });
    assert.equal(models.items[0]!.name, 'bulk-39999');
    assert.deepEqual(
      models.items[0]!.latestVersions.map((v) => [v.version, v.tags]),
      [[1, [{ key: 'k', value: 'v' }]]],
    );
  });
});
