/**
 * The search driver: asks a sampler for parameters, runs up to `parallel` objectives at once
 * (asynchronous; real parallelism comes from objectives that run in worker threads), lets a
 * scheduler stop poor trials early, and records every trial.
 */
import { describeValue } from '../../core/index.js';
import type { ModelFamily } from '../family.js';
import { invalid } from '../input-checks.js';
import { type AshaOptions, AshaScheduler, type Scheduler } from './asha.js';
import { checkDirection, checkSpace, type Direction } from './check-space.js';
import { GridSampler } from './grid-sampler.js';
import { RandomSampler } from './random-sampler.js';
import {
  SAMPLER_NAMES,
  type Sampler,
  type SamplerName,
  type SamplerOptions,
  type TrialState,
} from './sampler.js';
import type { ParamSet, SearchSpace } from './space.js';
import { TpeSampler } from './tpe-sampler.js';

/**
 * A built-in sampler over `space`.
 * @throws LatheError INVALID_ARGUMENT for an unknown name (naming the valid ones) or invalid space/options.
 */
export function createSampler(name: SamplerName, space: SearchSpace, options: SamplerOptions = {}): Sampler {
  if (name === 'grid') return new GridSampler(space, options);
  if (name === 'random') return new RandomSampler(space, options);
  if (name === 'tpe') return new TpeSampler(space, options);
  throw invalid(`unknown sampler ${describeValue(name)}; valid samplers are ${SAMPLER_NAMES.join(', ')}`, {
    field: 'sampler',
  });
}

/**
 * The function a search minimizes or maximizes: the value of `params` trained at `budget` (undefined
 * without a scheduler). It should stop early and reject when `signal` aborts.
 */
export type Objective = (
  params: ParamSet,
  budget: number | undefined,
  trialIndex: number,
  signal: AbortSignal,
) => Promise<number> | number;

/** One report of a trial to the scheduler. */
export interface TrialReport {
  budget: number;
  value: number;
  /** Time the objective took for this budget, milliseconds. */
  durationMs: number;
}

/** One trial of a search. */
export interface TrialRecord {
  /** 0-based, in the order the sampler was asked. */
  index: number;
  params: ParamSet;
  /**
   * `complete` (ran to its full budget), `pruned` (stopped by the scheduler), `failed` (the
   * objective threw or returned a non-finite number), `aborted` (still running when the search was
   * aborted).
   */
  state: TrialState | 'aborted';
  /** The objective's value (complete), or the last value reported (pruned). */
  value?: number;
  /** The budget of `value` (with a scheduler). */
  budget?: number;
  /** The error message of a failed trial. */
  error?: string;
  /** Reports to the scheduler, by increasing budget (empty without a scheduler). */
  reports: TrialReport[];
  /** Start time, milliseconds of `now()`. */
  startedAt: number;
  /** Wall time from start to end, milliseconds. */
  durationMs: number;
}

/** Options of {@link runSearch}. */
export interface SearchOptions {
  space: SearchSpace;
  /** When given, every parameter of `space` must be one of `family.params`. */
  family?: Pick<ModelFamily, 'name' | 'params'>;
  /**
   * A built-in sampler by name (created over `space` with `samplerOptions`, the search's seed and
   * direction), or a sampler object, used as it is (give a TPE sampler the search's direction).
   */
  sampler: SamplerName | Sampler;
  /** Options of a sampler given by name; `seed` defaults to the search's, `direction` is the search's. */
  samplerOptions?: SamplerOptions;
  /** Seed of a sampler given by name (default 0). */
  seed?: number;
  /** Maximum number of trials (>= 1). A grid that runs out of points ends the search sooner. */
  trials: number;
  /** Objectives running at once (>= 1, default 1). */
  parallel?: number;
  direction: Direction;
  objective: Objective;
  /** Early stopping: a scheduler, or ASHA options (the search's direction is used). */
  scheduler?: Scheduler | AshaOptions;
  /** Aborting stops the search: no new trials; running ones are told through their signal. */
  signal?: AbortSignal;
  /** Called when a trial starts. */
  onTrialStart?: (index: number, params: ParamSet) => void;
  /** Called after each report to the scheduler. */
  onReport?: (index: number, report: TrialReport) => void;
  /**
   * Called when a trial ends (not for trials still running at an abort); a returned promise is
   * awaited before the trial's slot is reused. A throw or rejection aborts the search and rejects it.
   */
  onTrial?: (trial: TrialRecord) => void | Promise<void>;
  /** Clock in milliseconds (default `performance.now`). */
  now?: () => number;
}

/** What a search returns. */
export interface SearchResult {
  direction: Direction;
  /** Every trial asked, by index. */
  trials: TrialRecord[];
  /** The complete trial with the best value (ties: the lowest index); undefined when none completed. */
  best?: TrialRecord;
  /** True when the search was stopped by its signal. */
  aborted: boolean;
}

function positiveInt(value: unknown, name: string, fallback?: number): number {
  const v = value === undefined ? fallback : value;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    throw invalid(`${name} must be an integer >= 1; got ${describeValue(value)}`, { field: name });
  return v;
}

function isScheduler(s: Scheduler | AshaOptions): s is Scheduler {
  return typeof (s as Scheduler).report === 'function';
}

/** The best complete trial in `direction` (ties: the lowest index). */
export function bestTrial(trials: readonly TrialRecord[], direction: Direction): TrialRecord | undefined {
  const sign = direction === 'minimize' ? 1 : -1;
  let best: TrialRecord | undefined;
  for (const t of trials)
    if (
      t.state === 'complete' &&
      (!best || sign * (t.value! - best.value!) < 0 || (t.value === best.value && t.index < best.index))
    )
      best = t;
  return best;
}

/**
 * Runs a hyperparameter search. Trial `i`'s parameters come from `sampler.ask(i)` when a slot is
 * free; the objective runs at the scheduler's first budget (or once, budget undefined, without a
 * scheduler) and at each further budget the scheduler grants. A throwing objective or a non-finite
 * value fails that trial only; the search goes on.
 *
 * Determinism: with `parallel` 1 each trial is asked after the previous one was told, so a seeded
 * sampler proposes the same trials on every run. With `parallel` > 1, grid and random proposals
 * are still the same (they depend only on seed and index), but TPE conditions on the trials
 * finished at ask time, which depends on how long the objectives take.
 *
 * On abort it resolves at once with the trials ended so far plus the running ones as `aborted`.
 * @throws LatheError INVALID_ARGUMENT (before any trial) for an invalid space (or a parameter
 *   `family` does not accept), direction, sampler name, trials or parallel < 1, or a grid larger than `trials` without `partialGrid`.
 */
export async function runSearch(options: SearchOptions): Promise<SearchResult> {
  checkSpace(options.space, options.family ? { family: options.family } : {});
  const direction = checkDirection(options.direction);
  const trials = positiveInt(options.trials, 'trials');
  const parallel = positiveInt(options.parallel, 'parallel', 1);
  if (typeof options.objective !== 'function')
    throw invalid('objective must be a function (params, budget, trialIndex, signal) => value', {
      field: 'objective',
    });
  const sampler =
    typeof options.sampler === 'string' || typeof options.sampler !== 'object' || options.sampler === null
      ? createSampler(options.sampler as SamplerName, options.space, {
          ...options.samplerOptions,
          seed: options.samplerOptions?.seed ?? options.seed,
          direction,
        })
      : options.sampler;
  if (sampler.size !== undefined && sampler.size > trials && !sampler.partial)
    throw invalid(
      `the grid has ${sampler.size} points but trials is ${trials}; raise trials to ${sampler.size}, use fewer gridPoints, or set partialGrid to run a random subset`,
      { field: 'trials' },
    );
  const scheduler =
    options.scheduler === undefined
      ? undefined
      : isScheduler(options.scheduler)
        ? options.scheduler
        : new AshaScheduler({ ...options.scheduler, direction });
  const now = options.now ?? (() => performance.now());
  const controller = new AbortController();
  const outer = options.signal;
  const records: TrialRecord[] = [];
  const running = new Map<number, TrialRecord>();
  let done = false;

  const runTrial = async (index: number, params: ParamSet): Promise<void> => {
    const rec: TrialRecord = { index, params, state: 'failed', reports: [], startedAt: now(), durationMs: 0 };
    running.set(index, rec);
    options.onTrialStart?.(index, params);
    let budget = scheduler?.rungs[0];
    try {
      for (;;) {
        const t0 = now();
        const value = await options.objective(params, budget, index, controller.signal);
        if (done) return;
        if (typeof value !== 'number' || !Number.isFinite(value))
          throw new Error(`the objective returned ${describeValue(value)}; expected a finite number`);
        rec.value = value;
        if (!scheduler || budget === undefined) {
          rec.state = 'complete';
          break;
        }
        const report = { budget, value, durationMs: now() - t0 };
        rec.reports.push(report);
        rec.budget = budget;
        options.onReport?.(index, report);
        const decision = scheduler.report(index, budget, value);
        if (decision.action === 'stop') {
          rec.state = decision.state;
          break;
        }
        budget = decision.budget;
      }
    } catch (error) {
      if (done) return;
      rec.state = 'failed';
      delete rec.value;
      rec.error = error instanceof Error ? error.message : String(error);
    }
    rec.durationMs = now() - rec.startedAt;
    running.delete(index);
    records.push(rec);
    sampler.tell({
      index,
      params,
      state: rec.state as TrialState,
      ...(rec.state === 'failed' ? {} : { value: rec.value! }),
      ...(rec.budget === undefined ? {} : { budget: rec.budget }),
    });
    await options.onTrial?.(rec);
  };

  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = () => {
      controller.abort(outer?.reason);
      resolve();
    };
    if (outer?.aborted) onAbort();
    else outer?.addEventListener('abort', onAbort, { once: true });
  });
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  let exhausted = false;
  try {
    while (!controller.signal.aborted) {
      while (inFlight.size < parallel && next < trials && !exhausted) {
        const params = sampler.ask(next);
        if (params === undefined) {
          exhausted = true;
          break;
        }
        const p: Promise<void> = runTrial(next++, params).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      if (inFlight.size === 0) break;
      await Promise.race([...inFlight, aborted]);
    }
  } catch (error) {
    controller.abort(error);
    throw error;
  } finally {
    done = true;
    if (onAbort) outer?.removeEventListener('abort', onAbort);
  }
  const wasAborted = outer?.aborted === true;
  for (const rec of running.values()) {
    rec.state = 'aborted';
    rec.durationMs = now() - rec.startedAt;
    records.push(rec);
  }
  records.sort((a, b) => a.index - b.index);
  const best = bestTrial(records, direction);
  return { direction, trials: records, ...(best ? { best } : {}), aborted: wasAborted };
}
