import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { type ApiError, setApiHandlers, setCsrfToken, toApiError } from '../api/client.ts';
import { endpoints, type SessionResponse } from '../api/endpoints.ts';
import { Button } from '../components/Button.tsx';
import { Icon } from '../components/Icon.tsx';
import { LoadingPanel } from '../components/Spinner.tsx';
import { noticeFromReason } from './notices.ts';
import { ReauthDialog } from './ReauthDialog.tsx';
import { type EndedNotice, SessionContext } from './session-context.ts';

type State = { status: 'loading' } | { status: 'failed'; error: ApiError } | { status: 'ready'; info: SessionResponse };

/**
 * Owns who is signed in. Reads /api/session at start, keeps the API client's CSRF token current, sends
 * a person whose session ended back to sign-in, and asks for the password when the server wants a
 * recent one (REAUTH_REQUIRED), then lets the API client retry.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [notice, setNotice] = useState<EndedNotice>(null);
  const [reauthOpen, setReauthOpen] = useState(false);
  const waiting = useRef<((confirmed: boolean) => void)[]>([]);

  const refresh = useCallback(async () => {
    const info = await endpoints.session();
    setCsrfToken(info.csrfToken);
    if (info.sessionEnded) setNotice(info.sessionEnded);
    setState({ status: 'ready', info });
    return info;
  }, []);

  const load = useCallback(() => {
    setState({ status: 'loading' });
    refresh().catch((error: unknown) => setState({ status: 'failed', error: toApiError(error) }));
  }, [refresh]);

  useEffect(() => load(), [load]);

  const settleReauth = useCallback((confirmed: boolean) => {
    setReauthOpen(false);
    for (const resolve of waiting.current.splice(0)) resolve(confirmed);
  }, []);

  const confirmRecentSignIn = useCallback(
    () =>
      new Promise<boolean>((resolve) => {
        waiting.current.push(resolve);
        setReauthOpen(true);
      }),
    [],
  );

  useEffect(() => {
    setApiHandlers({
      onUnauthorized: (_code, reason) => {
        setNotice((current) => current ?? noticeFromReason(reason));
        refresh().catch(() => {});
      },
      onReauthRequired: confirmRecentSignIn,
    });
  }, [refresh, confirmRecentSignIn]);

  const value = useMemo(
    () => (state.status === 'ready' ? { info: state.info, refresh, notice, confirmRecentSignIn } : null),
    [state, refresh, notice, confirmRecentSignIn],
  );

  if (state.status === 'loading') {
    return (
      <div className="boot-screen">
        <LoadingPanel label="Loading Portcullis…" />
      </div>
    );
  }
  if (state.status === 'failed' || !value) {
    const error = state.status === 'failed' ? state.error : null;
    return (
      <div className="boot-screen">
        <div className="boot-card" role="alert">
          <Icon name="alertCircle" size={28} className="boot-icon" />
          <h1>Portcullis cannot be reached</h1>
          <p>{error?.message ?? 'The portal did not answer.'}</p>
          {error?.requestId && (
            <p className="muted">
              Reference: <code>{error.requestId}</code>
            </p>
          )}
          <Button variant="primary" icon="refresh" onClick={load}>
            Try again
          </Button>
        </div>
      </div>
    );
  }
  return (
    <SessionContext.Provider value={value}>
      {children}
      {reauthOpen && (
        <ReauthDialog
          onConfirmed={async () => {
            await refresh();
            settleReauth(true);
          }}
          onCancel={() => settleReauth(false)}
        />
      )}
    </SessionContext.Provider>
  );
}
