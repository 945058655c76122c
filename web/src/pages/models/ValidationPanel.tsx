import { useCallback, useState } from 'react';
import { Link } from 'react-router-dom';
import type { Approval, GatePolicy, GateStatus, LatheClient } from '../../../../src/sdk/index.js';
import { Alert, Loading, Panel } from '../../components/ui.js';
import { formatTime } from '../../format.js';
import { errorMessage, useSignedIn } from '../../session.js';
import { useApi } from '../../use-api.js';
import { reportUrl, ValidationBadge } from '../validation/validation-format.js';
import { jobUrl } from '../training/training-api.js';

type Validation = NonNullable<GateStatus['validation']>;

/** The gate, the validation runs and the reviews of one version. */
async function loadValidation(client: LatheClient, ref: string) {
  const [gate, validations, reviews] = await Promise.all([
    client.registry.gate(ref),
    client.registry.validations(ref),
    client.registry.reviews(ref),
  ]);
  return { ref, gate, validations, reviews };
}

/** The policy in one line: what it guards, the suite, the approvals. */
function policyLine(p: GatePolicy): string {
  const guards = [...p.aliases.map((a) => `alias ${a}`), ...p.stages.map((s) => `stage ${s}`)].join(', ');
  const suite = p.suite ? `a passed validation with suite ${p.suite}` : 'a passed validation (any suite)';
  const warn = p.allowWarnings ? ' (warnings accepted)' : '';
  const approvals = `${p.approvals} approval${p.approvals === 1 ? '' : 's'}`;
  return `Guards ${guards}: needs ${suite}${warn} and ${approvals} from reviewers other than the creator.`;
}

function GateSummary({ gate }: { gate: GateStatus }) {
  return (
    <section className="gate-summary" aria-label="Gate status">
      <p className="gate-verdict">
        {gate.passed ? (
          <span className="vstatus vstatus-pass">may be promoted</span>
        ) : (
          <span className="vstatus vstatus-fail">may not be promoted</span>
        )}{' '}
        <span className="muted small">
          {gate.policy ? policyLine(gate.policy) : 'No policy: any alias or stage may point at this version.'}
        </span>
      </p>
      {gate.reasons.length > 0 && (
        <ul className="gate-reasons" aria-label="Gate reasons">
          {gate.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function ValidationsTable({ name, version, rows }: { name: string; version: number; rows: Validation[] }) {
  if (!rows.length)
    return (
      <p className="muted small">
        No validation yet. Run one with{' '}
        <code>
          lathe validate --model {name}@{version} --test DATASET@VERSION
        </code>
        .
      </p>
    );
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Validation runs">
        <thead>
          <tr>
            <th scope="col">Date (UTC)</th>
            <th scope="col">Suite</th>
            <th scope="col">Status</th>
            <th scope="col">Job</th>
            <th scope="col">Report</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((v) => (
            <tr key={v.job}>
              <td className="nowrap" title={v.createdAt}>
                {formatTime(v.createdAt)}
              </td>
              <td>{v.suite}</td>
              <td>
                <ValidationBadge status={v.status} />
              </td>
              <td className="mono small">
                <Link to={jobUrl(v.job)}>{v.job}</Link>
              </td>
              <td>
                <Link to={reportUrl(name, version, v.job)}>Open report</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReviewsTable({ rows }: { rows: Approval[] }) {
  if (!rows.length) return <p className="muted small">No reviews yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Reviews">
        <thead>
          <tr>
            <th scope="col">Reviewer</th>
            <th scope="col">Decision</th>
            <th scope="col">Comment</th>
            <th scope="col">Date (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <td className="strong">{r.reviewer}</td>
              <td>
                <span className={`vstatus ${r.decision === 'approve' ? 'vstatus-pass' : 'vstatus-fail'}`}>
                  {r.decision === 'approve' ? 'approved' : 'rejected'}
                </span>
              </td>
              <td className="review-comment">{r.comment || <span className="muted">—</span>}</td>
              <td className="nowrap" title={r.createdAt}>
                {formatTime(r.createdAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Approve / Reject with a comment; a rejection needs one. The server's refusal is shown as it is. */
function ReviewForm({ modelRef, onReviewed }: { modelRef: string; onReviewed(message: string): void }) {
  const { client, handleError } = useSignedIn();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (decision: 'approve' | 'reject') => {
    const text = comment.trim();
    if (decision === 'reject' && !text) {
      setError('A rejection needs a comment saying why.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await client.registry.review(modelRef, decision, text || undefined);
      setComment('');
      onReviewed(decision === 'approve' ? `Approved ${modelRef}.` : `Rejected ${modelRef}.`);
    } catch (err) {
      if (!handleError(err)) setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="review-form"
      aria-label="Review this version"
      onSubmit={(e) => {
        e.preventDefault();
        void submit('approve');
      }}
    >
      <label className="field">
        <span className="field-label">Comment</span>
        <textarea
          name="review-comment"
          rows={2}
          value={comment}
          placeholder="What you checked, or why you reject it (required to reject)"
          onChange={(e) => setComment(e.target.value)}
        />
      </label>
      <div className="review-actions">
        <button type="submit" className="btn btn-primary btn-sm" disabled={busy}>
          Approve
        </button>
        <button
          type="button"
          className="btn btn-danger btn-sm"
          disabled={busy}
          onClick={() => void submit('reject')}
        >
          Reject
        </button>
      </div>
      {error && <Alert title="The review was not recorded">{error}</Alert>}
    </form>
  );
}

/**
 * The "Validation and approval" panel of a version page: where the version stands against its
 * model's gate policy (with the reasons), its validation runs newest first with links to their
 * reports, its reviews, and Approve / Reject buttons. A review reloads the panel.
 */
export function ValidationPanel({ name, version }: { name: string; version: number }) {
  const ref = `${name}@${version}`;
  const load = useCallback((client: LatheClient) => loadValidation(client, ref), [ref]);
  const data = useApi(load);
  const [notice, setNotice] = useState<string | null>(null);
  const current = data.data?.ref === ref ? data.data : null;

  return (
    <Panel title="Validation and approval" className="validation-panel">
      {data.error && <Alert title="Could not load the gate">{data.error}</Alert>}
      {!current && !data.error && <Loading label="Loading validations and reviews…" />}
      {current && (
        <>
          <GateSummary gate={current.gate} />
          <h3 className="vsection-title">Validation runs</h3>
          <ValidationsTable name={name} version={version} rows={current.validations} />
          <h3 className="vsection-title">Reviews</h3>
          <ReviewsTable rows={current.reviews} />
          {notice && <Alert kind="success">{notice}</Alert>}
          <ReviewForm
            modelRef={ref}
            onReviewed={(message) => {
              setNotice(message);
              data.reload();
            }}
          />
        </>
      )}
    </Panel>
  );
}
