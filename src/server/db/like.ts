import { type RawBuilder, sql } from 'kysely';

/**
 * LIKE where `%` and `_` typed by a person are literal characters, not wildcards. ESCAPE is explicit
 * because SQLite has no default escape character for LIKE (PostgreSQL's is the backslash).
 */
export function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** `<column expression> LIKE <pattern> ESCAPE '\'`, with the pattern as a bound parameter. */
export function like(column: RawBuilder<unknown>, pattern: string): RawBuilder<boolean> {
  return sql<boolean>`${column} like ${pattern} escape '\\'`;
}
