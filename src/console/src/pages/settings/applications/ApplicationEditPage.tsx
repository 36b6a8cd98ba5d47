import { useNavigate, useParams } from 'react-router-dom';
import { accessEndpoints } from '../../../api/access-endpoints.ts';
import { isAuthError } from '../../../api/client.ts';
import { useQuery } from '../../../api/use-query.ts';
import { ButtonLink } from '../../../components/Button.tsx';
import { EmptyState } from '../../../components/EmptyState.tsx';
import { ErrorBanner } from '../../../components/ErrorBanner.tsx';
import { LoadingPanel } from '../../../components/Spinner.tsx';
import { useToast } from '../../../components/Toast.tsx';
import { PageHeader } from '../../../layout/PageHeader.tsx';
import { usePageTitle } from '../../../lib/page-title.ts';
import { ApplicationForm } from './ApplicationForm.tsx';

const back = (
  <ButtonLink to="/settings/applications" icon="arrowLeft">
    Back to Applications
  </ButtonLink>
);

/** Settings > Applications > Add: a new application starts with "MFA, everyone signed in". */
export function ApplicationNewPage() {
  usePageTitle('Add application', 'Settings');
  const navigate = useNavigate();
  const toast = useToast();
  return (
    <>
      <PageHeader
        eyebrow="Settings · Applications"
        title="Add application"
        description="It starts with one rule — MFA for everyone signed in — never open. Try your rules in the tester before you save."
        actions={back}
      />
      <ApplicationForm
        onSaved={(saved) => {
          toast(`${saved.name} is added: point your proxy at Portcullis to protect it.`);
          navigate('/settings/applications');
        }}
      />
    </>
  );
}

export function ApplicationEditPage() {
  const { id } = useParams();
  const appId = Number(id);
  const valid = Number.isInteger(appId) && appId > 0;
  const navigate = useNavigate();
  const toast = useToast();
  const app = useQuery(`application-${id}`, () =>
    valid ? accessEndpoints.application(appId) : Promise.reject(new Error('bad id')),
  );
  usePageTitle(app.data?.name ?? 'Application', 'Settings');

  if (!valid || app.error?.code === 'APPLICATION_NOT_FOUND') {
    return (
      <div className="page-state">
        <EmptyState level={1} icon="compass" title="Application not found" action={back}>
          <p>There is no application with this ID. It may have been deleted.</p>
        </EmptyState>
      </div>
    );
  }
  return (
    <>
      <PageHeader
        eyebrow="Settings · Applications"
        title={app.data ? `Edit ${app.data.name}` : 'Edit application'}
        description="Changes reach every node within a second; sessions are checked again within two."
        actions={back}
      />
      {app.error && !isAuthError(app.error) ? (
        <ErrorBanner error={app.error} title="The application could not be loaded" onRetry={app.reload} />
      ) : !app.data ? (
        <LoadingPanel label="Loading the application…" />
      ) : (
        <ApplicationForm
          key={app.data.updatedAt}
          app={app.data}
          onSaved={(saved) => {
            toast(`${saved.name} is saved.`);
            navigate('/settings/applications');
          }}
        />
      )}
    </>
  );
}
