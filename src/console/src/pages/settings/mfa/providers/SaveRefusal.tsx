import { useEffect, useRef } from 'react';
import { Button } from '../../../../components/Button.tsx';
import { Icon } from '../../../../components/Icon.tsx';
import { useDismissToasts } from '../../../../components/Toast.tsx';
import { CheckResult } from './provider-badges.tsx';
import type { Refusal } from './use-provider-save.ts';

/**
 * The live check refused the save. Unreachable: the settings could not be checked, so they may be
 * saved anyway. Refused settings (credentials, clock, other errors): never enabled — only kept as a
 * disabled provider to correct later.
 */
export function SaveRefusal({
  refusal,
  busy,
  onSaveAnyway,
  onSaveDisabled,
}: {
  refusal: Refusal;
  busy: boolean;
  onSaveAnyway: () => void;
  onSaveDisabled: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const dismissToasts = useDismissToasts();
  useEffect(() => {
    dismissToasts();
    ref.current?.focus();
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [dismissToasts]);
  const unreachable = refusal.code === 'PROVIDER_UNREACHABLE';
  return (
    <div className={unreachable ? 'refusal' : 'refusal refusal-danger'} role="alert" tabIndex={-1} ref={ref}>
      <div className="refusal-head">
        <Icon name={unreachable ? 'alert' : 'xCircle'} size={20} />
        <div>
          <p className="refusal-title">Nothing was saved</p>
          <p className="refusal-text">{refusal.message}</p>
        </div>
      </div>
      {refusal.check && <CheckResult check={refusal.check} title="What the connection check found" />}
      <div className="refusal-actions">
        {unreachable ? (
          <>
            <Button variant="primary" onClick={onSaveAnyway} busy={busy} busyText="Saving…">
              Save anyway
            </Button>
            <p className="refusal-note">
              Saves these settings without a passing check. Sign-ins with this provider fail until Duo answers; use Test
              connection later to confirm.
            </p>
          </>
        ) : (
          <>
            <Button onClick={onSaveDisabled} busy={busy} busyText="Saving…">
              Save disabled
            </Button>
            <p className="refusal-note">
              Keeps the settings as a disabled provider so you can correct them later. It cannot be enabled until Duo
              accepts them. Or correct the fields above and save again.
            </p>
          </>
        )}
      </div>
    </div>
  );
}
