import { useCallback, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import type {
  DatasetVersion,
  DatasetVersionDetails,
  DatasetVersionLineage,
  LatheClient,
} from '../../../../src/sdk/index.js';
import { Breadcrumbs, PageHeader } from '../../components/Layout.js';
import { Alert, CopyButton, Fact, Facts, Loading, Panel, useTitle } from '../../components/ui.js';
import { formatTime } from '../../format.js';
import { errorMessage, useSignedIn } from '../../session.js';
import { useApi } from '../../use-api.js';
import { formatBytes } from '../experiments/run-format.js';
import { ChecksPanel } from './ChecksPanel.js';
import { CorrelationsPanel } from './CorrelationsPanel.js';
import { DatasetLineage, lineageDepth } from './DatasetLineage.js';
import { DatasetNotFound } from './DatasetNotFound.js';
import { datasetUrl, diffUrl, formatCount, sourceLabel } from './data-format.js';
import { ParentRefs } from './RefLink.js';
import { ProfileCards } from './ProfileCards.js';
import { RecipePanel } from './RecipePanel.js';
import { IngestReportPanel, PiiPanel } from './ReportPanels.js';
import { RowViewer } from './RowViewer.js';
import { SchemaTable } from './SchemaTable.js';
import { type TabSpec, Tabs } from './Tabs.js';
import { TransformPanel } from './TransformPanel.js';

/** The version (with profile and report), the dataset's versions (for navigation) and its lineage across datasets. */
async function loadVersion(client: LatheClient, name: string, version: string) {
  const [details, dataset, lineage] = await Promise.all([
    client.data.version(`${name}@${version}`),
    client.data.get(name),
    client.data.lineage(`${name}@${version}`, { depth: lineageDepth }),
  ]);
  return { details, versions: dataset.versions, lineage };
}

const tabKeys = [
  'schema',
  'profile',
  'correlations',
  'checks',
  'pii',
  'ingest',
  'lineage',
  'recipe',
  'transform',
  'rows',
] as const;

/** Downloads the version as CSV or Parquet (fetched with the token, then handed to the browser). */
async function download(client: LatheClient, ref: string, format: 'csv' | 'parquet') {
  const blob = await client.data.export(ref, format);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${ref.replace('@', '-v')}.${format}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `/data/:name/:version`: one version's schema, profile, checks, personal data, ingest report, lineage and rows. */
export function DatasetVersionPage() {
  const params = useParams();
  const name = params.name ?? '';
  const version = params.version ?? '';
  const valid = /^([1-9][0-9]{0,8}|latest)$/.test(version);
  useTitle(`${name}@${version}`);
  const load = useCallback(
    (client: LatheClient) =>
      valid ? loadVersion(client, name, version) : Promise.reject(new Error('not a version number')),
    [name, version, valid],
  );
  const data = useApi(load);
  const [search, setSearch] = useSearchParams();
  const tab = (tabKeys as readonly string[]).includes(search.get('tab') ?? '')
    ? search.get('tab')!
    : 'schema';

  if (!valid || data.errorCode === 'NOT_FOUND')
    return <DatasetNotFound name={name} version={version} message={data.error ?? undefined} />;
  const current =
    data.data &&
    data.data.details.name === name &&
    (version === 'latest' || data.data.details.version === Number(version))
      ? data.data
      : null;
  const v = current?.details;

  return (
    <>
      <Breadcrumbs
        links={[
          ['Data', '/data'],
          [name, datasetUrl(name)],
        ]}
        current={`Version ${v?.version ?? version}`}
      />
      <PageHeader
        title={v ? v.ref : `${name}@${version}`}
        description={v ? v.message || 'No message.' : undefined}
        actions={v && <ExportButtons dataRef={v.ref} />}
      />
      {data.error && <Alert title="Could not load the version">{data.error}</Alert>}
      {!current && !data.error && <Loading label="Loading the version…" />}
      {current && v && (
        <>
          <VersionFacts v={v} versions={current.versions} />
          <VersionTabs
            v={v}
            lineage={current.lineage}
            tab={tab}
            onChanged={data.reload}
            onTab={(key) => {
              const next = new URLSearchParams(search);
              if (key === 'schema') next.delete('tab');
              else next.set('tab', key);
              setSearch(next, { replace: true });
            }}
          />
        </>
      )}
    </>
  );
}

function ExportButtons({ dataRef }: { dataRef: string }) {
  const { client, handleError } = useSignedIn();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const go = (format: 'csv' | 'parquet') => {
    setBusy(format);
    setError(null);
    download(client, dataRef, format)
      .catch((err: unknown) => {
        if (!handleError(err)) setError(errorMessage(err));
      })
      .finally(() => setBusy(null));
  };
  return (
    <div className="export-buttons">
      <button type="button" className="btn btn-sm" disabled={busy !== null} onClick={() => go('csv')}>
        {busy === 'csv' ? 'Exporting…' : 'Export CSV'}
      </button>
      <button type="button" className="btn btn-sm" disabled={busy !== null} onClick={() => go('parquet')}>
        {busy === 'parquet' ? 'Exporting…' : 'Export Parquet'}
      </button>
      {error && <span className="text-danger small">{error}</span>}
    </div>
  );
}

function VersionFacts({ v, versions }: { v: DatasetVersionDetails; versions: DatasetVersion[] }) {
  const newest = versions[0]?.version;
  const previous = versions.find((x) => x.version < v.version)?.version;
  return (
    <Panel
      title="Details"
      actions={
        previous !== undefined && (
          <Link className="btn btn-sm" to={diffUrl(v.name, previous, v.version)}>
            Compare with v{previous}
          </Link>
        )
      }
    >
      <Facts>
        <Fact label="Reference">
          <span className="ref-row">
            <code>{v.ref}</code>
            <CopyButton text={v.ref} label="Copy reference" />
            {newest === v.version && <span className="badge badge-info">latest</span>}
          </span>
        </Fact>
        <Fact label="Rows">{formatCount(v.rows)}</Fact>
        <Fact label="Columns">{v.columns.length}</Fact>
        <Fact label="Size (Parquet)">{formatBytes(v.size)}</Fact>
        <Fact label="Digest (SHA-256)">
          <span className="ref-row">
            <code className="mono" title={v.digest}>
              {v.digest.slice(0, 16)}…
            </code>
            <CopyButton text={v.digest} label="Copy digest" />
          </span>
        </Fact>
        <Fact label="Source">{sourceLabel(v.source)}</Fact>
        <Fact label="Created (UTC)">
          <span title={v.createdAt}>{formatTime(v.createdAt)}</span>
        </Fact>
        <Fact label="Created by">{v.createdBy || '—'}</Fact>
        <Fact label="Parents">
          <ParentRefs parents={v.parents} empty="none" />
        </Fact>
      </Facts>
    </Panel>
  );
}

function VersionTabs({
  v,
  lineage,
  tab,
  onTab,
  onChanged,
}: {
  v: DatasetVersionDetails;
  lineage: DatasetVersionLineage;
  tab: string;
  onTab(key: string): void;
  /** After a transform: the lineage gained children. */
  onChanged(): void;
}) {
  const pii = useMemo(() => new Set(v.profile.pii.map((f) => f.column)), [v.profile.pii]);
  const target = v.columns.find((c) => c.semantic === 'target')?.name ?? null;
  const lineageCount = lineage.nodes.length - 1;
  const canWrite = useSignedIn().me.permissions.includes('write');
  const hasRecipe = v.recipe !== null;
  const tabs: TabSpec[] = [
    { key: 'schema', label: 'Schema', badge: v.columns.length },
    { key: 'profile', label: 'Profile' },
    { key: 'correlations', label: 'Correlations' },
    { key: 'checks', label: 'Checks' },
    { key: 'pii', label: 'Personal data', badge: v.profile.pii.length },
    { key: 'ingest', label: 'Ingest report', badge: v.report.issues.length || undefined },
    { key: 'lineage', label: 'Lineage', badge: lineageCount || undefined },
    ...(hasRecipe ? [{ key: 'recipe', label: 'Recipe' }] : []),
    ...(canWrite ? [{ key: 'transform', label: 'Transform' }] : []),
    { key: 'rows', label: 'Rows', badge: formatCount(v.rows) },
  ];
  const shown = tabs.some((t) => t.key === tab) ? tab : 'schema';
  return (
    <Tabs label={`Sections of ${v.ref}`} tabs={tabs} selected={shown} onSelect={onTab}>
      {shown === 'schema' && <SchemaTable version={v} />}
      {shown === 'profile' && (
        <ProfileCards columns={v.columns} profiles={v.profile.columns} piiColumns={pii} />
      )}
      {shown === 'correlations' && <CorrelationsPanel profile={v.profile} target={target} />}
      {shown === 'checks' && <ChecksPanel dataRef={v.ref} version={v} />}
      {shown === 'pii' && <PiiPanel version={v} />}
      {shown === 'ingest' && <IngestReportPanel version={v} />}
      {shown === 'lineage' && <DatasetLineage version={v} lineage={lineage} />}
      {shown === 'recipe' && <RecipePanel key={v.ref} version={v} />}
      {shown === 'transform' && <TransformPanel key={v.ref} version={v} onApplied={onChanged} />}
      {shown === 'rows' && <RowViewer key={v.ref} dataRef={v.ref} columns={v.columns} pii={pii} />}
    </Tabs>
  );
}
