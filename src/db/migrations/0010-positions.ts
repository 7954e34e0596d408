// Position management (src/positions/):
// - position_events: what the platform did to a user's positions on its own — a stop-loss or
//   take-profit closing sell queued, a position closed on request, settlement at resolution, an
//   emergency stop — so the user can read why a position changed. Exits are not leader fills, so
//   they have no copy_decisions row; this is their record (queue_id links the closing sell).
// - uq_trade_queue_open_exit: at most one exit (any purpose other than 'copy') pending or in
//   flight per (relationship, token), so the scheduler, an emergency stop and a racing second
//   scheduler can never queue two closing sells of the same position.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE position_events (
      id                    bigserial PRIMARY KEY,
      user_id               bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      copy_relationship_id  bigint REFERENCES copy_relationships (id) ON DELETE CASCADE,
      asset_id              varchar(100),
      kind                  varchar(20) NOT NULL,
      detail                text,
      queue_id              bigint,
      created_at            timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT position_events_kind_valid
        CHECK (kind IN ('stop_loss', 'take_profit', 'close', 'resolution', 'emergency_stop'))
    );
    CREATE INDEX idx_position_events_user_time ON position_events (user_id, created_at DESC);
    CREATE INDEX idx_position_events_relationship ON position_events (copy_relationship_id, created_at DESC)
      WHERE copy_relationship_id IS NOT NULL;

    CREATE UNIQUE INDEX uq_trade_queue_open_exit ON trade_queue (copy_relationship_id, asset_id)
      WHERE purpose <> 'copy' AND status IN ('pending', 'processing');
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    DROP INDEX IF EXISTS uq_trade_queue_open_exit;
    DROP TABLE IF EXISTS position_events;
    `,
    )
    .execute(db);
}
