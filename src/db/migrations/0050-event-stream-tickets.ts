// auth_stream_tickets: one-time tickets that open the live-event stream (GET /api/v1/events?ticket=)
// from a browser's EventSource, which cannot send an Authorization header. A ticket is short-lived
// (60 s), single-use and bound to the session that asked for it, so the URL (which proxies and logs
// may record) never carries a long-lived token. Only the SHA-256 of a ticket is stored.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE auth_stream_tickets (
      ticket_hash  char(64) PRIMARY KEY,
      user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      session_id   uuid NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
      created_at   timestamptz NOT NULL DEFAULT now(),
      expires_at   timestamptz NOT NULL,
      used_at      timestamptz,
      CONSTRAINT auth_stream_tickets_hash_format CHECK (ticket_hash ~ '^[0-9a-f]{64}$')
    );
    CREATE INDEX idx_auth_stream_tickets_expires ON auth_stream_tickets (expires_at);
  `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`DROP TABLE IF EXISTS auth_stream_tickets;`).execute(db);
}
