// `lathe monitor …` against a real server: logging predictions and actuals from files, status,
// drift with a planted shift, performance by slice, root cause of a degradation in one slice, and
// bad input. The CLI runs in this process (stdout and stderr captured) so the group is tested
// whether or not program.ts registers it yet; the server is a real child process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ChildProcess, spawn } from 'node:child_process';
import { type ServerProcess, startServerProcess } from '../support/server-process.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const src = (file: string) => JSON.stringify(new URL(`../../src/cli/${file}`, import.meta.url).href);
/**
 * A child process that runs CLI invocations one after another as main.ts does (sent over IPC,
 * answered with what they printed and the exit code), with `monitor` registered when program.ts
 * does not register it yet. One process for the file: no start-up per command.
 */
const runner = `
import { CommanderError } from 'commander';
const { buildProgram } = await import(${src('program.ts')});
const { registerMonitorCommand } = await import(${src('monitor-command.ts')});
const { exitCodes, reportError } = await import(${src('output.ts')});
let stdout = '';
let stderr = '';
process.stdout.write = (s) => { stdout += s; return true; };
process.stderr.write = (s) => { stderr += s; return true; };
process.on('message', async (argv) => {
  stdout = '';
  stderr = '';
  const program = buildProgram();
  if (!program.commands.some((c) => c.name() === 'monitor')) registerMonitorCommand(program);
  let code;
  try {
    await program.parseAsync(argv);
    code = process.exitCode === exitCodes.failed ? exitCodes.failed : exitCodes.ok;
  } catch (err) {
    code = err instanceof CommanderError ? (err.exitCode === 0 ? 0 : exitCodes.usage) : reportError(err, argv.includes('--json'));
  }
  process.exitCode = undefined;
  process.send({ code, stdout, stderr });
});
process.send('ready');
`;

function startRunner(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', runner],
    {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, LATHE_CONFIG: '', LATHE_URL: '', LATHE_TOKEN: '', LATHE_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the CLI runner exited with ${code}`)));
  });
}

/** Runs `lathe ARGS` in the runner against `server` as the admin. */
function runLathe(child: ChildProcess, server: ServerProcess, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Run));
    child.send(['node', 'lathe', '--url', server.url, '--token', server.adminToken!, ...args]);
  });
}

let serverOutput = () => '';
function assertExit(run: Run, code: number): void {
  if (run.code !== code && /INTERNAL/.test(run.stderr)) process.stderr.write(serverOutput());
  assert.equal(
    run.code,
    code,
    `exit ${run.code}, expected ${code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`,
  );
}

/** A deterministic uniform generator in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const HOUR = 3_600_000;

describe('lathe monitor against a running server', { concurrency: 1 }, () => {
  let server: ServerProcess;
  let cli: ChildProcess;
  let dir: string;
  const lathe = (...args: string[]) => runLathe(cli, server, args);
  const now = Date.now();

  before(async () => {
    [server, cli] = await Promise.all([startServerProcess(), startRunner()]);
    serverOutput = () => server.output();
    dir = mkdtempSync(path.join(tmpdir(), 'lathe-monitor-cli-'));
    const rand = random(7);
    const record = (id: string, env: string, ts: number, shift: number, region: string) => {
      const income = 20 + rand() * 60 + shift;
      return {
        predictionId: id,
        model: 'churn',
        modelVersion: '1',
        environment: env,
        timestamp: ts,
        features: { age: Math.round(20 + rand() * 50), income, plan: rand() < 0.5 ? 'basic' : 'pro' },
        prediction: income > 50 ? 'yes' : 'no',
        probabilities: { no: income > 50 ? 0.3 : 0.7, yes: income > 50 ? 0.7 : 0.3 },
        tags: { region },
      };
    };
    // Training: 400 records; production: 200 the day before yesterday-ish (previous window) and
    // 200 in the last day, with income shifted up by 40 (planted drift).
    const training = Array.from({ length: 400 }, (_, i) =>
      record(`t-${i}`, 'training', now - 10 * 24 * HOUR, 0, i % 2 ? 'eu' : 'us'),
    );
    const previous = Array.from({ length: 200 }, (_, i) =>
      record(`p-${i}`, 'production', now - 47 * HOUR + i * 60_000, 0, i % 2 ? 'eu' : 'us'),
    );
    const current = Array.from({ length: 200 }, (_, i) =>
      record(`c-${i}`, 'production', now - 23 * HOUR + i * 60_000, 40, i % 2 ? 'eu' : 'us'),
    );
    writeFileSync(path.join(dir, 'training.json'), JSON.stringify(training));
    const bad = {
      ...current[0]!,
      predictionId: 'c-bad',
      features: { ...current[0]!.features, income: 'lots' },
    };
    writeFileSync(
      path.join(dir, 'production.jsonl'),
      `${[...previous, ...current].map((r) => JSON.stringify(r)).join('\n')}\n${JSON.stringify(bad)}\n{not json\n`,
    );
    // Actuals: right everywhere, except in the current window in eu where every prediction is wrong.
    const flip = (p: string) => (p === 'yes' ? 'no' : 'yes');
    const actuals = [
      ...previous.map((r) => [r.predictionId, r.prediction]),
      ...current.map((r) => [r.predictionId, r.tags.region === 'eu' ? flip(r.prediction) : r.prediction]),
      [current[2]!.predictionId, current[2]!.prediction],
      ['nobody-1', 'yes'],
    ];
    writeFileSync(
      path.join(dir, 'actuals.csv'),
      `predictionId,actual\n${actuals.map((a) => a.join(',')).join('\n')}\n`,
    );
  });
  after(async () => {
    cli?.kill();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('logs predictions from a JSON array and JSON lines, naming the refused records by line', async () => {
    const t = await lathe('monitor', 'log', 'predictions', path.join(dir, 'training.json'));
    assertExit(t, 0);
    assert.match(t.stdout, /training\.json: 400 records, 400 accepted, 0 rejected/);
    assert.match(t.stderr, /logging predictions \[#+\] 100%/);
    const p = await lathe(
      'monitor',
      'log',
      'predictions',
      path.join(dir, 'production.jsonl'),
      '--batch-size',
      '150',
    );
    assertExit(p, 1);
    assert.match(p.stdout, /production\.jsonl: 402 records, 400 accepted, 2 rejected/);
    assert.match(p.stdout, /line 401 \(c-bad\): features\.income must be a number/);
    assert.match(p.stdout, /line 401 \(c-bad\)[\s\S]*line 402: not valid JSON/);
  });

  it('logs actuals from CSV: matched, unknown and duplicate IDs counted', async () => {
    const r = await lathe('monitor', 'log', 'actuals', path.join(dir, 'actuals.csv'));
    assertExit(r, 0);
    assert.match(r.stdout, /402 records, 402 accepted, 0 rejected/);
    assert.match(r.stdout, /401 matched a logged prediction, 1 unknown IDs .*, 1 duplicates/);
    assert.match(r.stdout, /unknown IDs: nobody-1/);
  });

  it('shows the status: environments, versions, coverage and counters', async () => {
    const r = await lathe('monitor', 'status', 'churn');
    assertExit(r, 0);
    assert.match(r.stdout, /^churn {2}classification/);
    assert.match(r.stdout, /features {3}age \(numeric\), income \(numeric\), plan \(categorical\)/);
    assert.match(r.stdout, /^production\s+400\s+200\s+400\s+100\.0%/m);
    assert.match(r.stdout, /^training\s+400\s+0\s+0\s+0\.0%/m);
    assert.match(r.stdout, /no monitors on churn/);
    const json = JSON.parse((await lathe('monitor', 'status', 'churn', '--json')).stdout);
    assert.equal(json.model.name, 'churn');
    assert.deepEqual(json.monitors, []);
  });

  it('flags the planted income shift in the drift report (and exits 0)', async () => {
    const r = await lathe('monitor', 'drift', 'churn', '--baseline', 'training', '--window', '1d');
    assertExit(r, 0);
    assert.match(r.stdout, /drift {4}1 of 3 compared features drifted \(33\.3%\): income/);
    assert.match(r.stdout, /^income\s+numeric\s+\S+\s+\S+ \(p \S+\)\s+\S+\s+\S+\s+-\s+DRIFT$/m);
    assert.match(r.stdout, /^plan\s+categorical\s+\S+\s+-\s+\S+\s+-\s+\S+ \(p \S+\)\s+-$/m);
    assert.match(r.stdout, /^predict {2}DRIFTED \(PSI \S+\)$/m);
    assert.match(r.stdout, /^\(prediction\)\s+categorical/m);
    const d = JSON.parse(
      (await lathe('monitor', 'drift', 'churn', '--window', '1d', '--features', 'income', '--json')).stdout,
    );
    assert.deepEqual(d.drifted, ['income']);
    assert.equal(d.current.rows, 200);
    assert.ok(d.features[0].statistics.psi > 0.2);
  });

  it('prints performance overall and by region', async () => {
    const r = await lathe('monitor', 'perf', 'churn', '--by', 'region', '--window', '1d');
    assertExit(r, 0);
    assert.match(r.stdout, /200 predictions, 200 with an actual \(100\.0% coverage\)/);
    assert.match(r.stdout, /^ {2}accuracy 0\.5 /m);
    assert.match(r.stdout, /^eu\s+100\s+100\s+100\.0%\s+0\s/m);
    assert.match(r.stdout, /^us\s+100\s+100\s+100\.0%\s+1\s/m);
  });

  it('finds the degraded slice with root cause', async () => {
    const r = await lathe('monitor', 'root-cause', 'churn', '--window', '1d', '--metric', 'accuracy');
    assertExit(r, 0);
    assert.match(r.stdout, /^accuracy went from 1 to 0\.5 \(-0\.5\); most of it in region=eu/);
    const lines = r.stdout.split('\n');
    const header = lines.findIndex((l) => l.startsWith('SLICE'));
    assert.match(lines[header + 1]!, /^region=eu\s+1 → 0\s/);
  });

  it('looks a prediction up by ID with its actual', async () => {
    const r = await lathe('monitor', 'prediction', 'c-1');
    assertExit(r, 0);
    assert.match(r.stdout, /^c-1 {2}churn@1 {2}production/);
    assert.match(r.stdout, /actual {6}(yes|no)/);
  });

  it('lists models, prints explanations, sets retention, logs a baseline from a dataset', async () => {
    const models = await lathe('monitor', 'models');
    assertExit(models, 0);
    assert.match(models.stdout, /^churn\s+classification\s+3\s+1\s+region\s/m);
    const explain = await lathe('monitor', 'explain', 'churn', '--window', '1d');
    assertExit(explain, 0);
    assert.match(explain.stdout, /200 predictions, 200 sampled, 0 explained \(no method\)/);
    const retention = await lathe('monitor', 'retention', 'churn', '90');
    assertExit(retention, 0);
    assert.match(retention.stdout, /^churn keeps records 90 days; 0 rows dropped and 0 thinned away now$/m);
    const thinning = await lathe(
      'monitor',
      'retention',
      'churn',
      '90',
      '--downsample-after',
      '30',
      '--keep',
      '0.2',
    );
    assertExit(thinning, 0);
    assert.match(thinning.stdout, /^churn keeps records 90 days, 20% of those older than 30 days; /m);
    assertExit(await lathe('monitor', 'retention', 'churn', 'soon'), 2);
    const late = await lathe('monitor', 'retention', 'churn', '10', '--downsample-after', '30');
    assertExit(late, 1);
    assert.match(late.stderr, /downsample.afterDays \(30\) must be less than days \(10\)/);
    writeFileSync(
      path.join(dir, 'train.csv'),
      `age,income,plan,churned\n${Array.from({ length: 50 }, (_, i) => `${20 + i},${30 + i},${i % 2 ? 'pro' : 'basic'},${i % 3 ? 'no' : 'yes'}`).join('\n')}\n`,
    );
    assertExit(await lathe('data', 'ingest', path.join(dir, 'train.csv'), '--name', 'churn-train'), 0);
    const baseline = await lathe(
      'monitor',
      'baseline',
      'churn',
      '--data',
      'churn-train@1',
      '--environment',
      'validation',
      '--target',
      'churned',
    );
    assertExit(baseline, 0);
    assert.match(
      baseline.stdout,
      /logged churn-train@1 as churn's validation environment: 50 rows, 50 actuals, features age, income, plan/,
    );
  });

  it('fills the model from --model, and prints data quality of a numeric model', async () => {
    const lines = Array.from({ length: 240 }, (_, i) =>
      JSON.stringify({
        predictionId: `q-${i}`,
        environment: i < 120 ? 'training' : 'production',
        timestamp: now - (i < 120 ? 48 : 2) * HOUR,
        features: { size: i < 120 ? i : i - 60, rooms: i < 200 ? 3 : null },
        prediction: i * 10,
      }),
    );
    writeFileSync(path.join(dir, 'prices.ndjson'), `${lines.join('\n')}\n`);
    const logged = await lathe(
      'monitor',
      'log',
      'predictions',
      path.join(dir, 'prices.ndjson'),
      '--model',
      'prices',
    );
    assertExit(logged, 0);
    assert.match(logged.stdout, /240 records, 240 accepted, 0 rejected/);
    const q = await lathe('monitor', 'quality', 'prices', '--window', '1d');
    assertExit(q, 0);
    assert.match(q.stdout, /^prices: production, .* \(120 rows\) against training \(120 rows\)$/m);
    assert.match(q.stdout, /^size\s+numeric\s+0\.0% → 0\.0%\s+50\.0%\s+-$/m);
    assert.match(q.stdout, /^rooms\s+numeric\s+0\.0% → 33\.3%\s+0\.0%\s+-$/m);
  });

  it('logs predictions from CSV: tag. and proba. columns, every other column a feature', async () => {
    writeFileSync(
      path.join(dir, 'fraud.csv'),
      'predictionId,model,modelVersion,amount,country,tag.channel,prediction,proba.0,proba.1\nf-1,fraud,2,12.5,FR,web,1,0.25,0.75\nf-2,fraud,2,,DE,app,0,0.9,0.1\n',
    );
    const r = await lathe('monitor', 'log', 'predictions', path.join(dir, 'fraud.csv'));
    assertExit(r, 0);
    assert.match(r.stdout, /fraud\.csv: 2 records, 2 accepted, 0 rejected/);
    const p = await lathe('monitor', 'prediction', 'f-1');
    assertExit(p, 0);
    assert.match(p.stdout, /^f-1 {2}fraud@2 {2}production/m);
    assert.match(p.stdout, /prediction {2}1 {2}\(0 0\.25, 1 0\.75\)/);
    assert.match(p.stdout, /tags {8}channel=web/);
    assert.match(p.stdout, /^amount\s+12\.5$/m);
    assert.match(p.stdout, /^country\s+FR$/m);
    const s = JSON.parse((await lathe('monitor', 'status', 'fraud', '--json')).stdout);
    assert.equal(s.model.task, 'classification');
    assert.deepEqual(
      s.model.features.map((f: { name: string; kind: string }) => `${f.name}:${f.kind}`),
      ['amount:numeric', 'country:categorical'],
    );
  });

  it('prints data quality against the baseline, categorical features included', async () => {
    const quality = await lathe('monitor', 'quality', 'churn', '--window', '1d');
    assertExit(quality, 0);
    assert.match(quality.stdout, /refused records 1 /);
    assert.match(quality.stdout, /^income\s+numeric\s+0\.0% → 0\.0%\s+\d+\.\d%\s+-$/m);
    assert.match(quality.stdout, /^plan\s+categorical\s+0\.0% → 0\.0%\s+-\s+0\.0%$/m);
  });

  it("shows the model's monitors and their states in its status", async () => {
    writeFileSync(
      path.join(dir, 'monitors.yaml'),
      'name: eu-accuracy\nmodel: churn\nkind: performance\nmetric: accuracy\nwindow: 1d\nwhere:\n  region: eu\ncritical: 0.8\nminSamples: 50\n',
    );
    assertExit(await lathe('monitors', 'apply', path.join(dir, 'monitors.yaml')), 0);
    assertExit(await lathe('monitors', 'evaluate', 'eu-accuracy'), 0);
    const r = await lathe('monitor', 'status', 'churn');
    assertExit(r, 0);
    assert.match(r.stdout, /^eu-accuracy\s+accuracy\s+firing\s+0\s/m);
  });

  it('refuses a bad duration (exit 2) and names the monitored models for an unknown one (exit 1)', async () => {
    const bad = await lathe('monitor', 'drift', 'churn', '--window', '7x');
    assertExit(bad, 2);
    assert.match(bad.stderr, /window must be a duration such as 30m, 1h, 7d/);
    const unknown = await lathe('monitor', 'status', 'nope');
    assertExit(unknown, 1);
    assert.match(unknown.stderr, /error NOT_FOUND: no monitored model named "nope"; monitored models: churn/);
    const perf = await lathe('monitor', 'perf', 'nope', '--by', 'region');
    assertExit(perf, 1);
    assert.match(perf.stderr, /no monitored model named "nope"/);
    const filter = await lathe('monitor', 'perf', 'churn', '--where', 'city=paris');
    assertExit(filter, 1);
    assert.match(filter.stderr, /cannot filter on "city"/);
  });
});
