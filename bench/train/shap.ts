/**
 * TreeSHAP benchmark against XGBoost 1.7 `pred_contribs=True` (Debian's python3-xgboost,
 * /usr/bin/python3), same CSV files, same run. Issue 5 target: TreeSHAP for 10,000 rows of a
 * 200-round depth-6 boosted model ≤ 2× XGBoost's pred_contribs, single thread.
 *
 * 1. XGBoost (hist, 200 rounds, depth 6, eta 0.1, 256 bins) trains on the bench/train/data.ts CSV
 *    (30 features) and times pred_contribs on the explained rows with nthread=1 (best of N).
 * 2. The very same trees (XGBoost's JSON dump converted to a TreeEnsemble) are explained by Lathe's
 *    treeShap on the same rows (rounded to float32, as XGBoost reads them): time with the default
 *    method (per-leaf tables) and with the recursion of Algorithm 2 (XGBoost's algorithm), and the
 *    largest difference from XGBoost's contributions.
 * 3. When the `gbdt` family is registered, Lathe's own model with the same settings is trained on
 *    the same CSV and explained on the same rows (its tree count and depth printed).
 *
 *   npx tsx bench/train/shap.ts [--rows 200000] [--explain 10000] [--rounds 200] [--depth 6] [--repeats 2]
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type XgbDumpNode, xgboostDumpToEnsemble } from '../../src/ml/explain/xgboost-dump.js';
import {
  MODEL_FAMILIES,
  type Matrix,
  rawTreeOutputs,
  type TreeEnsemble,
  type TreeShapOptions,
  treeShap,
} from '../../src/ml/index.js';
import { benchCsv, numberArg, readBenchCsv } from './data.js';

const trainRows = numberArg('--rows', 200_000);
const explainRows = numberArg('--explain', 10_000);
const rounds = numberArg('--rounds', 200);
const depth = numberArg('--depth', 6);
const repeats = numberArg('--repeats', 2);
const eta = 0.1;

interface Peer {
  trainSeconds: number;
  contribSeconds: number;
  contribTimes: number[];
  rows: number;
  cols: number;
  trees: number;
  baseScore: number;
  dump: string;
  contribs: string;
  xgboost: string;
}

function best(repeat: number, fn: () => void): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, (performance.now() - t) / 1000);
  }
  return min;
}

function depthOf(ens: TreeEnsemble): number {
  let max = 0;
  const trees = ens.treeStart.length - 1;
  for (let t = 0; t < trees; t++) {
    const s = ens.treeStart[t]!;
    const d = new Int32Array(ens.treeStart[t + 1]! - s);
    for (let g = 0; g < d.length; g++) {
      max = Math.max(max, d[g]!);
      if (ens.feature[s + g]! >= 0) d[ens.left[s + g]!] = d[ens.right[s + g]!] = d[g]! + 1;
    }
  }
  return max;
}

const f3 = (v: number): string => v.toFixed(3);

const { train, test } = await benchCsv(trainRows, explainRows);
console.log(`TreeSHAP benchmark: ${trainRows} training rows × 30 features, ${explainRows} rows explained`);
console.log(
  `model: binary, ${rounds} rounds, max depth ${depth}, learning rate ${eta}, 256 bins; 1 thread for SHAP`,
);

const outdir = path.join(tmpdir(), 'lathe-bench-shap');
const { stdout } = await promisify(execFile)(
  '/usr/bin/python3',
  [
    path.join(import.meta.dirname, 'shap_peer.py'),
    train,
    test,
    String(rounds),
    String(depth),
    String(eta),
    '2',
    String(repeats),
    outdir,
  ],
  { maxBuffer: 1 << 24 },
);
const peer = JSON.parse(stdout.trim().split('\n').pop()!) as Peer;
console.log(
  `XGBoost ${peer.xgboost}: trained in ${f3(peer.trainSeconds)} s (2 threads); pred_contribs ${f3(peer.contribSeconds)} s (best of ${peer.contribTimes.length}: ${peer.contribTimes.map(f3).join(', ')})`,
);

// The same trees, the same rows (float32-rounded as XGBoost reads them).
const ens = xgboostDumpToEnsemble(
  JSON.parse(readFileSync(peer.dump, 'utf8')) as XgbDumpNode[],
  peer.cols,
  2,
  peer.baseScore,
  'binary:logistic',
);
const data = await readBenchCsv(test);
const X: Matrix = { data: data.x.map((v) => Math.fround(v)), rows: data.rows, cols: data.cols };
const want = new Float64Array(readFileSync(peer.contribs).buffer.slice(0));
console.log(
  `XGBoost trees: ${ens.treeStart.length - 1}, ${ens.feature.length} nodes, max depth ${depthOf(ens)}`,
);

for (const method of ['auto', 'recursive'] as TreeShapOptions['method'][]) {
  let shap = treeShap(ens, X, { method });
  const seconds = best(repeats, () => {
    shap = treeShap(ens, X, { method });
  });
  let maxDiff = 0;
  const M = X.cols;
  for (let r = 0; r < X.rows; r++)
    for (let j = 0; j <= M; j++) {
      const got = j < M ? shap.values[r * M + j]! : shap.expected[0]!;
      maxDiff = Math.max(maxDiff, Math.abs(got - want[r * (M + 1) + j]!));
    }
  console.log(
    `Lathe treeShap (${method === 'auto' ? 'default: leaf tables' : 'recursive, Algorithm 2'}) on XGBoost's trees: ${f3(seconds)} s, ratio ${f3(seconds / peer.contribSeconds)}× XGBoost (target ≤ 2×); max |difference| from pred_contribs ${maxDiff.toExponential(2)} (target ≤ 1e-5)`,
  );
}

const gbdt = MODEL_FAMILIES.find((f) => f.name === 'gbdt');
if (!gbdt) {
  console.log("Lathe gbdt family not registered: explained XGBoost's trees only.");
} else {
  const tr = await readBenchCsv(train);
  const t0 = performance.now();
  const model = gbdt.fit(
    { data: tr.x, rows: tr.rows, cols: tr.cols },
    tr.y,
    { rounds, maxDepth: depth, learningRate: eta, maxBins: 256, threads: 2 },
    { task: 'binary', classes: 2 },
  );
  const fitSeconds = (performance.now() - t0) / 1000;
  const own = model.treeEnsemble!();
  const Xo: Matrix = { data: data.x, rows: data.rows, cols: data.cols };
  let shap = treeShap(own, Xo);
  const seconds = best(repeats, () => {
    shap = treeShap(own, Xo);
  });
  const raw = rawTreeOutputs(own, Xo.data, Xo.rows);
  let worst = 0;
  for (let r = 0; r < Xo.rows; r++) {
    let s = shap.expected[0]!;
    for (let j = 0; j < Xo.cols; j++) s += shap.values[r * Xo.cols + j]!;
    worst = Math.max(worst, Math.abs(s - raw[r]!));
  }
  console.log(
    `Lathe gbdt (fitted in ${f3(fitSeconds)} s with threads: 2): ${own.treeStart.length - 1} trees, ${own.feature.length} nodes, max depth ${depthOf(own)}; treeShap ${f3(seconds)} s, ratio ${f3(seconds / peer.contribSeconds)}× XGBoost's pred_contribs (target ≤ 2×); additivity error ${worst.toExponential(2)}`,
  );
}
