import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { Logo } from '../components/icons.js';
import { Alert, Loading, useTitle } from '../components/ui.js';
import { errorMessage, useSession } from '../session.js';

/** Where to go after signing in: the page the user asked for, never /login itself. */
function destination(state: unknown): string {
  const from = (state as { from?: { pathname?: string; search?: string; hash?: string } } | null)?.from;
  if (!from?.pathname || from.pathname.startsWith('/login')) return '/';
  return `${from.pathname}${from.search ?? ''}${from.hash ?? ''}`;
}

/** The `token=…` of the URL fragment: the login link the server prints at first start. */
function fragmentToken(): string | null {
  const hash = window.location.hash.replace(/^#/, '');
  if (!hash) return null;
  return new URLSearchParams(hash).get('token')?.trim() || null;
}

/** Drops the fragment from the address bar (and history) so the secret is not left lying there. */
function stripFragment(): void {
  if (!window.location.hash) return;
  // Keep React Router's history state: only the URL changes.
  window.history.replaceState(
    window.history.state,
    '',
    `${window.location.pathname}${window.location.search}`,
  );
}

export function LoginPage() {
  useTitle('Sign in');
  const { state, signIn } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [linkToken, setLinkToken] = useState(fragmentToken);
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState<'link' | 'form' | null>(linkToken === null ? null : 'link');
  const [error, setError] = useState<string | null>(null);
  const triedLink = useRef<string | null>(null);
  const target = destination(location.state);

  async function attempt(secret: string, via: 'link' | 'form') {
    setBusy(via);
    setError(null);
    try {
      await signIn(secret);
      navigate(target, { replace: true });
    } catch (err) {
      setError(errorMessage(err));
      setBusy(null);
    }
  }

  // A login link opened while this page is shown only changes the fragment: no page load.
  useEffect(() => {
    const onHashChange = () => {
      const next = fragmentToken();
      if (next) setLinkToken(next);
      else stripFragment();
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  // `attempt` is recreated every render; each login link's token is tried exactly once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per login link
  useEffect(() => {
    stripFragment();
    if (linkToken === null || triedLink.current === linkToken) return;
    triedLink.current = linkToken;
    void attempt(linkToken, 'link');
  }, [linkToken]);

  // Already signed in (or auth is off) and not busy with a login link: nothing to do here.
  if (state.status === 'signedIn' && !busy && linkToken === null) return <Navigate to={target} replace />;
  if (state.status === 'checking' && linkToken === null) {
    return (
      <div className="login-screen">
        <Loading label="Checking your session…" />
      </div>
    );
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const secret = token.trim();
    if (!secret) {
      setError('Paste an API token first.');
      return;
    }
    void attempt(secret, 'form');
  }

  const notice = state.status === 'signedOut' ? state.notice : null;
  return (
    <div className="login-screen">
      <main className="login-card">
        <div className="login-brand">
          <Logo size={32} />
          <span>Lathe</span>
        </div>
        <h1>Sign in</h1>
        <p className="muted">
          Paste an API token. At its first start the server prints a login link for the admin; more tokens
          come from Settings or <code>lathe tokens create &lt;name&gt;</code>.
        </p>
        {notice && !error && <Alert kind="info">{notice}</Alert>}
        {state.status === 'unreachable' && !error && (
          <Alert kind="error" title="The server did not answer">
            {state.message}
          </Alert>
        )}
        {error && (
          <Alert kind="error" title="Sign-in failed">
            {error}
          </Alert>
        )}
        {busy === 'link' ? (
          <Loading label="Signing in with the login link…" />
        ) : (
          <form onSubmit={onSubmit} className="form">
            <label className="field">
              <span className="field-label">API token</span>
              <input
                type="password"
                name="token"
                autoComplete="off"
                spellCheck={false}
                placeholder="lathe_…"
                value={token}
                onChange={(e) => setToken(e.target.value)}
                // biome-ignore lint/a11y/noAutofocus: the only field on the page
                autoFocus
              />
            </label>
            <button type="submit" className="btn btn-primary btn-block" disabled={busy !== null}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
        )}
        <p className="login-foot muted">
          The token stays in this browser (local storage) until you sign out.
        </p>
      </main>
    </div>
  );
}
