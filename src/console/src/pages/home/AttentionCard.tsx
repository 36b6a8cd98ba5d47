import { useId } from 'react';
import { Link } from 'react-router-dom';
import { isAuthError, isForbidden } from '../../api/client.ts';
import { mfaEndpoints } from '../../api/mfa-endpoints.ts';
import { useQuery } from '../../api/use-query.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Icon } from '../../components/Icon.tsx';
import { Spinner } from '../../components/Spinner.tsx';
import { Time } from '../../components/Time.tsx';
import { formatRelative, formatUtc } from '../../lib/format.ts';
import { type AttentionItem, attentionItems } from './attention-items.ts';

function Item({ item }: { item: AttentionItem }) {
  return (
    <li className={`attention-item attention-item-${item.tone}`}>
      <Icon name={item.tone === 'danger' ? 'alertCircle' : 'alert'} size={18} className="attention-item-icon" />
      <div className="attention-item-body">
        <p className="attention-item-title">{item.title}</p>
        <p className="attention-item-text">
          {item.text}
          {item.checkedAt && (
            <>
              {' '}
              Checked{' '}
              <time dateTime={item.checkedAt} title={formatUtc(item.checkedAt)}>
                {formatRelative(item.checkedAt)}
              </time>
              .
            </>
          )}
        </p>
      </div>
      <Link to={item.to} className="attention-item-link">
        {item.linkLabel}
        <Icon name="chevronRight" size={14} />
      </Link>
    </li>
  );
}

/**
 * Home, for administrators: what needs them now (sign-ins that skipped or were refused MFA in the
 * last 24 hours, throttled sign-ins, failing providers), each with where to look; or a calm "All clear".
 */
export function AttentionCard() {
  const attention = useQuery('home-attention', () => mfaEndpoints.attention());
  const headingId = useId();
  const data = attention.data;

  if (attention.error) {
    if (isAuthError(attention.error) || isForbidden(attention.error)) return null;
    return (
      <div className="home-attention">
        <ErrorBanner
          error={attention.error}
          title="What needs your attention could not be loaded"
          onRetry={attention.reload}
        />
      </div>
    );
  }
  if (!data) {
    return (
      <p className="home-attention attention-calm" role="status">
        <Spinner />
        <span>Checking recent sign-ins and providers…</span>
      </p>
    );
  }
  const items = attentionItems(data);
  if (items.length === 0) {
    return (
      <p className="home-attention attention-calm attention-clear">
        <Icon name="checkCircle" size={18} className="attention-clear-icon" />
        <span>
          <strong>All clear.</strong> In the last 24 hours no sign-in skipped MFA or was refused for it, and no provider
          is failing its checks.
        </span>
      </p>
    );
  }
  return (
    <section className="home-attention attention" aria-labelledby={headingId}>
      <header className="attention-header">
        <span className="attention-icon">
          <Icon name="alert" size={20} />
        </span>
        <div>
          <h2 className="attention-title" id={headingId}>
            Needs your attention
          </h2>
          <p className="attention-since">
            Sign-ins of the last 24 hours (since <Time value={data.since} />) and each provider's last check.
          </p>
        </div>
      </header>
      <ul className="attention-list">
        {items.map((item) => (
          <Item key={item.key} item={item} />
        ))}
      </ul>
    </section>
  );
}
