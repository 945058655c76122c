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
 * `--built` runs the compiled code in dist/ (`npm run build` first), as `lathe server` runs it;
 * from the sources, each worker thread also compiles its modules through tsx.
 *
 *   npx tsx bench/predict/batch-scoring.ts [--rows 1000000] [--chunk 100000] [--keep all|none] [--built]
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BatchPredictResult } from '../../src/serving/index.js';
import { benchCsv, numberArg } from '../train/data.js';

const run = promisify(execFile);
const rows = numberArg('--rows', 1_000_000);
const chunkRows = numberArg('--chunk', 100_000);
const keepAt = process.argv.indexOf('--keep');
/** Input columns copied beside the predictions: all (default) or none. */
const keep = keepAt > 0 ? process.argv[keepAt + 1]! : 'all';
const here = import.meta.dirname;
const built = process.argv.includes('--built');
if (built && !existsSync(path.join(here, '../../dist/serving/index.js')))
  throw new Error('--built runs dist/: run `npm run build` first');
/** A module of Lathe, from the sources or (with `--built`) from dist/. */
const lathe = <T>(module: string): Promise<T> =>
  import(path.join(here, '../..', built ? 'dist' : 'src', `${module}/index.js`)) as Promise<T>;
const { AuditLog } = await lathe<typeof import('../../src/auth/index.js')>('auth');
const { DataService } = await lathe<typeof import('../../src/data/index.js')>('data');
const { JobService } = await lathe<typeof import('../../src/jobs/index.js')>('jobs');
const { ModelService } = await lathe<typeof import('../../src/models/index.js')>('models');
const { RegistryService } = await lathe<typeof import('../../src/registry/index.js')>('registry');
const { BatchScoring } = await lathe<typeof import('../../src/serving/index.js')>('serving');
const { openBlobStore } = await lathe<typeof import('../../src/storage/blobs/index.js')>('storage/blobs');
const { openMetaStore } = await lathe<typeof import('../../src/storage/meta/index.js')>('storage/meta');
const { quoteLiteral, TableEngine } =
  await lathe<typeof import('../../src/storage/tables/index.js')>('storage/tables');
const { TrackingService } = await lathe<typeof import('../../src/tracking/index.js')>('tracking');

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
  `Lathe predict job (Parquet version → new version, profiled${built ? ', dist/' : ', sources through tsx'}): ${result.seconds.toFixed(2)} s, ${result.rowsPerSecond.toLocaleString('en-US')} rows/s (target ≥ 200,000: ${result.rowsPerSecond >= 200_000 ? 'met' : 'MISSED'})`,
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
