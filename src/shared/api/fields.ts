import { z } from 'zod';

/**
 * Field builders with messages a person can act on. Shared by the server (authoritative validation)
 * and the console (the same messages, shown as the user types).
 */
export function requiredText(label: string, options: { max: number; min?: number; trim?: boolean }) {
  const min = options.min ?? 1;
  let schema = z.string({
    error: (issue) =>
      issue.input === undefined || issue.input === null ? `${label} is required.` : `${label} must be text.`,
  });
  if (options.trim !== false) schema = schema.trim();
  return schema
    .min(min, { error: min === 1 ? `${label} is required.` : `${label} must be at least ${min} characters.` })
    .max(options.max, { error: `${label} must be at most ${options.max} characters.` });
}

export const usernameSchema = requiredText('Username', { max: 64 })
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._@-]*$/, {
    error: 'Username may use letters, digits, dots, dashes, underscores and @, and must start with a letter or digit.',
  });

export const displayNameSchema = requiredText('Display name', { max: 100 });

export const emailSchema = requiredText('Email', { max: 254 })
  .toLowerCase()
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: 'Enter an email address such as name@example.com.' });

/** Length only: the server also checks the common-password list and the username. Never trimmed (ASVS 6.2.8). */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 1024;
export const newPasswordSchema = requiredText('Password', { min: PASSWORD_MIN, max: PASSWORD_MAX, trim: false });

/** For sign-in: any non-empty string up to the maximum (a short old password still gets checked). */
export const passwordInputSchema = requiredText('Password', { max: PASSWORD_MAX, trim: false });

export const roleSchema = z.enum(['administrator', 'user'], { error: 'Role must be administrator or user.' });

export const booleanSchema = (label: string) => z.boolean({ error: `${label} must be true or false.` });

/** Query-string integers: "2" -> 2, with a clear message otherwise. */
export const pageNumberSchema = z.coerce
  .number({ error: 'page must be a number.' })
  .int({ error: 'page must be a whole number.' })
  .min(1, { error: 'page starts at 1.' })
  .max(100_000, { error: 'page is too large.' })
  .default(1);

export const pageSizeSchema = (fallback: number) =>
  z.coerce
    .number({ error: 'pageSize must be a number.' })
    .int({ error: 'pageSize must be a whole number.' })
    .min(1, { error: 'pageSize must be at least 1.' })
    .max(200, { error: 'pageSize must be at most 200.' })
    .default(fallback);

export const idParamSchema = z.object({
  id: z.coerce
    .number({ error: 'id must be a number.' })
    .int({ error: 'id must be a whole number.' })
    .positive({ error: 'id must be positive.' }),
});

/** A query flag: "true"/"false" only. */
export const queryBooleanSchema = z
  .enum(['true', 'false'], { error: 'Use true or false.' })
  .transform((value) => value === 'true');
