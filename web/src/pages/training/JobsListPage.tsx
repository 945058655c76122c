import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { isJobFinished, type Job, type JobStatus, type LatheClient } from '../../../../src/sdk/index.js';
import { PageHeader } from '../../components/Layout.js';
import { Alert, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatTime } from '../../format.js';
import { useApi } from '../../use-api.js';
import { JobProgressBar, JobStatusBadge } from './JobBits.js';
import { jobKinds, jobDuration, jobStatuses, jobSummary, jobUrl, shortJobId } from './training-api.js';

/** `/training`: training, tuning, AutoML and explanation jobs, newest first, filtered by kind and status. */
export function JobsListPage() {
  useTitle('Training');
  const [params, setParams] = useSearchParams();
  const kind = params.get('kind') ?? '';
  const status = params.get('status') ?? '';
  const load = useCallback(
    (client: LatheClient) =>
      client.jobs.list({
        kind: kind || undefined,
        status: (status || undefined) as JobStatus | undefined,
        limit: 200,
      }),
    [kind, status],
  );
  // While something runs, the list follows it (every two seconds).
  const [active, setActive] = useState(false);
  const jobs = useApi(load, { everyMs: active ? 2000 : undefined });
  const running = jobs.data?.some((j) => !isJobFinished(j)) ?? false;
  useEffect(() => setActive(running), [running]);

  function update(key: 'kind' | 'status', value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  }

  return (
    <>
      <PageHeader
        title="Training"
        description="Train, tune and AutoML jobs: each fits models on a dataset version and records them as runs."
        actions={
          <Link className="btn btn-primary" to="/training/new">
            New training
          </Link>
        }
      />
      <Panel>
        <div className="form form-inline training-filters">
          <label className="field">
            <span className="field-label">Kind</span>
            <select value={kind} onChange={(e) => update('kind', e.target.value)}>
              <option value="">All kinds</option>
              {jobKinds.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Status</span>
            <select value={status} onChange={(e) => update('status', e.target.value)}>
              <option value="">All statuses</option>
              {jobStatuses.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        </div>
        {jobs.error && <Alert title="Could not load the jobs">{jobs.error}</Alert>}
        {jobs.loading && !jobs.data && <Loading label="Loading jobs…" />}
        {jobs.data && jobs.data.length === 0 && (
          <div className="empty-state">
            <h2>{kind || status ? 'No job matches these filters' : 'No training jobs yet'}</h2>
            {!kind && !status && (
              <p className="muted">
                Start one with <Link to="/training/new">New training</Link>, the CLI (
                <code>lathe train --data NAME@V --target COL --model rf</code>) or the API (
                <code>POST /api/v1/jobs</code>).
              </p>
            )}
          </div>
        )}
        {jobs.data && jobs.data.length > 0 && <JobsTable jobs={jobs.data} />}
      </Panel>
    </>
  );
}

function JobsTable({ jobs }: { jobs: Job[] }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Jobs">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">What</th>
            <th scope="col">Started by</th>
            <th scope="col">Created (UTC)</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.id}>
              <td>
                <Link className="mono strong" to={jobUrl(j.id)}>
                  {shortJobId(j.id)}
                </Link>
              </td>
              <td>
                <span className="badge">{j.kind}</span>
              </td>
              <td className="job-status-cell">
                <JobStatusBadge status={j.status} />
                {j.status === 'running' && <JobProgressBar job={j} compact />}
              </td>
              <td>
                {jobSummary(j)}
                {j.error && (
                  <div className="small job-error-line" title={j.error.message}>
                    {j.error.message}
                  </div>
                )}
              </td>
              <td>{j.createdBy || '—'}</td>
              <td className="nowrap" title={j.createdAt}>
                {formatTime(j.createdAt)}
              </td>
              <td className="nowrap">{jobDuration(j)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
