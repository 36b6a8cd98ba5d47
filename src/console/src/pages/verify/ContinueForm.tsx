import { useState } from 'react';
import type { ChallengeView } from '../../../../shared/api/session.ts';
import { Button } from '../../components/Button.tsx';
import { useSession } from '../../session/session-context.ts';

/** A provider with its own prompt (Duo): the trip there starts when the user chooses it. */
export function ContinueForm({ view }: { view: ChallengeView }) {
  const { info } = useSession();
  const [busy, setBusy] = useState(false);
  return (
    <form
      method="post"
      action={`/api/auth/challenges/${encodeURIComponent(view.id)}/choose`}
      className="form-stack"
      onSubmit={() => setBusy(true)}
    >
      <input type="hidden" name="_csrf" value={info.csrfToken} />
      <input type="hidden" name="factorId" value={view.factor.factorId ?? ''} />
      <Button
        type="submit"
        variant="primary"
        icon="smartphone"
        className="btn-block"
        busy={busy}
        busyText={`Opening ${view.factor.label}…`}
        autoFocus
      >
        Continue with {view.factor.label}
      </Button>
    </form>
  );
}
