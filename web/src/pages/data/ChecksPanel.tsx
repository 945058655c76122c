import { Fragment, type ReactNode, useCallback, useMemo, useState } from 'react';
import type { CheckResult, CheckRun, DatasetVersionDetails, LatheClient } from '../../../../src/sdk/index.js';
import { Alert, Fact, Facts, Loading } from '../../components/ui.js';
import { formatTime } from '../../format.js';
import { errorMessage, useSignedIn } from '../../session.js';
import { useApi } from '../../use-api.js';
import { formatCount, formatStat } from './data-format.js';
import { starterSuite } from './starter-recipe.js';
import { SuiteEditor } from './SuiteEditor.js';

/** A check's (or a run's) status as a coloured word. */
function CheckBadge({ status }: { status: string }) {
  return <span className={`check-status check-${status}`}>{status}</span>;
}

/** The stored runs of a version (newest first) and the chosen one in full (the newest by default). */
async function loadRuns(client: LatheClient, ref: string, id: string | null) {
  const runs = await client.data.checkRuns(ref);
  const pick = id ?? runs[0]?.id;
  const run = pick ? await client.data.checkRun(ref, pick) : null;
  return { runs, run };
}

const opText = { '>': '>', '>=': '≥', '<': '<' } as const;

/** A measured value: shares as percentages, other numbers as they are. */
function measured(r: Pick<CheckResult, 'value' | 'thresholds'>): string {
  if (r.value === null) return '—';
  return formatStat(r.value);
}

function thresholdText(r: CheckResult): string {
  const t = r.thresholds;
  if (!t) return '—';
  const parts = [];
  if (t.warn !== null) parts.push(`warn ${opText[t.op]} ${formatStat(t.warn)}`);
  if (t.fail !== null) parts.push(`fail ${opText[t.op]} ${formatStat(t.fail)}`);
  return parts.join(', ') || '—';
}

/**
 * The quality checks of a version: the overall status of the latest stored run (or one chosen from
 * the list), and each check with its status, measured value, thresholds and findings per column.
 * Users who may write can run the default suite from here, or edit a suite (YAML) and run it.
 */
export function ChecksPanel({ dataRef, version }: { dataRef: string; version?: DatasetVersionDetails }) {
  const { client, me, handleError } = useSignedIn();
  const [id, setId] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<string | null>(null);
  const load = useCallback((c: LatheClient) => loadRuns(c, dataRef, id), [dataRef, id]);
  const data = useApi(load);
  const canWrite = me.permissions.includes('write');
  const [editing, setEditing] = useState(false);
  const starter = useMemo(
    () =>
      version ? starterSuite(version) : 'checks:\n  - check: missing_values\n  - check: duplicate_rows\n',
    [version],
  );

  function runDefault() {
    setRunning(true);
    setRunError(null);
    client.data
      .check(dataRef)
      .then((run) => {
        setId(run.id);
        data.reload();
      })
      .catch((err: unknown) => {
        if (!handleError(err)) setRunError(errorMessage(err));
      })
      .finally(() => setRunning(false));
  }

  if (data.errorCode === 'NOT_FOUND' && /^no route /.test(data.error ?? ''))
    return <p className="muted">This server does not run quality checks (its API has no checks route).</p>;
  const runButton = canWrite && (
    <>
      <button type="button" className="btn btn-sm" disabled={running} onClick={runDefault}>
        {running ? 'Running the checks…' : 'Run the default suite'}
      </button>
      {!editing && (
        <button type="button" className="btn btn-sm" onClick={() => setEditing(true)}>
          Edit a suite…
        </button>
      )}
    </>
  );
  const command = (
    <p className="muted small">
      From the command line: <code>lathe data check {dataRef} --suite suite.yaml</code> (exit code 1 on fail,{' '}
      <code>--junit out.xml</code> for CI).
    </p>
  );

  return (
    <div className="check-panel">
      {data.error && <Alert title="Could not load the check runs">{data.error}</Alert>}
      {runError && <Alert title="The checks could not run">{runError}</Alert>}
      {editing && canWrite && (
        <SuiteEditor
          dataRef={dataRef}
          starter={starter}
          onClose={() => setEditing(false)}
          onRan={(run) => {
            setEditing(false);
            setId(run.id);
            data.reload();
          }}
        />
      )}
      {data.loading && !data.data && <Loading label="Loading check runs…" />}
      {data.data && data.data.runs.length === 0 && (
        <>
          <p className="muted">No quality checks have run on {dataRef} yet.</p>
          {runButton}
          {command}
        </>
      )}
      {data.data?.run && (
        <>
          <RunHeader
            run={data.data.run}
            runs={data.data.runs}
            onPick={(picked) => setId(picked)}
            actions={runButton}
          />
          <ResultsTable run={data.data.run} />
          {command}
        </>
      )}
    </div>
  );
}

function RunHeader({
  run,
  runs,
  onPick,
  actions,
}: {
  run: CheckRun;
  runs: { id: string; createdAt: string; status: string }[];
  onPick(id: string): void;
  actions: ReactNode;
}) {
  const s = run.summary;
  return (
    <>
      <div className="check-overall">
        <span className="strong">Overall</span>
        <CheckBadge status={run.status} />
        <span className="muted small" data-testid="check-summary">
          {s.pass} passed · {s.warn} warned · {s.fail} failed
          {s.error ? ` · ${s.error} errored` : ''}
          {s.skipped ? ` · ${s.skipped} skipped` : ''}
        </span>
        <span className="check-overall-actions">
          {runs.length > 1 && (
            <label className="field field-inline">
              <span className="field-label">Run</span>
              <select value={run.id} onChange={(e) => onPick(e.target.value)}>
                {runs.map((r, i) => (
                  <option key={r.id} value={r.id}>
                    {formatTime(r.createdAt)} · {r.status}
                    {i === 0 ? ' (latest)' : ''}
                  </option>
                ))}
              </select>
            </label>
          )}
          {actions}
        </span>
      </div>
      <Facts>
        <Fact label="Run at (UTC)">
          <span title={run.createdAt}>{formatTime(run.createdAt)}</span>
        </Fact>
        <Fact label="By">{run.createdBy}</Fact>
        <Fact label="Took">{formatCount(Math.round(run.durationMs))} ms</Fact>
        <Fact label="Compared with">
          {run.reference ?? <span className="muted">no reference version</span>}
        </Fact>
      </Facts>
    </>
  );
}

function ResultsTable({ run }: { run: CheckRun }) {
  const [open, setOpen] = useState<Set<number>>(() => new Set());
  const toggle = (i: number) =>
    setOpen((o) => {
      const next = new Set(o);
      if (next.has(i)) next.delete(i);
      else next.add(i);
      return next;
    });
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Check results">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Check</th>
            <th scope="col" className="num">
              Value
            </th>
            <th scope="col">Thresholds</th>
            <th scope="col">What was found</th>
            <th scope="col">
              <span className="sr-only">Columns</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {run.results.map((r) => {
            const flagged = r.columns.filter((c) => c.status !== 'pass');
            return (
              <Fragment key={r.index}>
                <tr className={`check-row check-row-${r.status}`}>
                  <td>
                    <CheckBadge status={r.status} />
                  </td>
                  <td>
                    <span className="strong">{r.name}</span>
                    {r.name !== r.check && <span className="muted small"> {r.check}</span>}
                  </td>
                  <td className="num">{measured(r)}</td>
                  <td className="small nowrap">{thresholdText(r)}</td>
                  <td className="data-issue">{r.message}</td>
                  <td className="actions">
                    {r.columns.length > 0 && (
                      <button
                        type="button"
                        className="btn btn-ghost btn-sm"
                        aria-expanded={open.has(r.index)}
                        onClick={() => toggle(r.index)}
                      >
                        {flagged.length > 0
                          ? `${flagged.length} of ${r.columns.length} columns`
                          : `${r.columns.length} ${r.columns.length === 1 ? 'column' : 'columns'}`}
                      </button>
                    )}
                  </td>
                </tr>
                {open.has(r.index) && (
                  <tr className="check-columns">
                    <td colSpan={6}>
                      <ul aria-label={`Columns of ${r.name}`}>
                        {r.columns.map((c) => (
                          <li key={c.column}>
                            <CheckBadge status={c.status} /> <span className="mono strong">{c.column}</span>{' '}
                            {c.message}
                            {c.rows && c.rows.length > 0 && (
                              <span className="muted small"> (rows {c.rows.join(', ')})</span>
                            )}
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
