import { type FormEvent, useState } from 'react';
import type { ModelVersion, Stage } from '../../../../src/sdk/index.js';
import { Alert } from '../../components/ui.js';
import { errorMessage, useSignedIn } from '../../session.js';

const stages: Stage[] = ['None', 'Staging', 'Production', 'Archived'];

/** Moves a version between MLflow's legacy stages; optionally archives the versions already there. */
export function StageControl({
  version,
  onChanged,
}: {
  version: ModelVersion;
  onChanged: (message: string) => void;
}) {
  const { client, handleError } = useSignedIn();
  const [stage, setStage] = useState<Stage>(version.currentStage === 'None' ? 'Staging' : 'None');
  const [archive, setArchive] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const canArchive = stage === 'Staging' || stage === 'Production';

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const mv = await client.registry.transitionStage(version.name, version.version, stage, {
        archiveExisting: canArchive && archive,
      });
      onChanged(`Version ${mv.version} moved from ${version.currentStage} to ${mv.currentStage}.`);
    } catch (err) {
      if (!handleError(err)) setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form form-inline" onSubmit={onSubmit} aria-label="Transition stage">
      <label className="field">
        <span className="field-label">New stage</span>
        <select value={stage} onChange={(e) => setStage(e.target.value as Stage)}>
          {stages.map((s) => (
            <option key={s} value={s} disabled={s === version.currentStage}>
              {s}
              {s === version.currentStage ? ' (current)' : ''}
            </option>
          ))}
        </select>
      </label>
      <label className="check stage-archive">
        <input
          type="checkbox"
          checked={canArchive && archive}
          disabled={!canArchive}
          onChange={(e) => setArchive(e.target.checked)}
        />
        Archive the versions now in {canArchive ? stage : 'that stage'}
      </label>
      <button type="submit" className="btn" disabled={busy || stage === version.currentStage}>
        Transition
      </button>
      {error && <Alert title="The stage was not changed">{error}</Alert>}
    </form>
  );
}
