import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LatheClient } from '../../src/sdk/index.js';
import { runCliProcess, type ServerProcess, startServerProcess } from '../support/server-process.js';

describe('lathe experiments / runs against a real server', () => {
  let server: ServerProcess;
  let env: Record<string, string>;
  const ids: string[] = [];
  before(async () => {
    server = await startServerProcess();
    env = { LATHE_URL: server.url, LATHE_TOKEN: server.adminToken! };
    const lathe = new LatheClient({ url: server.url, token: server.adminToken });
    for (const lr of ['0.1', '0.01', '0.001']) {
      await lathe.tracking.withRun({ experimentName: 'cli-exp', runName: `lr-${lr}` }, async (run) => {
        ids.push(run.id);
        await run.logParams({ lr });
        await run.logMetrics({ acc: 1 - Number(lr) * 5 });
      });
    }
  });
  after(() => server.stop());

  it('lists experiments and searches runs with a filter and an order', async () => {
    const exps = await runCliProcess(['experiments', 'list'], env);
    assert.equal(exps.code, 0, exps.stderr);
    assert.match(exps.stdout, /cli-exp/);
    const list = await runCliProcess(
      [
        'runs',
        'list',
        '--experiment',
        'cli-exp',
        '--filter',
        'metrics.acc > 0.9',
        '--order-by',
        'metrics.acc ASC',
      ],
      env,
    );
    assert.equal(list.code, 0, list.stderr);
    const lines = list.stdout.split('\n');
    assert.match(lines[0]!, /RUN ID\s+NAME\s+STATUS\s+STARTED\s+DURATION\s+METRICS\.ACC/);
    assert.ok(lines[1]!.includes('lr-0.01') && lines[2]!.includes('lr-0.001'), list.stdout);
    assert.match(list.stdout, /2 of 2 runs/);
    const json = await runCliProcess(
      ['runs', 'list', '--experiment', 'cli-exp', '--json', '--columns', 'params.lr'],
      env,
    );
    assert.equal(JSON.parse(json.stdout).runs.length, 3);
  });

  it('reports a bad filter with its position and exits 1', async () => {
    const bad = await runCliProcess(
      ['runs', 'list', '--experiment', 'cli-exp', '--filter', 'metrics.acc >> 1'],
      env,
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /error INVALID_ARGUMENT: Invalid filter at position 14/);
  });

  it('shows and compares runs', async () => {
    const show = await runCliProcess(['runs', 'show', ids[0]!], env);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /lr-0\.1 \(/);
    assert.match(show.stdout, /params:\n\s+lr\s+0\.1/);
    const cmp = await runCliProcess(['runs', 'compare', ids[0]!, ids[1]!], env);
    assert.equal(cmp.code, 0, cmp.stderr);
    assert.match(cmp.stdout, /param lr\s+0\.1\s+0\.01/);
    assert.match(cmp.stdout, /metric acc\s+0\.5\s+0\.95/);
  });
});
