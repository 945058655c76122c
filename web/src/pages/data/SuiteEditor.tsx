import { type FormEvent, useState } from 'react';
import type { CheckRun } from '../../../../src/sdk/index.js';
import { Alert } from '../../components/ui.js';
import { errorMessage, useSignedIn } from '../../session.js';
import { CodeField } from './CodeField.js';

/**
 * A check suite to paste or edit (YAML or JSON) and run on a version: the run is stored like any
 * other and handed to `onRan`; a suite the server refuses shows its message (check index and field).
 */
export function SuiteEditor({
  dataRef,
  starter,
  onRan,
  onClose,
}: {
  dataRef: string;
  starter: string;
  onRan(run: CheckRun): void;
  onClose(): void;
}) {
  const { client, handleError } = useSignedIn();
  const [text, setText] = useState(starter);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function run(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    client.data
      .check(dataRef, text)
      .then(onRan)
      .catch((err: unknown) => {
        if (!handleError(err)) setError(errorMessage(err));
      })
      .finally(() => setBusy(false));
  }

  return (
    <form className="form suite-editor" aria-label="Check suite" onSubmit={run}>
      <CodeField
        label={`Suite (YAML or JSON) to run on ${dataRef}`}
        name="suite"
        value={text}
        onChange={setText}
        minRows={10}
        maxRows={26}
        disabled={busy}
        invalid={error !== null}
      />
      {error && (
        <Alert title="The suite was refused">
          <span data-testid="suite-problem">{error}</span>
        </Alert>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()}>
          {busy ? 'Running the checks…' : 'Run this suite'}
        </button>
        <button type="button" className="btn" disabled={busy} onClick={onClose}>
          Close
        </button>
        <span className="muted small">
          The suite's checks and thresholds are listed in docs/data.md, “Quality checks”.
        </span>
      </div>
    </form>
  );
}
