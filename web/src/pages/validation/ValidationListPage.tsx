import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import {
  isJobFinished,
  type Job,
  type LatheClient,
  splitRef,
  type ValidateResult,
  type ValidateSpec,
} from '../../../../src/sdk/index.js';
import { PageHeader } from '../../components/Layout.js';
import { Alert, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatTime } from '../../format.js';
import { useApi } from '../../use-api.js';
import { JobStatusBadge } from '../training/JobBits.js';
import { jobDuration, jobUrl, shortJobId } from '../training/training-api.js';
import { reportUrl, ValidationBadge } from './validation-format.js';

/** The report page of a finished validation. */
function reportOf(job: Job<ValidateSpec, ValidateResult>): string | null {
  const model = job.result?.report.model;
  if (!model) return null;
  const [name, version] = splitRef(model);
  return reportUrl(name, Number(version), job.id);
}

/** `/validation`: validation runs of every model, newest first, with their outcome and report. */
export function ValidationListPage() {
  useTitle('Validation');
  const load = useCallback(
    (client: LatheClient) =>
      client.jobs.list({ kind: 'validate', limit: 200 }) as Promise<Job<ValidateSpec, ValidateResult>[]>,
    [],
  );
  // While something runs, the list follows it (every two seconds).
  const [active, setActive] = useState(false);
  const jobs = useApi(load, { everyMs: active ? 2000 : undefined });
  const running = jobs.data?.some((j) => !isJobFinished(j)) ?? false;
  useEffect(() => setActive(running), [running]);

  return (
    <>
      <PageHeader
        title="Validation"
        description="Suites of checks run on model versions before launch; each report is stored with its version, and registry gates read the outcome."
      />
      <Panel>
        {jobs.error && <Alert title="Could not load the validations">{jobs.error}</Alert>}
        {jobs.loading && !jobs.data && <Loading label="Loading validations…" />}
        {jobs.data && jobs.data.length === 0 && (
          <div className="empty-state">
            <h2>No validation yet</h2>
            <p className="muted">
              Run one with <code>lathe validate --model NAME@VERSION --test DATASET@V</code>, or the API (
              <code>POST /api/v1/jobs</code> with kind <code>validate</code>).
            </p>
          </div>
        )}
        {jobs.data && jobs.data.length > 0 && (
          <div className="table-wrap">
            <table className="table" aria-label="Validations">
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">Model</th>
                  <th scope="col">Test data</th>
                  <th scope="col">Job status</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Checks</th>
                  <th scope="col">Created (UTC)</th>
                  <th scope="col">Duration</th>
                </tr>
              </thead>
              <tbody>
                {jobs.data.map((j) => {
                  const report = j.result?.report;
                  const url = reportOf(j);
                  return (
                    <tr key={j.id}>
                      <td>
                        <Link className="mono strong" to={jobUrl(j.id)}>
                          {shortJobId(j.id)}
                        </Link>
                      </td>
                      <td className="mono">{report?.model ?? j.spec.model}</td>
                      <td className="mono">{report?.test ?? j.spec.test}</td>
                      <td>
                        <JobStatusBadge status={j.status} />
                      </td>
                      <td>{report ? <ValidationBadge status={report.status} /> : '—'}</td>
                      <td>
                        {url ? (
                          <Link to={url}>
                            {report!.results.length} checks: {report!.counts.fail} failed,{' '}
                            {report!.counts.warn} warned
                            {report!.counts.error ? `, ${report!.counts.error} could not run` : ''}
                          </Link>
                        ) : (
                          (j.error?.message ?? '—')
                        )}
                      </td>
                      <td className="nowrap" title={j.createdAt}>
                        {formatTime(j.createdAt)}
                      </td>
                      <td className="nowrap">{jobDuration(j)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </>
  );
}
