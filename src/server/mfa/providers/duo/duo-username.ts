/**
 * The name a provider knows the user by. Duo lowercases usernames and aliases, and our client
 * compares `preferred_username` exactly with what it sent (duo_universal_csharp#47), so the name is
 * always sent lowercase: one stated case policy.
 */
export type UsernameSource = 'username' | 'email' | 'template';

export function duoUsername(
  user: { username: string; email: string },
  mapping: { source: UsernameSource; template: string },
): string {
  switch (mapping.source) {
    case 'username':
      return user.username.toLowerCase();
    case 'email':
      return user.email.toLowerCase();
    case 'template': {
      const local = user.email.split('@')[0] ?? '';
      return mapping.template
        .replaceAll('{username}', user.username)
        .replaceAll('{email}', user.email)
        .replaceAll('{email_local}', local)
        .toLowerCase();
    }
  }
}

export const TEMPLATE_PLACEHOLDERS = ['{username}', '{email}', '{email_local}'] as const;

export function checkUsernameTemplate(template: string): string | null {
  if (template.trim() === '') return 'Enter a template such as {username}@example.com, or choose another source.';
  if (!TEMPLATE_PLACEHOLDERS.some((placeholder) => template.includes(placeholder))) {
    return `The template must contain ${TEMPLATE_PLACEHOLDERS.join(', ')} or it would send every user as the same name.`;
  }
  const unknown = template
    .match(/\{[^}]*\}/g)
    ?.filter((part) => !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(part));
  if (unknown?.length) return `Unknown placeholder ${unknown[0]}: use ${TEMPLATE_PLACEHOLDERS.join(', ')}.`;
  if (/\s/.test(template)) return 'The template must not contain spaces.';
  return null;
}
