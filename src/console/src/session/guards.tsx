import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { ForbiddenState } from '../components/ForbiddenState.tsx';
import { signInPathFor } from '../lib/return-to.ts';
import { isAdministrator, useSession } from './session-context.ts';

/** Pages behind sign-in: a signed-out visitor goes to /signin and comes back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { info } = useSession();
  const location = useLocation();
  if (!info.authenticated || !info.user) {
    return <Navigate to={signInPathFor(`${location.pathname}${location.search}`)} replace />;
  }
  return children;
}

/** Administrator pages: anyone else sees why they cannot (the server refuses the API calls anyway). */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const { info } = useSession();
  return isAdministrator(info.user) ? children : <ForbiddenState />;
}
