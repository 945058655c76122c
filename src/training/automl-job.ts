/**
 * An AutoML job: a dataset version, a target and a time budget → candidates of every family that
 * does the task, each with the encoding its family needs (prepare.ts per encoding plan), chosen
 * cost-frugally (automl-search.ts), cross-validated (cv-score.ts) as child runs; an optional
 * average of the top models sharing one encoding; the winner fitted on the whole training part,
 * evaluated on the test rows, saved on the parent run and registered, as a train job does.
 *
 * Budget: candidates are proposed during the first 80% of the budget (a fit still running then is
 * stopped through its signal and its candidate dropped); the ensemble (about the cost of its
 * members) and the winner's final fit run after, in the remaining 20% as far as they fit.
 * Resume: the child runs of the interrupted job's parent run are read back instead of re-run.
 */
import { LatheError } from '../core/index.js';
import type { JobContext } from '../jobs/index.js';
import { type Direction, metricInfo, modelFamily, type ParamSet, WorkerPool } from '../ml/index.js';
import { resumeParent } from './automl-resume.js';
import { ensembleMembers, orderByCost, Proposer } from './automl-search.js';
import type { AutomlSpec } from './automl-spec.js';
import { cvScore } from './cv-score.js';
import { encodingPlan, type FoldData, foldData, planKey } from './fold-data.js';
import { createJobRun, experimentId, logDatasetInput, register } from './job-runs.js';
import { chooseFeatures, columnsToRead, type Prepared, prepareMatrices } from './prepare.js';
import { createTrialRun, endTrialRun, paramsKey } from './search-runs.js';
import { fitEvaluateSave, paramsFor, type TrainingDeps } from './train-job.js';
import type { TrainSpec } from './train-spec.js';

/** One row of the leaderboard. */
export interface LeaderboardRow {
  rank: number;
  model: string;
  params: ParamSet;
  cv: { mean: number; std: number };
  /** Mean fit time of one fold, seconds. */
  fitSeconds: number;
  /** Predicting the hold-out test rows with the last fold's model, milliseconds per row. */
  latencyMsPerRow: number;
  /** Bytes of the last fold's saved arrays. */
  sizeBytes: number;
  runId: string;
}

/** What a finished AutoML job answers. */
export interface AutomlResult {
  parentRunId: string;
  experimentId: string;
  task: string;
  metric: string;
  direction: Direction;
  leaderboard: LeaderboardRow[];
  best: { model: string; runId: string; params: ParamSet; cv: { mean: number; std: number } } | null;
  ensemble: {
    members: { model: string; params: ParamSet }[];
    cv: { mean: number; std: number };
    runId: string;
  } | null;
  /** The winner's test metrics (on the parent run); null when cancelled. */
  final: { runId: string; model: string; metrics: Record<string, number>; fitSeconds: number } | null;
  /** Candidates scored by this job, and those read back from the resumed job's runs. */
  candidates: { scored: number; reused: number; failed: number };
  elapsedSeconds: number;
  registered: { name: string; version: string } | null;
}

/** A scored candidate: a leaderboard row without its rank, with its params key and encoding plan. */
export interface Candidate extends Omit<LeaderboardRow, 'rank'> {
  key: string;
  plan: string;
}

/** Runs a validated automl spec as job `context`. */
export async function runAutomlJob(
  spec: AutomlSpec,
  deps: TrainingDeps,
  context: JobContext,
): Promise<AutomlResult> {
  const started = Date.now();
  const { data, tracking } = deps;
  const actor = context.actor;
  const seed = spec.seed ?? 0;
  const metric = spec.metric;
  const direction = metricInfo(metric).direction;
  const sign = direction === 'maximize' ? -1 : 1;
  context.progress({ phase: 'loading', message: `reading ${spec.data}` });
  const version = await data.version(spec.data);
  const trainSpec = (model: string, params?: ParamSet): TrainSpec => ({
    data: version.ref,
    target: spec.target,
    model,
    task: spec.task,
    ...(spec.features ? { features: spec.features } : {}),
    ...(spec.drop ? { drop: spec.drop } : {}),
    ...(spec.testSize === undefined ? {} : { testSize: spec.testSize }),
    ...(spec.seed === undefined ? {} : { seed: spec.seed }),
    ...(params ? { params } : {}),
  });
  const chosen = chooseFeatures(version, trainSpec('decision-tree'));
  const values = await data.columns(version.ref, columnsToRead(trainSpec('decision-tree'), chosen));
  const plans = new Map<string, { prepared: Prepared; folds: FoldData }>();
  const planOf = (model: string) => {
    const family = modelFamily(model);
    const key = planKey(encodingPlan(family));
    let p = plans.get(key);
    if (!p) {
      context.progress({ phase: 'preparing', message: `encoding for ${key}` });
      const prepared = prepareMatrices(version, values, trainSpec(model), family, chosen);
      p = { prepared, folds: foldData(prepared, values, encodingPlan(family), { cv: spec.cv, seed }) };
      plans.set(key, p);
    }
    return { key, ...p };
  };
  /** The params a family gets: the seed and the category columns when it takes them. */
  const withDefaults = (model: string, params: ParamSet): ParamSet =>
    paramsFor(trainSpec(model, params), planOf(model).prepared);

  const expId = await experimentId(tracking, spec.experiment ?? version.name, actor);
  let budgetMs = spec.budgetSeconds * 1000;
  let parentRunId: string | undefined;
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const proposer = new Proposer(direction, seed);
  let reused = 0;
  if (spec.resume) {
    const resumed = await resumeParent(tracking, {
      experimentId: expId,
      oldJobId: spec.resume,
      jobId: context.id,
      metric,
    });
    if (resumed) {
      parentRunId = resumed.parentRunId;
      budgetMs = Math.max(0, budgetMs - resumed.spentMs);
      for (const key of resumed.tried) seen.add(key);
      for (const c of resumed.candidates) {
        candidates.push(c);
        reused++;
        if (c.model !== 'ensemble') proposer.tell({ model: c.model, params: c.params, value: c.cv.mean });
      }
    }
  }
  if (!parentRunId) {
    parentRunId = await createJobRun(
      tracking,
      {
        experimentId: expId,
        runName: spec.runName ?? `automl-${spec.target}`,
        jobId: context.id,
        family: 'automl',
        dataset: version.ref,
        task: spec.task,
        searchParent: true,
      },
      actor,
    );
    await logDatasetInput(tracking, parentRunId, version);
    await tracking.runs.logBatch(parentRunId, {
      params: [
        { key: 'data', value: version.ref },
        { key: 'target', value: spec.target },
        { key: 'task', value: spec.task },
        { key: 'metric', value: metric },
        { key: 'cv', value: String(spec.cv) },
        { key: 'models', value: spec.models.join(',') },
        { key: 'test_size', value: String(spec.testSize ?? 0.2) },
      ],
    });
  }
  const parentId = parentRunId;
  const jobStart = Date.now();
  const searchEnd = jobStart + budgetMs * 0.8;
  const searchStop = new AbortController();
  const timers = [
    setTimeout(() => searchStop.abort(new Error('budget')), Math.max(0, searchEnd - Date.now())),
  ];
  const searchSignal = AbortSignal.any([context.signal, searchStop.signal]);
  const pool = new WorkerPool(1);
  const lastCost = new Map<string, { ms: number; budget?: number }>();
  let scored = 0;
  let failed = 0;
  const complete = () =>
    [...candidates].sort((a, b) => sign * (a.cv.mean - b.cv.mean) || a.fitSeconds - b.fitSeconds);
  const report = () => {
    const best = complete()[0];
    context.progress({
      phase: 'searching',
      message: `${candidates.length} candidates${best ? `; best ${best.model} ${metric} ${best.cv.mean.toFixed(4)}` : ''}`,
      done: Math.min(spec.budgetSeconds, Math.round((Date.now() - started) / 1000)),
      total: spec.budgetSeconds,
      ...(best ? { metrics: { best: best.cv.mean } } : {}),
    });
  };

  /** Scores one candidate as a child run; false when it was not run (seen) or did not complete. */
  const evaluate = async (
    model: string,
    raw: ParamSet,
    signal: AbortSignal,
    planModel = model,
  ): Promise<boolean> => {
    const params = model === 'ensemble' ? raw : withDefaults(model, raw);
    const key = paramsKey(model, params);
    if (seen.has(key)) return false;
    seen.add(key);
    const plan = planOf(planModel);
    const runId = await createTrialRun(
      tracking,
      {
        experimentId: expId,
        parentRunId: parentId,
        name: `${model}-${seen.size}`,
        jobId: context.id,
        model,
        params,
      },
      actor,
    );
    const t0 = Date.now();
    try {
      const score = await cvScore({
        family: model,
        params,
        data: plan.folds,
        task: plan.prepared.task,
        classes: plan.prepared.classes.length,
        metric,
        signal,
        seed,
        pool,
        measureLatency: true,
      });
      if (score.stopped) {
        await endTrialRun(tracking, runId, 'stopped');
        return false;
      }
      const now = Date.now();
      const c: Candidate = {
        model,
        params,
        key,
        plan: plan.key,
        cv: { mean: score.mean, std: score.std },
        fitSeconds: score.fitSeconds,
        latencyMsPerRow: score.latencyMsPerRow ?? 0,
        sizeBytes: score.sizeBytes,
        runId,
      };
      const metrics = {
        [`cv_${metric}_mean`]: c.cv.mean,
        [`cv_${metric}_std`]: c.cv.std,
        fit_seconds: c.fitSeconds,
        latency_ms_per_row: c.latencyMsPerRow,
        size_bytes: c.sizeBytes,
      };
      await tracking.runs.logBatch(runId, {
        metrics: Object.entries(metrics).map(([k, value]) => ({ key: k, value, timestamp: now, step: 0 })),
      });
      await endTrialRun(tracking, runId, 'complete');
      candidates.push(c);
      scored++;
      const bp = modelFamily(model).budgetParam;
      lastCost.set(model, {
        ms: now - t0,
        ...(bp && typeof params[bp] === 'number' ? { budget: params[bp] as number } : {}),
      });
      if (model !== 'ensemble') proposer.tell({ model, params, value: c.cv.mean });
      report();
      return true;
    } catch (err) {
      failed++;
      await endTrialRun(tracking, runId, signal.aborted ? 'stopped' : 'failed', (err as Error).message);
      return false;
    }
  };

  try {
    report();
    // 1. Every family at its cheap start, cheapest family first.
    for (const model of orderByCost(spec.models)) {
      if (searchSignal.aborted) break;
      await evaluate(model, modelFamily(model).cheapStart, searchSignal);
    }
    // 2. TPE proposals around the best families, with growing budget parameters.
    const affordable = (name: string) => {
      const cost = lastCost.get(name);
      if (!cost) return true;
      const cap = proposer.budgetCap(modelFamily(name));
      const grow = cost.budget && cap ? Math.max(1, cap / cost.budget) : 1;
      return Date.now() + cost.ms * grow <= searchEnd;
    };
    let misses = 0;
    while (!searchSignal.aborted && misses < 20) {
      const name = proposer.pickFamily(affordable);
      if (!name) break;
      const params = proposer.propose(modelFamily(name));
      if (!params || !(await evaluate(name, params, searchSignal))) misses++;
      else misses = 0;
    }
    // 3. The average of the top models that share the best one's encoding.
    let ensemble: AutomlResult['ensemble'] = null;
    const singles = complete().filter((c) => c.model !== 'ensemble');
    if (spec.ensemble && !context.signal.aborted && singles.length >= 2) {
      const members = ensembleMembers(singles);
      if (members.length >= 2) {
        const params = {
          members: JSON.stringify(members.map((c) => ({ model: c.model, params: c.params }))),
        };
        // Not stopped by the budget: a partly fitted ensemble would be scored wrong. It costs about
        // the sum of its members' fits, run after the search in the budget's last 20%.
        const key = paramsKey('ensemble', params);
        if (!seen.has(key)) await evaluate('ensemble', params, context.signal, members[0]!.model);
        const e = candidates.find((c) => c.key === key);
        if (e)
          ensemble = {
            members: members.map((c) => ({ model: c.model, params: c.params })),
            cv: e.cv,
            runId: e.runId,
          };
      }
    }
    for (const t of timers) clearTimeout(t);
    const ranked = complete();
    const leaderboard: LeaderboardRow[] = ranked.map(({ key: _k, plan: _p, ...c }, i) => ({
      rank: i + 1,
      ...c,
    }));
    await tracking.artifacts.logArtifact(
      parentId,
      'leaderboard.json',
      new TextEncoder().encode(JSON.stringify({ metric, direction, leaderboard })),
    );
    const winner = ranked[0];
    const base = {
      parentRunId: parentId,
      experimentId: expId,
      task: spec.task,
      metric,
      direction,
      leaderboard,
      best: winner
        ? { model: winner.model, runId: winner.runId, params: winner.params, cv: winner.cv }
        : null,
      ensemble,
      candidates: { scored, reused, failed },
    };
    if (context.signal.aborted) {
      await tracking.runs.update(parentId, { status: 'KILLED', endTime: Date.now() });
      return { ...base, final: null, elapsedSeconds: (Date.now() - started) / 1000, registered: null };
    }
    if (!winner)
      throw new LatheError(
        'INVALID_ARGUMENT',
        'no candidate completed within the budget; raise budgetSeconds',
      );
    const now = Date.now();
    await tracking.runs.logBatch(parentId, {
      metrics: [{ key: `best_cv_${metric}`, value: winner.cv.mean, timestamp: now, step: 0 }],
      tags: [
        { key: 'lathe.best.model', value: winner.model },
        { key: 'lathe.best.run', value: winner.runId },
        { key: 'lathe.best.params', value: JSON.stringify(winner.params).slice(0, 7500) },
      ],
    });
    const { prepared } = planOf(winner.model === 'ensemble' ? ensemble!.members[0]!.model : winner.model);
    const { fit, evaluation, stopped } = await fitEvaluateSave(
      deps,
      parentId,
      trainSpec(winner.model, winner.params),
      prepared,
      winner.params,
      context,
    );
    const registered = await register(deps, spec.register, parentId, version.ref, actor, stopped);
    await tracking.runs.update(parentId, { status: stopped ? 'KILLED' : 'FINISHED', endTime: Date.now() });
    return {
      ...base,
      final: {
        runId: parentId,
        model: winner.model,
        metrics: evaluation.metrics,
        fitSeconds: fit.fitSeconds,
      },
      elapsedSeconds: (Date.now() - started) / 1000,
      registered,
    };
  } catch (err) {
    await tracking.runs
      .update(parentId, { status: context.signal.aborted ? 'KILLED' : 'FAILED', endTime: Date.now() })
      .catch(() => undefined);
    throw err;
  } finally {
    for (const t of timers) clearTimeout(t);
    await pool.close();
  }
}
