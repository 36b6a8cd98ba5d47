import { type FormEvent, useState } from 'react';
import type { ChallengeView } from '../../../../shared/api/session.ts';
import { Button } from '../../components/Button.tsx';
import { TextField } from '../../components/Field.tsx';
import { useSession } from '../../session/session-context.ts';
import { CodeField, checkCode } from './CodeField.tsx';

/**
 * Setting up an authenticator app: the QR code of its otpauth:// URI, the key in groups of four for
 * typing by hand, a name, and a first code from the app — nothing is set up until that code is right.
 */
export function EnrolAppForm({ view }: { view: ChallengeView }) {
  const { info } = useSession();
  const [code, setCode] = useState('');
  const [label, setLabel] = useState('Authenticator app');
  const [errors, setErrors] = useState<{ code?: string; label?: string }>({});
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);
  const enrolment = view.enrolment;
  if (!enrolment) return null;
  const key = enrolment.secretGroups.join(' ');

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const found = {
      code: checkCode(code, view.digits ?? 6),
      label: label.trim() === '' ? 'Give this app a name, such as "Phone".' : undefined,
    };
    setErrors(found);
    if (found.code || found.label) {
      event.preventDefault();
      return;
    }
    setBusy(true);
  };

  return (
    <div className="enrol-app">
      <ol className="enrol-steps">
        <li>
          <p>Scan this QR code with your authenticator app.</p>
          <img
            className="enrol-qr"
            src={`data:image/svg+xml;utf8,${encodeURIComponent(enrolment.qrSvg)}`}
            alt={`QR code for ${enrolment.issuer} in your authenticator app`}
            width={200}
            height={200}
          />
          <details className="enrol-key">
            <summary>Can’t scan it? Type the key instead</summary>
            <p className="enrol-key-value">
              <span className="enrol-key-label">Key</span>
              <code>{key}</code>
              <Button
                size="sm"
                variant="ghost"
                icon={copied ? 'check' : 'scroll'}
                onClick={() => navigator.clipboard?.writeText(key.replaceAll(' ', '')).then(() => setCopied(true))}
              >
                {copied ? 'Copied' : 'Copy'}
              </Button>
            </p>
            <p className="field-hint">
              Choose “time-based”, {view.digits ?? 6} digits, account {enrolment.issuer}.
            </p>
          </details>
        </li>
        <li>
          <form
            method="post"
            action={`/api/auth/challenges/${encodeURIComponent(view.id)}/code`}
            className="form-stack"
            onSubmit={onSubmit}
            noValidate
          >
            <input type="hidden" name="_csrf" value={info.csrfToken} />
            <TextField
              label="Name this app"
              name="label"
              value={label}
              onChange={setLabel}
              error={errors.label}
              maxLength={60}
              hint="So you can tell your methods apart, e.g. “Phone” or “Work laptop”."
            />
            <CodeField
              label="Code from the app"
              value={code}
              onChange={setCode}
              digits={view.digits ?? 6}
              error={errors.code}
            />
            <Button type="submit" variant="primary" className="btn-block" busy={busy} busyText="Checking…">
              Confirm and finish
            </Button>
          </form>
        </li>
      </ol>
    </div>
  );
}
