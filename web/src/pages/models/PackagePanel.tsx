import { useCallback } from 'react';
import { Link } from 'react-router-dom';
import type { LatheClient, PackageInfo } from '../../../../src/sdk/index.js';
import { Alert, Fact, Facts, Loading, Panel } from '../../components/ui.js';
import { formatTime } from '../../format.js';
import { useApi } from '../../use-api.js';
import { refUrl } from '../data/data-format.js';
import { formatBytes, formatValue } from '../experiments/run-format.js';
import { formatParam } from './package-format.js';
import { ExamplePanel, SignaturePanel } from './SignatureTables.js';
import { TryItPanel } from './TryItPanel.js';

type Manifest = PackageInfo['manifest'];

/** Where a model came from: the file it was imported from, the dataset version it was trained on, or what the package says. */
function Provenance({ manifest: m, tags }: { manifest: Manifest; tags: { key: string; value: string }[] }) {
  // A Lathe package imported as it was keeps its own manifest: the version's import tag tells where it came from.
  const tag = (key: string) => tags.find((t) => t.key === key)?.value;
  const from = tag('lathe.imported_from');
  const imported = m.imported ?? (from && !m.training?.dataset ? { from, format: m.flavor } : null);
  if (imported)
    return (
      <>
        Imported from <code>{imported.from}</code> <span className="muted">({imported.format})</span>
      </>
    );
  const dataset = m.training?.dataset;
  if (dataset) {
    const url = refUrl(dataset);
    const rows = m.training.rows;
    return (
      <>
        Trained on {url ? <Link to={url}>{dataset}</Link> : <code>{dataset}</code>}
        {rows !== null && rows !== undefined && (
          <span className="muted"> ({rows.toLocaleString('en-US')} rows)</span>
        )}
      </>
    );
  }
  return <span className="muted">not recorded in the package</span>;
}

/** The package's files, collapsed by default, with their sizes. */
function FileList({ files, size }: { files: PackageInfo['files']; size: number }) {
  return (
    <details className="package-files">
      <summary>
        Files ({files.length}, {formatBytes(size)})
      </summary>
      <div className="table-wrap kv-wrap">
        <table className="table" aria-label="Package files">
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col" className="num">
                Size
              </th>
            </tr>
          </thead>
          <tbody>
            {files.map((f) => (
              <tr key={f.path}>
                <td className="mono">{f.path}</td>
                <td className="num nowrap">{formatBytes(f.size)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** Test metrics by name, when the package records some. */
function MetricList({ metrics }: { metrics: Record<string, number> }) {
  const rows = Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b));
  return (
    <ul className="tag-list" aria-label="Metrics">
      {rows.map(([k, v]) => (
        <li key={k} className="tag">
          {k}={formatValue(v)}
        </li>
      ))}
    </ul>
  );
}

/** The "Model" panel: flavor, family, task, provenance, creation, size, params, metrics and files. */
function ModelPanel({ info }: { info: PackageInfo }) {
  const m = info.manifest;
  const params = Object.entries(m.params ?? {});
  const metrics = m.metrics ?? {};
  // How the metrics were measured; an import says "imported from …", which Origin already tells.
  const evaluation = m.training?.evaluation;
  const showEvaluation =
    !!evaluation && evaluation !== 'none' && !m.imported && !evaluation.startsWith('imported');
  return (
    <Panel title="Model" className="package-panel">
      <Facts>
        <Fact label="Flavor">
          <span className="badge badge-info">{m.flavor}</span>
        </Fact>
        <Fact label="Family">{m.family}</Fact>
        <Fact label="Task">{m.task}</Fact>
        <Fact label="Origin">
          <Provenance manifest={m} tags={info.version.tags} />
        </Fact>
        <Fact label="Created (UTC)">
          <span title={m.createdAt}>{formatTime(m.createdAt)}</span>
        </Fact>
        <Fact label="Package size">
          {formatBytes(info.size)}{' '}
          <span className="muted">
            in {info.files.length} file{info.files.length === 1 ? '' : 's'}
          </span>
        </Fact>
        {showEvaluation && <Fact label="Evaluation">{evaluation}</Fact>}
        <Fact label="Metrics">
          {Object.keys(metrics).length ? (
            <MetricList metrics={metrics} />
          ) : (
            <span className="muted">none</span>
          )}
        </Fact>
        {params.length > 0 && (
          <Fact label="Parameters">
            <ul className="tag-list" aria-label="Parameters">
              {params.map(([k, v]) => (
                <li key={k} className="tag">
                  {k}={formatParam(v)}
                </li>
              ))}
            </ul>
          </Fact>
        )}
      </Facts>
      <FileList files={info.files} size={info.size} />
    </Panel>
  );
}

/**
 * The package sections of a version page: Model, Signature, Input example and Try it. A version
 * whose source is not a Lathe package gets a calm note instead.
 */
export function PackageSections({ name, version }: { name: string; version: number }) {
  const ref = `${name}@${version}`;
  const load = useCallback((client: LatheClient) => client.models.package(ref), [ref]);
  const pkg = useApi(load);
  const info =
    pkg.data && pkg.data.version.name === name && pkg.data.version.version === version ? pkg.data : null;

  if (pkg.errorCode === 'MODEL_PACKAGE_INVALID')
    return (
      <Panel title="Model">
        <Alert kind="info" title="No model package to describe">
          This version's source is not a Lathe model package, so its flavor and signature are unknown and it
          cannot be called from here. Import the model with{' '}
          <code>lathe models import PATH --name {name}</code> to get a version Lathe can describe and run.
        </Alert>
        <p className="muted small">{pkg.error}</p>
      </Panel>
    );
  if (pkg.error)
    return (
      <Panel title="Model">
        <Alert title="Could not load the model package">{pkg.error}</Alert>
      </Panel>
    );
  if (!info)
    return (
      <Panel title="Model">
        <Loading label="Loading the model package…" />
      </Panel>
    );
  const example = info.manifest.inputExample ?? [];
  return (
    <>
      <ModelPanel info={info} />
      <div className="package-grid">
        <SignaturePanel signature={info.manifest.signature} />
        <ExamplePanel inputs={info.manifest.signature.inputs} rows={example} />
      </div>
      <TryItPanel key={ref} modelRef={ref} signature={info.manifest.signature} example={example} />
    </>
  );
}
