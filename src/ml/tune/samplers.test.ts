import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LatheError } from '../../core/index.js';
import { modelFamily } from '../families.js';
import { assertInvalid } from '../test-fixtures.js';
import { checkSpace } from './check-space.js';
import { GridSampler, gridValues } from './grid-sampler.js';
import { RandomSampler } from './random-sampler.js';
import { createSampler, runSearch } from './run-search.js';
import type { SamplerName } from './sampler.js';
import type { ParamSet, SearchSpace } from './space.js';

function askAll(sampler: { ask(i: number): ParamSet | undefined }, max: number): ParamSet[] {
  const out: ParamSet[] = [];
  for (let i = 0; i < max; i++) {
    const p = sampler.ask(i);
    if (!p) break;
    out.push(p);
  }
  return out;
}

describe('grid sampler', () => {
  const space: SearchSpace = {
    penalty: { type: 'categorical', choices: ['l1', 'l2', null] },
    C: { type: 'float', low: 0.01, high: 100, log: true },
    depth: { type: 'int', low: 2, high: 4 },
  };

  it('enumerates exactly the cartesian product, last parameter fastest', () => {
    const g = new GridSampler(space, { gridPoints: { C: 5, depth: 10 } });
    assert.equal(g.size, 3 * 5 * 3);
    const points = askAll(g, 1000);
    assert.equal(points.length, 45);
    assert.equal(g.ask(45), undefined);
    const keys = new Set(points.map((p) => JSON.stringify(p)));
    assert.equal(keys.size, 45);
    for (const penalty of ['l1', 'l2', null])
      for (const C of [0.01, 0.1, 1, 10, 100])
        for (const depth of [2, 3, 4]) {
          const found = points.some(
            (p) => p.penalty === penalty && Math.abs((p.C as number) / C - 1) < 1e-12 && p.depth === depth,
          );
          assert.ok(found, `missing ${penalty} ${C} ${depth}`);
        }
    assert.deepEqual(points[0], { penalty: 'l1', C: 0.01, depth: 2 });
    assert.deepEqual(points[1], { penalty: 'l1', C: 0.01, depth: 3 });
  });

  it('spaces numeric points linearly or geometrically and dedupes integers', () => {
    assert.deepEqual(gridValues({ type: 'float', low: 0, high: 1 }, 5), [0, 0.25, 0.5, 0.75, 1]);
    const logs = gridValues({ type: 'float', low: 1e-3, high: 10, log: true }, 5) as number[];
    for (const [i, v] of logs.entries()) assert.ok(Math.abs(v / 10 ** (i - 3) - 1) < 1e-12);
    assert.deepEqual(gridValues({ type: 'int', low: 1, high: 3 }, 7), [1, 2, 3]);
    assert.deepEqual(gridValues({ type: 'int', low: 5, high: 9 }, 1), [7]);
  });

  it('refuses a grid larger than trials unless partialGrid, which takes a seeded subset', async () => {
    const objective = async (p: ParamSet) => Number(p.depth);
    await assert.rejects(
      runSearch({ space, sampler: 'grid', trials: 10, direction: 'minimize', objective }),
      (e: unknown) => e instanceof LatheError && /grid has 45 points but trials is 10/.test(e.message),
    );
    const run = (seed: number) =>
      runSearch({
        space,
        sampler: 'grid',
        seed,
        samplerOptions: { partialGrid: true },
        trials: 10,
        direction: 'minimize',
        objective,
      });
    const a = await run(1);
    assert.equal(a.trials.length, 10);
    assert.equal(new Set(a.trials.map((t) => JSON.stringify(t.params))).size, 10);
    assert.deepEqual(
      (await run(1)).trials.map((t) => t.params),
      a.trials.map((t) => t.params),
    );
  });

  it('ends the search when the grid runs out before trials', async () => {
    const r = await runSearch({
      space: { k: { type: 'int', low: 1, high: 4 } },
      sampler: 'grid',
      trials: 50,
      direction: 'maximize',
      objective: async (p) => -((Number(p.k) - 3) ** 2),
    });
    assert.equal(r.trials.length, 4);
    assert.deepEqual(r.best?.params, { k: 3 });
  });
});

describe('random sampler', () => {
  const space: SearchSpace = {
    lr: { type: 'float', low: 1e-4, high: 1, log: true },
    x: { type: 'float', low: -2, high: 3 },
    k: { type: 'int', low: 1, high: 1000, log: true },
    n: { type: 'int', low: 3, high: 7 },
    kind: { type: 'categorical', choices: ['a', 'b', true] },
  };

  it('stays within bounds and spreads log domains evenly on the log scale', () => {
    const points = askAll(new RandomSampler(space, { seed: 3 }), 2000);
    const lr = points.map((p) => p.lr as number);
    assert.ok(lr.every((v) => v >= 1e-4 && v <= 1));
    // Log-uniform: about a quarter per decade; uniform would put ~90% in the top decade.
    const topDecade = lr.filter((v) => v >= 0.1).length / lr.length;
    assert.ok(topDecade > 0.2 && topDecade < 0.3, `share in [0.1, 1]: ${topDecade}`);
    assert.ok(points.every((p) => (p.x as number) >= -2 && (p.x as number) <= 3));
    const k = points.map((p) => p.k as number);
    assert.ok(k.every((v) => Number.isInteger(v) && v >= 1 && v <= 1000));
    assert.ok(k.filter((v) => v <= 10).length / k.length > 0.25);
    const n = new Set(points.map((p) => p.n));
    assert.deepEqual([...n].sort(), [3, 4, 5, 6, 7]);
    assert.deepEqual(new Set(points.map((p) => p.kind)), new Set(['a', 'b', true]));
  });

  it('is deterministic per seed and independent of ask order', () => {
    const a = askAll(new RandomSampler(space, { seed: 7 }), 20);
    const b = askAll(new RandomSampler(space, { seed: 7 }), 20);
    assert.deepEqual(a, b);
    const c = new RandomSampler(space, { seed: 7 });
    assert.deepEqual(c.ask(13), a[13]);
    assert.notDeepEqual(askAll(new RandomSampler(space, { seed: 8 }), 20), a);
  });
});

describe('search space checks', () => {
  it('names the parameter and the valid range or options', () => {
    assertInvalid(() => checkSpace({}), /search space is empty/);
    assertInvalid(
      () => checkSpace({ C: { type: 'float', low: 2, high: 1 } }),
      /space\.C: low \(2\) must be <= high \(1\)/,
    );
    assertInvalid(
      () => checkSpace({ C: { type: 'float', low: 0, high: 1, log: true } }),
      /space\.C: .*needs low > 0/,
    );
    assertInvalid(
      () => checkSpace({ k: { type: 'int', low: 0, high: 9, log: true } }),
      /space\.k: .*needs low >= 1/,
    );
    assertInvalid(
      () => checkSpace({ k: { type: 'int', low: 1.5, high: 9 } }),
      /space\.k\.low must be a finite integer/,
    );
    assertInvalid(
      () => checkSpace({ p: { type: 'categorical', choices: [] } }),
      /space\.p\.choices must be a non-empty array/,
    );
    assertInvalid(
      () => checkSpace({ p: { type: 'range' } as never }),
      /space\.p\.type must be one of int, float, categorical/,
    );
    assertInvalid(
      () => checkSpace({ depth: { type: 'int', low: 1, high: 3 } }, { family: modelFamily('logistic') }),
      /model logistic has no parameter "depth"; valid parameters are penalty, C, fitIntercept, maxIter, tol/,
    );
    for (const family of ['logistic', 'rf', 'knn', 'ridge', 'decision-tree', 'naive-bayes'])
      checkSpace(modelFamily(family).space, { family: modelFamily(family) });
  });

  it('rejects an unknown sampler, trials < 1 and parallel < 1 before any trial', async () => {
    const space: SearchSpace = { x: { type: 'float', low: 0, high: 1 } };
    assertInvalid(
      () => createSampler('bayes' as SamplerName, space),
      /unknown sampler .*bayes.*valid samplers are grid, random, tpe/,
    );
    let calls = 0;
    const objective = async () => {
      calls++;
      return 0;
    };
    for (const bad of [
      { trials: 0 },
      { trials: 5, parallel: 0 },
      { trials: 5, sampler: 'bayes' as SamplerName },
      { trials: 5, family: modelFamily('knn') },
    ])
      await assert.rejects(
        runSearch({ space, sampler: 'random', direction: 'minimize', objective, ...bad }),
        (e: unknown) => e instanceof LatheError && e.code === 'INVALID_ARGUMENT',
      );
    await assert.rejects(
      runSearch({ space, sampler: 'random', trials: 3, direction: 'down' as never, objective }),
      /direction must be minimize or maximize/,
    );
    assert.equal(calls, 0);
  });
});
