import type { ChallengeView } from '../../../../shared/api/session.ts';
import { Icon, type IconName } from '../../components/Icon.tsx';
import { useSession } from '../../session/session-context.ts';

const ICONS: Record<string, IconName> = {
  duo: 'smartphone',
  totp: 'clock',
  recovery_codes: 'key',
  webauthn: 'shieldCheck',
};

/** "Use another method": each of the user's other methods, one native form post each. */
export function OtherMethods({ view }: { view: ChallengeView }) {
  const { info } = useSession();
  if (view.alternatives.length === 0) return null;
  return (
    <section className="other-methods" aria-labelledby="other-methods-title">
      <h2 className="other-methods-title" id="other-methods-title">
        Use another method
      </h2>
      <ul className="other-methods-list">
        {view.alternatives.map((choice) => (
          <li key={choice.factorId ?? choice.type}>
            <form method="post" action={`/api/auth/challenges/${encodeURIComponent(view.id)}/choose`}>
              <input type="hidden" name="_csrf" value={info.csrfToken} />
              <input type="hidden" name="factorId" value={choice.factorId ?? ''} />
              <button type="submit" className="other-method">
                <Icon name={ICONS[choice.type] ?? 'shield'} size={18} />
                <span className="other-method-text">
                  <span className="other-method-label">
                    {choice.type === 'recovery_codes' ? 'Use a recovery code' : choice.label}
                  </span>
                  {choice.type !== 'recovery_codes' && choice.method !== choice.label && (
                    <span className="other-method-kind">{choice.method}</span>
                  )}
                </span>
                <Icon name="chevronRight" size={16} />
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}
