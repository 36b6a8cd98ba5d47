import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/shared/api/error-catalogue.ts';

const DOC = new URL('../../docs/errors.md', import.meta.url);

function render(): string {
  const rows = Object.entries(ERRORS).map(([code, { status, message }]) => `| \`${code}\` | ${status} | ${message} |`);
  return [
    '# Error catalogue',
    '',
    'Every error the API returns has this shape, whatever the route:',
    '',
    '```json',
    '{ "error": { "code": "VALIDATION_FAILED", "message": "Some fields need attention.", "fields": { "email": "Enter an email address such as name@example.com." }, "requestId": "k3J9x2Qe8mVw" } }',
    '```',
    '',
    '`fields` appears when particular inputs are wrong; `retryAfterSeconds` (and a `Retry-After` header) when waiting helps;',
    '`requestId` is the reference to quote: the server log line for the request carries the same id. A 500 never says more',
    'than its reference. Browser form posts (sign-in, sign-out) are sent back to the page as `?error=<CODE>` instead.',
    '',
    'This table is generated from `src/shared/api/error-catalogue.ts`; a test fails when they differ',
    '(`PORTCULLIS_UPDATE_DOCS=1 npx vitest run test/unit/errors-doc.test.ts` rewrites it).',
    '',
    '| Code | HTTP | Message |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

describe('docs/errors.md', () => {
  it('lists every code of the error catalogue with its status and message', () => {
    if (process.env.PORTCULLIS_UPDATE_DOCS === '1') writeFileSync(DOC, render());
    expect(readFileSync(DOC, 'utf8')).toBe(render());
  });
});
