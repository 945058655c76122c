/**
 * Serving benchmark (issue 8, "Performance"): single-row predictions over HTTP from a second
 * process on loopback, keep-alive, against a 30-feature, 200-tree XGBoost binary classifier
 * (make_model.py, depth 6), side by side in the same run:
 *
 * - the peer: Flask + gunicorn + XGBoost (flask_peer.py, Debian packages), the home-built server
 *   teams start from; a few gunicorn configurations are probed briefly (the better of two 5 s
 *   runs each) and the fastest is measured (`--peer-config w2t1` skips the probe);
 * - Lathe: `lathe server` with the model imported (`POST /api/v1/models/bench/import`) and a
 *   deployment (`PUT /api/v1/deployments/bench`), called at `POST /api/v1/endpoints/bench/predict`
 *   with `[{f0..f29}]`, auth on (Bearer admin token). If the deployment API is missing, the
 *   peer's figures are still printed.
 *
 * Each server is measured at maximum load (wrk, closed loop, `--connections` keep-alive
 * connections, one wrk thread) and at a fixed 5,000 requests/s (fixed-rate.ts, open loop,
 * latency from the intended send time). For the "≥ 5× the peer at equal or better p99" target,
 * the peer is also run open loop at the highest of 80/60/40/20% of its maximum it sustains, and
 * Lathe at 5× that rate.
 * Targets: ≥ 10,000 req/s; p99 ≤ 10 ms at 5,000 req/s; ≥ 5× the peer at equal or better p99.
 *
 *   npx tsx bench/serve/serve.ts [--duration 15] [--connections 32] [--wrk-threads 1]
 *     [--peer-config auto|sync|w2t1|w2t4...] [--built] [--skip-peer] [--skip-lathe]
 *     [--serve-workers 2]   (0: measure the lathe server process itself)
 *     [--spec '{"name":"bench","models":[...]}'] [--log-level warn] [--model-route]
 *
 * `--model-route` measures Lathe's registry predict route (`POST /api/v1/models/bench/versions/1/
 * predict` with `{"rows": [row]}`, no deployment) instead of the endpoint: a baseline.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { FixedRateResult } from './fixed-rate.js';
import {
  freePort,
  hasCommand,
  installCleanup,
  runFixedRate,
  runToEnd,
  runWrk,
  start,
  stop,
  waitReady,
} from './processes.js';
import { type Figures, type HotSwap, printReport } from './report.js';

const here = import.meta.dirname;
const root = path.resolve(here, '../..');
const argv = process.argv;
const flag = (name: string) => argv.includes(name);
function opt(name: string, fallback: string): string {
  const at = argv.indexOf(name);
  return at > 0 && argv[at + 1] !== undefined ? argv[at + 1]! : fallback;
}
const seconds = Number(opt('--duration', '15'));
const connections = Number(opt('--connections', '32'));
const wrkThreads = Number(opt('--wrk-threads', '1'));
const fixedRate = Number(opt('--rate', '5000'));
const peerConfigArg = opt('--peer-config', 'auto');
const logLevel = opt('--log-level', 'warn');

installCleanup();
for (const [cmd, pkg] of [
  ['wrk', 'wrk'],
  ['gunicorn', 'gunicorn python3-flask'],
] as const)
  if (!hasCommand(cmd)) {
    console.error(`${cmd} is not installed: apt-get install -y ${pkg}`);
    process.exit(2);
  }

const uptime = (await runToEnd('uptime', [])).trim();
console.log(`machine: ${cpus().length} cores, ${uptime}`);
const dir = mkdtempSync(path.join(tmpdir(), 'lathe-bench-serve-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

// The model and the request bodies (one single-row JSON body per line, the same for both).
const modelFile = path.join(dir, 'model.json');
const rowsFile = path.join(dir, 'rows.json');
const made = JSON.parse(
  await runToEnd('/usr/bin/python3', [path.join(here, 'make_model.py'), modelFile, rowsFile, '1000']),
) as { trees: number; features: number; depth: number };
const rows = JSON.parse(readFileSync(rowsFile, 'utf8')) as Record<string, number>[];
const bodiesFile = path.join(dir, 'bodies.txt');
writeFileSync(bodiesFile, `${rows.map((r) => JSON.stringify([r])).join('\n')}\n`);
console.log(
  `model: XGBoost binary:logistic, ${made.trees} trees of depth ${made.depth}, ${made.features} features; ${rows.length} distinct single-row request bodies`,
);
console.log(
  `load: wrk ${wrkThreads} thread, ${connections} keep-alive connections, ${seconds} s (max load); fixed-rate.ts open loop, ${seconds} s + 2 s warm-up (fixed rate)\n`,
);

const figures: Figures = { connections, fixedRate, targetRps: 10_000, targetP99Ms: 10, targetRatio: 5 };

/** The first probabilities of single-row answers, for the agreement check. */
async function sample(
  url: string,
  headers: Record<string, string>,
  n: number,
  wrap: (r: Record<string, number>) => unknown = (r) => [r],
): Promise<number[]> {
  const out: number[] = [];
  for (const r of rows.slice(0, n)) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(wrap(r)),
    });
    const body = (await res.json()) as { probabilities?: number[][] };
    out.push(body.probabilities?.[0]?.[1] ?? Number.NaN);
  }
  return out;
}

// ---- The peer: Flask + gunicorn + XGBoost.
interface PeerConfig {
  label: string;
  args: string[];
}
function peerConfig(spec: string): PeerConfig {
  if (spec === 'sync') return { label: 'sync, 2 workers (no keep-alive)', args: ['-w', '2'] };
  const m = /^w(\d+)t(\d+)$/.exec(spec);
  if (!m) throw new Error(`--peer-config: expected auto, sync or wNtM (e.g. w2t1), got ${spec}`);
  return {
    label: `gthread, ${m[1]} workers x ${m[2]} threads, keep-alive`,
    args: ['-w', m[1]!, '-k', 'gthread', '--threads', m[2]!, '--keep-alive', '75'],
  };
}

async function withPeer<T>(config: PeerConfig, body: (url: string) => Promise<T>): Promise<T> {
  const port = await freePort();
  const child = start(
    'gunicorn',
    ['--chdir', here, ...config.args, '-b', `127.0.0.1:${port}`, '--log-level', 'warning', 'flask_peer:app'],
    { env: { ...process.env, PEER_MODEL: modelFile }, stdout: 'ignore' },
  );
  let log = '';
  child.stderr!.on('data', (d) => {
    log = (log + d).slice(-20_000);
  });
  try {
    await waitReady(`http://127.0.0.1:${port}/health`, child);
    return await body(`http://127.0.0.1:${port}/predict`);
  } catch (err) {
    console.error(`gunicorn log:\n${log.slice(-2000)}`);
    throw err;
  } finally {
    await stop(child);
  }
}

let peerProbs: number[] = [];
let config: PeerConfig | undefined;
/** Requests/s of each gunicorn configuration probed, by label. */
const probed = new Map<string, number>();
if (!flag('--skip-peer')) {
  if (peerConfigArg === 'auto') {
    console.log('peer: probing gunicorn configurations (2 cores: one worker per core, and more)');
    const probes: { config: PeerConfig; rps: number }[] = [];
    for (const spec of ['w2t1', 'w2t2', 'w2t4', 'w4t1']) {
      const c = peerConfig(spec);
      // Two short runs each, the better kept: one run may land in gunicorn's slow mode (below).
      const r = await withPeer(c, async (url) => {
        const a = await runWrk({ url, bodies: bodiesFile, connections, threads: wrkThreads, seconds: 5 });
        const b = await runWrk({ url, bodies: bodiesFile, connections, threads: wrkThreads, seconds: 5 });
        return b.rps > a.rps ? b : a;
      });
      console.log(
        `  ${c.label.padEnd(44)} ${Math.round(r.rps).toLocaleString('en-US').padStart(7)} req/s  p99 ${(r.p99Us / 1000).toFixed(1)} ms`,
      );
      probes.push({ config: c, rps: r.rps });
      probed.set(c.label, r.rps);
    }
    config = probes.reduce((a, b) => (b.rps > a.rps ? b : a)).config;
  } else config = peerConfig(peerConfigArg);
  const chosen = config;
  console.log(`peer: measuring Flask + gunicorn (${chosen.label})`);
  await withPeer(chosen, async (url) => {
    peerProbs = await sample(url, {}, 50);
    await runWrk({ url, bodies: bodiesFile, connections, threads: wrkThreads, seconds: 3 }); // warm-up
    // Gunicorn's workers take wrk's connections unevenly, differently in every run: when one worker
    // holds most of them the peer serves at about half its speed. Two runs, the better kept.
    const runs = [];
    for (let i = 0; i < 2; i++)
      runs.push(await runWrk({ url, bodies: bodiesFile, connections, threads: wrkThreads, seconds }));
    const max = runs.reduce((a, b) => (b.rps > a.rps ? b : a));
    console.log(
      `  maximum load: ${runs.map((r) => Math.round(r.rps)).join(' and ')} req/s (the better is kept)`,
    );
    const fixed = await runFixedRate({ url, bodies: bodiesFile, rate: fixedRate, seconds, connections: 64 });
    // The peer's operating point: the highest of 80%, 60%, 40%, 20% of its max it sustains open
    // loop (answers >= 97% of the rate, nothing unanswered, no growing backlog: the median latency of
    // the last quarter at most twice the first quarter's + 5 ms), with the load generator beside it.
    let atSustainable: FixedRateResult | undefined;
    // Its best maximum seen (this config's probe included) sets the rates tried.
    const best = Math.max(max.rps, probed.get(chosen.label) ?? 0);
    for (const share of [0.8, 0.6, 0.4, 0.2]) {
      const rate = Math.max(50, Math.round(best * share));
      atSustainable = await runFixedRate({ url, bodies: bodiesFile, rate, seconds, connections: 64 });
      const a = atSustainable;
      const held =
        a.achieved >= rate * 0.97 && a.unfinished === 0 && a.p50LastQuarter <= 2 * a.p50FirstQuarter + 5;
      console.log(
        `  open loop at ${Math.round(share * 100)}% of its max (${rate} req/s): ${Math.round(atSustainable.achieved)} req/s answered, p99 ${a.p99.toFixed(1)} ms, p50 first/last quarter ${a.p50FirstQuarter.toFixed(1)}/${a.p50LastQuarter.toFixed(1)} ms${held ? '' : ' (not sustained)'}`,
      );
      if (held) break;
    }
    figures.peer = {
      label: `peer: Flask + gunicorn`,
      config: chosen.label,
      max,
      fixed,
      atSustainable: atSustainable!,
    };
  });
}

// ---- Lathe.
if (!flag('--skip-lathe')) {
  const dataDir = path.join(dir, 'lathe-data');
  const cli = flag('--built')
    ? [path.join(root, 'bin/lathe.js')]
    : ['--import', 'tsx', path.join(root, 'src/cli/main.ts')];
  const child = start(
    process.execPath,
    [...cli, 'server', '--port', '0', '--data-dir', dataDir, '--log-level', logLevel],
    { cwd: root },
  );
  let out = '';
  child.stderr!.on('data', (d) => {
    out = (out + d).slice(-20_000);
  });
  const { base, token } = await new Promise<{ base: string; token: string }>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out = (out + d).slice(-20_000);
      const url = /listening on (http:\/\/\S+)/.exec(out);
      const tok = /lathe_[A-Za-z0-9_-]*/.exec(out);
      if (url && tok) resolve({ base: url[1]!, token: tok[0] });
    });
    child.on('exit', (code) =>
      reject(new Error(`lathe server exited (${code}) before it was ready:\n${out}`)),
    );
    setTimeout(() => reject(new Error(`lathe server not ready after 60 s:\n${out}`)), 60_000).unref();
  });
  const auth = { authorization: `Bearer ${token}` };
  console.log(`\nlathe: server at ${base} (log level ${logLevel}, auth on)`);
  const imported = await fetch(`${base}/api/v1/models/bench/import?filename=model.json`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/octet-stream' },
    body: readFileSync(modelFile),
  });
  if (imported.status !== 201)
    throw new Error(`model import answered ${imported.status}: ${(await imported.text()).slice(0, 500)}`);
  // --model-route: the registry's predict route ({"rows": [...]}, no deployment), a baseline.
  const viaModel = flag('--model-route');
  const route = viaModel ? '/api/v1/models/bench/versions/1/predict' : '/api/v1/endpoints/bench/predict';
  let predictUrl = `${base}${route}`;
  const wrap = viaModel ? (r: Record<string, number>) => ({ rows: [r] }) : (r: Record<string, number>) => [r];
  let latheBodies = bodiesFile;
  let hotSwapReady = false;
  let ready = viaModel;
  if (viaModel) {
    latheBodies = path.join(dir, 'bodies-rows.txt');
    writeFileSync(latheBodies, `${rows.map((r) => JSON.stringify(wrap(r))).join('\n')}\n`);
  } else {
    const spec = opt(
      '--spec',
      JSON.stringify({ name: 'bench', models: [{ model: 'bench@champion', traffic: 100 }] }),
    );
    const alias = await fetch(`${base}/api/v1/models/bench/aliases/champion`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1 }),
    });
    hotSwapReady = alias.ok;
    const deployed = await fetch(`${base}/api/v1/deployments/bench`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: spec,
    });
    ready = deployed.ok;
    if (!ready) {
      console.log(
        `Lathe endpoint API not available: PUT /api/v1/deployments/bench answered ${deployed.status} ${(await deployed.text()).slice(0, 300)}`,
      );
    } else {
      // The deployment may load its model in the background: wait for a 200.
      const deadline = Date.now() + 30_000;
      let last = '';
      for (ready = false; !ready && Date.now() < deadline; ) {
        const res = await fetch(predictUrl, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify([rows[0]]),
        });
        last = `${res.status} ${(await res.text()).slice(0, 300)}`;
        ready = res.status === 200;
        if (!ready) await new Promise((r) => setTimeout(r, 250));
      }
      if (!ready) console.log(`Lathe endpoint API not available: ${predictUrl} answered ${last}`);
    }
  }
  // The serving setup measured: `lathe serve --workers N` beside the server on the same stores
  // (the production shape), or with --serve-workers 0 the server process itself.
  const serveWorkers = Number(opt('--serve-workers', '2'));
  let serveChild: ReturnType<typeof start> | undefined;
  if (ready && serveWorkers > 0 && !viaModel) {
    const port = await freePort();
    serveChild = start(
      process.execPath,
      [
        ...cli,
        'serve',
        '--workers',
        String(serveWorkers),
        '--port',
        String(port),
        '--data-dir',
        dataDir,
        '--log-level',
        logLevel,
      ],
      { cwd: root },
    );
    const serveBase = `http://127.0.0.1:${port}`;
    await waitReady(`${serveBase}/healthz`, serveChild);
    predictUrl = `${serveBase}${route}`;
    console.log(`lathe: lathe serve --workers ${serveWorkers} at ${serveBase}`);
  }
  if (ready) {
    console.log(`lathe: measuring POST ${predictUrl}`);
    const lathe = await sample(predictUrl, auth, 50, wrap);
    if (peerProbs.length > 0) {
      let maxDiff = 0;
      lathe.forEach((p, i) => {
        maxDiff = Math.max(maxDiff, Math.abs(p - peerProbs[i]!));
      });
      figures.agreement = maxDiff;
    }
    const common = { url: predictUrl, bodies: latheBodies, token };
    // Warm-up (JIT), then a pause: a closed-loop run at full speed leaves background work (the
    // inference log queue, tens of thousands of records) that would land in the next run.
    const settle = () => new Promise((r) => setTimeout(r, 5000));
    await runWrk({ ...common, connections, threads: wrkThreads, seconds: 3 });
    await settle();
    const fixed = await runFixedRate({ ...common, rate: fixedRate, seconds, connections: 64 });
    const max = await runWrk({ ...common, connections, threads: wrkThreads, seconds });
    await settle();
    let atPeerMultiple: FixedRateResult | undefined;
    // Not run when Lathe's maximum is clearly below that rate (the run would only build a queue).
    const multiple = figures.peer ? figures.peer.atSustainable.rate * 5 : 0;
    if (figures.peer && max.rps < multiple * 0.9)
      console.log(
        `  not run at 5x the peer (${multiple} req/s): above Lathe's maximum ${Math.round(max.rps)} req/s`,
      );
    else if (figures.peer)
      atPeerMultiple = await runFixedRate({
        ...common,
        rate: multiple,
        seconds,
        connections: 64,
      });
    // Hot swap under load: a second version is imported, and halfway through a fixed-rate run
    // the alias the deployment follows moves to it. Every request must be answered.
    let hotSwap: HotSwap | undefined;
    if (!viaModel && hotSwapReady) {
      const second = await fetch(`${base}/api/v1/models/bench/import?filename=model.json`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        body: readFileSync(modelFile),
      });
      if (second.status !== 201) throw new Error(`second import answered ${second.status}`);
      const run = runFixedRate({ ...common, rate: fixedRate, seconds, connections: 64 });
      await new Promise((r) => setTimeout(r, (seconds / 2 + 2) * 1000));
      const moved = await fetch(`${base}/api/v1/models/bench/aliases/champion`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ version: 2 }),
      });
      if (!moved.ok) throw new Error(`moving the alias answered ${moved.status}`);
      const during = await run;
      const after = (await (
        await fetch(predictUrl, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify([rows[0]]),
        })
      ).json()) as { model?: string };
      hotSwap = { run: during, answeredBy: after.model ?? '?' };
    }
    figures.lathe = {
      ...(hotSwap ? { hotSwap } : {}),
      label: viaModel
        ? 'Lathe model route'
        : serveChild
          ? `Lathe endpoint (lathe serve, ${serveWorkers} workers)`
          : 'Lathe endpoint (lathe server)',
      max,
      fixed,
      atPeerMultiple,
    };
  }
  if (serveChild) await stop(serveChild);
  await stop(child);
}

// The shared machine is noisy: the peer's maximum load is measured again after Lathe's and its
// better run is kept (in the peer's favour).
if (figures.peer && config) {
  const again = await withPeer(config, async (url) => {
    await runWrk({ url, bodies: bodiesFile, connections, threads: wrkThreads, seconds: 3 });
    return runWrk({ url, bodies: bodiesFile, connections, threads: wrkThreads, seconds });
  });
  console.log(
    `\npeer maximum load, before and after Lathe: ${Math.round(figures.peer.max.rps)} and ${Math.round(again.rps)} req/s (the better is kept)`,
  );
  if (again.rps > figures.peer.max.rps) figures.peer.max = again;
}

console.log(
  `\nload average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
printReport(figures);
