import { useState } from 'react';
import type { DeploymentStatus } from '../../../../src/sdk/index.js';
import { Alert, ConfirmDialog } from '../../components/ui.js';
import type { Action } from './use-action.js';

type Confirm = 'promote' | 'rollback' | null;

/** A share typed or slid: a whole percentage from 0 to 100. */
const clampShare = (v: number) => (Number.isFinite(v) ? Math.min(100, Math.max(0, Math.round(v))) : 0);

/**
 * Canary controls of a traffic split: a slider and a number per route (with two routes, moving one
 * moves the other so they sum to 100), Apply (a new revision), Promote canary, Roll back, and the
 * degraded marks that make the fallback answer for a model. Mount it keyed by revision: a new
 * revision resets the shares being edited.
 */
export function CanaryControls({ deployment: d, action }: { deployment: DeploymentStatus; action: Action }) {
  const routes = d.spec.models;
  const [shares, setShares] = useState<Record<string, number>>(() =>
    Object.fromEntries(routes.map((m) => [m.model, m.traffic])),
  );
  const [confirm, setConfirm] = useState<Confirm>(null);
  const total = Object.values(shares).reduce((a, b) => a + b, 0);
  const changed = routes.some((m) => shares[m.model] !== m.traffic);
  const live = routes.filter((m) => m.traffic > 0);
  let canary = live[0];
  for (const m of live) if (canary && m.traffic <= canary.traffic) canary = m;
  const busy = action.pending !== null;

  function setShare(ref: string, value: number) {
    const v = clampShare(value);
    setShares((s) => {
      const next = { ...s, [ref]: v };
      if (routes.length === 2) {
        const other = routes.find((m) => m.model !== ref)!.model;
        next[other] = 100 - v;
      }
      return next;
    });
  }

  function apply() {
    void action.run(
      'Apply traffic',
      (c) => c.serving.traffic(d.name, shares),
      (r) =>
        r.changed
          ? `Revision ${r.revision}: ${r.spec.models.map((m) => `${m.model} ${m.traffic}%`).join(', ')}.`
          : 'The split is unchanged.',
    );
  }

  function toggleDegraded(ref: string, on: boolean) {
    const next = on ? [...new Set([...d.degraded, ref])] : d.degraded.filter((r) => r !== ref);
    void action.run(
      on ? `Mark ${ref} degraded` : `Clear ${ref}`,
      (c) => c.serving.degraded(d.name, next),
      (r) =>
        r.degraded.length
          ? `Degraded: ${r.degraded.join(', ')}; ${d.spec.fallback} answers for them.`
          : 'No model is marked degraded.',
    );
  }

  const degradable = [...new Set([...routes.map((m) => m.model)])];
  return (
    <div className="canary">
      {d.spec.graph ? (
        <p className="muted">
          This deployment is a {d.spec.graph.kind} graph: traffic shares apply to traffic splits only. Change
          the graph by applying a new spec.
        </p>
      ) : (
        <form
          className="canary-form"
          aria-label="Traffic shares"
          onSubmit={(e) => {
            e.preventDefault();
            apply();
          }}
        >
          {routes.map((m) => (
            <div key={m.model} className="canary-route">
              <span className="canary-ref mono" title={d.versions[m.model]}>
                {m.model}
                {d.versions[m.model] && d.versions[m.model] !== m.model && (
                  <span className="muted"> → {d.versions[m.model]}</span>
                )}
              </span>
              <input
                type="range"
                min={0}
                max={100}
                step={1}
                value={shares[m.model] ?? 0}
                aria-label={`Share of ${m.model} (slider)`}
                onChange={(e) => setShare(m.model, Number(e.target.value))}
                disabled={busy}
              />
              <label className="canary-number">
                <input
                  type="number"
                  min={0}
                  max={100}
                  step={1}
                  name={`share-${m.model}`}
                  value={shares[m.model] ?? 0}
                  aria-label={`Share of ${m.model}`}
                  onChange={(e) => setShare(m.model, Number(e.target.value))}
                  disabled={busy}
                />
                %
              </label>
            </div>
          ))}
          <div className="canary-actions">
            <span className={total === 100 ? 'muted small' : 'canary-sum-bad small'} aria-live="polite">
              {total === 100 ? 'Shares sum to 100%.' : `Shares sum to ${total}%; they must sum to 100%.`}
            </span>
            <button type="submit" className="btn btn-primary" disabled={busy || total !== 100 || !changed}>
              {action.pending === 'Apply traffic' ? 'Applying…' : 'Apply'}
            </button>
            <button
              type="button"
              className="btn"
              disabled={busy || !changed}
              onClick={() => setShares(Object.fromEntries(routes.map((m) => [m.model, m.traffic])))}
            >
              Reset
            </button>
          </div>
        </form>
      )}
      <div className="canary-buttons">
        <button
          type="button"
          className="btn"
          disabled={busy || live.length < 2 || Boolean(d.spec.graph)}
          title={
            live.length < 2
              ? 'No canary: one route takes all traffic'
              : `Send all traffic to ${canary?.model}`
          }
          onClick={() => setConfirm('promote')}
        >
          Promote canary
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy || d.revision < 2}
          title={
            d.revision < 2 ? 'Nothing to roll back to: this is revision 1' : 'Re-apply the previous revision'
          }
          onClick={() => setConfirm('rollback')}
        >
          Roll back
        </button>
      </div>
      <fieldset className="canary-degraded">
        <legend>Degraded models</legend>
        {!d.spec.fallback && (
          <p className="muted small">
            This deployment has no fallback, so no model can be marked degraded (nothing would answer for it).
          </p>
        )}
        {degradable.map((ref) => (
          <label key={ref} className="canary-check">
            <input
              type="checkbox"
              checked={d.degraded.includes(ref)}
              disabled={busy || (!d.spec.fallback && !d.degraded.includes(ref))}
              onChange={(e) => toggleDegraded(ref, e.target.checked)}
            />
            <span className="mono">{ref}</span>
            <span className="muted small">
              {d.degraded.includes(ref) ? `degraded: ${d.spec.fallback} answers instead` : 'serving'}
            </span>
          </label>
        ))}
      </fieldset>
      {action.error && <Alert title="The server refused the change">{action.error}</Alert>}
      {action.notice && (
        <Alert kind="success" title="Done">
          {action.notice}
        </Alert>
      )}
      {confirm === 'promote' && canary && (
        <ConfirmDialog
          title={`Promote ${canary.model}?`}
          confirmLabel="Promote"
          onClose={() => setConfirm(null)}
          onConfirm={() =>
            void action.run(
              'Promote canary',
              (c) => c.serving.promote(d.name),
              (r) => `Revision ${r.revision}: all traffic goes to ${r.spec.models[0]?.model}.`,
            )
          }
        >
          All traffic of {d.name} goes to {canary.model}
          {d.versions[canary.model] ? ` (${d.versions[canary.model]})` : ''}, as a new revision.
        </ConfirmDialog>
      )}
      {confirm === 'rollback' && (
        <ConfirmDialog
          title={`Roll back ${d.name}?`}
          confirmLabel="Roll back"
          danger
          onClose={() => setConfirm(null)}
          onConfirm={() =>
            void action.run(
              'Roll back',
              (c) => c.serving.rollback(d.name),
              (r) => `Revision ${r.revision} re-applies revision ${d.revision - 1}.`,
            )
          }
        >
          The spec of revision {d.revision - 1} is applied again, as revision {d.revision + 1}.
        </ConfirmDialog>
      )}
    </div>
  );
}
