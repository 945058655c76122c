import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelFamily } from '../families.js';
import { assertInvalid } from '../test-fixtures.js';
import { AshaScheduler, budgetPlan, withBudget } from './asha.js';
import { runSearch } from './run-search.js';
import type { ParamSet } from './space.js';

describe('ASHA scheduler', () => {
  it('builds rungs at minBudget·η^k up to maxBudget', () => {
    const rows = new AshaScheduler({ minBudget: 1 / 9, maxBudget: 1 });
    assert.equal(rows.rungs.length, 3);
    assert.ok(Math.abs(rows.rungs[1]! - 1 / 3) < 1e-15);
    assert.equal(rows.rungs[2], 1);
    assert.deepEqual(
      new AshaScheduler({ minBudget: 20, maxBudget: 400, integer: true }).rungs,
      [20, 60, 180, 400],
    );
    assert.deepEqual(new AshaScheduler({ minBudget: 1, maxBudget: 16, eta: 2 }).rungs, [1, 2, 4, 8, 16]);
    assert.deepEqual(new AshaScheduler({ minBudget: 5, maxBudget: 5 }).rungs, [5]);
  });

  it('promotes the best 1/η of a rung (the first arrival always) and completes at the top rung', () => {
    const s = new AshaScheduler({ minBudget: 1, maxBudget: 9, direction: 'maximize' });
    assert.deepEqual(s.report(0, 1, 0.5), { action: 'continue', budget: 3 });
    assert.deepEqual(s.report(1, 1, 0.4), { action: 'stop', state: 'pruned' });
    assert.deepEqual(s.report(2, 1, 0.6), { action: 'continue', budget: 3 });
    // 4 values recorded: the best ⌊4/3⌋ = 1 goes on.
    assert.deepEqual(s.report(3, 1, 0.55), { action: 'stop', state: 'pruned' });
    // 6 values: the best 2 go on; 0.58 is second.
    s.report(4, 1, 0.1);
    assert.deepEqual(s.report(5, 1, 0.58), { action: 'continue', budget: 3 });
    assert.deepEqual(s.report(0, 3, 0.7), { action: 'continue', budget: 9 });
    assert.deepEqual(s.report(0, 9, 0.8), { action: 'stop', state: 'complete' });
    assert.deepEqual(s.report(6, 1, Number.NaN), { action: 'stop', state: 'pruned' });
    assertInvalid(() => s.report(7, 2, 0.9), /budget 2 is not a rung; rungs are 1, 3, 9/);
  });

  it('rejects invalid budgets and η', () => {
    assertInvalid(
      () => new AshaScheduler({ minBudget: 0, maxBudget: 1 }),
      /minBudget must be a finite number > 0/,
    );
    assertInvalid(
      () => new AshaScheduler({ minBudget: 2, maxBudget: 1 }),
      /maxBudget must be a finite number >= minBudget/,
    );
    assertInvalid(
      () => new AshaScheduler({ minBudget: 1, maxBudget: 9, eta: 1 }),
      /eta must be a finite number > 1/,
    );
  });

  it('prunes bad trials of a learning-curve objective and runs the best to the full budget', async () => {
    // Loss after b units of training: the asymptote of the trial's quality q plus a shared decay.
    const asymptote = (p: ParamSet) => ((p.q as number) - 0.3) ** 2;
    const curve = (p: ParamSet, b: number) => asymptote(p) + 0.5 / Math.sqrt(b);
    let spent = 0;
    const r = await runSearch({
      space: { q: { type: 'float', low: 0, high: 1 } },
      sampler: 'random',
      seed: 4,
      trials: 40,
      direction: 'minimize',
      scheduler: { minBudget: 1, maxBudget: 27 },
      objective: async (p, budget) => {
        spent += budget!;
        return curve(p, budget!);
      },
    });
    const pruned = r.trials.filter((t) => t.state === 'pruned');
    const complete = r.trials.filter((t) => t.state === 'complete');
    // Sequential arrivals favour promotion at the upper rungs (each arrival there tends to beat the
    // earlier ones), so more than 40/27 trials complete; still most stop at the first rung.
    assert.ok(pruned.length >= 25, `pruned ${pruned.length} of 40`);
    assert.ok(complete.length >= 1 && complete.length <= 15, `complete ${complete.length}`);
    assert.ok(spent < 0.6 * 40 * 27, `budget spent ${spent} of ${40 * 27}`);
    const trueBest = [...r.trials].sort((a, b) => asymptote(a.params) - asymptote(b.params))[0]!;
    assert.equal(r.best?.index, trueBest.index);
    assert.equal(r.best?.budget, 27);
    assert.deepEqual(
      r.best?.reports.map((x) => x.budget),
      [1, 3, 9, 27],
    );
    for (const t of pruned) assert.equal(t.value, t.reports.at(-1)!.value);
  });

  it('records a trial failing at a later rung as failed, keeping its reports', async () => {
    const r = await runSearch({
      space: { q: { type: 'float', low: 0, high: 1 } },
      sampler: 'random',
      trials: 1,
      direction: 'minimize',
      scheduler: { minBudget: 1, maxBudget: 9 },
      objective: async (_p, budget) => {
        if (budget === 9) throw new Error('worker crashed');
        return 1 / budget!;
      },
    });
    const [t] = r.trials;
    assert.equal(t?.state, 'failed');
    assert.equal(t?.error, 'worker crashed');
    assert.equal(t?.value, undefined);
    assert.deepEqual(
      t?.reports.map((x) => [x.budget, x.value]),
      [
        [1, 1],
        [3, 1 / 3],
      ],
    );
    assert.equal(r.best, undefined);
  });

  it('works with TPE: pruned trials inform the sampler', async () => {
    const r = await runSearch({
      space: { q: { type: 'float', low: 0, high: 1 } },
      sampler: 'tpe',
      seed: 1,
      trials: 40,
      direction: 'maximize',
      scheduler: { minBudget: 1, maxBudget: 9 },
      objective: async (p, budget) => 1 - ((p.q as number) - 0.7) ** 2 - 1 / budget!,
    });
    assert.ok(r.trials.some((t) => t.state === 'pruned'));
    assert.ok(Math.abs((r.best!.params.q as number) - 0.7) < 0.05, `best q ${r.best!.params.q}`);
  });
});

describe('budget plans', () => {
  it('uses the family budget parameter when the space ranges it, else a share of rows', () => {
    const rf = budgetPlan(modelFamily('rf'));
    assert.equal(rf.kind, 'param');
    assert.deepEqual([rf.minBudget, rf.maxBudget, rf.eta], [20, 400, 3]);
    assert.ok(!('trees' in rf.space) && 'maxDepth' in rf.space);
    assert.deepEqual(new AshaScheduler(rf).rungs, [20, 60, 180, 400]);
    assert.deepEqual(withBudget({ maxDepth: 6 }, rf, 59.6), { maxDepth: 6, trees: 60 });
    const logistic = budgetPlan(modelFamily('logistic'));
    assert.equal(logistic.kind, 'rows');
    assert.equal(logistic.maxBudget, 1);
    assert.ok(Math.abs(logistic.minBudget - 1 / 9) < 1e-15);
    assert.deepEqual(withBudget({ C: 1 }, logistic, 1 / 3), { C: 1 });
    const iters = budgetPlan(modelFamily('logistic'), { minBudget: 10, maxBudget: 90 });
    assert.equal(iters.kind === 'param' && iters.param, 'maxIter');
    assert.equal(budgetPlan(modelFamily('knn')).kind, 'rows');
  });
});
