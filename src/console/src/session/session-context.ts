import { createContext, useContext } from 'react';
import type { UserView } from '../../../shared/api/users.ts';
import type { SessionEnded, SessionResponse } from '../api/endpoints.ts';

/** Why the last session ended, to say so on the sign-in page ('ended' when an API call found it gone). */
export type EndedNotice = SessionEnded | 'ended' | null;

export interface SessionContextValue {
  info: SessionResponse;
  /** Re-reads /api/session (after sign-in, setup, re-authentication): the CSRF token changes with the session. */
  refresh(): Promise<SessionResponse>;
  notice: EndedNotice;
  /**
   * "Confirm your password" before a sensitive step the console starts itself (a native form post
   * cannot be retried by the API client). Resolves true once the session is fresh again; with MFA the
   * page goes to the provider instead and comes back to the current address.
   */
  confirmRecentSignIn(): Promise<boolean>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}

/** The signed-in user; only for components rendered behind <RequireAuth>. */
export function useUser(): UserView {
  const { info } = useSession();
  if (!info.user) throw new Error('useUser needs a signed-in user');
  return info.user;
}

export const isAdministrator = (user: UserView | null | undefined) => user?.role === 'administrator';
