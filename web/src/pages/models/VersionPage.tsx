import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { LatheClient, Run } from '../../../../src/sdk/index.js';
import { Breadcrumbs, PageHeader } from '../../components/Layout.js';
import { Alert, CopyButton, Fact, Facts, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatMs, isoMs } from '../../format.js';
import { useSignedIn } from '../../session.js';
import { useApi } from '../../use-api.js';
import { AliasBadges, StageLabel } from './AliasBadge.js';
import { LineageGraph } from './LineageGraph.js';
import { ModelNotFound } from './ModelNotFound.js';
import { modelUrl } from './model-links.js';
import { PackageSections } from './PackagePanel.js';
import { RunLink } from './RunLink.js';
import { StageControl } from './StageControl.js';
import { ValidationPanel } from './ValidationPanel.js';

/** The version, its lineage, and its run when the run can be read (for the link and its name). */
async function loadVersion(client: LatheClient, name: string, version: number) {
  const [mv, lineage] = await Promise.all([
    client.registry.getVersion(name, version),
    client.registry.lineage(name, version),
  ]);
  let run: Run | null = null;
  if (mv.runId) run = await client.tracking.getRun(mv.runId).catch(() => null);
  return { mv, lineage, run };
}

/**
 * `/models/:name/versions/:version`: details, tags, aliases, the model package (flavor, signature,
 * input example, a try-it form), the lineage graph and the stage of a version.
 */
export function VersionPage() {
  const params = useParams();
  const name = params.name ?? '';
  const version = Number(params.version);
  const valid = Number.isInteger(version) && version > 0;
  useTitle(`${name} v${params.version}`);
  const { me } = useSignedIn();
  const load = useCallback(
    (client: LatheClient) =>
      valid ? loadVersion(client, name, version) : Promise.reject(new Error('not a version number')),
    [name, version, valid],
  );
  const data = useApi(load);
  const [notice, setNotice] = useState<string | null>(null);

  if (!valid || data.errorCode === 'NOT_FOUND')
    return <ModelNotFound name={name} version={valid ? version : undefined} />;
  const current =
    data.data && data.data.mv.name === name && data.data.mv.version === version ? data.data : null;
  const mv = current?.mv;
  const ref = `${name}@${version}`;

  return (
    <>
      <Breadcrumbs
        links={[
          ['Models', '/models'],
          [name, modelUrl(name)],
        ]}
        current={`Version ${version}`}
      />
      <PageHeader
        title={`${name} · version ${version}`}
        description={mv ? mv.description || 'No description.' : undefined}
      />
      {data.error && <Alert title="Could not load the version">{data.error}</Alert>}
      {!current && !data.error && <Loading label="Loading the version…" />}
      {notice && <Alert kind="success">{notice}</Alert>}
      {current && mv && (
        <>
          <Panel title="Details">
            <Facts>
              <Fact label="Reference">
                <span className="ref-row">
                  <code>{ref}</code>
                  <CopyButton text={ref} label="Copy reference" />
                </span>
              </Fact>
              <Fact label="Stage">
                <StageLabel stage={mv.currentStage} />
              </Fact>
              <Fact label="Status">
                {mv.status}
                {mv.statusMessage ? ` (${mv.statusMessage})` : ''}
              </Fact>
              <Fact label="Aliases">
                <AliasBadges aliases={mv.aliases} />
              </Fact>
              <Fact label="Source">
                <code className="models-source-full">{mv.source}</code>
              </Fact>
              <Fact label="Run">
                <RunLink runId={mv.runId} experimentId={current.run ? current.run.info.experimentId : null} />
                {current.run?.info.runName && <span className="muted"> {current.run.info.runName}</span>}
              </Fact>
              <Fact label="Created (UTC)">
                <span title={isoMs(mv.creationTimestamp)}>{formatMs(mv.creationTimestamp)}</span>
              </Fact>
              <Fact label="Last updated (UTC)">
                <span title={isoMs(mv.lastUpdatedTimestamp)}>{formatMs(mv.lastUpdatedTimestamp)}</span>
              </Fact>
              <Fact label="Created by">{mv.userId || '—'}</Fact>
              <Fact label="Tags">
                {mv.tags.length === 0 ? (
                  <span className="muted">none</span>
                ) : (
                  <ul className="tag-list" aria-label="Version tags">
                    {mv.tags.map((t) => (
                      <li key={t.key} className="tag">
                        {t.key}={t.value}
                      </li>
                    ))}
                  </ul>
                )}
              </Fact>
            </Facts>
          </Panel>
          <PackageSections key={ref} name={name} version={version} />
          <ValidationPanel key={`validation:${ref}`} name={name} version={version} />
          <Panel title="Lineage">
            <LineageGraph lineage={current.lineage} run={current.run} />
          </Panel>
          <Panel title="Stage (legacy)">
            <p className="muted small">
              MLflow's stages, for clients that still use them. New work should promote with aliases on the{' '}
              <Link to={modelUrl(name)}>model page</Link>.
            </p>
            {me.permissions.includes('write') ? (
              <StageControl
                key={`${mv.version}:${mv.currentStage}`}
                version={mv}
                onChanged={(message) => {
                  setNotice(message);
                  data.reload();
                }}
              />
            ) : (
              <p className="muted small">Changing the stage needs the write permission.</p>
            )}
          </Panel>
        </>
      )}
    </>
  );
}
