import type { HealthResultView, ProviderView } from '../../../../../../shared/api/providers.ts';
import { Button } from '../../../../components/Button.tsx';
import { Spinner } from '../../../../components/Spinner.tsx';
import { CheckResult } from './provider-badges.tsx';

export type TestState =
  | { status: 'running' }
  | { status: 'done'; result: HealthResultView }
  | { status: 'failed'; message: string };

/** "Test connection" answered under the provider's row: progress, then the result with its hint. */
export function TestResultRow({
  provider,
  state,
  onDismiss,
}: {
  provider: ProviderView;
  state: TestState;
  onDismiss: () => void;
}) {
  return (
    <div className="test-result" role="status" aria-label={`Connection test of ${provider.name}`}>
      {state.status === 'running' ? (
        <p className="test-result-running">
          <Spinner />
          <span>Checking the connection with Duo…</span>
        </p>
      ) : state.status === 'failed' ? (
        <p className="field-error">{state.message}</p>
      ) : (
        <CheckResult check={state.result} title={`Test connection: ${provider.name}`} />
      )}
      {state.status !== 'running' && (
        <Button size="sm" variant="ghost" onClick={onDismiss}>
          Dismiss
        </Button>
      )}
    </div>
  );
}
