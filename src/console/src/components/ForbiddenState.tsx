import { ButtonLink } from './Button.tsx';
import { EmptyState } from './EmptyState.tsx';

export function ForbiddenState() {
  return (
    <div className="page-state">
      <EmptyState
        level={1}
        icon="lock"
        title="You need administrator rights"
        action={
          <ButtonLink to="/" icon="home">
            Go to the home page
          </ButtonLink>
        }
      >
        <p>
          Settings are for administrators. Ask an administrator of this portal to give your account the administrator
          role if you need to manage users or read the audit log.
        </p>
      </EmptyState>
    </div>
  );
}
