import { useCallback, useState } from 'react';
import type { ApiToken, LatheClient } from '../../../src/sdk/index.js';
import { Alert, ConfirmDialog, Loading, Panel } from '../components/ui.js';
import { formatAgo, formatTime } from '../format.js';
import { errorMessage, useSignedIn } from '../session.js';
import { useApi } from '../use-api.js';
import { CreateTokenForm } from './CreateTokenForm.js';

export type TokenStatus = 'active' | 'revoked' | 'expired';

export function tokenStatus(token: ApiToken, now = Date.now()): TokenStatus {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return 'expired';
  return 'active';
}

/** The API tokens table (every user's for admins), the create form and revocation. */
export function TokensPanel() {
  const { me, client, handleError } = useSignedIn();
  const isAdmin = me.permissions.includes('admin');
  const load = useCallback((c: LatheClient) => c.tokens.list({ all: isAdmin }), [isAdmin]);
  const tokens = useApi(load);
  const [confirming, setConfirming] = useState<ApiToken | null>(null);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  async function revoke(token: ApiToken) {
    setRevokeError(null);
    try {
      await client.tokens.revoke(token.id);
      tokens.reload();
    } catch (err) {
      if (!handleError(err)) setRevokeError(`Could not revoke ${token.name}: ${errorMessage(err)}`);
    }
  }

  const now = Date.now();
  return (
    <Panel title={isAdmin ? 'API tokens (all users)' : 'Your API tokens'}>
      <CreateTokenForm onCreated={tokens.reload} />
      {revokeError && <Alert>{revokeError}</Alert>}
      {tokens.error && <Alert title="Could not load the tokens">{tokens.error}</Alert>}
      {!tokens.data && !tokens.error && <Loading />}
      {tokens.data && (
        <div className="table-wrap">
          <table className="table" aria-label="API tokens">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">User</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created (UTC)</th>
                <th scope="col">Expires (UTC)</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.length === 0 && (
                <tr>
                  <td colSpan={9} className="muted">
                    No tokens yet.
                  </td>
                </tr>
              )}
              {tokens.data.map((token) => {
                const status = tokenStatus(token, now);
                const current = token.id === me.tokenId;
                return (
                  <tr key={token.id} className={status === 'active' ? undefined : 'row-dim'}>
                    <td>
                      <span className="strong">{token.name}</span>
                      {current && <span className="badge badge-info">this session</span>}
                    </td>
                    <td className="mono small">{token.prefix}…</td>
                    <td>{token.userName}</td>
                    <td>
                      {token.scopes.map((s) => (
                        <span key={s} className="tag">
                          {s}
                        </span>
                      ))}
                    </td>
                    <td className="nowrap" title={token.createdAt}>
                      {formatTime(token.createdAt)}
                    </td>
                    <td className="nowrap" title={token.expiresAt ?? 'never expires'}>
                      {formatTime(token.expiresAt, 'never')}
                    </td>
                    <td className="nowrap" title={token.lastUsedAt ?? undefined}>
                      {formatAgo(token.lastUsedAt, now)}
                    </td>
                    <td>
                      <span className={`status status-${status}`}>{status}</span>
                    </td>
                    <td className="actions">
                      {status === 'active' && (
                        <button
                          type="button"
                          className="btn btn-sm btn-danger-ghost"
                          aria-label={`Revoke token ${token.name}`}
                          onClick={() => setConfirming(token)}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Revoke token ${confirming.name}?`}
          confirmLabel="Revoke"
          danger
          onConfirm={() => void revoke(confirming)}
          onClose={() => setConfirming(null)}
        >
          <p>
            Programs using <code>{confirming.prefix}…</code> ({confirming.userName}) will get “token revoked”
            errors from now on. This cannot be undone.
          </p>
          {confirming.id === me.tokenId && (
            <Alert kind="warning">This is the token you are signed in with: you will be signed out.</Alert>
          )}
        </ConfirmDialog>
      )}
    </Panel>
  );
}
