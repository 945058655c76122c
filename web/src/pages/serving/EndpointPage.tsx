import { modelRefUrl } from '../models/model-links.js';
import { useCallback } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { DeploymentStatus, LatheClient } from '../../../../src/sdk/index.js';
import { Breadcrumbs, PageHeader } from '../../components/Layout.js';
import { Alert, Fact, Facts, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatTime } from '../../format.js';
import { CanaryControls } from './CanaryControls.js';
import { RevisionsTable, ShadowTable } from './EndpointTables.js';
import { LiveCharts } from './LiveCharts.js';
import { RequestTester } from './RequestTester.js';
import { RoutingDiagram } from './RoutingDiagram.js';
import { StateBadge, servedVersions } from './serving-format.js';
import { useAction } from './use-action.js';
import { useApi } from '../../use-api.js';

/** How often the page refreshes the deployment and its live traffic, in ms. */
const refreshMs = 2000;
/** Seconds of live traffic the charts show. */
const liveSeconds = 120;

/** The version the request tester reads its example from: the first route's, else any the endpoint serves. */
function primaryVersion(d: DeploymentStatus): string | null {
  const first = d.spec.models[0]?.model;
  return (first && d.versions[first]) || servedVersions(d)[0] || null;
}

/**
 * `/serving/:name`: one deployment's endpoint — state, routing diagram, live traffic refreshed every
 * two seconds, canary controls, the request tester, the shadow report and the revisions.
 */
export function EndpointPage() {
  const { name = '' } = useParams();
  useTitle(name);
  const loadDeployment = useCallback((client: LatheClient) => client.serving.get(name), [name]);
  const loadRevisions = useCallback((client: LatheClient) => client.serving.revisions(name), [name]);
  const loadLive = useCallback((client: LatheClient) => client.serving.live(name, liveSeconds), [name]);
  const deployment = useApi(loadDeployment, { everyMs: refreshMs });
  const revisions = useApi(loadRevisions, { everyMs: 10_000 });
  const live = useApi(deployment.data ? loadLive : null, { everyMs: refreshMs });
  const hasShadow = Boolean(deployment.data?.spec.shadow.length);
  const loadShadow = useCallback((client: LatheClient) => client.serving.shadow(name), [name]);
  const shadow = useApi(hasShadow ? loadShadow : null, { everyMs: refreshMs });

  const { reload: reloadDeployment } = deployment;
  const { reload: reloadRevisions } = revisions;
  const onChanged = useCallback(() => {
    reloadDeployment();
    reloadRevisions();
  }, [reloadDeployment, reloadRevisions]);
  const action = useAction(onChanged);

  const d = deployment.data?.name === name ? deployment.data : undefined;
  if (!d) {
    return (
      <>
        <Breadcrumbs links={[['Serving', '/serving']]} current={name} />
        <PageHeader title={name} />
        {deployment.error ? (
          <Alert title={`Could not load deployment ${name}`}>
            {deployment.error} <Link to="/serving">All deployments</Link>
          </Alert>
        ) : (
          <Loading label="Loading the deployment…" />
        )}
      </>
    );
  }

  return (
    <>
      <Breadcrumbs links={[['Serving', '/serving']]} current={name} />
      <PageHeader
        title={name}
        description={d.spec.description || `Endpoint POST /api/v1/endpoints/${name}/predict`}
      />
      {deployment.error && (
        <Alert kind="warning" title="The page could not refresh">
          {deployment.error}
        </Alert>
      )}
      {d.state === 'failed' && (
        <Alert title="This endpoint is not serving">{d.error ?? 'its models failed to load'}</Alert>
      )}
      <Panel title="Endpoint">
        <Facts>
          <Fact label="State">
            <span className="serving-state">
              <StateBadge deployment={d} />
            </span>
          </Fact>
          <Fact label="Revision">
            <span data-testid="revision">{d.revision}</span>
          </Fact>
          <Fact label="Versions served">
            {servedVersions(d).map((v) => (
              <Link key={v} className="serving-version-link mono" to={modelRefUrl(v)}>
                {v}
              </Link>
            ))}
          </Fact>
          <Fact label="Fallback">{d.spec.fallback ?? 'none'}</Fact>
          <Fact label="Latency budget">
            {d.spec.latencyBudgetMs === null ? 'none' : `${d.spec.latencyBudgetMs} ms`}
          </Fact>
          <Fact label="Batching">
            up to {d.spec.batching.maxBatchSize} rows, {d.spec.batching.maxWaitMs} ms wait
          </Fact>
          <Fact label="In flight">{d.inFlight}</Fact>
          {d.pending && <Fact label="Loading">{d.pending}</Fact>}
          <Fact label="Updated (UTC)">
            {formatTime(d.updatedAt)} by {d.updatedBy}
          </Fact>
        </Facts>
      </Panel>
      <Panel title="Routing">
        <RoutingDiagram deployment={d} />
      </Panel>
      <Panel
        title="Live traffic"
        actions={
          <span className="muted small">
            last {liveSeconds} s, refreshed every {refreshMs / 1000} s
          </span>
        }
      >
        {live.error && <Alert title="Could not load the live traffic">{live.error}</Alert>}
        {live.data ? (
          <LiveCharts points={live.data.points} log={live.data.log} />
        ) : (
          !live.error && <Loading />
        )}
      </Panel>
      <div className="serving-grid">
        <Panel title="Canary controls" className="serving-canary">
          <CanaryControls key={d.revision} deployment={d} action={action} />
        </Panel>
        <Panel title="Request tester" className="serving-tester">
          <RequestTester name={name} primary={primaryVersion(d)} />
        </Panel>
      </div>
      {hasShadow && (
        <Panel title="Shadow report">
          <p className="muted small">
            Shadow models see a copy of the requests; their answers are compared with those returned, never
            returned themselves. Counts since this server started.
          </p>
          {shadow.error && <Alert title="Could not load the shadow report">{shadow.error}</Alert>}
          {shadow.data ? <ShadowTable shadows={shadow.data} /> : !shadow.error && <Loading />}
        </Panel>
      )}
      <Panel title="Revisions">
        {revisions.error && <Alert title="Could not load the revisions">{revisions.error}</Alert>}
        {revisions.data && (
          <RevisionsTable name={name} revisions={revisions.data} current={d.revision} action={action} />
        )}
        {action.error && <Alert title="The server refused the change">{action.error}</Alert>}
      </Panel>
      <Panel title="Spec">
        <details>
          <summary>The applied spec (revision {d.revision})</summary>
          <pre className="serving-spec-example">{JSON.stringify(d.spec, null, 2)}</pre>
        </details>
      </Panel>
    </>
  );
}
