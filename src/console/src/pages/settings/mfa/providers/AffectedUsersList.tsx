import { plural } from '../../../../lib/format.ts';
import type { Affected } from './affected-users.ts';

const SHOWN = 12;

/** Who signs in with a provider: the names (the first dozen) and how many in all. */
export function AffectedUsersList({ affected, consequence }: { affected: Affected; consequence: string }) {
  const more = affected.total - Math.min(affected.usernames.length, SHOWN);
  return (
    <div className="affected">
      <p>
        <strong>{plural(affected.total, 'user')}</strong> {affected.total === 1 ? 'signs' : 'sign'} in with this
        provider. {consequence}
      </p>
      <ul className="affected-list" aria-label="Affected users">
        {affected.usernames.slice(0, SHOWN).map((username) => (
          <li key={username} className="mono">
            {username}
          </li>
        ))}
        {more > 0 && <li className="muted">and {plural(more, 'other')}</li>}
      </ul>
    </div>
  );
}
