import { useState } from 'react';
import { HTTP_METHODS } from '../../../../../shared/api/access-patterns.ts';
import type { AccessTestResult, ApplicationBody } from '../../../../../shared/api/applications.ts';
import { accessEndpoints } from '../../../api/access-endpoints.ts';
import { type ApiError, toApiError } from '../../../api/client.ts';
import { Badge, type BadgeTone } from '../../../components/Badge.tsx';
import { Button } from '../../../components/Button.tsx';
import { Card } from '../../../components/Card.tsx';
import { SelectField, TextField } from '../../../components/Field.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { Icon } from '../../../components/Icon.tsx';

const VERDICTS: Record<AccessTestResult['decision'], { label: string; tone: BadgeTone }> = {
  allow: { label: 'Let in', tone: 'success' },
  deny: { label: 'Refused (403)', tone: 'danger' },
  sign_in: { label: 'Sent to sign in', tone: 'accent' },
  step_up: { label: 'MFA step first', tone: 'warning' },
};

/**
 * "Would alice, from 10.1.2.3, GET https://grafana.example.com/admin be let in, and why?" — against
 * the form as it is now (a draft, not yet saved), with every rule's verdict.
 */
export function RuleTester({ draft, sampleUrl }: { draft: () => ApplicationBody | null; sampleUrl: string }) {
  const [values, setValues] = useState({
    username: '',
    ip: '10.1.2.3',
    method: 'GET',
    url: '',
    signedInWith: 'mfa',
    minutes: '0',
  });
  const [result, setResult] = useState<AccessTestResult | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof values) => (value: string) => setValues({ ...values, [key]: value });
  const field = (key: keyof typeof values) => ({
    name: key,
    value: values[key],
    onChange: set(key),
    error: error?.fields[key],
  });

  const run = async () => {
    const body = draft();
    if (!body) return;
    setBusy(true);
    setError(null);
    try {
      setResult(
        await accessEndpoints.testAccess({
          username: values.username,
          ip: values.ip,
          method: values.method as (typeof HTTP_METHODS)[number],
          url: values.url || sampleUrl,
          signedInWith: values.signedInWith as 'mfa' | 'password',
          mfaMinutesAgo: /^\d+$/.test(values.minutes) ? Number(values.minutes) : 0,
          draft: body,
        }),
      );
    } catch (failure) {
      setResult(null);
      setError(toApiError(failure));
    } finally {
      setBusy(false);
    }
  };

  const verdict = result ? VERDICTS[result.decision] : null;
  return (
    <Card
      title="Rule tester"
      id="tester"
      description="Who would be let in, and why — with the rules as they are in this form, saved or not."
    >
      <form
        className="form-stack tester"
        aria-label="Rule tester"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          run();
        }}
      >
        <FormError error={error && !Object.keys(error.fields).length ? error : null} />
        <TextField
          label="User"
          {...field('username')}
          placeholder="alice (empty: not signed in)"
          spellCheck={false}
          autoComplete="off"
        />
        <div className="form-row">
          <TextField label="From address" {...field('ip')} spellCheck={false} autoComplete="off" />
          <SelectField
            label="Method"
            {...field('method')}
            options={HTTP_METHODS.map((method) => ({ value: method, label: method }))}
          />
        </div>
        <TextField label="URL" {...field('url')} placeholder={sampleUrl} spellCheck={false} autoComplete="off" />
        <div className="form-row">
          <SelectField
            label="Signed in with"
            {...field('signedInWith')}
            options={[
              { value: 'mfa', label: 'MFA' },
              { value: 'password', label: 'Password only' },
            ]}
          />
          {values.signedInWith === 'mfa' && (
            <TextField label="MFA minutes ago" {...field('minutes')} autoComplete="off" />
          )}
        </div>
        <Button type="submit" icon="activity" busy={busy} busyText="Testing…">
          Test
        </Button>
      </form>
      {result && verdict && (
        <div className="tester-result" role="status" aria-live="polite">
          <p>
            <Badge tone={verdict.tone} dot>
              {verdict.label}
            </Badge>
          </p>
          <p className="tester-summary">{result.summary}</p>
          {result.trace.length > 0 && (
            <ol className="tester-trace" aria-label="Rules looked at">
              {result.trace.map((entry) => (
                <li key={entry.rule} className={entry.matched ? 'tester-step tester-step-matched' : 'tester-step'}>
                  <Icon name={entry.matched ? 'checkCircle' : 'minusCircle'} size={14} />
                  <span>
                    <strong>Rule {entry.rule}</strong> · {entry.text} — <em>{entry.why}</em>
                  </span>
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </Card>
  );
}
