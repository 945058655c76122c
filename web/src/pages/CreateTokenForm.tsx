import { type FormEvent, useId, useState } from 'react';
import type { ApiToken, Permission } from '../../../src/sdk/index.js';
import { Icon } from '../components/icons.js';
import { Alert, CopyButton } from '../components/ui.js';
import { errorMessage, useSignedIn } from '../session.js';

/** The server's rule for token names. */
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

const scopeHelp: Record<Permission, string> = {
  read: 'read everything',
  write: 'create and change objects',
  admin: 'manage users, all tokens and the audit log',
};

/** The form that creates an API token for the signed-in user. Scopes are limited to what the user holds. */
export function CreateTokenForm({ onCreated }: { onCreated: (token: ApiToken) => void }) {
  const { me, client, handleError } = useSignedIn();
  const available = me.permissions;
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Permission[]>(() => available.filter((p) => p !== 'admin'));
  const [days, setDays] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ token: ApiToken; secret: string } | null>(null);
  const hintId = useId();

  function toggle(scope: Permission, on: boolean) {
    setScopes((current) =>
      on ? available.filter((p) => p === scope || current.includes(p)) : current.filter((p) => p !== scope),
    );
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!namePattern.test(trimmed) || trimmed.length > 64) {
      setError('The name must be 1–64 characters: letters, digits, and . _ @ - (not first).');
      return;
    }
    if (scopes.length === 0) {
      setError('Choose at least one scope.');
      return;
    }
    const expiresInDays = days.trim() === '' ? undefined : Number(days);
    if (
      expiresInDays !== undefined &&
      !(Number.isInteger(expiresInDays) && expiresInDays >= 1 && expiresInDays <= 3650)
    ) {
      setError('Expiry must be a whole number of days from 1 to 3650, or empty for no expiry.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await client.tokens.create({ name: trimmed, scopes, expiresInDays });
      setCreated(result);
      setName('');
      setDays('');
      onCreated(result.token);
    } catch (err) {
      if (!handleError(err)) setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="create-token">
      {created && (
        <div className="secret-box" role="status" aria-label="New token">
          <div className="secret-head">
            <strong>
              Token <code>{created.token.name}</code> created
            </strong>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
          <p className="secret-warning">
            <Icon name="validation" size={14} /> Copy the secret now. It will not be shown again: Lathe keeps
            only a hash of it.
          </p>
          <div className="secret-row">
            <input
              className="mono"
              readOnly
              aria-label="New token secret"
              value={created.secret}
              onFocus={(e) => e.currentTarget.select()}
            />
            <CopyButton text={created.secret} label="Copy secret" />
          </div>
        </div>
      )}
      <form className="form form-inline" onSubmit={onSubmit} aria-label="Create token">
        <label className="field">
          <span className="field-label">Token name</span>
          <input
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. ci-pipeline"
            maxLength={64}
            autoComplete="off"
            aria-describedby={hintId}
            required
          />
        </label>
        <fieldset className="field">
          <legend className="field-label">Scopes</legend>
          <div className="checks">
            {available.map((scope) => (
              <label key={scope} className="check" title={scopeHelp[scope]}>
                <input
                  type="checkbox"
                  name="scopes"
                  value={scope}
                  checked={scopes.includes(scope)}
                  onChange={(e) => toggle(scope, e.target.checked)}
                />
                {scope}
              </label>
            ))}
          </div>
        </fieldset>
        <label className="field field-narrow">
          <span className="field-label">Expires in (days)</span>
          <input
            type="number"
            name="expiresInDays"
            min={1}
            max={3650}
            step={1}
            placeholder="never"
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create token'}
        </button>
      </form>
      <p id={hintId} className="muted small">
        Names use letters, digits and <code>. _ @ -</code>. Scopes cannot exceed your own (
        {available.join(', ') || 'none'}).
      </p>
      {error && <Alert title="Could not create the token">{error}</Alert>}
    </div>
  );
}
