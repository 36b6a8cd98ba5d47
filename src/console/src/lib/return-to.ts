/**
 * A same-origin path to come back to after sign-in. The server checks it again (safeReturnPath); this
 * only avoids putting obvious junk into the form.
 */
export function safeReturnTo(value: string | null | undefined): string | null {
  if (!value || value.length > 512) return null;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return null;
  if (value.startsWith('/signin') || value.startsWith('/setup') || value.startsWith('/api/')) return null;
  return value;
}

export function signInPathFor(path: string): string {
  const returnTo = safeReturnTo(path);
  return returnTo && returnTo !== '/' ? `/signin?returnTo=${encodeURIComponent(returnTo)}` : '/signin';
}
