import { type Kysely, sql } from 'kysely';
import type { Engine } from '../database.ts';

/**
 * The audit log at a million events (docs/audit.md; ADRs 0012 and 0013):
 * - one index per filter, each ending in the sort key (occurred_at, id), so a filtered page is one
 *   index range read in order, never a sort of every match;
 * - the forwarding outbox, filled by a trigger in the same transaction as the audit row;
 * - archives and the prune window: the only way a DELETE of audit rows gets past the trigger;
 * - users search: FTS5 trigram on SQLite, pg_trgm on PostgreSQL, plus prefix indexes for 1–2 letters.
 */
export function auditAtScale(engine: Engine) {
  const pg = engine === 'postgres';
  const idColumn = pg ? 'bigserial' : 'integer';
  const family = pg ? sql.raw(`split_part(type, '.', 1)`) : sql.raw(`substr(type, 1, instr(type, '.') - 1)`);
  return {
    async up(db: Kysely<unknown>) {
      await sql`drop index audit_events_occurred_at`.execute(db);
      await sql`drop index audit_events_type`.execute(db);
      await sql`create index audit_events_time on audit_events (occurred_at, id)`.execute(db);
      await sql`create index audit_events_type_time on audit_events (type, occurred_at, id)`.execute(db);
      await sql`create index audit_events_family_time on audit_events ((${family}), occurred_at, id)`.execute(db);
      await sql`create index audit_events_actor_time on audit_events (actor_username, occurred_at, id)`.execute(db);
      await sql`create index audit_events_target_id_time on audit_events (target_id, occurred_at, id)`.execute(db);
      await sql`create index audit_events_target_label_time on audit_events (target_label, occurred_at, id)`.execute(
        db,
      );
      await sql`create index audit_events_outcome_time on audit_events (outcome, occurred_at, id)`.execute(db);

      await db.schema
        .createTable('audit_destinations')
        .addColumn('id', idColumn, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('secrets', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text')
        // Delivery state, shared by every node.
        .addColumn('last_delivered_at', 'bigint')
        .addColumn('last_delivered_event_id', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('last_error_at', 'bigint')
        .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();

      await db.schema
        .createTable('audit_outbox')
        .addColumn('id', idColumn, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('destination_id', 'bigint', (c) =>
          c.notNull().references('audit_destinations.id').onDelete('cascade'),
        )
        .addColumn('event_id', 'bigint', (c) => c.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('claimed_until', 'bigint')
        .execute();
      await sql`create index audit_outbox_destination on audit_outbox (destination_id, id)`.execute(db);

      // Every committed audit row gets one outbox row per enabled destination, in its own transaction:
      // whatever code writes the event, it cannot be forwarded late, skipped or twice (ADR 0012).
      if (pg) {
        await sql`create function audit_events_to_outbox() returns trigger language plpgsql as $$
          begin
            insert into audit_outbox (destination_id, event_id)
              select id, new.id from audit_destinations where enabled = 1;
            return null;
          end $$`.execute(db);
        await sql`create trigger audit_events_outbox after insert on audit_events
          for each row execute function audit_events_to_outbox()`.execute(db);
      } else {
        await sql`create trigger audit_events_outbox after insert on audit_events begin
          insert into audit_outbox (destination_id, event_id)
            select id, new.id from audit_destinations where enabled = 1;
          end`.execute(db);
      }

      await db.schema
        .createTable('audit_archives')
        .addColumn('id', idColumn, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('cutoff', 'bigint', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('rows', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('pruned_at', 'bigint')
        .addColumn('pruned_rows', 'bigint')
        .addColumn('pruned_by', 'text')
        .execute();
      // Empty at rest. The prune opens a window (archive id, cutoff) in its own transactions; while one
      // exists, rows older than its cutoff may be deleted, and no other row ever (ADR 0013).
      await db.schema
        .createTable('audit_prune_window')
        .addColumn('archive_id', 'bigint', (c) => c.primaryKey())
        .addColumn('cutoff', 'bigint', (c) => c.notNull())
        .execute();
      if (pg) {
        await sql`create function audit_events_delete_guard() returns trigger language plpgsql as $$
          begin
            if exists (select 1 from audit_prune_window where old.occurred_at < cutoff) then return old; end if;
            raise exception 'audit_events is append-only';
          end $$`.execute(db);
        await sql`drop trigger audit_events_no_update on audit_events`.execute(db);
        await sql`create trigger audit_events_no_update before update on audit_events
          for each row execute function audit_events_append_only()`.execute(db);
        await sql`create trigger audit_events_no_delete before delete on audit_events
          for each row execute function audit_events_delete_guard()`.execute(db);
      } else {
        await sql`drop trigger audit_events_no_delete`.execute(db);
        await sql`create trigger audit_events_no_delete before delete on audit_events
          when not exists (select 1 from audit_prune_window where old.occurred_at < cutoff)
          begin select raise(abort, 'audit_events is append-only'); end`.execute(db);
      }

      await (pg ? usersSearchPostgres(db) : usersSearchSqlite(db));
    },
  };
}

/** FTS5 with the trigram tokenizer answers `contains` for 3+ characters from an index (case-insensitive). */
async function usersSearchSqlite(db: Kysely<unknown>) {
  await sql`create virtual table users_search using fts5(username, display_name, email,
    content='users', content_rowid='id', tokenize='trigram')`.execute(db);
  await sql`insert into users_search (users_search) values ('rebuild')`.execute(db);
  await sql`create trigger users_search_insert after insert on users begin
    insert into users_search (rowid, username, display_name, email)
      values (new.id, new.username, new.display_name, new.email);
    end`.execute(db);
  await sql`create trigger users_search_delete after delete on users begin
    insert into users_search (users_search, rowid, username, display_name, email)
      values ('delete', old.id, old.username, old.display_name, old.email);
    end`.execute(db);
  // Only changes to the searched columns touch the index (not the last-login stamp of every sign-in).
  await sql`create trigger users_search_update after update of username, display_name, email on users begin
    insert into users_search (users_search, rowid, username, display_name, email)
      values ('delete', old.id, old.username, old.display_name, old.email);
    insert into users_search (rowid, username, display_name, email)
      values (new.id, new.username, new.display_name, new.email);
    end`.execute(db);
  // 1–2 characters match the start of a field (trigrams need three): ranges on these indexes.
  await sql`create index users_email on users (email)`.execute(db);
  await sql`create index users_display_name_lower on users (lower(display_name))`.execute(db);
}

/**
 * pg_trgm (a trusted extension since PostgreSQL 13: the database owner may create it) indexes the
 * three fields as one lowercased text, separated by a newline a search cannot contain. Without the
 * extension (a role that may not create it) search still works, as a scan: the savepoint keeps the
 * migration's transaction alive.
 */
async function usersSearchPostgres(db: Kysely<unknown>) {
  await sql`savepoint users_search_trgm`.execute(db);
  try {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index users_search_trgm on users using gin
      ((lower(username || E'\n' || display_name || E'\n' || email)) gin_trgm_ops)`.execute(db);
    await sql`release savepoint users_search_trgm`.execute(db);
  } catch {
    await sql`rollback to savepoint users_search_trgm`.execute(db);
  }
  await sql`create index users_username_prefix on users (username text_pattern_ops)`.execute(db);
  await sql`create index users_email_prefix on users (lower(email) text_pattern_ops)`.execute(db);
  await sql`create index users_display_name_prefix on users (lower(display_name) text_pattern_ops)`.execute(db);
}
