/**
 * Tracking benchmark: logging throughput, batch logging, search over 100,000 runs and a
 * 100,000-point metric history, over HTTP with keep-alive against a real `lathe server` process.
 * SQLite always; PostgreSQL too when LATHE_BENCH_POSTGRES_URI (or LATHE_TEST_POSTGRES_URI) is set.
 *
 *   npx tsx bench/tracking/run.ts [--runs 100000] [--quick]
 *
 * The MLflow server (the natural peer) is not installable on this machine (no PyPI, no Debian
 * package), so each figure is printed against its target instead of as a ratio.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { KeepAliveClient } from './http-client.js';
import { seedExperiment, seedHistory } from './seed.js';

const quick = process.argv.includes('--quick');
const argRuns = process.argv.indexOf('--runs');
const searchRuns = argRuns > 0 ? Number(process.argv[argRuns + 1]) : quick ? 10_000 : 100_000;
const historyPoints = quick ? 10_000 : 100_000;
const root = path.resolve(import.meta.dirname, '../..');

interface Figure {
  name: string;
  value: number;
  unit: string;
  target: number;
  better: 'higher' | 'lower';
}

async function startServer(dataDir: string, metaUri: string): Promise<{ url: URL; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(root, 'src/cli/main.ts'),
      'server',
      '--port',
      '0',
      '--no-auth',
      '--data-dir',
      dataDir,
      '--meta-uri',
      metaUri,
      '--log-level',
      'warn',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: root,
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening`)));
  });
  return { url: new URL(url), child };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function bench(label: string, metaUri: string, dataDir: string): Promise<Figure[]> {
  console.log(
    `\n== ${label}: seeding ${searchRuns.toLocaleString()} runs (10 params, 10 metrics, 5 tags) and a ${historyPoints.toLocaleString()}-point history`,
  );
  const t0 = performance.now();
  const searchExp = await seedExperiment(metaUri, { runs: searchRuns, params: 10, metrics: 10, tags: 5 });
  const historyRun = await seedHistory(metaUri, searchExp, 'long', historyPoints);
  console.log(`   seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const { url, child } = await startServer(dataDir, metaUri);
  const figures: Figure[] = [];
  const api = '/api/2.0/mlflow';
  try {
    const c = new KeepAliveClient(url);
    const { run } = await c.json<{ run: { info: { run_id: string } } }>('POST', `${api}/runs/create`, {
      experiment_id: '0',
    });
    const runId = run.info.run_id;

    // 1. One client, single metrics, sequentially.
    const seqN = quick ? 1000 : 5000;
    for (let i = 0; i < 300; i++)
      await c.json('POST', `${api}/runs/log-metric`, {
        run_id: runId,
        key: 'warm',
        value: i,
        timestamp: i,
        step: i,
      });
    let start = performance.now();
    for (let i = 0; i < seqN; i++)
      await c.json('POST', `${api}/runs/log-metric`, {
        run_id: runId,
        key: 'seq',
        value: i,
        timestamp: Date.now(),
        step: i,
      });
    figures.push({
      name: 'log-metric, 1 client',
      value: seqN / ((performance.now() - start) / 1000),
      unit: 'req/s',
      target: 3000,
      better: 'higher',
    });

    // 2. Eight concurrent clients, then count the points: none lost, none duplicated.
    const perClient = quick ? 500 : 2500;
    const clients = Array.from({ length: 8 }, () => new KeepAliveClient(url));
    start = performance.now();
    await Promise.all(
      clients.map(async (cl, k) => {
        for (let i = 0; i < perClient; i++)
          await cl.json('POST', `${api}/runs/log-metric`, {
            run_id: runId,
            key: `c${k}`,
            value: i,
            timestamp: 1_700_000_000_000 + i,
            step: i,
          });
      }),
    );
    figures.push({
      name: 'log-metric, 8 clients',
      value: (8 * perClient) / ((performance.now() - start) / 1000),
      unit: 'req/s',
      target: 8000,
      better: 'higher',
    });
    await Promise.all(clients.map((cl) => cl.close()));
    for (let k = 0; k < 8; k++) {
      const h = await c.json<{ metrics: { step: number }[] }>(
        'GET',
        `${api}/metrics/get-history?run_id=${runId}&metric_key=c${k}`,
      );
      const steps = new Set(h.metrics.map((m) => m.step));
      if (h.metrics.length !== perClient || steps.size !== perClient) {
        throw new Error(
          `client ${k}: expected ${perClient} distinct points, found ${h.metrics.length} (${steps.size} distinct)`,
        );
      }
    }
    console.log(`   8 x ${perClient} points checked: none lost, none duplicated`);

    // 3. log-batch of 1,000 metrics.
    const batches = quick ? 10 : 40;
    const batch = (b: number) => ({
      run_id: runId,
      metrics: Array.from({ length: 1000 }, (_, i) => ({
        key: `b${i % 20}`,
        value: Math.random(),
        timestamp: 1_700_000_000_000 + b,
        step: b * 50 + Math.floor(i / 20),
      })),
    });
    await c.json('POST', `${api}/runs/log-batch`, batch(-1));
    start = performance.now();
    for (let b = 0; b < batches; b++) await c.json('POST', `${api}/runs/log-batch`, batch(b));
    figures.push({
      name: 'log-batch of 1,000 metrics',
      value: (batches * 1000) / ((performance.now() - start) / 1000),
      unit: 'metrics/s',
      target: 300_000,
      better: 'higher',
    });

    // 4. runs/search: two-clause filter, ordered by a metric, page of 100.
    const search = {
      experiment_ids: [searchExp],
      filter: "metrics.m1 > 0.5 and params.p2 = '10'",
      order_by: ['metrics.m3 DESC'],
      max_results: 100,
    };
    const first = await c.json<{ runs?: unknown[] }>('POST', `${api}/runs/search`, search);
    if (!first.runs?.length)
      throw new Error('runs/search found nothing: the benchmark data or the search is wrong');
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      start = performance.now();
      await c.json('POST', `${api}/runs/search`, search);
      times.push(performance.now() - start);
    }
    figures.push({
      name: `runs/search over ${searchRuns.toLocaleString()} runs (median)`,
      value: median(times),
      unit: 'ms',
      target: 50,
      better: 'lower',
    });

    // 5. get-history of a long metric.
    const htimes: number[] = [];
    for (let i = 0; i < 7; i++) {
      // Timed until the last byte arrives; the client's own JSON parsing is not the server's time.
      start = performance.now();
      const res = await c.request('GET', `${api}/metrics/get-history?run_id=${historyRun}&metric_key=long`);
      htimes.push(performance.now() - start);
      const h = JSON.parse(res.body) as { metrics: unknown[] };
      if (h.metrics.length !== historyPoints)
        throw new Error(`get-history returned ${h.metrics.length} points, expected ${historyPoints}`);
    }
    figures.push({
      name: `get-history of ${historyPoints.toLocaleString()} points (median)`,
      value: median(htimes),
      unit: 'ms',
      target: 100,
      better: 'lower',
    });
    await c.close();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  return figures;
}

function report(label: string, figures: Figure[]): void {
  console.log(`\n${label}`);
  for (const f of figures) {
    const met = f.better === 'higher' ? f.value >= f.target : f.value <= f.target;
    const ratio = f.better === 'higher' ? f.value / f.target : f.target / f.value;
    const v = f.value >= 100 ? Math.round(f.value).toLocaleString() : f.value.toFixed(1);
    console.log(
      `  ${f.name.padEnd(44)} ${v.padStart(10)} ${f.unit.padEnd(9)} target ${f.better === 'higher' ? '>=' : '<='} ${f.target.toLocaleString().padEnd(8)} ${met ? 'met' : 'MISSED'} (x${ratio.toFixed(2)} of target)`,
    );
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'lathe-bench-'));
try {
  const sqlite = await bench(
    'SQLite (default store)',
    `sqlite:${path.join(dir, 'sqlite', 'lathe.db')}`,
    path.join(dir, 'sqlite'),
  );
  report('SQLite (default store)', sqlite);
  const pg = process.env.LATHE_BENCH_POSTGRES_URI ?? process.env.LATHE_TEST_POSTGRES_URI;
  if (pg) {
    const u = new URL(pg);
    u.searchParams.set('schema', `lathe_bench_${Date.now()}`);
    const figures = await bench('PostgreSQL', u.toString(), path.join(dir, 'pg'));
    report('SQLite (default store)', sqlite);
    report('PostgreSQL', figures);
  } else {
    console.log(
      '\nPostgreSQL: skipped (set LATHE_BENCH_POSTGRES_URI, or run `eval "$(bash .ci/postgres.sh)"` first)',
    );
  }
  console.log(
    '\nPeer: the MLflow tracking server is not installable here (no PyPI, no Debian package); figures are shown against their targets.',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
