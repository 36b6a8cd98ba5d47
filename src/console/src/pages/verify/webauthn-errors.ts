/** What the browser's own refusal of a WebAuthn request means for the person at the page, or null. */
export function browserRefusal(error: unknown): string | null {
  const name = error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError')
    return 'The request was cancelled or timed out, or no key for this site was found. Try again.';
  if (name === 'InvalidStateError') return 'This key is already registered to your account. Use another key.';
  if (name === 'SecurityError')
    return 'Your browser refused: this page is not at the portal’s own address (its Application URL). Open Portcullis at that address.';
  if (name === 'NotSupportedError') return 'This browser or key does not support what the portal asks for.';
  return null;
}
