import { type Expression, type Kysely, PostgresAdapter, type SqlBool, sql } from 'kysely';
import { like, likeEscaped } from '../like.ts';
import type { Database } from '../schema.ts';

/** Trigram indexes need three characters; shorter searches match the start of a field instead. */
const TRIGRAM = 3;

/** The smallest string above every string that starts with `prefix` (code point order = UTF-8 byte order). */
function prefixEnd(prefix: string): string {
  const points = [...prefix];
  const last = points.pop() ?? '';
  return points.join('') + String.fromCodePoint((last.codePointAt(0) ?? 0) + 1);
}

/**
 * Users whose username, display name or email contain `text` (any case), answered from an index
 * (migration 0005; figures in bench/README.md, "Audit at scale"):
 * - 3 characters or more: SQLite's FTS5 trigram index, PostgreSQL's pg_trgm GIN index;
 * - 1–2 characters: the fields that start with it, from a B-tree each (a trigram index cannot answer them).
 */
export function userSearchCondition(db: Kysely<Database>, text: string): Expression<SqlBool> {
  const query = text.trim().toLowerCase();
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if ([...query].length >= TRIGRAM) {
    if (postgres)
      return like(sql`lower(username || E'\n' || display_name || E'\n' || email)`, `%${likeEscaped(query)}%`);
    // One FTS5 phrase: every character literal (a quote is doubled), matched as a substring.
    return sql<SqlBool>`id in (select rowid from users_search where users_search match ${`"${query.replaceAll('"', '""')}"`})`;
  }
  if (postgres) {
    const pattern = `${likeEscaped(query)}%`;
    return sql<SqlBool>`(${like(sql`username`, pattern)} or ${like(sql`lower(email)`, pattern)} or ${like(sql`lower(display_name)`, pattern)})`;
  }
  const end = prefixEnd(query);
  return sql<SqlBool>`((username >= ${query} and username < ${end})
    or (email >= ${query} and email < ${end})
    or (lower(display_name) >= ${query} and lower(display_name) < ${end}))`;
}
