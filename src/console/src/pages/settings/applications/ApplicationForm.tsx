import { type FormEvent, useRef, useState } from 'react';
import { APPLICATION_COLOURS, type ApplicationView } from '../../../../../shared/api/applications.ts';
import { accessEndpoints } from '../../../api/access-endpoints.ts';
import { ApiError, isAuthError, toApiError } from '../../../api/client.ts';
import { endpoints } from '../../../api/endpoints.ts';
import { useQuery } from '../../../api/use-query.ts';
import { Button, ButtonLink } from '../../../components/Button.tsx';
import { CheckboxField, TextField } from '../../../components/Field.tsx';
import { FormError } from '../../../components/FormError.tsx';
import { type ApplicationDraft, checkDraft, draftOf, newRule, type RuleDraft } from './application-draft.ts';
import { ProxyHelpCard } from './ProxyHelpCard.tsx';
import { RuleEditor } from './RuleEditor.tsx';
import { RuleTester } from './RuleTester.tsx';
import { UrlsEditor } from './UrlsEditor.tsx';

const HEADERS: Array<{ key: keyof ApplicationDraft['headers']; label: string; hint: string }> = [
  { key: 'user', label: 'Username', hint: 'Remote-User' },
  { key: 'groups', label: 'Groups', hint: 'Remote-Groups, comma-separated' },
  { key: 'email', label: 'Email', hint: 'Remote-Email' },
  { key: 'name', label: 'Display name', hint: 'Remote-Name' },
  {
    key: 'authLevel',
    label: 'How they signed in',
    hint: 'Remote-Auth-Level (password or mfa) and Remote-Amr (RFC 8176)',
  },
  { key: 'jwt', label: 'Signed JWT', hint: 'Remote-Jwt: ES256, two minutes, verifiable with /api/authz/jwks' },
];

/** Add or edit an application: general, URLs, ordered access rules, identity headers; the rule tester beside. */
export function ApplicationForm({
  app,
  onSaved,
}: {
  app?: ApplicationView;
  onSaved: (saved: ApplicationView) => void;
}) {
  const [draft, setDraft] = useState<ApplicationDraft>(() => draftOf(app));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const groups = useQuery('all-groups', () => accessEndpoints.listGroups({ pageSize: 200 }));
  const users = useQuery('all-users', () => endpoints.listUsers({ pageSize: 200 }));
  const directory = {
    groups: (groups.data?.items ?? []).map((group) => ({ id: group.id, label: group.name })),
    users: (users.data?.items ?? []).map((user) => ({ id: user.id, label: user.username })),
  };

  const change = (next: Partial<ApplicationDraft>) => setDraft((current) => ({ ...current, ...next }));
  const changeRule = (index: number, next: Partial<RuleDraft>) =>
    change({ rules: draft.rules.map((rule, other) => (other === index ? { ...rule, ...next } : rule)) });
  const moveRule = (index: number, by: -1 | 1) => {
    const rules = [...draft.rules];
    const [moved] = rules.splice(index, 1);
    if (moved) rules.splice(index + by, 0, moved);
    change({ rules });
  };

  const focusFirstError = (found: Record<string, string>) =>
    requestAnimationFrame(() => {
      const first = Object.keys(found)[0];
      if (!first) return;
      const element =
        formRef.current?.querySelector<HTMLElement>(`[aria-invalid="true"]`) ??
        formRef.current?.querySelector<HTMLElement>(`[name="${CSS.escape(first)}"]`);
      element?.focus();
    });

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (saving) return;
    const { body, errors: found } = checkDraft(draft);
    setErrors(found);
    if (Object.keys(found).length) {
      setFormError(new ApiError(400, 'VALIDATION_FAILED', 'Some fields need attention.'));
      focusFirstError(found);
      return;
    }
    setFormError(null);
    setSaving(true);
    try {
      onSaved(
        app ? await accessEndpoints.updateApplication(app.id, body) : await accessEndpoints.createApplication(body),
      );
    } catch (failure) {
      if (isAuthError(failure)) return;
      const error = toApiError(failure);
      const fields = error.code === 'APPLICATION_NAME_TAKEN' ? { name: error.message } : error.fields;
      setErrors(fields);
      setFormError(error);
      focusFirstError(fields);
    } finally {
      setSaving(false);
    }
  };

  const sampleUrl = (() => {
    const host = draft.urls[0]?.host.trim().replace(/^\*\./, 'app.') || 'grafana.example.com';
    return `https://${host}${draft.urls[0]?.pathPrefix && draft.urls[0].pathPrefix !== '/' ? draft.urls[0].pathPrefix : '/'}`;
  })();

  return (
    <div className="registration application-editor">
      <form ref={formRef} className="card registration-form" onSubmit={submit} noValidate aria-label="Application">
        <div className="form-section">
          <FormError error={formError} />
          <h2 className="form-section-title">General</h2>
          <div className="form-row">
            <TextField
              label="Name"
              name="name"
              value={draft.name}
              onChange={(name) => change({ name })}
              error={errors.name}
              maxLength={80}
              autoComplete="off"
            />
            <fieldset className="field colour-field">
              <legend className="field-label">Colour</legend>
              <div className="swatches">
                {APPLICATION_COLOURS.map((colour) => (
                  <label key={colour} className="swatch" title={colour}>
                    <input
                      type="radio"
                      name="colour"
                      value={colour}
                      checked={draft.colour === colour}
                      onChange={() => change({ colour })}
                    />
                    <span className="swatch-dot" style={{ background: colour }} aria-hidden="true" />
                    <span className="sr-only">{colour}</span>
                  </label>
                ))}
              </div>
            </fieldset>
          </div>
          <TextField
            label="Description"
            name="description"
            value={draft.description}
            onChange={(description) => change({ description })}
            error={errors.description}
            maxLength={300}
            optional
          />
          <CheckboxField
            label="Enabled"
            name="enabled"
            checked={draft.enabled}
            onChange={(enabled) => change({ enabled })}
            hint="While disabled, the proxy refuses every request to it (403)."
          />
        </div>
        <div className="form-section">
          <h2 className="form-section-title">URLs</h2>
          <p className="field-hint">
            Where people reach it through the proxy. <span className="mono">*.lab.example.com</span> covers every host
            under lab.example.com; the most specific URL of all applications wins.
          </p>
          <UrlsEditor urls={draft.urls} errors={errors} onChange={(urls) => change({ urls })} />
        </div>
        <div className="form-section">
          <h2 className="form-section-title">Access rules</h2>
          <p className="field-hint">
            In order: the first rule that matches the person and the request decides. When none matches, the answer is
            no.
          </p>
          {draft.rules.length === 0 && <p className="muted">No rules: everyone is refused.</p>}
          <ol className="rule-list">
            {draft.rules.map((rule, index) => (
              <RuleEditor
                key={rule.key}
                rule={rule}
                index={index}
                count={draft.rules.length}
                errors={errors}
                directory={directory}
                onChange={(next) => changeRule(index, next)}
                onMove={(by) => moveRule(index, by)}
                onRemove={() => change({ rules: draft.rules.filter((_, other) => other !== index) })}
              />
            ))}
          </ol>
          <Button size="sm" icon="plus" onClick={() => change({ rules: [...draft.rules, newRule()] })}>
            Add rule
          </Button>
        </div>
        <div className="form-section">
          <h2 className="form-section-title">Identity headers</h2>
          <p className="field-hint">
            What the application learns about the person. Every header is always sent; what is not shared is empty.
          </p>
          {HEADERS.map((header) => (
            <CheckboxField
              key={header.key}
              label={header.label}
              name={`headers.${header.key}`}
              checked={draft.headers[header.key]}
              onChange={(on) => change({ headers: { ...draft.headers, [header.key]: on } })}
              hint={header.hint}
            />
          ))}
        </div>
        <div className="form-footer">
          <Button type="submit" variant="primary" busy={saving} busyText="Saving…">
            {app ? 'Save changes' : 'Add application'}
          </Button>
          <ButtonLink to="/settings/applications" variant="ghost">
            Cancel
          </ButtonLink>
        </div>
      </form>
      <aside className="registration-aside" aria-label="Test and set up">
        <RuleTester
          sampleUrl={sampleUrl}
          draft={() => {
            const checked = checkDraft(draft);
            setErrors(checked.errors);
            return Object.keys(checked.errors).length ? null : checked.body;
          }}
        />
        <ProxyHelpCard />
      </aside>
    </div>
  );
}
