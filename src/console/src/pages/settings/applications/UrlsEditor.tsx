import { Button } from '../../../components/Button.tsx';
import { TextField } from '../../../components/Field.tsx';
import { type ApplicationDraft, errorAt, newKey } from './application-draft.ts';

/** The hosts (and optional path prefixes) the application answers at. */
export function UrlsEditor({
  urls,
  errors,
  onChange,
}: {
  urls: ApplicationDraft['urls'];
  errors: Record<string, string>;
  onChange: (urls: ApplicationDraft['urls']) => void;
}) {
  const set = (index: number, change: Partial<ApplicationDraft['urls'][number]>) =>
    onChange(urls.map((url, other) => (other === index ? { ...url, ...change } : url)));
  return (
    <div className="url-list">
      {errors.urls && <p className="field-error">{errors.urls}</p>}
      {urls.map((url, index) => (
        <div className="url-row" key={url.key}>
          <TextField
            label={index === 0 ? 'Host' : `Host ${index + 1}`}
            name={`urls.${index}.host`}
            value={url.host}
            onChange={(host) => set(index, { host })}
            error={errorAt(errors, `urls.${index}.host`)}
            placeholder="grafana.example.com or *.lab.example.com"
            spellCheck={false}
            autoComplete="off"
          />
          <TextField
            label="Path prefix"
            name={`urls.${index}.pathPrefix`}
            value={url.pathPrefix}
            onChange={(pathPrefix) => set(index, { pathPrefix })}
            error={errorAt(errors, `urls.${index}.pathPrefix`)}
            placeholder="/"
            spellCheck={false}
            autoComplete="off"
          />
          <Button
            variant="ghost"
            icon="trash"
            className="url-remove"
            disabled={urls.length === 1}
            aria-label={`Remove URL ${index + 1}`}
            onClick={() => onChange(urls.filter((_, other) => other !== index))}
          >
            Remove
          </Button>
        </div>
      ))}
      <Button size="sm" icon="plus" onClick={() => onChange([...urls, { key: newKey(), host: '', pathPrefix: '/' }])}>
        Add URL
      </Button>
    </div>
  );
}
