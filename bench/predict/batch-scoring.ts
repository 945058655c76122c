/**
 * Batch scoring benchmark: a dataset version of `--rows` (1,000,000) rows × 30 features scored by
 * an imported XGBoost JSON model (200 trees of depth 6, trained by the peer on the bench/train
 * data) into a new dataset version — the whole `predict` job: reading chunks from Parquet,
 * signature checks, the TypeScript tree evaluator, checkpoint files, the DuckDB join and the
 * ingest (hash, store, profile) of the output version. Target: ≥ 200,000 rows/s.
 *
 * The peer does what a user of the Python stack would: pandas `read_csv` of the same rows,
 * XGBoost `inplace_predict` (nthread 1) and `to_csv` of the input with the predictions; its
 * rows/s and the ratio are printed beside Lathe's.
 *
 *   npx tsx bench/predict/batch-scoring.ts [--rows 1000000] [--chunk 100000] [--keep all|none]
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
import { BatchScoring, type BatchPredictResult } from '../../src/serving/index.js';
import { openBlobStore } from '../../src/storage/blobs/index.js';
import { openMetaStore } from '../../src/storage/meta/index.js';
import { quoteLiteral, TableEngine } from '../../src/storage/tables/index.js';
import { TrackingService } from '../../src/tracking/index.js';
import { benchCsv, numberArg } from '../train/data.js';

const run = promisify(execFile);
const rows = numberArg('--rows', 1_000_000);
const chunkRows = numberArg('--chunk', 100_000);
const keepAt = process.argv.indexOf('--keep');
/** Input columns copied beside the predictions: all (default) or none. */
const keep = keepAt > 0 ? process.argv[keepAt + 1]! : 'all';
const here = import.meta.dirname;

const { train, test } = await benchCsv(200_000, 50_000);
const dir = mkdtempSync(path.join(tmpdir(), 'lathe-bench-batch-'));
console.log(
  `batch scoring: ${rows.toLocaleString('en-US')} rows x 30 features, chunks of ${chunkRows}, keeping ${keep} input columns; load ${loadavg()[0]!.toFixed(2)}`,
);

// The model: the XGBoost bench model (trained by the peer once, kept in the bench tmp dir).
const model = path.join(tmpdir(), 'lathe-bench-train', 'xgb-binary-200x6.json');
if (!existsSync(model))
  await run(
    '/usr/bin/python3',
    [path.join(here, 'xgboost_peer.py'), train, test, model, '200', '6', '1000', '1', '10'],
    { maxBuffer: 1 << 26 },
  );

// The rows: the test rows repeated to `rows`, as a CSV (for the peer) and a dataset version.
const csv = path.join(dir, 'score.csv');
const engine = await TableEngine.create();
await engine.query(
  `COPY (SELECT t.* EXCLUDE (y) FROM read_csv(${quoteLiteral(test)}) t, range(${Math.ceil(rows / 50_000)}) LIMIT ${rows}) TO ${quoteLiteral(csv)} (HEADER)`,
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
const scoring = new BatchScoring({ data, models, workRoot: path.join(dir, 'work') }, jobs);
await data.ingestFile(csv, { name: 'score', filename: 'score.csv' }, null);
await models.importModel(
  { name: 'model.json', files: new Map([['model.json', readFileSync(model)]]) },
  { name: 'xgb' },
  null,
);

const job = await scoring.start({ model: 'xgb@1', data: 'score@1', out: 'scored', chunkRows, keep }, null);
await jobs.whenIdle();
const done = await jobs.get(job.id);
if (done.status !== 'succeeded') throw new Error(`the job ${done.status}: ${JSON.stringify(done.error)}`);
const result = done.result as BatchPredictResult;

const peer = JSON.parse(
  (
    await run(
      '/usr/bin/python3',
      [path.join(here, 'batch_scoring_peer.py'), model, csv, path.join(dir, 'peer-out.csv')],
      { maxBuffer: 1 << 26 },
    )
  ).stdout,
) as { seconds: number; rows: number };
const peerRate = peer.rows / peer.seconds;
console.log(
  `Lathe predict job (Parquet version → new version, profiled): ${result.seconds.toFixed(2)} s, ${result.rowsPerSecond.toLocaleString('en-US')} rows/s (target ≥ 200,000: ${result.rowsPerSecond >= 200_000 ? 'met' : 'MISSED'})`,
);
console.log(
  `  reading + predicting chunks ${result.timings.scoring.toFixed(2)} s, joining to the input ${result.timings.joining.toFixed(2)} s, storing the version (hash, profile) ${result.timings.storing.toFixed(2)} s`,
);
console.log(
  `peer pandas read_csv → xgboost inplace_predict (1 thread) → to_csv: ${peer.seconds.toFixed(2)} s, ${Math.round(peerRate).toLocaleString('en-US')} rows/s`,
);
console.log(
  `ratio Lathe/peer rows/s: x${(result.rowsPerSecond / peerRate).toFixed(2)}; load ${loadavg()[0]!.toFixed(2)}`,
);
await jobs.close();
await models.close();
await registry.webhooks.close();
await data.close();
await meta.close();
await blobs.close();
rmSync(dir, { recursive: true, force: true });
