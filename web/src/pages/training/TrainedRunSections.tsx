import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import {
  type Evaluation,
  type FeatureImportance,
  isJobFinished,
  type Job,
  type LatheClient,
  type Run,
} from '../../../../src/sdk/index.js';
import { Alert, Loading, Panel } from '../../components/ui.js';
import { errorMessage, useSignedIn } from '../../session.js';
import { useApi } from '../../use-api.js';
import { formatValue } from '../experiments/run-format.js';
import { EvaluationCharts, FeatureImportanceChart } from './EvaluationCharts.js';
import { ExplanationCharts } from './ExplanationCharts.js';
import { JobProgressBar } from './JobBits.js';
import { fetchJsonArtifact, jobUrl, orNotFound } from './training-api.js';

/** True when the run holds a Lathe model (the training job's tag, or a model/lathe-model.json artifact). */
function useIsTrained(run: Run): boolean {
  const tagged = run.data.tags.some((t) => t.key === 'lathe.model.family');
  const runId = run.info.runId;
  const load = useCallback(
    (client: LatheClient) =>
      tagged
        ? Promise.resolve(true)
        : client.tracking
            .listArtifacts(runId, 'model')
            .then((r) => r.files.some((f) => f.path.endsWith('lathe-model.json')))
            .catch(() => false),
    [tagged, runId],
  );
  return useApi(load).data ?? tagged;
}

/**
 * The run page's sections for a trained model: Evaluation (evaluation.json), Feature importance
 * (feature_importance.json) and Explanations (explanations.json, with an Explain button that starts
 * an `explain` job and reloads the charts when it has finished). Renders nothing for other runs.
 */
export function TrainedRunSections({ run }: { run: Run }) {
  return useIsTrained(run) ? <TrainedSections runId={run.info.runId} /> : null;
}

function TrainedSections({ runId }: { runId: string }) {
  const loadEvaluation = useCallback(
    (c: LatheClient) => fetchJsonArtifact<Evaluation>(c, runId, 'evaluation.json'),
    [runId],
  );
  const loadImportance = useCallback(
    (c: LatheClient) => fetchJsonArtifact<FeatureImportance>(c, runId, 'feature_importance.json'),
    [runId],
  );
  const evaluation = useApi(loadEvaluation);
  const importance = useApi(loadImportance);
  return (
    <>
      <Panel title="Evaluation">
        {evaluation.error && <Alert title="Could not load evaluation.json">{evaluation.error}</Alert>}
        {evaluation.loading && !evaluation.data && <Loading label="Loading the evaluation…" />}
        {evaluation.data === null && <p className="muted">This run has no evaluation.json.</p>}
        {evaluation.data && (
          <div className="evaluation">
            <p className="small muted">
              {evaluation.data.task} · {evaluation.data.rows.toLocaleString('en-US')} test rows
            </p>
            <MetricStrip metrics={evaluation.data.metrics} />
            <EvaluationCharts evaluation={evaluation.data} />
          </div>
        )}
      </Panel>
      {importance.data && importance.data.length > 0 && (
        <Panel title="Feature importance">
          <FeatureImportanceChart importance={importance.data} />
        </Panel>
      )}
      <ExplanationsSection runId={runId} />
    </>
  );
}

/** The evaluation's metric values in one row of facts (also a table for screen readers and tests). */
function MetricStrip({ metrics }: { metrics: Record<string, number> }) {
  const entries = Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b));
  return (
    <table className="metric-strip" aria-label="Evaluation metrics">
      <tbody>
        <tr>
          {entries.map(([k, v]) => (
            <td key={k}>
              <span className="metric-strip-name">{k}</span>
              <span className="metric-strip-value">{formatValue(v)}</span>
            </td>
          ))}
        </tr>
      </tbody>
    </table>
  );
}

function ExplanationsSection({ runId }: { runId: string }) {
  const { client, handleError } = useSignedIn();
  const load = useCallback((c: LatheClient) => orNotFound(c.training.explanations(runId)), [runId]);
  const explanations = useApi(load);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const { reload } = explanations;

  // Follows the explain job once a second; reloads explanations.json when it has succeeded.
  const jobId = job?.id;
  useEffect(() => {
    if (!jobId) return;
    const controller = new AbortController();
    client.jobs.wait(jobId, { onProgress: setJob, signal: controller.signal, pollMs: 1000 }).then(
      (j) => j.status === 'succeeded' && reload(),
      (err: unknown) => !controller.signal.aborted && !handleError(err) && setError(errorMessage(err)),
    );
    return () => controller.abort();
  }, [client, handleError, jobId, reload]);

  function explain() {
    setStarting(true);
    setError(null);
    client.training.explain({ runId }).then(
      (j) => {
        setStarting(false);
        setJob(j);
      },
      (err: unknown) => {
        setStarting(false);
        if (!handleError(err)) setError(errorMessage(err));
      },
    );
  }

  const running = job !== null && !isJobFinished(job);
  return (
    <Panel
      title="Explanations"
      actions={
        <button type="button" className="btn btn-sm" disabled={starting || running} onClick={explain}>
          {running ? 'Explaining…' : explanations.data ? 'Explain again' : 'Explain'}
        </button>
      }
    >
      {error && <Alert title="Could not start the explanation">{error}</Alert>}
      {job && running && <JobProgressBar job={job} />}
      {job?.status === 'failed' && (
        <Alert title="The explanation failed">
          {job.error?.message} <Link to={jobUrl(job.id)}>Open the job</Link>.
        </Alert>
      )}
      {explanations.error && <Alert title="Could not load explanations.json">{explanations.error}</Alert>}
      {explanations.data === null && !running && (
        <p className="muted">
          No explanations yet. <strong>Explain</strong> computes SHAP values for up to 500 rows (exact
          TreeSHAP for tree models), the global importance and per-row waterfalls.
        </p>
      )}
      {explanations.data && (
        <>
          <p className="small muted">
            Method {explanations.data.method} · {explanations.data.features.length} features ·{' '}
            {explanations.data.rows.length} rows with waterfalls
          </p>
          <ExplanationCharts explanations={explanations.data} />
        </>
      )}
    </Panel>
  );
}
