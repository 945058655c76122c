/**
 * Monitoring benchmark (issue 9, "Performance"), on the embedded inference store (SQLite metadata,
 * file blobs, DuckDB), all in one run:
 *
 * 1. Ingest: two windows of `--rows` (1,000,000) prediction records × 20 features (make-data.ts:
 *    the reference as environment `training`, the current window with 5 shifted features as
 *    `production`) through `MonitoringService.logPredictions` in batches of `--batch` (10,000),
 *    every batch checked record by record and synced to disk (fdatasync) before it is acknowledged.
 *    Then the same through HTTP (`POST /api/v1/monitoring/predictions`, JSON bodies) for
 *    `--http-rows` records. Target: ≥ 100,000 predictions/s.
 * 2. Drift for the 20 features between the two windows, read from the store (Parquet segments):
 *    with every row feeding KS and Wasserstein (the default up to 1,000,000 rows a side), and with a
 *    sample of 100,000. Beside it the numpy/scipy peer (peer.py) computes the same statistics on the same
 *    data and the same bins (the edges Lathe used). Target: ≤ 2 s and ≤ 1× the peer.
 * 3. Joining 1,000,000 actuals to their predictions: `logActuals` in batches of 100,000 (each
 *    matched against every logged prediction ID), then the performance query that joins them.
 *    Target: ≤ 5 s.
 *
 *   npx tsx bench/monitor/monitor.ts [--rows 1000000] [--batch 10000] [--clients 4] [--http-rows 200000]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openTestData } from '../../src/data/data-fixture.js';
import { MonitoringService } from '../../src/monitoring/index.js';
import { numberArg } from '../train/data.js';
import { MONITOR_FEATURES, monitorDataFiles, readMonitorData, SHIFTED_FEATURES } from './make-data.js';

const run = promisify(execFile);
const rows = numberArg('--rows', 1_000_000);
const batch = numberArg('--batch', 10_000);
const httpRows = numberArg('--http-rows', 200_000);
const clients = numberArg('--clients', 4);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const T0 = Date.now() - 30 * 86_400_000;

const data = readMonitorData(rows);
const files = monitorDataFiles(rows);
const names = Array.from({ length: MONITOR_FEATURES }, (_, f) => `f${f}`);

/** Records `from..to` of a window as the ingest API takes them. */
function records(win: Float64Array, env: string, from: number, to: number, ts: number) {
  const out = new Array(to - from);
  for (let i = from; i < to; i++) {
    const features: Record<string, number | null> = {};
    for (let f = 0; f < MONITOR_FEATURES; f++) {
      const v = win[f * rows + i]!;
      features[names[f]!] = Number.isNaN(v) ? null : v;
    }
    const score = 1 / (1 + Math.exp(-features.f0! + 0.5 * (features.f1 ?? 0)));
    out[i - from] = {
      predictionId: `${env}-${i}`,
      model: 'bench',
      modelVersion: '1',
      environment: env,
      timestamp: ts + i,
      features,
      prediction: score > 0.5 ? 'yes' : 'no',
      probabilities: { no: 1 - score, yes: score },
      latencyMs: 1 + (i % 7),
    };
  }
  return out;
}

console.log(
  `bench/monitor: ${fmt(rows)} rows × ${MONITOR_FEATURES} features per window, batches of ${fmt(batch)}; ` +
    `${availableParallelism()} cores, load ${loadavg()[0]!.toFixed(2)}`,
);
const t = await openTestData();
const monitoring = await MonitoringService.open(t.meta, t.blobs, { dir: path.join(t.dir, 'monitoring') });
try {
  // 1. Ingest, in process: `--clients` callers, each sending its next batch when the last is acknowledged.
  const jobs: [Float64Array, string, number, number][] = [];
  for (const [win, env, ts] of [
    [data.reference, 'training', T0],
    [data.current, 'production', T0 + 10 * 86_400_000],
  ] as const)
    for (let from = 0; from < rows; from += batch) jobs.push([win, env, ts, from]);
  let accepted = 0;
  let buildMs = 0;
  const ingestStart = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        const [win, env, ts, from] = job;
        const b = performance.now();
        const body = records(win, env, from, Math.min(from + batch, rows), ts);
        buildMs += performance.now() - b;
        const res = await monitoring.logPredictions(body);
        accepted += res.accepted;
        if (res.rejected) throw new Error(`refused: ${JSON.stringify(res.errors[0])}`);
      }
    }),
  );
  // The records are built by the callers on the same thread: their time is not the store's.
  const ingestMs = performance.now() - ingestStart - buildMs;
  const ingestRate = accepted / (ingestMs / 1000);
  console.log(
    `ingest (in process, synced, ${clients} callers): ${fmt(accepted)} records in ${secs(ingestMs)} = ${fmt(ingestRate)} predictions/s ` +
      `(target ≥ 100,000: ${ingestRate >= 100_000 ? 'met' : 'MISSED'})`,
  );
  const compactStart = performance.now();
  await monitoring.compact(true);
  console.log(
    `compaction of what was still buffered into Parquet segments: ${secs(performance.now() - compactStart)}`,
  );

  // 1b. Ingest through HTTP.
  await httpIngest();

  // 2. Drift.
  const windows = { baseline: { environment: 'training' }, current: { environment: 'production' } };
  await monitoring.drift('bench', windows, { sampleSize: 1000 }); // warm-up: worker threads, DuckDB
  // Each timed three times; the median is reported (the runs are printed too).
  const timed = async (sampleSize: number) => {
    const runs: number[] = [];
    let report: Awaited<ReturnType<typeof monitoring.drift>> | undefined;
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      report = await monitoring.drift('bench', windows, { sampleSize });
      runs.push(performance.now() - started);
    }
    const sorted = [...runs].sort((a, b) => a - b);
    return { report: report!, ms: sorted[1]!, runs: runs.map((r) => (r / 1000).toFixed(2)).join(', ') };
  };
  const fullRun = await timed(Math.max(rows, 1000));
  const full = fullRun.report;
  const fullMs = fullRun.ms;
  const sampledRun = await timed(100_000);
  const sampledMs = sampledRun.ms;
  const edgesFile = path.join(mkdtempSync(path.join(tmpdir(), 'lathe-bench-edges-')), 'edges.json');
  writeFileSync(
    edgesFile,
    JSON.stringify(names.map((n) => full.features.find((f) => f.feature === n)!.histogram!.edges)),
  );
  const peer = JSON.parse(
    (
      await run(
        '/usr/bin/python3',
        [path.join(import.meta.dirname, 'peer.py'), files.reference, files.current, edgesFile],
        { maxBuffer: 1 << 26 },
      )
    ).stdout,
  ) as {
    readSeconds: number;
    seconds: number;
    features: { psi: number; js: number; ks: number; ksP: number; wasserstein: number }[];
  };
  rmSync(path.dirname(edgesFile), { recursive: true, force: true });
  let worst = { psi: 0, js: 0, ks: 0, wasserstein: 0 };
  names.forEach((n, f) => {
    const s = full.features.find((x) => x.feature === n)!.statistics!;
    const p = peer.features[f]!;
    worst = {
      psi: Math.max(worst.psi, Math.abs(s.psi - p.psi)),
      js: Math.max(worst.js, Math.abs(s.jensenShannon - p.js)),
      ks: Math.max(worst.ks, Math.abs(s.ks!.statistic - p.ks)),
      wasserstein: Math.max(
        worst.wasserstein,
        Math.abs(s.wasserstein! - p.wasserstein) / Math.max(1e-12, Math.abs(p.wasserstein)),
      ),
    };
  });
  const ratio = fullMs / 1000 / peer.seconds;
  console.log(
    `drift, 20 features, ${fmt(rows)} vs ${fmt(rows)} rows, every row in KS and Wasserstein: Lathe ${secs(fullMs)} ` +
      `(from the store) vs numpy/scipy ${peer.seconds.toFixed(2)} s (statistics only; reading ${peer.readSeconds.toFixed(2)} s) ` +
      `= ${ratio.toFixed(2)}× (median of runs ${fullRun.runs} s; targets ≤ 2 s: ${fullMs <= 2000 ? 'met' : 'MISSED'}; ≤ 1×: ${ratio <= 1 ? 'met' : 'MISSED'})`,
  );
  console.log(
    `drift with a sample of 100,000 rows per side for KS and Wasserstein (PSI and JS on every row): ${secs(sampledMs)} (runs ${sampledRun.runs} s)`,
  );
  console.log(
    `agreement with scipy: |ΔPSI| ≤ ${worst.psi.toExponential(1)}, |ΔJS| ≤ ${worst.js.toExponential(1)}, ` +
      `|ΔKS| ≤ ${worst.ks.toExponential(1)}, Wasserstein rel. ≤ ${worst.wasserstein.toExponential(1)}; drifted: ${full.drifted.join(', ')} ` +
      `(planted: ${SHIFTED_FEATURES.map((f) => `f${f}`).join(', ')})`,
  );

  // 3. Actuals.
  let actualsMs = 0;
  let matched = 0;
  for (let from = 0; from < rows; from += 100_000) {
    const body = Array.from({ length: Math.min(100_000, rows - from) }, (_, k) => ({
      predictionId: `production-${from + k}`,
      actual: (from + k) % 3 === 0 ? 'yes' : 'no',
    }));
    const s = performance.now();
    const res = await monitoring.logActuals(body);
    actualsMs += performance.now() - s;
    matched += res.matched;
  }
  const s = performance.now();
  const perf = await monitoring.performance('bench', { environment: 'production' });
  const joinMs = performance.now() - s;
  console.log(
    `actuals: ${fmt(matched)} matched to their predictions while logged in ${secs(actualsMs)}; the performance query joining ` +
      `${fmt(perf.overall.labeled)} of ${fmt(perf.overall.rows)} predictions: ${secs(joinMs)} ` +
      `(target ≤ 5 s for the join: ${joinMs <= 5000 ? 'met' : 'MISSED'}; logging and joining together ${secs(actualsMs + joinMs)})`,
  );
} finally {
  await monitoring.close();
  await t.close();
}

/** Ingest through HTTP: a server on loopback, JSON bodies of `batch` records, one request at a time. */
async function httpIngest(): Promise<void> {
  if (httpRows <= 0) return;
  const { createTestApp } = await import('../../src/api/testing.js');
  const app = await createTestApp({ log: { level: 'warn' } } as never);
  try {
    const address = await app.listen();
    const token = app.adminToken;
    let ms = 0;
    let n = 0;
    for (let from = 0; from < httpRows; from += batch) {
      const body = JSON.stringify({
        records: records(data.current, 'http', from, Math.min(from + batch, httpRows, rows), T0),
      });
      const s = performance.now();
      const res = await fetch(`${address}/api/v1/monitoring/predictions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body,
      });
      const out = (await res.json()) as { accepted: number };
      ms += performance.now() - s;
      n += out.accepted;
    }
    console.log(
      `ingest over HTTP (JSON bodies of ${fmt(batch)}, one request at a time): ${fmt(n)} records in ${secs(ms)} = ${fmt(n / (ms / 1000))} predictions/s`,
    );
  } finally {
    await app.close();
  }
}
