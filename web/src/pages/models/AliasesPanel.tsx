import { type FormEvent, useState } from 'react';
import type { ModelAlias } from '../../../../src/sdk/index.js';
import { Alert, ConfirmDialog, Panel } from '../../components/ui.js';
import { errorMessage, useSignedIn } from '../../session.js';
import { AliasBadge, VersionLink } from './AliasBadge.js';
import { aliasProblem, guardedAliases } from './model-links.js';

type Pending =
  | { kind: 'move'; alias: string; from: number | null; to: number }
  | { kind: 'delete'; alias: string; from: number };

/**
 * A model's aliases (alias → version). With `write`, each can be moved or deleted and new ones set;
 * moving or deleting `champion` asks first.
 */
export function AliasesPanel({
  name,
  aliases,
  versions,
  canWrite,
  onChanged,
}: {
  name: string;
  aliases: ModelAlias[];
  /** Live version numbers, newest first. */
  versions: number[];
  canWrite: boolean;
  onChanged: (message: string) => void;
}) {
  const { client, handleError } = useSignedIn();
  const [targets, setTargets] = useState<Record<string, number>>({});
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [newAlias, setNewAlias] = useState('');
  const [newVersion, setNewVersion] = useState<number | undefined>(undefined);

  const current = new Map(aliases.map((a) => [a.alias, a.version]));

  async function run(change: Pending) {
    setBusy(true);
    setError(null);
    try {
      if (change.kind === 'move') {
        await client.registry.setAlias(name, change.alias, change.to);
        onChanged(
          change.from === null
            ? `Alias ${change.alias} now points at version ${change.to}.`
            : `Moved ${change.alias} from version ${change.from} to version ${change.to}.`,
        );
      } else {
        await client.registry.deleteAlias(name, change.alias);
        onChanged(`Deleted alias ${change.alias} (was version ${change.from}).`);
      }
    } catch (err) {
      if (!handleError(err)) setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  /** Runs a change, first asking when it touches a guarded alias or deletes one. */
  function request(change: Pending) {
    if (change.kind === 'delete' || (guardedAliases.has(change.alias) && change.from !== null))
      setPending(change);
    else void run(change);
  }

  function onSet(event: FormEvent) {
    event.preventDefault();
    const alias = newAlias.trim();
    const problem = aliasProblem(alias);
    const to = newVersion ?? versions[0];
    if (problem) return setError(problem);
    if (to === undefined) return setError('This model has no version to point at.');
    const from = current.get(alias) ?? null;
    if (from === to) return setError(`${alias} already points at version ${to}.`);
    setNewAlias('');
    request({ kind: 'move', alias, from, to });
  }

  return (
    <Panel title="Aliases">
      {error && <Alert title="The alias was not changed">{error}</Alert>}
      {aliases.length === 0 ? (
        <p className="muted">
          No aliases yet. Deployments and scripts refer to a version through an alias such as{' '}
          <code>{name}@champion</code>.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Aliases">
            <thead>
              <tr>
                <th scope="col">Alias</th>
                <th scope="col">Version</th>
                {canWrite && (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {aliases.map((a) => {
                const target = targets[a.alias] ?? a.version;
                return (
                  <tr key={a.alias}>
                    <td>
                      <AliasBadge alias={a.alias} />
                    </td>
                    <td>
                      <VersionLink name={name} version={a.version} />
                    </td>
                    {canWrite && (
                      <td className="actions">
                        <div className="alias-actions">
                          <select
                            aria-label={`New version for ${a.alias}`}
                            value={target}
                            onChange={(e) => setTargets((t) => ({ ...t, [a.alias]: Number(e.target.value) }))}
                          >
                            {versions.map((v) => (
                              <option key={v} value={v}>
                                v{v}
                                {v === a.version ? ' (current)' : ''}
                              </option>
                            ))}
                          </select>
                          <button
                            type="button"
                            className="btn btn-sm"
                            aria-label={`Move ${a.alias}`}
                            disabled={busy || target === a.version}
                            onClick={() =>
                              request({ kind: 'move', alias: a.alias, from: a.version, to: target })
                            }
                          >
                            Move
                          </button>
                          <button
                            type="button"
                            className="btn btn-sm btn-danger-ghost"
                            aria-label={`Delete alias ${a.alias}`}
                            disabled={busy}
                            onClick={() => request({ kind: 'delete', alias: a.alias, from: a.version })}
                          >
                            Delete
                          </button>
                        </div>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {canWrite && versions.length > 0 && (
        <form className="form form-inline" onSubmit={onSet} aria-label="Set an alias">
          <label className="field">
            <span className="field-label">Alias</span>
            <input
              value={newAlias}
              onChange={(e) => setNewAlias(e.target.value)}
              placeholder="e.g. challenger"
              maxLength={255}
              autoComplete="off"
              spellCheck={false}
            />
          </label>
          <label className="field">
            <span className="field-label">Version</span>
            <select value={newVersion ?? versions[0]} onChange={(e) => setNewVersion(Number(e.target.value))}>
              {versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="btn" disabled={busy}>
            Set alias
          </button>
        </form>
      )}
      {!canWrite && <p className="muted small">Changing aliases needs the write permission.</p>}
      {pending && (
        <ConfirmDialog
          title={
            pending.kind === 'move'
              ? `Move ${pending.alias} to version ${pending.to}?`
              : `Delete alias ${pending.alias}?`
          }
          confirmLabel={pending.kind === 'move' ? `Move ${pending.alias}` : 'Delete alias'}
          danger={pending.kind === 'delete' || guardedAliases.has(pending.alias)}
          onConfirm={() => void run(pending)}
          onClose={() => setPending(null)}
        >
          {pending.kind === 'move' ? (
            <p>
              <code>
                {name}@{pending.alias}
              </code>{' '}
              points at version {pending.from} now. Deployments and scripts that use it will get version{' '}
              {pending.to} from the next time they resolve it.
            </p>
          ) : (
            <p>
              <code>
                {name}@{pending.alias}
              </code>{' '}
              points at version {pending.from}. Anything that resolves it will get “not found” after this.
            </p>
          )}
        </ConfirmDialog>
      )}
    </Panel>
  );
}
