import { useEffect, useState } from 'react';
import type { ArchiveView } from '../../../../../shared/api/audit-retention.ts';
import { olderThanDaysSchema } from '../../../../../shared/api/audit-retention.ts';
import { retentionEndpoints } from '../../../api/audit-endpoints.ts';
import { type ApiError, isAuthError, toApiError } from '../../../api/client.ts';
import { useQuery } from '../../../api/use-query.ts';
import { Button, buttonClass } from '../../../components/Button.tsx';
import { Dialog } from '../../../components/Dialog.tsx';
import { TextField } from '../../../components/Field.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { Icon } from '../../../components/Icon.tsx';
import { Notice } from '../../../components/Notice.tsx';
import { SkeletonLines } from '../../../components/Skeleton.tsx';
import { Time } from '../../../components/Time.tsx';
import { useToast } from '../../../components/Toast.tsx';

const count = (value: number) => value.toLocaleString('en');

/** Archives land when their download completes: until then, look again every two seconds. */
function useArchives(watching: boolean) {
  const archives = useQuery('audit-archives', () => retentionEndpoints.archives());
  useEffect(() => {
    if (!watching) return;
    const timer = window.setInterval(archives.reload, 2000);
    return () => window.clearInterval(timer);
  }, [watching, archives.reload]);
  return archives;
}

function ArchiveToPrune({ archive, onPruned }: { archive: ArchiveView; onPruned: (pruned: number) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const prune = async () => {
    setBusy(true);
    setError(null);
    try {
      onPruned((await retentionEndpoints.prune(archive.id)).pruned);
    } catch (failure) {
      if (!isAuthError(failure)) setError(toApiError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="retention-archive">
      <p className="retention-step-title">
        Archive #{archive.id}: {count(archive.records)} records from before <Time value={archive.cutoff} />
      </p>
      <dl className="retention-facts">
        <dt>Written</dt>
        <dd>
          <Time value={archive.createdAt} /> by {archive.createdBy ?? 'the system'}
        </dd>
        <dt>SHA-256</dt>
        <dd className="mono">{archive.sha256}</dd>
      </dl>
      <p className="muted">
        Check the downloaded file first (<span className="mono">sha256sum</span> shows the same value), and keep it
        somewhere safe: pruned records are gone from the portal. On SQLite, prune a large archive with{' '}
        <span className="mono">portcullis audit prune --archive {archive.id}</span> so sign-ins are not slowed.
      </p>
      <FormError error={error} />
      <Button variant="danger" icon="trash" busy={busy} busyText="Pruning…" onClick={prune}>
        Prune {count(archive.records)} records
      </Button>
    </div>
  );
}

/**
 * Retention in two steps: download an archive of the records older than N days (it streams; the
 * portal records it with its SHA-256 once complete), then prune exactly what that archive holds.
 */
export function RetentionDialog({ onClose, onPruned }: { onClose: () => void; onPruned: () => void }) {
  const toast = useToast();
  const [days, setDays] = useState('365');
  const parsed = olderThanDaysSchema.safeParse(days);
  const valid = parsed.success ? parsed.data : null;
  const preview = useQuery(`retention-${valid}`, (signal) =>
    valid ? retentionEndpoints.preview(valid, signal) : Promise.resolve(null),
  );
  const [downloaded, setDownloaded] = useState(false);
  const archives = useArchives(downloaded);
  const unpruned = (archives.data?.items ?? []).filter((archive) => archive.prunedAt === null);

  return (
    <Dialog
      title="Archive and prune old records"
      description="The audit log keeps everything until you archive it here. Pruning deletes only what an archive holds, and is itself recorded."
      onClose={onClose}
      footer={<Button onClick={onClose}>Close</Button>}
    >
      <div className="retention-steps">
        <section aria-labelledby="retention-step-1">
          <p className="retention-step-title" id="retention-step-1">
            1. Choose what to archive
          </p>
          <div className="retention-days">
            <TextField
              label="Records older than (days)"
              name="olderThanDays"
              value={days}
              onChange={(value) => {
                setDays(value);
                setDownloaded(false);
              }}
              error={
                parsed.success
                  ? undefined
                  : parsed.error.issues[0]?.message.replace('olderThanDays', 'The number of days')
              }
              maxLength={5}
            />
          </div>
          {preview.error && <FormError error={preview.error} />}
          {valid && !preview.data && !preview.error && <SkeletonLines lines={2} />}
          {preview.data && (
            <dl className="retention-facts">
              <dt>Before</dt>
              <dd>
                <Time value={preview.data.cutoff} />
              </dd>
              <dt>Records</dt>
              <dd>{count(preview.data.records)}</dd>
              <dt>Oldest record</dt>
              <dd>
                <Time value={preview.data.oldest} fallback="none" />
              </dd>
            </dl>
          )}
          {preview.data && preview.data.unforwarded > 0 && (
            <Notice tone="warning">
              {count(preview.data.unforwarded)} of these records are not yet delivered to a forwarding destination. A
              prune waits until they are (Settings › System › Audit forwarding).
            </Notice>
          )}
        </section>
        <section aria-labelledby="retention-step-2">
          <p className="retention-step-title" id="retention-step-2">
            2. Download the archive
          </p>
          {valid && preview.data && preview.data.records > 0 ? (
            <a
              className={buttonClass('secondary')}
              href={retentionEndpoints.archiveUrl(valid)}
              download
              onClick={() => setDownloaded(true)}
            >
              <Icon name="download" />
              <span>Download {count(preview.data.records)} records (JSON Lines)</span>
            </a>
          ) : (
            <p className="muted">Nothing is older than that: there is nothing to archive.</p>
          )}
          {downloaded && unpruned.length === 0 && (
            <p className="muted" role="status">
              The archive is recorded when its download completes…
            </p>
          )}
        </section>
        {unpruned.length > 0 && (
          <section aria-labelledby="retention-step-3">
            <p className="retention-step-title" id="retention-step-3">
              3. Prune
            </p>
            {unpruned.map((archive) => (
              <ArchiveToPrune
                key={archive.id}
                archive={archive}
                onPruned={(pruned) => {
                  toast(`${count(pruned)} records are pruned (archive #${archive.id}).`);
                  archives.reload();
                  preview.reload();
                  onPruned();
                }}
              />
            ))}
          </section>
        )}
      </div>
    </Dialog>
  );
}
