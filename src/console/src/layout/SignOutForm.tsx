import type { ReactNode } from 'react';
import { useSession } from '../session/session-context.ts';

/**
 * Sign-out is a native form POST, so the server ends the session and answers with the sign-in page
 * even if the script state is stale. `renderButton` draws the submit button (a menu item, a button).
 */
export function SignOutForm({ renderButton }: { renderButton: () => ReactNode }) {
  const { info } = useSession();
  return (
    <form method="post" action="/api/auth/logout" className="inline-form">
      <input type="hidden" name="_csrf" value={info.csrfToken} />
      {renderButton()}
    </form>
  );
}
