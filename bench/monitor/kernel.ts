/**
 * Drift-kernel benchmark: KS + Wasserstein-1 of 20 features between two windows of `--rows`
 * (1,000,000) rows each with `numericDriftMany` (sort + one merge per feature on worker threads),
 * and PSI + Jensen–Shannon on 10 fixed bins per feature on the calling thread; beside it the
 * numpy/scipy peer (peer.py) computing the same statistics on the same files. Prints both times,
 * the ratios (goal ≤ 1×) and the largest disagreement of each statistic. The KS + Wasserstein time
 * is given for ordinary input arrays (copied into shared memory by each call) and for input already
 * in shared memory; the ratios use the former.
 *
 *   npx tsx bench/monitor/kernel.ts [--rows 1000000] [--repeat 3]
 */
import { execFile } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { toShared, WorkerPool } from '../../src/ml/index.js';
import { numericDriftMany } from '../../src/monitoring/index.js';
import { histogram, jensenShannon, psi } from '../../src/stats/index.js';
import { numberArg } from '../train/data.js';
import {
  column,
  MONITOR_FEATURES,
  monitorDataFiles,
  readMonitorData,
  SHIFTED_FEATURES,
} from './make-data.js';

interface FeatureStats {
  psi: number;
  js: number;
  ks: number;
  ksP: number;
  wasserstein: number;
}

interface PeerOutput {
  readSeconds: number;
  seconds: number;
  psiJsSeconds: number;
  ksSeconds: number;
  wassersteinSeconds: number;
  features: FeatureStats[];
}

const rows = numberArg('--rows', 1_000_000);
const repeat = numberArg('--repeat', 3);
const threads = availableParallelism();
const seconds = (t0: number) => (performance.now() - t0) / 1000;

console.log(
  `drift kernel: ${MONITOR_FEATURES} features x ${rows.toLocaleString('en-US')} vs ${rows.toLocaleString('en-US')} rows, ${threads} threads; load ${loadavg()[0]!.toFixed(2)}`,
);
const files = monitorDataFiles(rows);
let t0 = performance.now();
const data = readMonitorData(rows);
const readLathe = seconds(t0);
const pairs = Array.from({ length: MONITOR_FEATURES }, (_, f) => ({
  a: column(data.reference, rows, f),
  b: column(data.current, rows, f),
}));

const pool = new WorkerPool(threads);
t0 = performance.now();
await pool.warmUp();
const poolStart = seconds(t0);

// KS + Wasserstein on the workers, the best of `repeat` runs: on ordinary arrays (each run copies
// them into shared memory) and on SharedArrayBuffer-backed arrays (as a store can load them).
const sharedPairs = pairs.map(({ a, b }) => ({ a: toShared(a), b: toShared(b) }));
const kswTimes: number[] = [];
const sharedTimes: number[] = [];
let ksw = await numericDriftMany(pairs, pool);
for (let r = 0; r < repeat; r++) {
  t0 = performance.now();
  ksw = await numericDriftMany(pairs, pool);
  kswTimes.push(seconds(t0));
  t0 = performance.now();
  await numericDriftMany(sharedPairs, pool);
  sharedTimes.push(seconds(t0));
}
await pool.close();

// PSI + JS on the given edges, on this thread.
const psiJsTimes: number[] = [];
let binned: { psi: number; js: number }[] = [];
for (let r = 0; r < repeat; r++) {
  t0 = performance.now();
  binned = pairs.map(({ a, b }, f) => {
    const ca = histogram(a, data.edges[f]!).counts;
    const cb = histogram(b, data.edges[f]!).counts;
    return { psi: psi(ca, cb).statistic, js: jensenShannon(ca, cb).statistic };
  });
  psiJsTimes.push(seconds(t0));
}
const lathe: FeatureStats[] = ksw.map((k, f) => ({
  psi: binned[f]!.psi,
  js: binned[f]!.js,
  ks: k.ks.statistic,
  ksP: k.ks.pValue,
  wasserstein: k.wasserstein,
}));

const { stdout } = await promisify(execFile)(
  '/usr/bin/python3',
  [path.join(import.meta.dirname, 'peer.py'), files.reference, files.current, files.edges],
  { maxBuffer: 1 << 24 },
);
const peer = JSON.parse(stdout) as PeerOutput;

const kswBest = Math.min(...kswTimes);
const psiJsBest = Math.min(...psiJsTimes);
const peerKsw = peer.ksSeconds + peer.wassersteinSeconds;
const fmt = (s: number) => `${s.toFixed(3)} s`;
console.log(`read: lathe ${fmt(readLathe)}, peer ${fmt(peer.readSeconds)} (not in the times below)`);
console.log(`worker pool start: ${fmt(poolStart)} (once per process, not in the times below)`);
console.log(
  `KS + Wasserstein: lathe ${fmt(kswBest)} (runs: ${kswTimes.map((t) => t.toFixed(3)).join(', ')}), peer ${fmt(peerKsw)} (ks ${fmt(peer.ksSeconds)}, wasserstein ${fmt(peer.wassersteinSeconds)}); ratio ${(kswBest / peerKsw).toFixed(3)}x`,
);
console.log(
  `KS + Wasserstein on shared-memory input: lathe ${fmt(Math.min(...sharedTimes))} (runs: ${sharedTimes.map((t) => t.toFixed(3)).join(', ')}); ratio ${(Math.min(...sharedTimes) / peerKsw).toFixed(3)}x`,
);
console.log(
  `PSI + JS: lathe ${fmt(psiJsBest)}, peer ${fmt(peer.psiJsSeconds)}; ratio ${(psiJsBest / peer.psiJsSeconds).toFixed(3)}x`,
);
console.log(
  `all four: lathe ${fmt(kswBest + psiJsBest)}, peer ${fmt(peer.seconds)}; ratio ${((kswBest + psiJsBest) / peer.seconds).toFixed(3)}x (target <= 2 s, <= 1x)`,
);

const keys = ['psi', 'js', 'ks', 'ksP', 'wasserstein'] as const;
const diffs = keys.map((k) => {
  let abs = 0;
  let rel = 0;
  lathe.forEach((s, f) => {
    const d = Math.abs(s[k] - peer.features[f]![k]);
    abs = Math.max(abs, d);
    rel = Math.max(rel, d / Math.max(Math.abs(peer.features[f]![k]), 1e-300));
  });
  return `${k} ${abs.toExponential(2)} (rel ${rel.toExponential(2)})`;
});
console.log(`max abs diff lathe vs peer: ${diffs.join(', ')}`);
const flagged = lathe.flatMap((s, f) => (s.ksP < 1e-6 ? [f] : []));
console.log(`features with KS p < 1e-6: [${flagged.join(', ')}] (planted: [${SHIFTED_FEATURES.join(', ')}])`);
