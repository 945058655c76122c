import { type FormEvent, useState } from 'react';
import { isLatheError } from '../../../../src/sdk/index.js';
import { Alert } from '../../components/ui.js';
import { errorMessage, useSignedIn } from '../../session.js';
import {
  AppendCheck,
  DatasetNameField,
  type IngestFormProps,
  MessageField,
  TargetField,
} from './IngestFields.js';
import { IngestOutcome } from './IngestOutcome.js';
import type { UploadResult } from './upload-file.js';

/** What went wrong, with a title that says what to do about it. */
interface Problem {
  title: string;
  message: string;
  /** Set for DATA_SOURCE_FORBIDDEN: `off` when no host is allowed, else the refused host. */
  forbidden?: { off: boolean; host: string | null };
}

function describe(err: unknown): Problem {
  const message = errorMessage(err);
  const code = isLatheError(err) ? err.code : null;
  switch (code) {
    case 'DATA_SOURCE_FORBIDDEN': {
      const host = isLatheError(err) && typeof err.details?.host === 'string' ? err.details.host : null;
      return {
        title: 'This server may not query that database',
        message,
        forbidden: { off: /turned off/.test(message), host },
      };
    }
    case 'DATA_SOURCE_CONNECTION_FAILED':
      return { title: 'Could not connect to the database', message };
    case 'DATA_SOURCE_INVALID':
      return { title: 'The query did not give rows to ingest', message };
    case 'PERMISSION_DENIED':
      return { title: 'You may not ingest data', message };
    default:
      return { title: 'The query was not ingested', message };
  }
}

/**
 * A version from one read-only query against PostgreSQL, run by the server. The URI is typed into a
 * password field and sent once, to connect: the version records it without its password.
 */
export function SqlSourceForm({ dataset, latestVersion, onIngested }: IngestFormProps) {
  const { client, handleError } = useSignedIn();
  const [uri, setUri] = useState('');
  const [query, setQuery] = useState('');
  const [name, setName] = useState(dataset ?? '');
  const [message, setMessage] = useState('');
  const [target, setTarget] = useState('');
  const [append, setAppend] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Problem | null>(null);
  const [result, setResult] = useState<UploadResult | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    client.data
      .ingestQuery(
        name.trim(),
        { uri: uri.trim(), query },
        {
          ...(message.trim() ? { message: message.trim() } : {}),
          ...(target.trim() && !append ? { target: target.trim() } : {}),
          ...(append ? { append: true } : {}),
        },
      )
      .then((r) => {
        setResult(r);
        setUri('');
        onIngested(r);
      })
      .catch((err: unknown) => {
        if (!handleError(err)) setError(describe(err));
      })
      .finally(() => setBusy(false));
  }

  if (result) return <IngestOutcome result={result} onAgain={() => setResult(null)} />;

  return (
    <form className="form ingest-form" aria-label="Ingest from PostgreSQL" onSubmit={submit}>
      <p className="muted small">
        The server connects to the database and runs the query in a read-only transaction; the rows become a
        version, typed from the query's columns. The password is used to connect only: it is never stored or
        shown.
      </p>
      <label className="field">
        <span className="field-label">Connection URI</span>
        <input
          type="password"
          name="uri"
          value={uri}
          required
          disabled={busy}
          placeholder="postgres://user:password@db.internal:5432/sales"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setUri(e.target.value)}
        />
      </label>
      <label className="field">
        <span className="field-label">Query (one statement that reads rows)</span>
        <textarea
          name="query"
          className="code-input"
          rows={6}
          value={query}
          required
          disabled={busy}
          placeholder={"SELECT * FROM orders WHERE created_at >= '2024-01-01'"}
          spellCheck={false}
          onChange={(e) => setQuery(e.target.value)}
        />
      </label>
      <div className="form-row">
        <DatasetNameField value={name} fixed={dataset !== undefined} disabled={busy} onChange={setName} />
        <TargetField value={target} disabled={busy} append={append} onChange={setTarget} />
      </div>
      <MessageField value={message} disabled={busy} onChange={setMessage} />
      <AppendCheck
        dataset={dataset}
        latestVersion={latestVersion}
        checked={append}
        disabled={busy}
        onChange={setAppend}
      />
      {error && (
        <Alert kind={error.forbidden ? 'warning' : 'error'} title={error.title}>
          <p className="alert-text">{error.message}</p>
          {error.forbidden?.off && (
            <p className="alert-text small">
              SQL sources are off unless the server lists the database hosts it may connect to: an
              administrator sets <code>data.sqlSourceHosts</code> in the server's configuration, or the{' '}
              <code>LATHE_SQL_SOURCE_HOSTS</code> environment variable (e.g.{' '}
              <code>LATHE_SQL_SOURCE_HOSTS=db.internal:5432</code>), and restarts it.
            </p>
          )}
          {error.forbidden && !error.forbidden.off && (
            <p className="alert-text small">
              Use one of the allowed hosts, or ask an administrator to add{' '}
              {error.forbidden.host ? <code>{error.forbidden.host}</code> : 'this host'} to{' '}
              <code>data.sqlSourceHosts</code> (<code>LATHE_SQL_SOURCE_HOSTS</code>) and restart the server.
            </p>
          )}
        </Alert>
      )}
      {busy && (
        <div className="upload-progress" role="status">
          <span className="spinner spinner-inline" aria-hidden="true" /> Running the query and ingesting its
          rows…
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Ingesting…' : append ? 'Run and append' : 'Run the query and ingest'}
        </button>
      </div>
    </form>
  );
}
