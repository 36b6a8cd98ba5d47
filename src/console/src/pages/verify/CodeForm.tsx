import { type FormEvent, useState } from 'react';
import type { ChallengeView } from '../../../../shared/api/session.ts';
import { Button } from '../../components/Button.tsx';
import { useSession } from '../../session/session-context.ts';
import { CodeField, checkCode } from './CodeField.tsx';

/** A code from the user's authenticator app, or one of their recovery codes. */
export function CodeForm({ view }: { view: ChallengeView }) {
  const { info } = useSession();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const recovery = view.factor.type === 'recovery_codes';
  const digits = recovery ? null : (view.digits ?? 6);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const problem = checkCode(code, digits);
    setError(problem);
    if (problem) {
      event.preventDefault();
      return;
    }
    setBusy(true);
  };

  return (
    <form
      method="post"
      action={`/api/auth/challenges/${encodeURIComponent(view.id)}/code`}
      className="form-stack"
      onSubmit={onSubmit}
      noValidate
    >
      <input type="hidden" name="_csrf" value={info.csrfToken} />
      <CodeField
        label={recovery ? 'Recovery code' : 'Code'}
        value={code}
        onChange={setCode}
        digits={digits}
        error={error}
        hint={view.attemptsLeft < 5 ? `${view.attemptsLeft} attempts left for this sign-in.` : undefined}
      />
      <Button type="submit" variant="primary" className="btn-block" busy={busy} busyText="Checking…">
        Verify
      </Button>
    </form>
  );
}
