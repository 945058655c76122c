import { useCallback } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { LatheClient, ValidationCheckResult, ValidationReport } from '../../../../src/sdk/index.js';
import { Breadcrumbs, PageHeader } from '../../components/Layout.js';
import { Alert, Fact, Facts, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatTime } from '../../format.js';
import { useApi } from '../../use-api.js';
import { modelUrl, versionUrl } from '../models/model-links.js';
import { CheckChart } from './CheckChart.js';
import { CheckTableView } from './CheckTableView.js';
import { formatMeasured, formatThreshold, parseRunsUri, ValidationBadge } from './validation-format.js';
import { jobUrl } from '../training/training-api.js';

type CheckRow = ValidationCheckResult & { required?: boolean };

/** Loads the report a validation job stored: found by job in the version's validations, fetched from its run. */
async function loadReport(client: LatheClient, ref: string, job: string) {
  const validations = await client.registry.validations(ref);
  const validation = validations.find((v) => v.job === job) ?? null;
  if (!validation) return { key: `${ref}#${job}`, validation, report: null };
  const at = validation.report ? parseRunsUri(validation.report) : null;
  if (!at) return { key: `${ref}#${job}`, validation, report: null };
  const blob = await client.tracking.fetchArtifact(at.runId, at.path);
  const report = JSON.parse(await blob.text()) as ValidationReport;
  return { key: `${ref}#${job}`, validation, report };
}

/** `pass 3 · warn 1 · fail 0 …`: the report's counts, zeros left out. */
function Counts({ counts }: { counts: ValidationReport['counts'] }) {
  const parts = Object.entries(counts).filter(([, n]) => n > 0);
  if (!parts.length) return <span className="muted">no checks</span>;
  return (
    <span className="report-counts">
      {parts.map(([status, n]) => (
        <span key={status}>
          <ValidationBadge status={status} /> {n}
        </span>
      ))}
    </span>
  );
}

function SummaryTable({ results }: { results: CheckRow[] }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Checks summary">
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Status</th>
            <th scope="col">Measure</th>
            <th scope="col" className="num">
              Value
            </th>
            <th scope="col">Threshold</th>
            <th scope="col" className="num">
              Seconds
            </th>
          </tr>
        </thead>
        <tbody>
          {results.map((r) => (
            <tr key={r.check}>
              <td>
                <a href={`#check-${r.check}`}>{r.title}</a>
                {r.required === false && <span className="muted small"> (optional)</span>}
              </td>
              <td>
                <ValidationBadge status={r.status} />
              </td>
              <td className="small">{r.measure}</td>
              <td className="num mono">{formatMeasured(r.value)}</td>
              <td className="small nowrap">{formatThreshold(r.threshold)}</td>
              <td className="num">{r.seconds.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One check: status, message, value against threshold, sample, tables and charts. */
function CheckSection({ result: r }: { result: CheckRow }) {
  return (
    <Panel
      title={
        <span id={`check-${r.check}`} className="check-heading">
          {r.title} <ValidationBadge status={r.status} />
        </span>
      }
      className="check-section"
    >
      <p className="check-message">{r.message}</p>
      <Facts>
        <Fact label="Check">
          <code>{r.check}</code>
          {r.required === false ? ' (optional)' : ''}
        </Fact>
        <Fact label="Measure">{r.measure || '—'}</Fact>
        <Fact label="Value">{formatMeasured(r.value)}</Fact>
        <Fact label="Threshold">{formatThreshold(r.threshold)}</Fact>
        {r.sample && (
          <Fact label="Sample">
            {r.sample.rows.toLocaleString('en-US')} of {r.sample.of.toLocaleString('en-US')} rows
          </Fact>
        )}
      </Facts>
      {r.tables.map((t) => (
        <CheckTableView key={t.title} table={t} />
      ))}
      {r.charts.length > 0 && (
        <div className="check-charts">
          {r.charts.map((c) => (
            <CheckChart key={c.title} chart={c} />
          ))}
        </div>
      )}
    </Panel>
  );
}

/**
 * `/models/:name/versions/:version/validations/:job`: the report a validation job stored with the
 * version: its header, a summary of the checks, then each check with its tables and charts.
 */
export function ReportPage() {
  const params = useParams();
  const name = params.name ?? '';
  const version = Number(params.version);
  const job = params.job ?? '';
  const ref = `${name}@${version}`;
  useTitle(`${ref} validation`);
  const load = useCallback((client: LatheClient) => loadReport(client, ref, job), [ref, job]);
  const data = useApi(load);
  const current = data.data?.key === `${ref}#${job}` ? data.data : null;
  const report = current?.report ?? null;

  return (
    <>
      <Breadcrumbs
        links={[
          ['Models', '/models'],
          [name, modelUrl(name)],
          [`Version ${version}`, versionUrl(name, version)],
        ]}
        current={`Validation ${job}`}
      />
      <PageHeader
        title={`Validation of ${ref}`}
        description={report ? `Suite ${report.suite} on ${report.test}` : undefined}
      />
      {data.error && <Alert title="Could not load the validation report">{data.error}</Alert>}
      {!current && !data.error && <Loading label="Loading the report…" />}
      {current && !current.validation && (
        <Alert kind="info" title="No such validation">
          {ref} has no validation by job <code>{job}</code>. See the{' '}
          <Link to={versionUrl(name, version)}>version page</Link> for its validations.
        </Alert>
      )}
      {current?.validation && !report && (
        <Alert kind="info" title="No report stored">
          Validation {job} ({current.validation.suite}, {current.validation.status}) stored no report: the
          version has no run to keep it on. The job's own page may still hold its result:{' '}
          <Link to={jobUrl(job)}>{job}</Link>.
        </Alert>
      )}
      {report && (
        <>
          <Panel title="Summary" className="report-summary">
            <Facts>
              <Fact label="Status">
                <ValidationBadge status={report.status} />
              </Fact>
              <Fact label="Model">
                <code>{report.model}</code>
              </Fact>
              <Fact label="Baseline">
                {report.baseline ? <code>{report.baseline}</code> : <span className="muted">none</span>}
              </Fact>
              <Fact label="Test data">
                <code>{report.test}</code>
              </Fact>
              <Fact label="Training data">
                {report.train ? <code>{report.train}</code> : <span className="muted">none</span>}
              </Fact>
              {report.production ? (
                <Fact label="Production sample">
                  <code>{report.production}</code>
                </Fact>
              ) : null}
              <Fact label="Suite">{report.suite}</Fact>
              <Fact label="Task">{report.task}</Fact>
              <Fact label="Started (UTC)">
                <span title={report.startedAt}>{formatTime(report.startedAt)}</span>
              </Fact>
              <Fact label="Took">{report.seconds.toFixed(1)} s</Fact>
              <Fact label="Checks">
                <Counts counts={report.counts} />
              </Fact>
            </Facts>
            <SummaryTable results={report.results} />
          </Panel>
          {report.results.map((r) => (
            <CheckSection key={r.check} result={r} />
          ))}
        </>
      )}
    </>
  );
}
