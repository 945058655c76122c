import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runSearch, type TrialRecord } from './run-search.js';
import type { ParamSet, SearchSpace } from './space.js';

const space: SearchSpace = {
  x: { type: 'float', low: -3, high: 3 },
  c: { type: 'categorical', choices: ['a', 'b'] },
};
const f = (p: ParamSet) => (p.x as number) ** 2 + (p.c === 'a' ? 0 : 0.5);

describe('runSearch', () => {
  it('runs up to `parallel` objectives at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const r = await runSearch({
      space,
      sampler: 'random',
      trials: 12,
      parallel: 3,
      direction: 'minimize',
      objective: async (p, _budget, index) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(1 + ((index * 7) % 5));
        inFlight--;
        return f(p);
      },
    });
    assert.equal(maxInFlight, 3);
    assert.equal(r.trials.length, 12);
    assert.deepEqual(
      r.trials.map((t) => t.index),
      [...Array(12).keys()],
    );
    assert.ok(r.trials.every((t) => t.state === 'complete' && t.durationMs >= 0));
    const best = Math.min(...r.trials.map((t) => t.value!));
    assert.equal(r.best?.value, best);
    assert.equal(r.aborted, false);
  });

  it('proposes the same random trials whatever the parallelism and completion order', async () => {
    const run = (parallel: number) =>
      runSearch({
        space,
        sampler: 'random',
        seed: 2,
        trials: 8,
        parallel,
        direction: 'minimize',
        objective: async (p, _b, i) => {
          await sleep((8 - i) % 4);
          return f(p);
        },
      });
    const one = await run(1);
    const four = await run(4);
    assert.deepEqual(
      four.trials.map((t) => t.params),
      one.trials.map((t) => t.params),
    );
  });

  it('records a failing or non-finite objective as a failed trial and goes on', async () => {
    const ended: number[] = [];
    const r = await runSearch({
      space,
      sampler: 'tpe',
      seed: 1,
      trials: 15,
      direction: 'minimize',
      objective: async (p, _b, i) => {
        if (i % 4 === 1) throw new Error(`out of memory in trial ${i}`);
        if (i === 2) return Number.NaN;
        return f(p);
      },
      onTrial: (t) => {
        ended.push(t.index);
      },
    });
    assert.equal(r.trials.length, 15);
    assert.deepEqual(ended, [...Array(15).keys()]);
    const failed = r.trials.filter((t) => t.state === 'failed');
    assert.deepEqual(
      failed.map((t) => t.index),
      [1, 2, 5, 9, 13],
    );
    assert.equal(failed[0]!.error, 'out of memory in trial 1');
    assert.match(failed[1]!.error!, /objective returned the number NaN; expected a finite number/);
    assert.equal(failed[0]!.value, undefined);
    assert.equal(r.best?.state, 'complete');
  });

  it('stops on abort, returning the ended trials and marking running ones aborted', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const signals: AbortSignal[] = [];
    const r = await runSearch({
      space,
      sampler: 'random',
      trials: 100,
      parallel: 2,
      direction: 'minimize',
      signal: controller.signal,
      onTrialStart: (i) => started.push(i),
      onTrial: (t) => {
        if (t.index === 4) controller.abort();
      },
      objective: async (p, _b, i, signal) => {
        signals.push(signal);
        // Trial 5 never ends by itself (a stuck worker).
        if (i === 5) await new Promise(() => {});
        await sleep(1);
        return f(p);
      },
    });
    assert.equal(r.aborted, true);
    assert.ok(started.length <= 7, `started ${started.length}`);
    assert.equal(r.trials.length, started.length);
    assert.equal(r.trials.filter((t) => t.state === 'complete').length, started.length - 1);
    assert.equal(r.trials.find((t) => t.index === 5)?.state, 'aborted');
    assert.ok(signals.every((s) => s.aborted));
    const before = await runSearch({
      space,
      sampler: 'random',
      trials: 5,
      direction: 'minimize',
      signal: AbortSignal.abort(),
      objective: async () => 1,
    });
    assert.deepEqual(before, { direction: 'minimize', trials: [], aborted: true });
  });

  it('awaits onTrial before reusing the slot and rejects when it fails', async () => {
    const order: string[] = [];
    await runSearch({
      space,
      sampler: 'random',
      trials: 3,
      direction: 'maximize',
      onTrialStart: (i) => order.push(`start ${i}`),
      onTrial: async (t: TrialRecord) => {
        await sleep(1);
        order.push(`end ${t.index}`);
      },
      objective: async (p) => f(p),
    });
    assert.deepEqual(order, ['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    let calls = 0;
    await assert.rejects(
      runSearch({
        space,
        sampler: 'random',
        trials: 10,
        direction: 'minimize',
        onTrial: () => {
          throw new Error('tracking store is down');
        },
        objective: async (p) => {
          calls++;
          return f(p);
        },
      }),
      /tracking store is down/,
    );
    assert.equal(calls, 1);
  });

  it('picks the best in the search direction', async () => {
    const values = [3, 1, 4, 1, 5];
    const run = (direction: 'minimize' | 'maximize') =>
      runSearch({
        space,
        sampler: 'random',
        trials: 5,
        direction,
        objective: async (_p, _b, i) => values[i]!,
      });
    assert.equal((await run('minimize')).best?.index, 1);
    assert.equal((await run('maximize')).best?.index, 4);
  });
});
