/** A unique-constraint violation, as SQLite (better-sqlite3) and PostgreSQL (pg) each report it. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

/** The database could not be reached or is locked past its busy timeout: the request gets 503. */
export function isStorageUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return (
    code === 'SQLITE_BUSY' ||
    code === 'SQLITE_FULL' ||
    code === 'SQLITE_IOERR' ||
    code === 'SQLITE_CANTOPEN' ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    code === '57P01' || // admin_shutdown (pg_terminate_backend)
    code === '57P03' || // cannot_connect_now
    code === '08006' ||
    code === '08001' ||
    code === '53300' // too_many_connections
  );
}
