/**
 * An email address that wraps before the "@" when it must, never in the middle of a name (issue
 * 13.10): a part longer than a whole line is the only one broken.
 */
export function EmailAddress({ address }: { address: string }) {
  const at = address.lastIndexOf('@');
  if (at <= 0) return <span className="email-address">{address}</span>;
  return (
    <span className="email-address">
      {address.slice(0, at)}
      <wbr />
      {address.slice(at)}
    </span>
  );
}
