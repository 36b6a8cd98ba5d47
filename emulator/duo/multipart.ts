// multipart/form-data bodies (RFC 7578), text fields only: Duo's official PHP SDK posts its health-check and token
// parameters this way (curl with an array body), and Duo accepts them. Files are not part of Duo's protocol, so a
// part with a filename is refused rather than half-read.

export type FormFields = Record<string, string | string[]>;

export type MultipartResult = { ok: true; fields: FormFields } | { ok: false; problem: string };

/** The boundary parameter of a multipart/form-data Content-Type, unquoted. */
export function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  // RFC 2046 §5.1.1: 1 to 70 characters.
  return boundary && boundary.length <= 70 ? boundary : undefined;
}

function nameOf(disposition: string): { name?: string; filename?: boolean } {
  if (!/^\s*form-data\s*(;|$)/i.test(disposition)) return {};
  const name = /;\s*name="((?:[^"\\]|\\.)*)"/i.exec(disposition)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(disposition)?.[1];
  return { ...(name !== undefined ? { name } : {}), filename: /;\s*filename\*?=/i.test(disposition) };
}

export function parseMultipart(body: Buffer, contentType: string): MultipartResult {
  const boundary = boundaryOf(contentType);
  if (!boundary) return { ok: false, problem: 'multipart/form-data without a boundary' };
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: FormFields = {};
  let position = body.indexOf(delimiter);
  if (position === -1) return { ok: false, problem: 'the multipart body has no part' };
  for (;;) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === '--') return { ok: true, fields };
    // The delimiter line ends with CRLF (transport padding before it is allowed and ignored).
    const lineEnd = body.indexOf('\r\n', position);
    if (lineEnd === -1) return { ok: false, problem: 'the multipart body ends inside a delimiter line' };
    const headersEnd = body.indexOf('\r\n\r\n', lineEnd);
    if (headersEnd === -1) return { ok: false, problem: 'a multipart part has no header end' };
    const headers = body.subarray(lineEnd + 2, headersEnd).toString('utf8');
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headersEnd + 4);
    if (next === -1) return { ok: false, problem: 'the multipart body has no closing delimiter' };
    const disposition = /^content-disposition:\s*(.*)$/im.exec(headers)?.[1] ?? '';
    const { name, filename } = nameOf(disposition);
    if (name === undefined) return { ok: false, problem: 'a multipart part has no form-data name' };
    if (filename) return { ok: false, problem: `the multipart part ${name} is a file` };
    const value = body.subarray(headersEnd + 4, next).toString('utf8');
    const previous = fields[name];
    fields[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
    position = next + 2;
  }
}
