import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  type AutomlResult,
  type BatchPredictResult,
  isJobFinished,
  type Job,
  type TrainResult,
  splitRef,
  type TuneResult,
} from '../../../../src/sdk/index.js';
import { PageHeader } from '../../components/Layout.js';
import { Alert, CopyButton, Fact, Facts, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatTime } from '../../format.js';
import { errorMessage, useSignedIn } from '../../session.js';
import { JobProgressBar, JobStatusBadge } from './JobBits.js';
import { LiveMetricChart } from './LiveMetricChart.js';
import { SearchResultView } from './SearchResult.js';
import { TrainResultView } from './TrainResult.js';
import { jobDuration, jobSummary, shortJobId, trainingRunUrl } from './training-api.js';
import { useJob } from './use-job.js';
import { RefLink } from '../data/RefLink.js';
import { versionUrl } from '../models/model-links.js';

/**
 * `/training/jobs/:id`: one job, live. While it runs: its phase, a progress bar with done/total and
 * ETA, the validation metric by iteration, and Cancel. When it has finished: its result (metrics,
 * cross-validation, excluded columns, links to the run and the registered version; a leaderboard
 * and a trials chart for tuning and AutoML) or its error.
 */
export function JobPage() {
  const { id = '' } = useParams();
  const { client, handleError } = useSignedIn();
  const watched = useJob(id);
  const { job, points } = watched;
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
  useTitle(job ? `${job.kind} job ${shortJobId(job.id)}` : 'Job');

  const crumbs = (
    <nav className="breadcrumbs" aria-label="Breadcrumbs">
      <Link to="/training">Training</Link>
      <span aria-hidden="true">/</span>
      <span aria-current="page">Job {shortJobId(id)}</span>
    </nav>
  );
  if (!job) {
    return (
      <>
        {crumbs}
        {watched.error ? (
          <>
            <PageHeader title={watched.errorCode === 'NOT_FOUND' ? 'Job not found' : 'Job'} />
            <Alert title={watched.errorCode === 'NOT_FOUND' ? 'No such job' : 'Could not load the job'}>
              {watched.error} <Link to="/training">Back to the jobs</Link>.
            </Alert>
          </>
        ) : (
          <Loading label="Loading job…" />
        )}
      </>
    );
  }

  function cancel() {
    setCancelling(true);
    setCancelError(null);
    client.jobs.cancel(id).then(
      (j) => {
        watched.update(j);
        setCancelling(false);
      },
      (err: unknown) => {
        setCancelling(false);
        if (!handleError(err)) setCancelError(errorMessage(err));
      },
    );
  }

  const finished = isJobFinished(job);
  return (
    <>
      {crumbs}
      <PageHeader
        title={`${job.kind[0]?.toUpperCase()}${job.kind.slice(1)} job ${shortJobId(job.id)}`}
        description={jobSummary(job)}
        actions={
          <div className="job-actions">
            <JobStatusBadge status={job.status} />
            {!finished && (
              <button type="button" className="btn btn-danger-ghost" disabled={cancelling} onClick={cancel}>
                {cancelling ? 'Cancelling…' : 'Cancel'}
              </button>
            )}
          </div>
        }
      />
      {cancelError && <Alert title="Could not cancel the job">{cancelError}</Alert>}
      {watched.error && <Alert kind="warning">Lost touch with the server: {watched.error}. Retrying…</Alert>}
      <Panel>
        <Facts>
          <Fact label="Status">
            <JobStatusBadge status={job.status} />
          </Fact>
          <Fact label="Kind">{job.kind}</Fact>
          <Fact label="Started by">{job.createdBy || '—'}</Fact>
          <Fact label="Created (UTC)">{formatTime(job.createdAt)}</Fact>
          <Fact label="Ended (UTC)">{formatTime(job.endedAt)}</Fact>
          <Fact label="Duration">{jobDuration(job)}</Fact>
          <Fact label="Job ID">
            <span className="ref-row">
              <span className="mono">{job.id}</span>
              <CopyButton text={job.id} label="Copy job ID" />
            </span>
          </Fact>
        </Facts>
      </Panel>
      {!finished && (
        <Panel
          title="Progress"
          actions={
            <span className="small muted">{watched.mode === 'poll' ? 'checked every second' : 'live'}</span>
          }
        >
          <JobProgressBar job={job} />
        </Panel>
      )}
      {job.status === 'failed' && job.error && (
        <Alert title={`The job failed (${job.error.code})`}>{job.error.message}</Alert>
      )}
      {job.status === 'cancelled' && (
        <Alert kind="warning" title="The job was cancelled">
          {job.error?.message ?? 'It stopped before it finished.'}
        </Alert>
      )}
      {(points.length > 0 || (!finished && job.kind === 'train')) && (
        <Panel title={job.kind === 'train' ? 'Validation metric by iteration' : 'Best score by trial'}>
          {points.length > 0 ? (
            <LiveMetricChart points={points} xName={job.kind === 'train' ? 'iteration' : 'trial'} />
          ) : (
            <p className="muted">The metric appears here once the model reports its first iterations.</p>
          )}
        </Panel>
      )}
      {job.status === 'succeeded' && <JobResult job={job} watched={points.length > 0} />}
      <SpecPanel job={job} />
    </>
  );
}

function JobResult({ job, watched }: { job: Job; watched: boolean }) {
  if (job.kind === 'train') return <TrainResultView result={job.result as TrainResult} watched={watched} />;
  if (job.kind === 'tune' || job.kind === 'automl') {
    const { model } = job.spec as { model?: unknown };
    return (
      <SearchResultView
        kind={job.kind}
        result={job.result as TuneResult | AutomlResult}
        model={typeof model === 'string' ? model : undefined}
      />
    );
  }
  if (job.kind === 'predict') return <PredictResultView result={job.result as BatchPredictResult} />;
  const r = job.result as { runId?: string; method?: string; rows?: number } | null;
  return (
    <Panel title="Result">
      {r?.runId ? (
        <p>
          Explanations ({r.method ?? 'auto'}, {r.rows ?? '?'} rows) were written to the run.{' '}
          <Link to={trainingRunUrl(r.runId)}>Open the run</Link>.
        </p>
      ) : (
        <pre className="code-block">{JSON.stringify(job.result, null, 2)}</pre>
      )}
    </Panel>
  );
}

function PredictResultView({ result: r }: { result: BatchPredictResult }) {
  const [model, version] = splitRef(r.model);
  return (
    <Panel title="Result">
      <p>
        Wrote {r.rows.toLocaleString('en-US')} predictions of{' '}
        <Link to={versionUrl(model, Number(version))}>{r.model}</Link> on <RefLink dataRef={r.data} /> to{' '}
        <RefLink dataRef={r.output} /> in {r.seconds.toFixed(1)} s ({r.rowsPerSecond.toLocaleString('en-US')}{' '}
        rows/s)
        {r.resumedChunks > 0
          ? `, going on from ${r.resumedChunks} of ${r.chunks} chunks an interrupted run had written`
          : ''}
        .
      </p>
      <p className="muted">
        Reading and predicting {r.timings.scoring.toFixed(1)} s, joining to the input{' '}
        {r.timings.joining.toFixed(1)} s, storing the version {r.timings.storing.toFixed(1)} s.
      </p>
    </Panel>
  );
}

function SpecPanel({ job }: { job: Job }) {
  return (
    <Panel title="Spec">
      <details>
        <summary className="small">What was asked (as the server validated it)</summary>
        <pre className="code-block">{JSON.stringify(job.spec, null, 2)}</pre>
      </details>
    </Panel>
  );
}
