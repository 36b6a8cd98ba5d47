import { useState } from 'react';
import type { MyMfa } from '../../../../shared/api/mfa.ts';
import { toApiError } from '../../api/client.ts';
import { mfaEndpoints } from '../../api/mfa-endpoints.ts';
import { Badge } from '../../components/Badge.tsx';
import { Button } from '../../components/Button.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { Time } from '../../components/Time.tsx';
import { useToast } from '../../components/Toast.tsx';

/** Recovery codes: how many are left; a new set of ten, shown once with copy, download and print. */
export function RecoveryCodesPanel({ mfa, onChanged }: { mfa: MyMfa; onChanged: () => void }) {
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const current = mfa.recoveryCodes;

  if (!mfa.policy.recoveryCodes && !current) return null;

  const generate = async () => {
    setBusy(true);
    try {
      setCodes((await mfaEndpoints.generateRecoveryCodes()).codes);
      setConfirming(false);
      onChanged();
    } catch (failure) {
      toast(toApiError(failure).message, 'danger');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="recovery-panel" aria-labelledby="recovery-title">
      <div className="recovery-text">
        <h3 id="recovery-title" className="factor-list-title">
          Recovery codes
        </h3>
        {!mfa.policy.recoveryCodes ? (
          <p>Recovery codes are turned off on this portal: yours no longer work.</p>
        ) : current ? (
          <p>
            {current.remaining === 0 ? (
              <Badge tone="danger" dot>
                None left
              </Badge>
            ) : (
              <Badge tone={current.remaining <= 3 ? 'warning' : 'success'} dot>
                {current.remaining} of 10 left
              </Badge>
            )}{' '}
            Generated <Time value={current.createdAt} />. Each code signs you in once if you lose your phone.
          </p>
        ) : (
          <p>Ten single-use codes to sign in with if you lose your phone. Keep them somewhere safe, away from it.</p>
        )}
      </div>
      {mfa.policy.recoveryCodes && (
        <Button
          icon="key"
          onClick={() => (current ? setConfirming(true) : generate())}
          busy={busy && !confirming}
          busyText="Generating…"
        >
          {current ? 'Generate new codes' : 'Generate recovery codes'}
        </Button>
      )}
      {confirming && (
        <ConfirmDialog
          title="Generate new recovery codes?"
          confirmLabel="Generate new codes"
          busyLabel="Generating…"
          tone="primary"
          busy={busy}
          onCancel={() => setConfirming(false)}
          onConfirm={generate}
        >
          <p>Your current codes stop working at once, including the {current?.remaining ?? 0} you have not used.</p>
        </ConfirmDialog>
      )}
      {codes && <NewCodesDialog codes={codes} onClose={() => setCodes(null)} />}
    </section>
  );
}

function NewCodesDialog({ codes, onClose }: { codes: string[]; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const text = `Portcullis recovery codes (${new Date().toISOString().slice(0, 10)})\nEach code works once.\n\n${codes.join('\n')}\n`;
  const download = `data:text/plain;charset=utf-8,${encodeURIComponent(text)}`;
  return (
    <Dialog
      title="Your recovery codes"
      description="Save them now: they are shown only once. Each code signs you in once, in place of your second step."
      onClose={onClose}
      footer={
        <>
          <Button
            icon={copied ? 'check' : 'scroll'}
            onClick={() => navigator.clipboard?.writeText(codes.join('\n')).then(() => setCopied(true))}
          >
            {copied ? 'Copied' : 'Copy'}
          </Button>
          <a className="btn btn-secondary" href={download} download="portcullis-recovery-codes.txt">
            Download .txt
          </a>
          <Button icon="printer" onClick={() => window.print()}>
            Print
          </Button>
          <Button variant="primary" onClick={onClose} data-autofocus>
            I have saved them
          </Button>
        </>
      }
    >
      <ol className="recovery-codes" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
    </Dialog>
  );
}
