import {
  type AutomlResult,
  type ExplainResult,
  isJobFinished,
  type Job,
  type TrainResult,
  type TuneResult,
} from '../sdk/index.js';
import { duration, metricText } from './job-follow.js';
import { exitCodes, printJson, printTable, shortTime } from './output.js';

const out = (s = '') => process.stdout.write(`${s}\n`);

/** A parameter value for a table: numbers to 4 significant digits, long lists cut. */
function paramText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return metricText(v);
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/** `a=1 b=gini`: a parameter set on one line (see --json for exact values). */
const paramsText = (p: Record<string, unknown> | undefined): string =>
  Object.entries(p ?? {})
    .map(([k, v]) => `${k}=${paramText(v)}`)
    .join(' ');

/** An AutoML candidate's params; an ensemble names its members. */
function candidateText(model: string, p: Record<string, unknown>): string {
  if (model !== 'ensemble') return paramsText(p);
  let members = p['members'];
  try {
    if (typeof members === 'string') members = JSON.parse(members);
  } catch {
    // Shown as it is below.
  }
  return Array.isArray(members)
    ? `members=${(members as { model?: string }[]).map((m) => m.model).join('+')}`
    : paramsText(p);
}

const registeredLine = (r: { name: string; version: string | number } | null | undefined) => {
  if (r) out(`registered ${r.name} version ${r.version} (ref ${r.name}@${r.version})`);
};

const bytes = (n: number) =>
  n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} kB` : `${n} B`;

/** A trained model: run, rows, features left out and why, test and cross-validated metrics, registration. */
function printTrainResult(r: TrainResult): void {
  out(
    `trained ${r.model} on ${r.data} (${r.task}, target ${r.target}) in ${duration(r.fitSeconds)}${r.stopped ? ', stopped early by cancellation' : ''}`,
  );
  out(`  run         ${r.runId} (experiment ${r.experimentId})`);
  out(`  rows        ${r.rows.train.toLocaleString()} train, ${r.rows.test.toLocaleString()} test`);
  out(`  features    ${r.features.length}${r.iterations !== null ? `, ${r.iterations} iterations` : ''}`);
  for (const e of r.excluded) out(`  excluded    ${e.column} (${e.reason})`);
  out('');
  const names = [...new Set([...Object.keys(r.metrics), ...Object.keys(r.cv ?? {})])];
  printTable(names, {
    metric: (k) => k,
    test: (k) => (r.metrics[k] === undefined ? '' : metricText(r.metrics[k]!)),
    ...(r.cv
      ? {
          cv: (k: string) => (r.cv![k] ? `${metricText(r.cv![k]!.mean)} ± ${metricText(r.cv![k]!.std)}` : ''),
        }
      : {}),
  });
  registeredLine(r.registered);
}

/** A search: the best trial, the leaderboard of trials (best first, top 10), the final model. */
function printTuneResult(r: TuneResult, top = 10): void {
  const done = r.trials.filter((t) => t.state === 'complete').length;
  out(
    `tuned ${r.model} (${r.task}): ${r.trials.length} trial(s), ${done} complete${r.stopped ? ', stopped early' : ''}; ${r.metric} (${r.direction})`,
  );
  if (r.best)
    out(
      `  best        ${r.metric} ${metricText(r.best.value)} at trial ${r.best.trial}: ${paramsText(r.best.params)}`,
    );
  else out('  best        none: no trial completed');
  out(`  parent run  ${r.parentRunId}`);
  if (r.final)
    out(
      `  final model ${r.final.runId === r.parentRunId ? 'on the parent run' : `run ${r.final.runId}`} (refitted with the best params on the training part)`,
    );
  out('');
  const ranked = [...r.trials].sort(
    (a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.index - b.index,
  );
  printTable(ranked.slice(0, top), {
    rank: (t) => t.rank ?? '',
    trial: (t) => t.index,
    [r.metric]: (t) => (t.value === undefined ? '' : metricText(t.value)),
    state: (t) => (t.error ? `${t.state}: ${t.error.slice(0, 60)}` : t.state),
    seconds: (t) => (t.durationMs / 1000).toFixed(1),
    params: (t) => paramsText(t.params),
    run: (t) => t.runId,
  });
  if (ranked.length > top) out(`… ${ranked.length - top} more trial(s) (see --json)`);
  if (r.final?.metrics && Object.keys(r.final.metrics).length) {
    out('');
    out(
      `final model test metrics: ${Object.entries(r.final.metrics)
        .map(([k, v]) => `${k} ${metricText(v)}`)
        .join(', ')}`,
    );
  }
  registeredLine(r.registered);
}

/** An AutoML leaderboard: rank, family, cross-validated score, fit time, latency and size. */
function printAutomlResult(r: AutomlResult, top = 10): void {
  const c = r.candidates;
  out(
    `automl (${r.task}) in ${duration(r.elapsedSeconds)}: ${c.scored} candidate(s) scored${c.reused ? `, ${c.reused} reused` : ''}${c.failed ? `, ${c.failed} failed` : ''}; ranked on cv ${r.metric} (${r.direction})`,
  );
  if (r.best)
    out(
      `  best        ${r.best.model} ${metricText(r.best.cv.mean)} ± ${metricText(r.best.cv.std)}: ${paramsText(r.best.params)}`,
    );
  else out('  best        none: no candidate was scored');
  out(`  parent run  ${r.parentRunId}`);
  out('');
  printTable(r.leaderboard.slice(0, top), {
    rank: (e) => e.rank,
    model: (e) => e.model,
    [`cv ${r.metric}`]: (e) => `${metricText(e.cv.mean)} ± ${metricText(e.cv.std)}`,
    'fit s': (e) => e.fitSeconds.toFixed(2),
    'ms/row': (e) => Number(e.latencyMsPerRow.toPrecision(2)),
    size: (e) => bytes(e.sizeBytes),
    params: (e) => candidateText(e.model, e.params),
    run: (e) => e.runId,
  });
  if (r.leaderboard.length > top) out(`… ${r.leaderboard.length - top} more candidate(s) (see --json)`);
  if (r.ensemble)
    out(
      `\nensemble of ${r.ensemble.members.map((m) => m.model).join(' + ')}: cv ${r.metric} ${metricText(r.ensemble.cv.mean)} ± ${metricText(r.ensemble.cv.std)} (run ${r.ensemble.runId})`,
    );
  if (r.final)
    out(
      `\nwinner ${r.final.model} refitted in ${duration(r.final.fitSeconds)} (run ${r.final.runId}); test metrics: ${Object.entries(
        r.final.metrics,
      )
        .map(([k, v]) => `${k} ${metricText(v)}`)
        .join(', ')}`,
    );
  registeredLine(r.registered);
}

/** The top features by mean |SHAP| with a text bar scaled to the largest. */
function printExplainResult(r: ExplainResult, top = 20, width = 30): void {
  out(`explained run ${r.runId}: ${r.method} on ${r.rows.toLocaleString()} rows → ${r.artifact}`);
  out('');
  const rows = r.globalImportance.slice(0, top);
  const max = Math.max(...rows.map((g) => g.meanAbs), 0);
  const name = Math.max(7, ...rows.map((g) => g.feature.length));
  out(`${'FEATURE'.padEnd(name)}  MEAN |SHAP|`);
  for (const g of rows) {
    const n = max > 0 ? Math.max(g.meanAbs > 0 ? 1 : 0, Math.round((g.meanAbs / max) * width)) : 0;
    out(`${g.feature.padEnd(name)}  ${'#'.repeat(n).padEnd(width)}  ${metricText(g.meanAbs)}`);
  }
  if (!rows.length) out('(none)');
}

/** The result of a finished job, by kind; other kinds print their result as JSON. */
function printJobResult(job: Job, top = 10): void {
  const r = job.result;
  if (r === null || r === undefined) return;
  if (job.kind === 'train') printTrainResult(r as TrainResult);
  else if (job.kind === 'tune') printTuneResult(r as TuneResult, top);
  else if (job.kind === 'automl') printAutomlResult(r as AutomlResult, top);
  else if (job.kind === 'explain') printExplainResult(r as ExplainResult);
  else if (job.kind === 'predict') {
    const p = r as {
      output: string;
      rows: number;
      model: string;
      data: string;
      seconds: number;
      resumedChunks: number;
      chunks: number;
    };
    out(
      `wrote ${p.rows} predictions of ${p.model} on ${p.data} to ${p.output} in ${duration(p.seconds)}${p.resumedChunks ? ` (${p.resumedChunks} of ${p.chunks} chunks from the interrupted run)` : ''}`,
    );
  } else printJson(r);
}

/**
 * Prints how a followed job ended and answers the exit code: the result (or the job as JSON with
 * `json`) and 0 when it succeeded; the error on stderr and 1 when it failed or was cancelled.
 */
export function reportFinishedJob(job: Job, json: boolean, top = 10): number {
  if (json) printJson(job);
  if (job.status === 'succeeded') {
    if (!json) printJobResult(job, top);
    return exitCodes.ok;
  }
  if (job.status === 'cancelled') {
    const kept = (job.result as { runId?: unknown } | null)?.runId;
    process.stderr.write(
      `cancelled: job ${job.id} (${job.kind}) was cancelled${job.error ? `: ${job.error.message}` : ''}${typeof kept === 'string' ? `; run ${kept} keeps what was built` : ''}\n`,
    );
  } else
    process.stderr.write(
      `error ${job.error?.code ?? 'INTERNAL'}: ${job.error?.message ?? `job ${job.status}`}\n`,
    );
  return exitCodes.failed;
}

/** One job in full: status, times, spec, progress, error and result. */
export function printJob(job: Job): void {
  out(`${job.id}  ${job.kind}  ${job.status}`);
  out(`  created   ${shortTime(job.createdAt)}${job.createdBy ? ` by ${job.createdBy}` : ''}`);
  if (job.startedAt) out(`  started   ${shortTime(job.startedAt)}`);
  if (job.endedAt) out(`  ended     ${shortTime(job.endedAt)}`);
  const took = jobSeconds(job);
  if (took !== null) out(`  took      ${duration(took)}`);
  out(`  spec      ${JSON.stringify(job.spec)}`);
  if (job.progress && !isJobFinished(job)) {
    const p = job.progress;
    out(
      `  progress  ${p.phase}${p.total ? ` ${p.done ?? 0}/${p.total}` : ''}${p.message ? `: ${p.message}` : ''}`,
    );
  }
  if (job.error) out(`  error     ${job.error.code}: ${job.error.message}`);
  if (job.result !== null && job.result !== undefined) {
    out('');
    printJobResult(job);
  }
}

/** Seconds a job ran (until now when running); null before it started. */
export function jobSeconds(job: Job): number | null {
  if (!job.startedAt) return null;
  const end = job.endedAt ? Date.parse(job.endedAt) : Date.now();
  return (end - Date.parse(job.startedAt)) / 1000;
}

/** Where a job is, in a table cell: `fitting 40/200`, `succeeded`, `failed: CODE`. */
export function jobState(job: Job): string {
  if (job.status === 'running' && job.progress)
    return `${job.progress.phase}${job.progress.total ? ` ${job.progress.done ?? 0}/${job.progress.total}` : ''}`;
  if (job.status === 'failed' && job.error) return `failed: ${job.error.code}`;
  return job.status;
}
