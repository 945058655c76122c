/**
 * XGBoost model prediction benchmark: Lathe's TypeScript evaluator of an imported XGBoost JSON
 * model against XGBoost 1.7's own `inplace_predict` (Debian's python3-xgboost, /usr/bin/python3),
 * same model, same rows, same run, one thread each. The peer trains a binary:logistic model on the
 * bench/train data (200,000 rows × 30 features, `--rounds` 200 trees of depth 6, tree_method hist;
 * reused from the tmp dir when present), then times `inplace_predict` with nthread 1 on 100,000
 * rows (50,000 test rows repeated, 2% missing values in two columns) and on single rows. Lathe
 * imports the same file through the xgboost flavor and times:
 *
 * - the evaluator (`xgbPredict`, pure function on a Float64Array) on the 100,000 rows, best of
 *   `--repeats` (target ≤ 1.0× `inplace_predict`), and the full Predictor (`predictBatch` on
 *   columns: signature checks, matrix assembly, probabilities);
 * - single-row latency p50/p99 of `predictor.predict([row])` (target p50 ≤ 20 µs) and of the raw
 *   evaluator, against `inplace_predict` of one row.
 *
 * It also checks both give the same probabilities (max relative difference). The peer runs once
 * before and once after Lathe's measurements and its best figures are kept; the load average is
 * printed at the start and the end.
 *
 *   npx tsx bench/predict/xgboost.ts [--rounds 200] [--depth 6] [--rows 100000] [--repeats 5] [--single 20000]
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseXgboostModel, xgbPredict, xgboostFlavor } from '../../src/models/flavors/xgboost/index.js';
import { importedPackage, readPackageFiles } from '../../src/models/index.js';
import { benchCsv, numberArg, readBenchCsv } from '../train/data.js';

const run = promisify(execFile);
const rounds = numberArg('--rounds', 200);
const depth = numberArg('--depth', 6);
const rows = numberArg('--rows', 100_000);
const repeats = numberArg('--repeats', 5);
const single = numberArg('--single', 20_000);
const here = import.meta.dirname;

interface Peer {
  batchSeconds: number;
  singleP50: number;
  singleP99: number;
  model: string;
  predictions: string;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

const us = (s: number) => `${(s * 1e6).toFixed(1)} µs`;
const ms = (s: number) => `${(s * 1e3).toFixed(0)} ms`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

const { train, test } = await benchCsv(200_000, 50_000);
const modelFile = path.join(tmpdir(), 'lathe-bench-train', `predict-xgb-${rounds}-${depth}.json`);
console.log(`model: XGBoost binary:logistic, ${rounds} trees of depth ${depth}, 30 features (${modelFile})`);
async function runPeer(): Promise<Peer> {
  const { stdout } = await run(
    '/usr/bin/python3',
    [
      path.join(here, 'xgboost_peer.py'),
      train,
      test,
      modelFile,
      String(rounds),
      String(depth),
      String(rows),
      String(repeats),
      String(single),
    ],
    { maxBuffer: 1 << 24 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as Peer;
}
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (${cpus().length} cores)`,
);
// The peer runs before and after Lathe (the machine may be shared); the best of each is kept.
const peers = [await runPeer()];

// The rows: the test rows repeated to `rows`, as the peer builds them.
const te = await readBenchCsv(test);
const cols = te.cols;
const x = new Float64Array(rows * cols);
for (let i = 0; i < rows; i++)
  x.set(te.x.subarray((i % te.rows) * cols, ((i % te.rows) + 1) * cols), i * cols);

// Import through the flavor, as `lathe models import` does, and load the stored package.
const bytes = new Uint8Array(readFileSync(modelFile));
const source = { name: 'model.json', files: new Map([['model.json', bytes]]) };
const inspected = await xgboostFlavor.inspect(source);
const pkgFiles = importedPackage(xgboostFlavor, source, inspected);
const predictor = await xgboostFlavor.load(await readPackageFiles(pkgFiles));
const model = parseXgboostModel(bytes);

// Agreement with XGBoost.
const theirs = new Float32Array(new Uint8Array(readFileSync(peers[0]!.predictions)).buffer);
const ours = xgbPredict(model, x, rows);
let maxRel = 0;
for (let i = 0; i < rows; i++)
  maxRel = Math.max(maxRel, Math.abs(ours[i]! - theirs[i]!) / Math.abs(theirs[i]!));

// Batch: the evaluator, then the Predictor on columns.
const batchTimes: number[] = [];
for (let r = 0; r < repeats + 1; r++) {
  const t0 = performance.now();
  xgbPredict(model, x, rows);
  batchTimes.push((performance.now() - t0) / 1000);
}
const names = inspected.signature.inputs.map((c) => c.name);
const columns: Record<string, Float64Array> = {};
names.forEach((n, j) => {
  const col = new Float64Array(rows);
  for (let i = 0; i < rows; i++) col[i] = x[i * cols + j]!;
  columns[n] = col;
});
const predictorTimes: number[] = [];
for (let r = 0; r < repeats; r++) {
  const t0 = performance.now();
  await predictor.predictBatch({ rows, columns });
  predictorTimes.push((performance.now() - t0) / 1000);
}
const lathe = Math.min(...batchTimes.slice(1));
const latheFull = Math.min(...predictorTimes);

// Single rows: the Predictor on row objects, and the raw evaluator.
const rowObjects = Array.from({ length: Math.min(single, rows) }, (_, i) =>
  Object.fromEntries(names.map((n, j) => [n, Number.isNaN(x[i * cols + j]!) ? null : x[i * cols + j]!])),
);
for (let i = 0; i < 2000; i++) await predictor.predict([rowObjects[i % rowObjects.length]!]);
const viaPredictor: number[] = [];
for (const row of rowObjects) {
  const t0 = performance.now();
  await predictor.predict([row]);
  viaPredictor.push((performance.now() - t0) / 1000);
}
const rawRows = rowObjects.map((_, i) => x.subarray(i * cols, (i + 1) * cols));
for (let i = 0; i < 2000; i++) xgbPredict(model, rawRows[i % rawRows.length]!, 1);
const viaRaw: number[] = [];
for (const r of rawRows) {
  const t0 = performance.now();
  xgbPredict(model, r, 1);
  viaRaw.push((performance.now() - t0) / 1000);
}
peers.push(await runPeer());
const peer: Peer = {
  ...peers[0]!,
  batchSeconds: Math.min(...peers.map((p) => p.batchSeconds)),
  singleP50: Math.min(...peers.map((p) => p.singleP50)),
  singleP99: Math.min(...peers.map((p) => p.singleP99)),
};
viaPredictor.sort((a, b) => a - b);
viaRaw.sort((a, b) => a - b);

const ratio = lathe / peer.batchSeconds;
const p50 = percentile(viaPredictor, 0.5);
console.log(
  `agreement: max relative difference of probabilities ${maxRel.toExponential(2)} (target <= 1e-6)  ${verdict(maxRel <= 1e-6)}`,
);
console.log(
  `\npredict ${rows.toLocaleString()} rows, 1 thread (best of ${repeats}; xgboost best of 2 runs × ${repeats})`,
);
console.log(
  `  lathe evaluator ${ms(lathe)}   xgboost inplace_predict ${ms(peer.batchSeconds)}   x${ratio.toFixed(2)} (target <= 1.00)  ${verdict(ratio <= 1)}`,
);
console.log(
  `  lathe Predictor.predictBatch (columns, signature checks, probabilities) ${ms(latheFull)}   x${(latheFull / peer.batchSeconds).toFixed(2)} of inplace_predict   ${Math.round(rows / latheFull).toLocaleString()} rows/s`,
);
console.log(`\nsingle-row latency (${viaPredictor.length.toLocaleString()} calls, in-process)`);
console.log(
  `  lathe Predictor.predict([row])  p50 ${us(p50)}  p99 ${us(percentile(viaPredictor, 0.99))} (target p50 <= 20 µs)  ${verdict(p50 <= 20e-6)}`,
);
console.log(
  `  lathe evaluator (one row)      p50 ${us(percentile(viaRaw, 0.5))}  p99 ${us(percentile(viaRaw, 0.99))}`,
);
console.log(`  xgboost inplace_predict (1 row) p50 ${us(peer.singleP50)}  p99 ${us(peer.singleP99)}`);
console.log(
  `  ratios to inplace_predict p50: Predictor x${(p50 / peer.singleP50).toFixed(2)}, evaluator x${(percentile(viaRaw, 0.5) / peer.singleP50).toFixed(2)}`,
);
