import { modelRefUrl } from '../models/model-links.js';
import { Link } from 'react-router-dom';
import type { DeploymentStatus, LatheClient } from '../../../../src/sdk/index.js';
import { PageHeader } from '../../components/Layout.js';
import { Alert, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatTime } from '../../format.js';
import { useApi } from '../../use-api.js';
import { deploymentUrl, graphSummary, StateBadge, servedVersions } from './serving-format.js';

const loadDeployments = (client: LatheClient) => client.serving.list();

/** `/serving`: every deployment with its state, revision, traffic split, versions served and fallback. */
export function DeploymentsListPage() {
  useTitle('Serving');
  const deployments = useApi(loadDeployments);
  return (
    <>
      <PageHeader
        title="Serving"
        description="Deployments: named endpoints that answer predictions, with canary splits, shadows and fallbacks."
        actions={
          <button type="button" className="btn" onClick={deployments.reload} disabled={deployments.loading}>
            Refresh
          </button>
        }
      />
      <Panel>
        {deployments.error && <Alert title="Could not load the deployments">{deployments.error}</Alert>}
        {deployments.loading && !deployments.data && <Loading label="Loading deployments…" />}
        {deployments.data && !deployments.error && <DeploymentsTable rows={deployments.data} />}
      </Panel>
    </>
  );
}

function EmptyState() {
  return (
    <div className="empty-state">
      <h2>No deployments yet</h2>
      <p className="muted">
        A deployment puts registered model versions behind an endpoint. Write a spec such as
      </p>
      <pre className="serving-spec-example">
        {`name: churn
models:
  - model: churn@champion
    traffic: 90
  - model: churn@challenger
    traffic: 10
fallback: churn@3`}
      </pre>
      <p className="muted">
        and apply it with <code>lathe deploy apply spec.yaml</code> (or <code>POST /api/v1/deployments</code>
        ). Predictions are then served at <code>POST /api/v1/endpoints/churn/predict</code>.
      </p>
    </div>
  );
}

function Routes({ d }: { d: DeploymentStatus }) {
  const graph = graphSummary(d.spec);
  if (graph) return <span className="mono small">{graph}</span>;
  return (
    <span className="serving-routes">
      {d.spec.models.map((m) => (
        <span
          key={m.model}
          className="tag"
          title={d.versions[m.model] ? `serves ${d.versions[m.model]}` : undefined}
        >
          {m.model} {m.traffic}%
        </span>
      ))}
      {d.spec.shadow.map((s) => (
        <span key={`shadow-${s.model}`} className="tag serving-shadow-tag" title="mirrored, never returned">
          shadow {s.model}
        </span>
      ))}
    </span>
  );
}

function DeploymentsTable({ rows }: { rows: DeploymentStatus[] }) {
  if (!rows.length) return <EmptyState />;
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Deployments">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">State</th>
            <th scope="col" className="num">
              Revision
            </th>
            <th scope="col">Routes</th>
            <th scope="col">Versions served</th>
            <th scope="col">Fallback</th>
            <th scope="col">Updated (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.name}>
              <td>
                <Link className="strong" to={deploymentUrl(d.name)}>
                  {d.name}
                </Link>
              </td>
              <td title={d.error ?? undefined}>
                <StateBadge deployment={d} />
              </td>
              <td className="num">{d.revision}</td>
              <td>
                <Routes d={d} />
              </td>
              <td>
                {servedVersions(d).map((v) => (
                  <Link key={v} className="serving-version-link mono" to={modelRefUrl(v)}>
                    {v}
                  </Link>
                ))}
              </td>
              <td className="mono">{d.spec.fallback ?? <span className="muted">none</span>}</td>
              <td className="nowrap" title={d.updatedAt}>
                {formatTime(d.updatedAt)} <span className="muted">by {d.updatedBy}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
