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

    // Request bodies are serialized before the clock starts (as a load generator would), and each
    // throughput figure is the median of three rounds: this shared machine is noisy.
    const rounds = 3;
    const throughput = async (requests: number, send: (round: number) => Promise<void>) => {
      const rates: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const t = performance.now();
        await send(r);
        rates.push(requests / ((performance.now() - t) / 1000));
      }
      console.log(`   rounds: ${rates.map((x) => Math.round(x).toLocaleString()).join(', ')}`);
      return median(rates);
    };
    const logMetric = (key: string, step: number) =>
      JSON.stringify({ run_id: runId, key, value: step / 7, timestamp: 1_700_000_000_000 + step, step });

    // 1. One client, single metrics, sequentially.
    const seqN = quick ? 1000 : 5000;
    // Warm-up: the server's code paths are compiled before anything is timed.
    for (let i = 0; i < 3000; i++) await c.json('POST', `${api}/runs/log-metric`, logMetric('warm', i));
    const seqBodies = Array.from({ length: rounds * seqN }, (_, i) => logMetric('seq', i));
    figures.push({
      name: 'log-metric, 1 client',
      value: await throughput(seqN, async (r) => {
        for (let i = r * seqN; i < (r + 1) * seqN; i++)
          await c.json('POST', `${api}/runs/log-metric`, seqBodies[i]);
      }),
      unit: 'req/s',
      target: 3000,
      better: 'higher',
    });

    // 2. Eight concurrent clients, then count the points: none lost, none duplicated.
    const perClient = quick ? 500 : 2500;
    const clients = Array.from({ length: 8 }, () => new KeepAliveClient(url));
    const clientBodies = clients.map((_, k) =>
      Array.from({ length: rounds * perClient }, (_, i) => logMetric(`c${k}`, i)),
    );
    figures.push({
      name: 'log-metric, 8 clients',
      value: await throughput(8 * perClient, (r) =>
        Promise.all(
          clients.map(async (cl, k) => {
            for (let i = r * perClient; i < (r + 1) * perClient; i++)
              await cl.json('POST', `${api}/runs/log-metric`, clientBodies[k]![i]);
          }),
        ).then(() => {}),
      ),
      unit: 'req/s',
      target: 8000,
      better: 'higher',
    });
    for (let k = 0; k < 8; k++) {
      const h = await c.json<{ metrics: { step: number }[] }>(
        'GET',
        `${api}/metrics/get-history?run_id=${runId}&metric_key=c${k}`,
      );
      const steps = new Set(h.metrics.map((m) => m.step));
      const expected = rounds * perClient;
      if (h.metrics.length !== expected || steps.size !== expected) {
        throw new Error(
          `client ${k}: expected ${expected} distinct points, found ${h.metrics.length} (${steps.size} distinct)`,
        );
      }
    }
    console.log(`   8 x ${rounds * perClient} points checked: none lost, none duplicated`);

    // 3. log-batch of 1,000 metrics (20 keys x 50 steps), from one client and from four at once.
    const batches = quick ? 10 : 40;
    const batch = (b: number) =>
      JSON.stringify({
        run_id: runId,
        metrics: Array.from({ length: 1000 }, (_, i) => ({
          key: `b${i % 20}`,
          value: Math.random(),
          timestamp: 1_700_000_000_000 + b,
          step: b * 50 + Math.floor(i / 20),
        })),
      });
    for (let b = 1; b <= 20; b++) await c.json('POST', `${api}/runs/log-batch`, batch(-b));
    const batchBodies = Array.from({ length: 2 * rounds * batches }, (_, b) => batch(b));
    figures.push({
      name: 'log-batch of 1,000 metrics, 1 client',
      value: await throughput(batches * 1000, async (r) => {
        for (let b = r * batches; b < (r + 1) * batches; b++)
          await c.json('POST', `${api}/runs/log-batch`, batchBodies[b]);
      }),
      unit: 'metrics/s',
      target: 300_000,
      better: 'higher',
    });
    const offset = rounds * batches;
    figures.push({
      name: 'log-batch of 1,000 metrics, 4 clients',
      value: await throughput(batches * 1000, (r) =>
        Promise.all(
          clients.slice(0, 4).map(async (cl, k) => {
            for (let b = offset + r * batches + k; b < offset + (r + 1) * batches; b += 4)
              await cl.json('POST', `${api}/runs/log-batch`, batchBodies[b]);
          }),
        ).then(() => {}),
      ),
      unit: 'metrics/s',
      target: 300_000,
      better: 'higher',
    });
    await Promise.all(clients.map((cl) => cl.close()));

    let start: number;
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
