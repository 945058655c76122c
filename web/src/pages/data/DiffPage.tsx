import { useCallback, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import type { DatasetDiff, LatheClient } from '../../../../src/sdk/index.js';
import { Breadcrumbs, PageHeader } from '../../components/Layout.js';
import { Alert, Fact, Facts, Loading, Panel, useTitle } from '../../components/ui.js';
import { useApi } from '../../use-api.js';
import { DiffCharts, DiffTable } from './DiffColumns.js';
import { datasetUrl, datasetVersionUrl, formatCount, formatShare } from './data-format.js';
import { RefLink } from './RefLink.js';

/** A version given as `3` (of this dataset) or `other@3`, as a full reference. */
const refOf = (name: string, v: string) => (v.includes('@') ? v : `${name}@${v}`);

/** `/data/:name/diff?a=1&b=2`: how version b (current) differs from version a (reference). */
export function DiffPage() {
  const name = useParams().name ?? '';
  const [search, setSearch] = useSearchParams();
  const a = search.get('a') ?? '';
  const b = search.get('b') ?? '';
  const refA = refOf(name, a);
  const refB = refOf(name, b);
  const title = a && b ? `${refA} → ${refB}` : `Compare versions of ${name}`;
  useTitle(title);
  const [onlyDrifted, setOnlyDrifted] = useState(false);

  const loadVersions = useCallback((client: LatheClient) => client.data.get(name), [name]);
  const dataset = useApi(loadVersions);
  const load = useCallback(
    (client: LatheClient) =>
      a && b ? client.data.diff(refA, refB) : Promise.reject(new Error('pick two versions to compare')),
    [a, b, refA, refB],
  );
  const diff = useApi(load);
  const d =
    diff.data && diff.data.reference.ref === refA && diff.data.current.ref === refB ? diff.data : null;
  const versions = dataset.data?.name === name ? dataset.data.versions : [];

  function pick(key: 'a' | 'b', value: string) {
    const next = new URLSearchParams(search);
    next.set(key, value);
    setSearch(next, { replace: true });
  }

  return (
    <>
      <Breadcrumbs
        links={[
          ['Data', '/data'],
          [name, datasetUrl(name)],
        ]}
        current="Diff"
      />
      <PageHeader
        title={title}
        description="How the current version (right) differs from the reference (left): schema, rows and each column's distribution."
      />
      {versions.length > 1 && (
        <form
          className="form form-inline"
          aria-label="Versions to compare"
          onSubmit={(e) => e.preventDefault()}
        >
          {(['a', 'b'] as const).map((key) => (
            <label key={key} className="field">
              <span className="field-label">{key === 'a' ? 'Reference' : 'Current'}</span>
              <select value={key === 'a' ? a : b} onChange={(e) => pick(key, e.target.value)}>
                {!versions.some((v) => String(v.version) === (key === 'a' ? a : b)) && (
                  <option value={key === 'a' ? a : b}>
                    {(key === 'a' ? a : b) ? (key === 'a' ? refA : refB) : 'Pick a version'}
                  </option>
                )}
                {versions.map((v) => (
                  <option key={v.version} value={String(v.version)}>
                    {v.ref} · {formatCount(v.rows)} rows{v.message ? ` · ${v.message}` : ''}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </form>
      )}
      {!(a && b) ? (
        <Alert kind="info">Pick the two versions to compare.</Alert>
      ) : (
        diff.error && <Alert title="Could not compare the versions">{diff.error}</Alert>
      )}
      {a && b && !d && !diff.error && <Loading label="Comparing the versions…" />}
      {d && <DiffBody diff={d} onlyDrifted={onlyDrifted} setOnlyDrifted={setOnlyDrifted} />}
    </>
  );
}

function DiffBody({
  diff,
  onlyDrifted,
  setOnlyDrifted,
}: {
  diff: DatasetDiff;
  onlyDrifted: boolean;
  setOnlyDrifted(on: boolean): void;
}) {
  const s = diff.summary;
  const sch = diff.schema;
  return (
    <>
      <Panel title="Summary">
        <Facts>
          <Fact label="Reference">
            <RefLink dataRef={diff.reference.ref} />
          </Fact>
          <Fact label="Current">
            <RefLink dataRef={diff.current.ref} />
          </Fact>
          <Fact label="Rows">
            {formatCount(diff.rows.reference)} → {formatCount(diff.rows.current)}{' '}
            <span className={diff.rows.change === 0 ? 'muted' : 'strong'}>
              ({diff.rows.change >= 0 ? '+' : ''}
              {formatCount(diff.rows.change)}
              {diff.rows.changeShare !== null &&
                `, ${diff.rows.change >= 0 ? '+' : '−'}${formatShare(Math.abs(diff.rows.changeShare))}`}
              )
            </span>
          </Fact>
          <Fact label="Columns">
            {diff.reference.columns} → {diff.current.columns}
          </Fact>
          <Fact label="Drifted columns">
            <span className={s.drifted > 0 ? 'drift-mark' : undefined}>
              {s.drifted} of {s.compared}
            </span>
            {s.driftedColumns.length > 0 && <span className="muted"> ({s.driftedColumns.join(', ')})</span>}
          </Fact>
          <Fact label="Drift rule">
            <span className="small">
              p &lt; {diff.thresholds.pValue} and (PSI ≥ {diff.thresholds.psi}, KS ≥{' '}
              {diff.thresholds.ksStatistic} or JS ≥ {diff.thresholds.jensenShannon})
            </span>
          </Fact>
        </Facts>
      </Panel>
      <Panel title="Schema changes">
        {sch.unchanged ? (
          <p className="muted">No schema change: same columns, types and nullability.</p>
        ) : (
          <ul className="schema-change-list" aria-label="Schema changes">
            {sch.added.map((c) => (
              <li key={`+${c.name}`}>
                <span className="strong">Added</span> <code>{c.name}</code> ({c.type}, {c.semantic})
              </li>
            ))}
            {sch.removed.map((c) => (
              <li key={`-${c.name}`}>
                <span className="strong">Removed</span> <code>{c.name}</code> ({c.type}, {c.semantic})
              </li>
            ))}
            {sch.typeChanged.map((c) => (
              <li key={`t${c.name}`}>
                <code>{c.name}</code>: type {c.from} → {c.to}
              </li>
            ))}
            {sch.semanticChanged.map((c) => (
              <li key={`s${c.name}`}>
                <code>{c.name}</code>: semantic type {c.from} → {c.to}
              </li>
            ))}
            {sch.nullabilityChanged.map((c) => (
              <li key={`n${c.name}`}>
                <code>{c.name}</code>: {c.to ? 'now nullable' : 'no longer nullable'}
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <Panel
        title={`Columns (${diff.columns.length})`}
        actions={
          <label className="check small">
            <input type="checkbox" checked={onlyDrifted} onChange={(e) => setOnlyDrifted(e.target.checked)} />
            Only drifted columns
          </label>
        }
      >
        <DiffTable diff={diff} onlyDrifted={onlyDrifted} />
        <DiffCharts diff={diff} onlyDrifted={onlyDrifted} />
        <p className="muted small">
          Bars are each version's share of its rows, on the reference's bins (numeric, datetime and text
          length) or categories. KS and Wasserstein use up to {formatCount(diff.sampleSize)} rows per version
          (seed {diff.seed}); PSI, Jensen–Shannon and χ² use every row. Open the versions:{' '}
          <Link to={datasetVersionUrl(diff.reference.name, diff.reference.version)}>
            {diff.reference.ref}
          </Link>
          , <Link to={datasetVersionUrl(diff.current.name, diff.current.version)}>{diff.current.ref}</Link>.
        </p>
      </Panel>
    </>
  );
}
