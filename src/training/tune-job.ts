/**
 * A tuning job: the data prepared once, a parent run, a hyperparameter search (runSearch) whose
 * trials are cross-validated on folds encoded once per fold (fold-data.ts), each fold fitted on a
 * worker thread and each trial a child run; then the best params fitted on the whole training
 * part, evaluated on the test rows and saved on the parent run exactly as a train job saves.
 */
import { LatheError } from '../core/index.js';
import type { JobContext } from '../jobs/index.js';
import {
  AshaScheduler,
  budgetPlan,
  createSampler,
  type Direction,
  metricInfo,
  modelFamily,
  type ParamSet,
  runSearch,
  type Sampler,
  type TrialRecord,
  WorkerPool,
} from '../ml/index.js';
import { cvScore } from './cv-score.js';
import { encodingPlan, foldData } from './fold-data.js';
import { createJobRun, experimentId, logDatasetInput, register } from './job-runs.js';
import { readPrepared } from './prepare.js';
import { createTrialRun, endTrialRun, paramText } from './search-runs.js';
import { fitEvaluateSave, paramsFor, type TrainingDeps } from './train-job.js';
import { metricForTask, type TuneSpec } from './tune-spec.js';

/** One trial as a tune result lists it. */
export interface TuneTrial {
  index: number;
  /** The sampled params (with the budget parameter at the budget the trial reached, under ASHA). */
  params: ParamSet;
  state: TrialRecord['state'];
  /** The cross-validated metric (complete), or the last rung's (pruned). */
  value?: number;
  /**
   * 1 for the best trial: complete trials first by value (the best is chosen among them), then
   * pruned trials by the value of the rung they reached; null for trials without a value.
   */
  rank: number | null;
  runId: string | null;
  /** Epoch milliseconds. */
  startedAt: number;
  durationMs: number;
  error?: string;
}

/** What a finished tuning job answers. */
export interface TuneResult {
  parentRunId: string;
  experimentId: string;
  model: string;
  task: string;
  metric: string;
  direction: Direction;
  best: { trial: number; params: ParamSet; value: number; runId: string | null } | null;
  trials: TuneTrial[];
  /** The final model (on the parent run); null when the job was cancelled. */
  final: {
    runId: string;
    metrics: Record<string, number>;
    fitSeconds: number;
    iterations: number | null;
  } | null;
  /** True when the timeout or a cancel ended the search before all trials ran. */
  stopped: boolean;
  registered: { name: string; version: string } | null;
}

/** Runs a validated tune spec as job `context`. */
export async function runTuneJob(
  spec: TuneSpec,
  deps: TrainingDeps,
  context: JobContext,
): Promise<TuneResult> {
  const { data, tracking } = deps;
  const actor = context.actor;
  const family = modelFamily(spec.model);
  context.progress({ phase: 'loading', message: `reading ${spec.data}` });
  const { version, values, prepared } = await readPrepared(data, spec, family);
  const metric = metricForTask(spec.metric, prepared.task);
  const direction = metricInfo(metric).direction;
  const fixed = paramsFor(spec, prepared);
  const space = spec.space ?? family.space;
  const plan = spec.asha ? budgetPlan(family, { space }) : undefined;
  const seed = spec.seed ?? 0;
  const folds = foldData(prepared, values, encodingPlan(family), spec);
  // One worker per parallel trial, kept for the whole search (a thread's start-up is paid once).
  const pool = new WorkerPool(spec.parallel);

  const expId = await experimentId(tracking, spec.experiment ?? version.name, actor);
  const parentRunId = await createJobRun(
    tracking,
    {
      experimentId: expId,
      runName: spec.runName ?? `tune-${family.name}-${spec.target}`,
      jobId: context.id,
      family: family.name,
      dataset: version.ref,
      task: prepared.task,
      searchParent: true,
    },
    actor,
  );
  const trialRuns = new Map<number, { runId: Promise<string>; rung: number; params: ParamSet }>();
  let finished = 0;
  let best: number | undefined;
  const sign = direction === 'maximize' ? -1 : 1;
  try {
    await logDatasetInput(tracking, parentRunId, version);
    await tracking.runs.logBatch(parentRunId, {
      params: [
        { key: 'model', value: family.name },
        { key: 'data', value: version.ref },
        { key: 'target', value: spec.target },
        { key: 'task', value: prepared.task },
        { key: 'sampler', value: spec.sampler },
        { key: 'trials', value: String(spec.trials) },
        { key: 'parallel', value: String(spec.parallel) },
        { key: 'metric', value: metric },
        { key: 'cv', value: String(spec.cv) },
        { key: 'asha', value: String(spec.asha) },
        { key: 'test_size', value: String(spec.testSize ?? 0.2) },
        { key: 'features', value: String(prepared.features.length) },
        { key: 'space', value: paramText(space) },
      ],
    });
    // The timeout stops proposing: trials running then finish, so the best so far is a real one.
    const deadline = spec.timeoutSeconds ? Date.now() + spec.timeoutSeconds * 1000 : Number.POSITIVE_INFINITY;
    let timedOut = false;
    const inner = createSampler(spec.sampler, plan?.space ?? space, { seed, direction });
    const sampler: Sampler = {
      name: inner.name,
      ...(inner.size === undefined ? {} : { size: inner.size }),
      ...(inner.partial === undefined ? {} : { partial: inner.partial }),
      ask: (index) => {
        if (Date.now() < deadline) return inner.ask(index);
        timedOut = true;
        return undefined;
      },
      tell: (result) => inner.tell(result),
    };
    const report = () =>
      context.progress({
        phase: 'tuning',
        message: `${finished} of ${spec.trials} trials`,
        done: finished,
        total: spec.trials,
        ...(best === undefined ? {} : { metrics: { best } }),
      });
    report();
    const objective = async (
      params: ParamSet,
      budget: number | undefined,
      index: number,
      trialSignal: AbortSignal,
    ) => {
      let t = trialRuns.get(index);
      if (!t) {
        const full = { ...fixed, ...params };
        t = {
          rung: 0,
          params: full,
          runId: createTrialRun(
            tracking,
            {
              experimentId: expId,
              parentRunId,
              name: `trial-${index}`,
              jobId: context.id,
              model: family.name,
              params: full,
              extraTags: [{ key: 'lathe.trial', value: String(index) }],
            },
            actor,
          ),
        };
        trialRuns.set(index, t);
      }
      const runId = await t.runId;
      const params2: ParamSet = { ...t.params };
      if (plan?.kind === 'param' && budget !== undefined) params2[plan.param] = Math.round(budget);
      const score = await cvScore({
        family: family.name,
        params: params2,
        data: folds,
        task: prepared.task,
        classes: prepared.classes.length,
        metric,
        signal: trialSignal,
        seed,
        pool,
        ...(plan?.kind === 'rows' && budget !== undefined ? { trainFraction: budget } : {}),
      });
      if (score.stopped) throw new Error('stopped');
      const now = Date.now();
      const step = t.rung++;
      await tracking.runs.logBatch(runId, {
        metrics: [
          { key: `cv_${metric}_mean`, value: score.mean, timestamp: now, step },
          { key: `cv_${metric}_std`, value: score.std, timestamp: now, step },
          { key: 'fit_seconds', value: score.fitSeconds, timestamp: now, step },
          ...(budget === undefined ? [] : [{ key: 'budget', value: budget, timestamp: now, step }]),
        ],
      });
      return score.mean;
    };
    const ended = new Map<number, { runId: string | null; startedAt: number }>();
    // runSearch's clock is performance.now(); trials report epoch milliseconds.
    const search = await runSearch({
      space: plan?.space ?? space,
      family,
      sampler,
      trials: spec.trials,
      parallel: spec.parallel,
      direction,
      objective,
      ...(plan
        ? {
            scheduler: new AshaScheduler({
              minBudget: plan.minBudget,
              maxBudget: plan.maxBudget,
              eta: plan.eta,
              integer: plan.integer,
              direction,
            }),
          }
        : {}),
      signal: context.signal,
      onTrial: async (rec) => {
        const runId = await trialRuns.get(rec.index)?.runId.catch(() => null);
        if (runId) await endTrialRun(tracking, runId, rec.state, rec.error);
        ended.set(rec.index, { runId: runId ?? null, startedAt: performance.timeOrigin + rec.startedAt });
        finished++;
        if (rec.state === 'complete' && (best === undefined || sign * (rec.value! - best) < 0))
          best = rec.value!;
        report();
      },
    }).finally(() => pool.close());
    // Trials still running at an abort: their runs end KILLED.
    for (const rec of search.trials)
      if (rec.state === 'aborted') {
        const runId = await trialRuns.get(rec.index)?.runId.catch(() => null);
        if (runId) await endTrialRun(tracking, runId, 'aborted');
        ended.set(rec.index, { runId: runId ?? null, startedAt: performance.timeOrigin + rec.startedAt });
      }
    const trials: TuneTrial[] = search.trials.map((rec) => {
      const params = { ...rec.params };
      if (plan?.kind === 'param' && rec.budget !== undefined) params[plan.param] = Math.round(rec.budget);
      return {
        index: rec.index,
        params,
        state: rec.state,
        ...(rec.value === undefined ? {} : { value: rec.value }),
        rank: null as number | null,
        runId: ended.get(rec.index)?.runId ?? null,
        startedAt: Math.round(ended.get(rec.index)?.startedAt ?? Date.now()),
        durationMs: rec.durationMs,
        ...(rec.error ? { error: rec.error } : {}),
      };
    });
    const cancelled = context.signal.aborted;
    const b = search.best;
    const bestParams: ParamSet | undefined = b && {
      ...fixed,
      ...b.params,
      ...(plan?.kind === 'param' ? { [plan.param]: plan.maxBudget } : {}),
    };
    // A pruned trial's value comes from a smaller budget: it ranks after every complete trial.
    const tier = (t: TuneTrial) => (t.value === undefined ? 2 : t.state === 'complete' ? 0 : 1);
    const leaderboard = [...trials].sort(
      (x, y) => tier(x) - tier(y) || (x.value === undefined ? 0 : sign * (x.value - y.value!)),
    );
    leaderboard.forEach((t, i) => {
      if (t.value !== undefined) t.rank = i + 1;
    });
    await tracking.artifacts.logArtifact(
      parentRunId,
      'trials.json',
      new TextEncoder().encode(JSON.stringify({ metric, direction, trials: leaderboard })),
    );
    const count = (s: string) => trials.filter((t) => t.state === s).length;
    const now = Date.now();
    await tracking.runs.logBatch(parentRunId, {
      metrics: [
        ...(b ? [{ key: `best_cv_${metric}`, value: b.value!, timestamp: now, step: 0 }] : []),
        { key: 'trials_complete', value: count('complete'), timestamp: now, step: 0 },
        { key: 'trials_pruned', value: count('pruned'), timestamp: now, step: 0 },
        { key: 'trials_failed', value: count('failed'), timestamp: now, step: 0 },
      ],
      ...(bestParams
        ? {
            params: Object.entries(b!.params).map(([k, v]) => ({ key: `best.${k}`, value: paramText(v) })),
            tags: [{ key: 'lathe.best.trial', value: String(b!.index) }],
          }
        : {}),
    });
    const bestOut = b
      ? { trial: b.index, params: bestParams!, value: b.value!, runId: ended.get(b.index)?.runId ?? null }
      : null;
    const base = {
      parentRunId,
      experimentId: expId,
      model: family.name,
      task: prepared.task,
      metric,
      direction,
      best: bestOut,
      trials,
      stopped: search.aborted || timedOut,
    };
    if (cancelled) {
      await tracking.runs.update(parentRunId, { status: 'KILLED', endTime: Date.now() });
      return { ...base, final: null, registered: null };
    }
    if (!b) {
      const first = trials.find((t) => t.error)?.error;
      throw new LatheError(
        'INVALID_ARGUMENT',
        first
          ? `no trial of the search completed; the first error: ${first}`
          : 'no trial of the search completed; raise timeoutSeconds',
      );
    }
    const finalSpec = { ...spec, params: bestParams! };
    const { fit, evaluation, stopped } = await fitEvaluateSave(
      deps,
      parentRunId,
      finalSpec,
      prepared,
      bestParams!,
      context,
    );
    const registered = await register(deps, spec.register, parentRunId, version.ref, actor, stopped);
    await tracking.runs.update(parentRunId, { status: stopped ? 'KILLED' : 'FINISHED', endTime: Date.now() });
    return {
      ...base,
      final: {
        runId: parentRunId,
        metrics: evaluation.metrics,
        fitSeconds: fit.fitSeconds,
        iterations: fit.iterations,
      },
      registered,
    };
  } catch (err) {
    await pool.close();
    for (const t of trialRuns.values()) {
      const id = await t.runId.catch(() => null);
      if (id) {
        const run = await tracking.runs.get(id).catch(() => null);
        if (run?.info.status === 'RUNNING') await endTrialRun(tracking, id, 'aborted').catch(() => undefined);
      }
    }
    await tracking.runs
      .update(parentRunId, { status: context.signal.aborted ? 'KILLED' : 'FAILED', endTime: Date.now() })
      .catch(() => undefined);
    throw err;
  }
}
