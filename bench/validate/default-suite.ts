/**
 * Validation benchmark: the default suite of a binary model on a 100,000-row test set, with a
 * 100,000-row training set, for an imported XGBoost model of 200 trees of depth 6 on 30 features
 * (the bench/predict model, trained by the peer). Target: the whole suite in ≤ 60 s on this
 * machine; the time of each check is printed. There is no peer: no other tool runs these checks.
 *
 *   npx tsx bench/validate/default-suite.ts [--rows 100000]
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { AuditLog } from '../../src/auth/index.js';
import { DataService } from '../../src/data/index.js';
import { JobService } from '../../src/jobs/index.js';
import { ModelService } from '../../src/models/index.js';
import { RegistryService } from '../../src/registry/index.js';
import { openBlobStore } from '../../src/storage/blobs/index.js';
import { openMetaStore } from '../../src/storage/meta/index.js';
import { quoteLiteral, TableEngine } from '../../src/storage/tables/index.js';
import { TrackingService } from '../../src/tracking/index.js';
import { type ValidateResult, ValidationService } from '../../src/validation/index.js';
import { benchCsv, numberArg } from '../train/data.js';

const run = promisify(execFile);
const rows = numberArg('--rows', 100_000);
const { train, test } = await benchCsv(200_000, Math.max(rows, 50_000));
const dir = mkdtempSync(path.join(tmpdir(), 'lathe-bench-validate-'));
console.log(
  `validation, default suite: ${rows.toLocaleString('en-US')} test rows, ${rows.toLocaleString('en-US')} training rows, 30 features; load ${loadavg()[0]!.toFixed(2)}`,
);

const model = path.join(tmpdir(), 'lathe-bench-train', 'xgb-binary-200x6.json');
if (!existsSync(model))
  await run(
    '/usr/bin/python3',
    [
      path.join(import.meta.dirname, '../predict/xgboost_peer.py'),
      train,
      test,
      model,
      '200',
      '6',
      '1000',
      '1',
      '10',
    ],
    { maxBuffer: 1 << 26 },
  );

// The bench CSV's columns are f0…f29 (the model's feature names) and the label y.
const engine = await TableEngine.create();
for (const [name, from] of [
  ['train', `read_csv(${quoteLiteral(train)}) LIMIT ${rows}`],
  // Rows the model never saw (it was fitted on the whole train CSV).
  ['test', `read_csv(${quoteLiteral(test)}) LIMIT ${rows}`],
] as const)
  await engine.query(
    `COPY (SELECT * FROM ${from}) TO ${quoteLiteral(path.join(dir, `${name}.parquet`))} (FORMAT parquet)`,
  );
await engine.close();

const meta = await openMetaStore(`sqlite:${path.join(dir, 'lathe.db')}`);
const blobs = await openBlobStore(`file:${path.join(dir, 'blobs')}`);
const audit = new AuditLog(meta);
const data = new DataService(meta, blobs, audit, { tmpDir: path.join(dir, 'tmp') });
const tracking = new TrackingService(meta, blobs, audit);
const registry = new RegistryService(meta, audit, tracking);
const jobs = new JobService(meta, audit);
const models = new ModelService({ tracking, registry });
const validation = new ValidationService({ data, models, tracking, registry }, jobs);
for (const name of ['train', 'test'])
  await data.ingestFile(
    path.join(dir, `${name}.parquet`),
    { name, filename: `${name}.parquet`, target: 'y' },
    null,
  );
await models.importModel(
  { name: 'model.json', files: new Map([['model.json', readFileSync(model)]]) },
  { name: 'xgb' },
  null,
);

const started = Date.now();
const job = await validation.start({ model: 'xgb@1', test: 'test@1', train: 'train@1' }, null);
await jobs.whenIdle();
const done = await jobs.get(job.id);
if (done.status !== 'succeeded') throw new Error(`the job ${done.status}: ${JSON.stringify(done.error)}`);
const { report } = done.result as ValidateResult;
const seconds = (Date.now() - started) / 1000;
for (const r of report.results)
  console.log(
    `  ${r.check.padEnd(22)} ${r.status.padEnd(5)} ${r.seconds.toFixed(2).padStart(7)} s${r.sample ? `  (sample ${r.sample.rows} of ${r.sample.of})` : ''}`,
  );
console.log(
  `default suite (${report.results.length} checks, context included): ${seconds.toFixed(1)} s (target ≤ 60 s: ${seconds <= 60 ? 'met' : 'MISSED'}); report ${report.status}; load ${loadavg()[0]!.toFixed(2)}`,
);
await jobs.close();
await models.close();
await registry.webhooks.close();
await data.close();
await meta.close();
await blobs.close();
rmSync(dir, { recursive: true, force: true });
