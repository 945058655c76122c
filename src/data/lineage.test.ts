import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isLatheError } from '../core/index.js';
import type { MetaStore } from '../storage/meta/index.js';
import { openTestData, type TestData } from './data-fixture.js';
import type { DataService } from './data-service.js';

describe('dataset version lineage', () => {
  let t: TestData;
  let dir: string;
  let meta: MetaStore;
  let data: DataService;

  before(async () => {
    t = await openTestData();
    ({ dir, meta, data } = t);
    const file = path.join(dir, 'sales.csv');
    writeFileSync(file, 'id,amount,region\n1,10.5,north\n2,7,south\n3,12,north\n');
    await data.ingestFile(file, { name: 'sales', filename: 'sales.csv' }, null);
  });
  after(() => t?.close());

  it('includes edges to other kinds of objects (a run trained on the version, the model it made)', async () => {
    const now = Date.now();
    await meta.db
      .insertInto('lineage_edges')
      .values([
        { src_type: 'dataset_version', src_id: 'sales@1', dst_type: 'run', dst_id: 'r1', created_at: now },
        { src_type: 'run', src_id: 'r1', dst_type: 'model_version', dst_id: 'churn/1', created_at: now + 1 },
      ])
      .execute();
    const one = await data.lineage('sales@latest');
    assert.deepEqual(
      one.children.map((c) => [c.type, c.id, c.kind, c.distance, c.version === undefined]),
      [['run', 'r1', 'dataset_version→run', 1, true]],
    );
    const two = await data.lineage('sales@1', 2);
    assert.deepEqual(
      two.nodes.map((n) => [n.type, n.id, n.distance]),
      [
        ['dataset_version', 'sales@1', 0],
        ['run', 'r1', 1],
        ['model_version', 'churn/1', 2],
      ],
    );
    assert.equal(two.nodes[0]!.version?.rows, 3);
    assert.deepEqual(
      two.edges.map((e) => e.kind),
      ['dataset_version→run', 'run→model_version'],
    );
  });

  it('refuses a depth out of range', async () => {
    for (const depth of [0, 11, 1.5, '2']) {
      await assert.rejects(
        () => data.lineage('sales@1', depth),
        (err) => isLatheError(err) && err.code === 'INVALID_ARGUMENT' && /from 1 to 10/.test(err.message),
      );
    }
  });
});
