import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTestData, type TestData } from '../data/data-fixture.js';
import { JobService } from '../jobs/index.js';
import { ModelService } from '../models/index.js';
import { RegistryService } from '../registry/index.js';
import { TrackingService } from '../tracking/index.js';
import { churnCsv } from '../training/search-fixture.js';
import { TrainingService } from '../training/index.js';
import { MonitoringService } from './monitoring-service.js';

describe('monitoring: the training data of a Lathe model as its baseline', () => {
  let t: TestData;
  let jobs: JobService;
  let models: ModelService;
  let registry: RegistryService;
  let monitoring: MonitoringService;

  before(async () => {
    t = await openTestData();
    const file = path.join(t.dir, 'churn.csv');
    writeFileSync(file, churnCsv(600, 3));
    await t.data.ingestFile(file, { name: 'churn', filename: 'churn.csv', target: 'churned' }, null);
    const tracking = new TrackingService(t.meta, t.blobs, t.audit);
    registry = new RegistryService(t.meta, t.audit, tracking);
    jobs = new JobService(t.meta, t.audit);
    await new TrainingService({ data: t.data, tracking, registry }, jobs).train(
      { data: 'churn@1', target: 'churned', model: 'logistic', register: 'churn' },
      null,
    );
    await jobs.whenIdle();
    models = new ModelService({ tracking, registry });
    monitoring = await MonitoringService.open(t.meta, t.blobs, {
      dir: path.join(t.dir, 'monitoring'),
      compactMs: 0,
      models,
      data: t.data,
    });
  });
  after(async () => {
    await monitoring.close();
    await jobs.close();
    await models.close();
    await registry.webhooks.close();
    await t.close();
  });

  it('logs the dataset the model was trained on as `training` the first time a query needs it', async () => {
    const rows = churnCsv(300, 8)
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const res = await monitoring.logPredictions(
      rows.map(([id, usage, tenure, region, plan], i) => ({
        predictionId: `p-${i}`,
        model: 'churn',
        modelVersion: '1',
        // Usage doubled in production: a drift the training data must reveal.
        features: { usage: Number(usage) * 2, tenure: Number(tenure), region, plan, customer_id: id },
        prediction: i % 2 ? 'left' : 'stayed',
      })),
    );
    assert.equal(res.accepted, 300);
    const drift = await monitoring.drift('churn', {
      baseline: { environment: 'training' },
      current: { environment: 'production' },
    });
    assert.equal(drift.baseline.rows, 600);
    assert.deepEqual(drift.drifted, ['usage']);
    const status = await monitoring.status('churn');
    assert.deepEqual(
      status.model.baselines.map((b) => [b.environment, b.dataset, b.rows, b.target]),
      [['training', 'churn@1', 600, 'churned']],
    );
    const training = status.environments.find((e) => e.environment === 'training')!;
    assert.equal(training.labeled, 600, 'the target column became the actuals');
    // Asked again, the baseline is not logged twice.
    const again = await monitoring.drift('churn', {
      baseline: { environment: 'training' },
      current: { environment: 'production' },
    });
    assert.equal(again.baseline.rows, 600);
  });
});
