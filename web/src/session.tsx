import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { isLatheError, LatheClient, type Me } from '../../src/sdk/index.js';

/** Where the API token is kept between visits. */
const tokenStorageKey = 'lathe.token';

/** Error codes that mean the stored credentials are no good: the user must sign in again. */
const signInAgainCodes = new Set(['UNAUTHENTICATED', 'TOKEN_EXPIRED', 'TOKEN_REVOKED']);

function needsSignIn(err: unknown): boolean {
  return isLatheError(err) && signInAgainCodes.has(err.code);
}

/** A human message for any error an API call threw. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export type SessionState =
  | { status: 'checking' }
  | { status: 'signedOut'; notice: string | null }
  /** `token`: what the client sends (null with auth off), for the rare request made without the SDK (an upload with progress). */
  | { status: 'signedIn'; me: Me; client: LatheClient; token: string | null }
  | { status: 'unreachable'; message: string };

interface SessionApi {
  state: SessionState;
  /** Checks `token` with `me()`; on success keeps it and signs in, otherwise throws the server's error. */
  signIn(token: string): Promise<Me>;
  signOut(notice?: string | null): void;
  /** Call with any error an API call threw: credentials errors sign the user out. Returns true then. */
  handleError(err: unknown): boolean;
  /** Re-runs the initial check (after the server was unreachable). */
  retry(): void;
}

const SessionContext = createContext<SessionApi | null>(null);

function readToken(): string | null {
  try {
    return localStorage.getItem(tokenStorageKey);
  } catch {
    return null;
  }
}

function writeToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(tokenStorageKey, token);
    else localStorage.removeItem(tokenStorageKey);
  } catch {
    // storage disabled: the session lasts until the tab closes
  }
}

function noticeFor(err: unknown): string {
  if (isLatheError(err) && err.code === 'TOKEN_EXPIRED')
    return 'Your API token has expired. Sign in with another one.';
  if (isLatheError(err) && err.code === 'TOKEN_REVOKED')
    return 'Your API token was revoked. Sign in with another one.';
  return 'Your session ended. Sign in again.';
}

/**
 * Holds who is signed in. On start it asks the server `me()` with the stored token (or none: a server
 * with auth off answers anyway, and then no sign-in is needed).
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'checking' });
  const [attempt, setAttempt] = useState(0);
  // Bumped by every sign-in and sign-out, so that of two overlapping sign-ins the later one wins.
  const generation = useRef(0);

  // The start-up check. Its answer only applies while nothing else decided the state: the login page
  // may sign in with a login link at the same time (its effect even runs before this one).
  useEffect(() => {
    void attempt;
    const token = readToken();
    const client = new LatheClient({ url: '', token });
    const settle = (next: SessionState) => setState((prev) => (prev.status === 'checking' ? next : prev));
    client.me().then(
      (me) => settle({ status: 'signedIn', me, client, token }),
      (err: unknown) => {
        if (!needsSignIn(err)) return settle({ status: 'unreachable', message: errorMessage(err) });
        if (token && readToken() === token) writeToken(null);
        settle({ status: 'signedOut', notice: token ? noticeFor(err) : null });
      },
    );
  }, [attempt]);

  const signIn = useCallback(async (token: string) => {
    const mine = ++generation.current;
    const client = new LatheClient({ url: '', token });
    const me = await client.me();
    if (generation.current === mine) {
      writeToken(me.authEnabled ? token : null);
      setState({ status: 'signedIn', me, client, token });
    }
    return me;
  }, []);

  const signOut = useCallback((notice: string | null = null) => {
    generation.current++;
    writeToken(null);
    setState({ status: 'signedOut', notice });
  }, []);

  const handleError = useCallback(
    (err: unknown) => {
      if (!needsSignIn(err)) return false;
      signOut(noticeFor(err));
      return true;
    },
    [signOut],
  );

  const retry = useCallback(() => {
    setState({ status: 'checking' });
    setAttempt((n) => n + 1);
  }, []);

  const api = useMemo(
    () => ({ state, signIn, signOut, handleError, retry }),
    [state, signIn, signOut, handleError, retry],
  );
  return <SessionContext.Provider value={api}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const api = useContext(SessionContext);
  if (!api) throw new Error('useSession must be used inside <SessionProvider>');
  return api;
}

/** The signed-in session; only for components rendered behind the sign-in guard. */
export function useSignedIn(): {
  me: Me;
  client: LatheClient;
  /** The API token the client sends (null with auth off); only for requests the SDK cannot make. */
  token: string | null;
  handleError: (err: unknown) => boolean;
} {
  const { state, handleError } = useSession();
  if (state.status !== 'signedIn') throw new Error('useSignedIn needs a signed-in session');
  return { me: state.me, client: state.client, token: state.token, handleError };
}
