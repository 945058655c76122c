import { useCallback, useState } from 'react';
import type { AuditEvent, LatheClient } from '../../../../src/sdk/index.js';
import { AuditTable } from '../../components/AuditTable.js';
import { Alert, Loading } from '../../components/ui.js';
import { errorMessage, useSignedIn } from '../../session.js';
import { useApi } from '../../use-api.js';

const pageSize = 20;

/** What changed, in a few words: the event's details as `key=value` pairs. */
function describe(details: AuditEvent['details']): string {
  if (!details || typeof details !== 'object') return '';
  return Object.entries(details)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

/**
 * The audit trail of a model and its versions: who did what and when, newest first, with "Load older
 * entries". Give it a new `key` to reload it after a change.
 */
export function AuditTrail({ name }: { name: string }) {
  const { client, handleError } = useSignedIn();
  const load = useCallback((c: LatheClient) => c.registry.audit(name, { limit: pageSize }), [name]);
  const first = useApi(load);
  const [more, setMore] = useState<{ events: AuditEvent[]; token: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);

  if (first.error) return <Alert title="Could not load the audit trail">{first.error}</Alert>;
  if (!first.data) return <Loading label="Loading the audit trail…" />;
  const events = [...first.data.events, ...(more?.events ?? [])];
  const nextToken = more ? more.token : first.data.nextPageToken;

  async function loadMore() {
    if (!nextToken) return;
    setBusy(true);
    setMoreError(null);
    try {
      const page = await client.registry.audit(name, { limit: pageSize, pageToken: nextToken });
      setMore({ events: [...(more?.events ?? []), ...page.events], token: page.nextPageToken });
    } catch (err) {
      if (!handleError(err)) setMoreError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  if (events.length === 0) return <p className="muted">No audit entries for this model.</p>;
  return (
    <>
      <AuditTable
        events={events}
        label="Audit trail"
        actorHeader="Who"
        object={(e) => e.objectId}
        details={{
          header: 'Details',
          className: 'mono small models-details',
          render: (e) => describe(e.details),
        }}
      />
      {moreError && <Alert>{moreError}</Alert>}
      {nextToken && (
        <button type="button" className="btn btn-sm" onClick={() => void loadMore()} disabled={busy}>
          {busy ? 'Loading…' : 'Load older entries'}
        </button>
      )}
    </>
  );
}
