// Request logs are read by people and pasted into issues: a client assertion or an authorization code in them would
// be a replayable credential, so anything secret-bearing is cut to a recognisable prefix.

const SECRET_PARAMS = new Set([
  'request',
  'client_assertion',
  'client_secret',
  'code',
  'duo_code',
  'id_token',
  'access_token',
  'txid',
  'state',
  'nonce',
]);

const shorten = (value: string): string => (value.length <= 8 ? '…' : `${value.slice(0, 6)}…(${value.length})`);

export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  const search = mark === -1 ? undefined : url.slice(mark + 1);
  // Activation codes travel in the path.
  const safePath = path.replace(
    /(\/frame\/enroll\/activate\/)([^/]+)/,
    (_m, prefix: string, code: string) => prefix + shorten(code),
  );
  if (search === undefined) return safePath;
  const params = new URLSearchParams(search);
  for (const [name, value] of [...params]) if (SECRET_PARAMS.has(name)) params.set(name, shorten(value));
  return `${safePath}?${params.toString()}`;
}
