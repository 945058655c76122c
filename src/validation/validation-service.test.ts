import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTestData, type TestData } from '../data/data-fixture.js';
import { JobService } from '../jobs/index.js';
import { accuracy } from '../ml/index.js';
import { ModelService } from '../models/index.js';
import { RegistryService } from '../registry/index.js';
import { TrackingService } from '../tracking/index.js';
import { churnCsv } from '../training/search-fixture.js';
import { TrainingService } from '../training/index.js';
import { numberIn, readParams, statusOf, type ValidationCheck } from './check.js';
import { driftCheck } from './checks/drift.js';
import { fairnessCheck } from './checks/fairness.js';
import { reportToJUnit } from './junit.js';
import type { ValidationReport } from './runner.js';
import { parseSuite } from './suite.js';
import { type ValidateResult, ValidationService } from './validation-service.js';

/** A small real check: test accuracy against a minimum. */
const accuracyCheck: ValidationCheck<{ min: number }> = {
  name: 'accuracy-min',
  title: 'Accuracy',
  description: 'test accuracy against a minimum',
  tasks: ['binary', 'multiclass'],
  params: { min: { help: 'lowest acceptable accuracy', default: 0.6 } },
  parseParams: (raw) => readParams('accuracy-min', accuracyCheck.params, raw, { min: numberIn(0, 1) }),
  async run(ctx, p) {
    const value = accuracy(ctx.yTest, ctx.candidate.test.y);
    const threshold = { bad: 'below' as const, fail: p.min };
    return {
      check: 'accuracy-min',
      title: 'Accuracy',
      status: statusOf(value, threshold),
      measure: 'test accuracy',
      value,
      threshold,
      message: `accuracy ${value.toFixed(3)} on ${ctx.test.rows} rows`,
      tables: [],
      charts: [],
    };
  },
};
/** A check that breaks, to show one broken check does not stop the others. */
const brokenCheck: ValidationCheck = {
  name: 'broken',
  title: 'Broken',
  description: 'always throws',
  tasks: ['binary', 'multiclass', 'regression'],
  params: {},
  parseParams: (raw) => readParams('broken', {}, raw),
  run: async () => {
    throw new Error('out of cheese');
  },
};
const regressionOnly: ValidationCheck = { ...brokenCheck, name: 'regression-only', tasks: ['regression'] };
const checks = [
  accuracyCheck,
  brokenCheck,
  regressionOnly,
  fairnessCheck as unknown as ValidationCheck,
  driftCheck as unknown as ValidationCheck,
];

describe('validation suites, runs and reports', () => {
  let t: TestData;
  let jobs: JobService;
  let models: ModelService;
  let registry: RegistryService;
  let tracking: TrackingService;
  let validation: ValidationService;

  const validate = async (spec: Record<string, unknown>) => {
    const job = await validation.start(spec, null);
    await jobs.whenIdle();
    return jobs.get(job.id);
  };

  before(async () => {
    t = await openTestData();
    const file = path.join(t.dir, 'churn.csv');
    writeFileSync(file, churnCsv(1200, 3));
    await t.data.ingestFile(file, { name: 'churn', filename: 'churn.csv', target: 'churned' }, null);
    writeFileSync(file, churnCsv(400, 9));
    await t.data.ingestFile(file, { name: 'churn-test', filename: 'churn.csv', target: 'churned' }, null);
    writeFileSync(file, 'customer_id,usage\n1,3\n');
    await t.data.ingestFile(file, { name: 'thin', filename: 'thin.csv' }, null);
    tracking = new TrackingService(t.meta, t.blobs, t.audit);
    registry = new RegistryService(t.meta, t.audit, tracking);
    jobs = new JobService(t.meta, t.audit);
    await new TrainingService({ data: t.data, tracking, registry }, jobs).train(
      { data: 'churn@1', target: 'churned', model: 'logistic', register: 'churn' },
      null,
    );
    await jobs.whenIdle();
    models = new ModelService({ tracking, registry });
    validation = new ValidationService({ data: t.data, models, tracking, registry }, jobs, checks);
  });
  after(async () => {
    await jobs.close();
    await models.close();
    await registry.webhooks.close();
    await t.close();
  });

  it('runs a suite on a registered model and a dataset version, stores the report and tags the version', async () => {
    const suite =
      'name: release\nchecks:\n  - check: accuracy-min\n    params: { min: 0.6 }\n  - check: broken\n    required: false\n  - regression-only\n';
    const job = await validate({ model: 'churn@latest', test: 'churn-test@1', suite });
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const { report, stored } = job.result as ValidateResult;
    assert.equal(report.model, 'churn@1');
    assert.equal(report.test, 'churn-test@1');
    assert.equal(report.suite, 'release');
    assert.deepEqual(
      report.results.map((r) => [r.check, r.status, r.required]),
      [
        ['accuracy-min', 'pass', true],
        ['broken', 'error', false],
        ['regression-only', 'skip', true],
      ],
    );
    assert.ok(report.results[0]!.value! > 0.6);
    assert.match(report.results[1]!.message, /the check could not run: out of cheese/);
    assert.match(report.results[2]!.message, /does not apply to binary models/);
    assert.equal(report.status, 'warn', 'an optional check that broke warns; it does not fail the suite');
    const version = await registry.versions.get('churn', 1);
    const gate = await registry.gates.status('churn', 1);
    assert.deepEqual(
      gate.validation && [gate.validation.suite, gate.validation.status, gate.validation.job],
      ['release', 'warn', job.id],
    );
    assert.equal(stored, `runs:/${version.runId}/validation/${job.id}/report.json`);
    const { stream } = await tracking.artifacts.openArtifact(
      version.runId!,
      `validation/${job.id}/report.json`,
    );
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    assert.deepEqual(JSON.parse(Buffer.concat(chunks).toString()), report);
  });

  it('fails the suite when a required check fails, and says so in JUnit', async () => {
    const job = await validate({
      model: 'churn@1',
      test: 'churn-test@1',
      suite: { checks: [{ check: 'accuracy-min', params: { min: 0.99 } }] },
    });
    const { report } = job.result as ValidateResult;
    assert.equal(report.status, 'fail');
    const xml = reportToJUnit(report as ValidationReport);
    assert.match(xml, /<testsuites name="lathe validate" tests="1" failures="1" errors="0" skipped="0"/);
    assert.match(xml, /<failure message="accuracy 0\.\d+ on 400 rows" type="fail">/);
    assert.match(xml, /<property name="fail" value="below 0\.99"\/>/);
  });

  it('compares with a production sample given as a dataset version', async () => {
    const job = await validate({
      model: 'churn@1',
      test: 'churn-test@1',
      train: 'churn@1',
      production: 'churn-test@1',
      suite: { checks: ['drift'] },
    });
    assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
    const { report } = job.result as ValidateResult;
    assert.equal(report.production, 'churn-test@1');
    const drift = report.results[0]!;
    assert.deepEqual(
      drift.tables.map((t) => t.title),
      [
        'Drift per feature, train vs test (drifted first)',
        'Drift per feature, train vs production (drifted first)',
      ],
    );
    assert.match(
      reportToJUnit(report as ValidationReport),
      /<property name="production" value="churn-test@1"\/>/,
    );
  });

  it('refuses bad specs and suites before anything runs', async () => {
    const refused = (spec: unknown, pattern: RegExp) =>
      assert.rejects(validation.start(spec, null), (err: unknown) => {
        assert.match((err as Error).message, pattern);
        return true;
      });
    await refused({ model: 'churn@1' }, /test must be a non-empty string/);
    await refused(
      { model: 'churn@1', test: 'churn-test@1', suite: { checks: ['nope'] } },
      /unknown check "nope"; valid checks: accuracy-min, broken, regression-only, fairness/,
    );
    await refused(
      {
        model: 'churn@1',
        test: 'churn-test@1',
        suite: { checks: [{ check: 'accuracy-min', params: { min: 2 } }] },
      },
      /check accuracy-min: min must be a number in 0\.\.1; got 2/,
    );
    await refused(
      {
        model: 'churn@1',
        test: 'churn-test@1',
        suite: { checks: [{ check: 'accuracy-min', params: { max: 1 } }] },
      },
      /unknown parameter max; valid parameters: min/,
    );
    await refused({ model: 'churn@1', test: 'churn-test@9' }, /churn-test/);
    await refused({ model: 'nope@1', test: 'churn-test@1' }, /nope/);
    assert.throws(() => parseSuite('checks: [unclosed', checks), /suite: not valid YAML or JSON/);
    await refused(
      {
        model: 'churn@1',
        test: 'churn-test@1',
        suite: { checks: [{ check: 'fairness', params: { attribute: 'gender' } }] },
      },
      /check fairness: gender is not a column of churn-test@1; its columns are customer_id, /,
    );
    await refused(
      { model: 'churn@1', test: 'thin@1', target: 'usage' },
      /thin@1 lacks the columns .*tenure.* that churn@1 reads/,
    );
    await refused(
      { model: 'churn@1', test: 'churn-test@1', production: 'thin@1' },
      /thin@1 lacks the columns .*tenure.* that churn@1 reads/,
    );
    await refused(
      { model: 'churn@1', test: 'churn-test@1', production: 7 },
      /production must be a non-empty string; got the number 7/,
    );
    await refused(
      { model: 'churn@1', test: 'churn-test@1', target: 'nope' },
      /target "nope" is not a column of churn-test@1/,
    );
  });
});
