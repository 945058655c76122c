import type { Command } from 'commander';
import { isJobFinished, type JobStatus } from '../sdk/index.js';
import { clientFor, wantsJson } from './context.js';
import { duration, followJob } from './job-follow.js';
import { oneOf, positiveInt } from './options.js';
import { printJson, printTable, shortTime } from './output.js';
import { jobSeconds, jobState, printJob, reportFinishedJob } from './train-output.js';

const statuses = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

/** `lathe jobs …`: background jobs (training, tuning, AutoML, explanations). */
export function registerJobsCommand(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('background jobs (train, tune, automl, explain, predict): list, show, watch, cancel');

  jobs
    .command('list')
    .description('jobs, newest first')
    .option('--kind <kind>', 'only jobs of this kind: train, tune, automl, explain')
    .option('--status <status>', `only jobs in this status: ${statuses.join(', ')}`, oneOf(statuses))
    .option('--limit <n>', 'at most this many, 1..500 (default 50)', positiveInt)
    .action(async (o: { kind?: string; status?: JobStatus; limit?: number }, cmd: Command) => {
      const list = await clientFor(cmd).jobs.list(o);
      if (wantsJson(cmd)) return printJson({ jobs: list });
      printTable(list, {
        id: (j) => j.id,
        kind: (j) => j.kind,
        status: jobState,
        created: (j) => shortTime(j.createdAt),
        took: (j) => {
          const s = jobSeconds(j);
          return s === null ? '-' : duration(s);
        },
        by: (j) => j.createdBy,
        what: (j) => describeSpec(j.spec),
      });
    });

  jobs
    .command('show')
    .description('one job: status, times, spec, progress, error and result')
    .argument('<id>', 'the job id (job_…)')
    .action(async (id: string, _o, cmd: Command) => {
      const job = await clientFor(cmd).jobs.get(id);
      if (wantsJson(cmd)) return printJson(job);
      printJob(job);
    });

  jobs
    .command('watch')
    .description('follow a job to its end with live progress; exit 1 when it fails or is cancelled')
    .argument('<id>', 'the job id (job_…)')
    .action(async (id: string, _o, cmd: Command) => {
      process.exitCode = reportFinishedJob(await followJob(cmd, id), wantsJson(cmd));
    });

  jobs
    .command('cancel')
    .description('ask a queued or running job to stop (a running fit keeps what it built)')
    .argument('<id>', 'the job id (job_…)')
    .option('--wait', 'wait for the job to end')
    .action(async (id: string, o: { wait?: boolean }, cmd: Command) => {
      const client = clientFor(cmd);
      let job = await client.jobs.cancel(id);
      if (o.wait) job = await client.jobs.wait(id, { pollMs: 250 });
      if (wantsJson(cmd)) return printJson(job);
      process.stdout.write(
        job.status === 'cancelled'
          ? `cancelled job ${job.id}\n`
          : isJobFinished(job)
            ? `job ${job.id} ended ${job.status}\n`
            : `asked job ${job.id} to stop; it is ${job.status} (lathe jobs watch ${job.id} follows it)\n`,
      );
    });
}

/** `rf churned ← churn@3`: what a job works on, in a table cell. */
function describeSpec(spec: unknown): string {
  if (typeof spec !== 'object' || spec === null) return '';
  const s = spec as Record<string, unknown>;
  if (typeof s['runId'] === 'string') return `run ${s['runId']}`;
  const parts = [s['model'], s['target'] !== undefined ? `${s['target']} ← ${s['data']}` : s['data']];
  return parts.filter((p) => typeof p === 'string' && p).join(' ');
}
