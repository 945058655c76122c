import type { LatheClient } from '../../../src/sdk/index.js';
import { PageHeader } from '../components/Layout.js';
import { Alert, Fact, Facts, Loading, Panel, useTitle } from '../components/ui.js';
import { formatTime } from '../format.js';
import { useSignedIn } from '../session.js';
import { useApi } from '../use-api.js';
import { TokensPanel } from './TokensPanel.js';

const loadUsers = (client: LatheClient) => client.users.list();

function AccountPanel() {
  const { me } = useSignedIn();
  return (
    <Panel title="Signed in as">
      <Facts>
        <Fact label="User">
          <span className="strong">{me.user.name}</span>
        </Fact>
        <Fact label="Role">
          <span className={`badge role-${me.user.role}`}>{me.user.role}</span>
        </Fact>
        <Fact label="Permissions of this session">{me.permissions.join(', ') || 'none'}</Fact>
        <Fact label="User ID">
          <code>{me.user.id}</code>
        </Fact>
        <Fact label="Session token ID">
          {me.tokenId ? <code>{me.tokenId}</code> : 'no token (auth is off)'}
        </Fact>
      </Facts>
    </Panel>
  );
}

function UsersPanel() {
  const users = useApi(loadUsers);
  return (
    <Panel title="Users">
      {users.error && <Alert title="Could not load the users">{users.error}</Alert>}
      {!users.data && !users.error && <Loading />}
      {users.data && (
        <div className="table-wrap">
          <table className="table" aria-label="Users">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Created (UTC)</th>
                <th scope="col">ID</th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => (
                <tr key={user.id} className={user.disabled ? 'row-dim' : undefined}>
                  <td className="strong">{user.name}</td>
                  <td>
                    <span className={`badge role-${user.role}`}>{user.role}</span>
                  </td>
                  <td>
                    <span className={`status status-${user.disabled ? 'revoked' : 'active'}`}>
                      {user.disabled ? 'disabled' : 'active'}
                    </span>
                  </td>
                  <td className="nowrap" title={user.createdAt}>
                    {formatTime(user.createdAt)}
                  </td>
                  <td className="mono small">{user.id}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

export function SettingsPage() {
  useTitle('Settings');
  const { me } = useSignedIn();
  const isAdmin = me.permissions.includes('admin');
  return (
    <>
      <PageHeader
        title="Settings"
        description="Your account, API tokens and, for admins, the users of this server."
      />
      <AccountPanel />
      {me.authEnabled ? (
        <TokensPanel />
      ) : (
        <Panel title="API tokens">
          <p className="muted">Auth is turned off on this server, so API tokens are not needed or checked.</p>
        </Panel>
      )}
      {isAdmin && <UsersPanel />}
    </>
  );
}
