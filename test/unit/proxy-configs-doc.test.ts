import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { caddySite, DOC_VALUES, nginxSite } from '../helpers/proxy-configs.ts';

const DOC = readFileSync(new URL('../../docs/protect-an-app.md', import.meta.url), 'utf8');

// The proxy suites run these templates; the page must show the very same text (with example values).
describe('docs/protect-an-app.md shows the configurations the proxy tests run', () => {
  it('nginx', () => {
    expect(DOC).toContain(`\`\`\`nginx\n${nginxSite(DOC_VALUES.nginx)}\`\`\``);
  });
  it('Caddy', () => {
    expect(DOC).toContain(`\`\`\`caddy\n${caddySite(DOC_VALUES.caddy)}\`\`\``);
  });
});
