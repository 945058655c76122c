import { useCallback, useState } from 'react';
import { useParams } from 'react-router-dom';
import type { LatheClient } from '../../../../src/sdk/index.js';
import { Breadcrumbs, PageHeader } from '../../components/Layout.js';
import { Alert, Fact, Facts, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatMs, isoMs } from '../../format.js';
import { useSignedIn } from '../../session.js';
import { useApi } from '../../use-api.js';
import { AliasesPanel } from './AliasesPanel.js';
import { AuditTrail } from './AuditTrail.js';
import { ModelNotFound } from './ModelNotFound.js';
import { ValidationHistory } from './ValidationHistory.js';
import { VersionsTable } from './VersionsTable.js';

/** `/models/:name`: description and tags, aliases, versions and the audit trail of one model. */
export function ModelPage() {
  const name = useParams().name ?? '';
  useTitle(name);
  const { me } = useSignedIn();
  const canWrite = me.permissions.includes('write');
  const load = useCallback((client: LatheClient) => client.registry.getModel(name), [name]);
  const model = useApi(load);
  const [auditKey, setAuditKey] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);

  const onChanged = useCallback(
    (message: string) => {
      setNotice(message);
      model.reload();
      setAuditKey((k) => k + 1);
    },
    [model.reload],
  );

  if (model.errorCode === 'NOT_FOUND') return <ModelNotFound name={name} />;
  const m = model.data?.name === name ? model.data : undefined;

  return (
    <>
      <Breadcrumbs links={[['Models', '/models']]} current={name} />
      <PageHeader title={name} description={m ? m.description || 'No description.' : undefined} />
      {model.error && <Alert title="Could not load the model">{model.error}</Alert>}
      {!m && !model.error && <Loading label="Loading the model…" />}
      {notice && (
        <Alert kind="success">
          <span className="notice-row">
            {notice}
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setNotice(null)}>
              Dismiss
            </button>
          </span>
        </Alert>
      )}
      {m && (
        <>
          <Panel title="About">
            <Facts>
              <Fact label="Created (UTC)">
                <span title={isoMs(m.creationTimestamp)}>{formatMs(m.creationTimestamp)}</span>
              </Fact>
              <Fact label="Last updated (UTC)">
                <span title={isoMs(m.lastUpdatedTimestamp)}>{formatMs(m.lastUpdatedTimestamp)}</span>
              </Fact>
              <Fact label="Created by">{m.userId || '—'}</Fact>
              <Fact label="Versions">{m.versions.length}</Fact>
              <Fact label="Tags">
                {m.tags.length === 0 ? (
                  <span className="muted">none</span>
                ) : (
                  <ul className="tag-list" aria-label="Model tags">
                    {m.tags.map((t) => (
                      <li key={t.key} className="tag">
                        {t.key}={t.value}
                      </li>
                    ))}
                  </ul>
                )}
              </Fact>
              <Fact label="Reference">
                <code>
                  {m.aliases.some((a) => a.alias === 'champion') ? `${name}@champion` : `${name}@latest`}
                </code>
              </Fact>
            </Facts>
          </Panel>
          <AliasesPanel
            name={name}
            aliases={m.aliases}
            versions={m.versions.map((v) => v.version)}
            canWrite={canWrite}
            onChanged={onChanged}
          />
          <Panel title={`Versions (${m.versions.length})`}>
            <VersionsTable name={name} versions={m.versions} />
          </Panel>
          {m.versions.length > 0 && (
            <Panel title="Validation history">
              <ValidationHistory name={name} versions={m.versions.map((v) => v.version)} />
            </Panel>
          )}
        </>
      )}
      <Panel title="Audit trail">
        <AuditTrail key={`${name}#${auditKey}`} name={name} />
      </Panel>
    </>
  );
}
