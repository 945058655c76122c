import { useCallback } from 'react';
import { Link, Navigate, useParams } from 'react-router-dom';
import type { LatheClient } from '../../../../src/sdk/index.js';
import { PageHeader } from '../../components/Layout.js';
import { Alert, Loading } from '../../components/ui.js';
import { useApi } from '../../use-api.js';
import { runUrl } from '../experiments/run-format.js';

/** `/training/runs/:runId`: finds the run's experiment and opens its run page (job results name runs only). */
export function RunRedirect() {
  const { runId = '' } = useParams();
  const load = useCallback((client: LatheClient) => client.tracking.getRun(runId), [runId]);
  const run = useApi(load);
  if (run.data) return <Navigate to={runUrl(run.data.info.experimentId, runId)} replace />;
  if (run.error)
    return (
      <>
        <PageHeader title="Run not found" />
        <Alert title="Could not open the run">
          {run.error} <Link to="/training">Back to the jobs</Link>.
        </Alert>
      </>
    );
  return <Loading label="Opening the run…" />;
}
