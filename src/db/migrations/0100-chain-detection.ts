// Detection from three feeds raced against each other (docs/detection.md):
// - leader_fill_sightings: when each feed (rtds, chain, data_api) first brought a fill, so a fill's
//   feed lags can be shown and measured; the feed of the leader_fills insert is the one that won
//   (leader_fills.source). `removed_at`: the chain later marked the log removed (a reorg).
// - leader_fills gains the fill's on-chain position where a chain log is known (block, log index),
//   and `reorged_at`: a chain log of it was removed and not (yet) mined again. A copy already placed
//   stands; the flag is what tells an operator and the user.
// - chain_checkpoints: the newest block whose logs the chain feed has fully recorded, so a restart
//   or a reconnect catches up with eth_getLogs from there.
// - ingest_feed_state: each feed's health as the active detector sees it (connected, last message,
//   lag), written every few seconds so /ready and /metrics of any process read the same truth.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE leader_fills
      ADD COLUMN block_number bigint,
      ADD COLUMN log_index integer,
      ADD COLUMN reorged_at timestamptz;

    CREATE TABLE leader_fill_sightings (
      fill_key      varchar(64) NOT NULL REFERENCES leader_fills (fill_key) ON DELETE CASCADE,
      feed          varchar(20) NOT NULL,
      seen_at       timestamptz NOT NULL,
      block_number  bigint,
      log_index     integer,
      removed_at    timestamptz,
      PRIMARY KEY (fill_key, feed),
      CONSTRAINT leader_fill_sightings_feed_valid CHECK (feed IN ('rtds', 'data_api', 'chain', 'test', 'backfill'))
    );
    CREATE INDEX idx_leader_fill_sightings_feed_time ON leader_fill_sightings (feed, seen_at DESC);

    CREATE TABLE chain_checkpoints (
      chain_id      integer PRIMARY KEY,
      block_number  bigint NOT NULL,
      updated_at    timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE ingest_feed_state (
      feed             varchar(20) PRIMARY KEY,
      configured       boolean NOT NULL,
      connected        boolean NOT NULL,
      degraded         boolean NOT NULL DEFAULT false,
      last_message_at  timestamptz,
      lag_ms           bigint,
      head_block       bigint,
      detail           text,
      updated_at       timestamptz NOT NULL DEFAULT now()
    );
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    DROP TABLE IF EXISTS ingest_feed_state;
    DROP TABLE IF EXISTS chain_checkpoints;
    DROP TABLE IF EXISTS leader_fill_sightings;
    ALTER TABLE leader_fills DROP COLUMN IF EXISTS reorged_at, DROP COLUMN IF EXISTS log_index,
      DROP COLUMN IF EXISTS block_number;
    `,
    )
    .execute(db);
}
