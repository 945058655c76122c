import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInvalid } from '../test-fixtures.js';
import { defaultWeights, erfc, normalCdf } from './parzen.js';
import { RandomSampler } from './random-sampler.js';
import { runSearch } from './run-search.js';
import type { ParamSet, SearchSpace } from './space.js';
import { defaultGamma, TpeSampler } from './tpe-sampler.js';

/** Branin-Hoo; global minimum 0.397887 at (−π, 12.275), (π, 2.275), (9.42478, 2.475). */
function branin(p: ParamSet): number {
  const x = p.x as number;
  const y = p.y as number;
  const b = 5.1 / (4 * Math.PI ** 2);
  return (y - b * x * x + (5 / Math.PI) * x - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function bestValues(
  space: SearchSpace,
  sampler: 'random' | 'tpe',
  trials: number,
  direction: 'minimize' | 'maximize',
  f: (p: ParamSet) => number,
): Promise<number[]> {
  const out: number[] = [];
  for (let seed = 0; seed < 11; seed++) {
    const r = await runSearch({ space, sampler, seed, trials, direction, objective: async (p) => f(p) });
    out.push(r.best!.value!);
  }
  return out;
}

describe('TPE sampler', () => {
  it('finds a better Branin minimum than random search with the same 60 trials (median of 11 seeds)', async () => {
    const space: SearchSpace = {
      x: { type: 'float', low: -5, high: 10 },
      y: { type: 'float', low: 0, high: 15 },
    };
    const tpe = median(await bestValues(space, 'tpe', 60, 'minimize', branin));
    const random = median(await bestValues(space, 'random', 60, 'minimize', branin));
    assert.ok(tpe < random * 0.85, `median best: tpe ${tpe}, random ${random}`);
    assert.ok(tpe < 0.7, `median best of TPE ${tpe}`);
  });

  it('maximizes over log, int and categorical domains better than random search', async () => {
    const space: SearchSpace = {
      lr: { type: 'float', low: 1e-5, high: 1, log: true },
      depth: { type: 'int', low: 1, high: 30 },
      kind: { type: 'categorical', choices: ['a', 'b', 'c', 'd'] },
    };
    // Peak 0 at lr = 0.01, depth = 7, kind = b.
    const f = (p: ParamSet) =>
      -(
        (Math.log10(p.lr as number) + 2) ** 2 +
        ((p.depth as number) - 7) ** 2 / 10 +
        (p.kind === 'b' ? 0 : 1)
      );
    const tpe = median(await bestValues(space, 'tpe', 40, 'maximize', f));
    const random = median(await bestValues(space, 'random', 40, 'maximize', f));
    assert.ok(tpe > -0.5 && tpe > random + 0.5, `median best: tpe ${tpe}, random ${random}`);
  });

  it('starts with the random sampler’s draws and is deterministic per seed', async () => {
    const space: SearchSpace = {
      x: { type: 'float', low: -5, high: 10 },
      k: { type: 'int', low: 1, high: 100, log: true },
      c: { type: 'categorical', choices: [1, 'two', null] },
    };
    const tpe = new TpeSampler(space, { seed: 5 });
    const random = new RandomSampler(space, { seed: 5 });
    for (let i = 0; i < 10; i++) {
      const p = tpe.ask(i);
      assert.deepEqual(p, random.ask(i));
      tpe.tell({ index: i, params: p, state: 'complete', value: (p.x as number) ** 2 });
    }
    const objective = async (p: ParamSet) =>
      ((p.x as number) - 1) ** 2 + Math.log(p.k as number) + (p.c === null ? 0 : 1);
    const run = () =>
      runSearch({ space, sampler: 'tpe', seed: 9, trials: 30, direction: 'minimize', objective });
    const a = await run();
    const b = await run();
    assert.deepEqual(
      a.trials.map((t) => t.params),
      b.trials.map((t) => t.params),
    );
    for (const t of a.trials) {
      assert.ok((t.params.x as number) >= -5 && (t.params.x as number) <= 10);
      assert.ok(Number.isInteger(t.params.k) && (t.params.k as number) >= 1 && (t.params.k as number) <= 100);
      assert.ok([1, 'two', null].includes(t.params.c as never));
    }
  });

  it('uses Optuna’s gamma and observation weights', () => {
    assert.deepEqual([1, 10, 11, 100, 250, 1000].map(defaultGamma), [1, 1, 2, 10, 25, 25]);
    assert.deepEqual(defaultWeights(3), [1, 1, 1]);
    const w = defaultWeights(30);
    assert.equal(w.length, 30);
    assert.ok(Math.abs(w[0]! - 1 / 30) < 1e-12);
    assert.equal(w[4], 1);
    assert.ok(w.slice(0, 5).every((v, i) => i === 0 || v > w[i - 1]!));
    assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
    assert.ok(Math.abs(erfc(0.5) - 0.4795001221869535) < 1e-7);
  });

  it('rejects invalid options', () => {
    const space: SearchSpace = { x: { type: 'float', low: 0, high: 1 } };
    assertInvalid(() => new TpeSampler(space, { eiCandidates: 0 }), /eiCandidates must be an integer >= 1/);
    assertInvalid(() => new TpeSampler(space, { priorWeight: 0 }), /priorWeight must be a finite number > 0/);
  });
});
