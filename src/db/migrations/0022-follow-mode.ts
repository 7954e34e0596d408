// copy_relationships gains what following needs (issue 6):
//  - mode: 'live' (real orders with the user's credentials) or 'paper' (simulated fills); the
//    copy engine reads it. Paper by default, so nothing trades real money unless asked to.
//  - stopped_at, stop_positions: when a relationship was stopped and what the user chose for its
//    open positions ('keep' or 'close'); the position engine acts on 'close'.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE copy_relationships
      ADD COLUMN mode varchar(10) NOT NULL DEFAULT 'paper',
      ADD COLUMN stopped_at timestamptz,
      ADD COLUMN stop_positions varchar(10),
      ADD CONSTRAINT copy_rel_mode_valid CHECK (mode IN ('live', 'paper')),
      ADD CONSTRAINT copy_rel_stop_positions_valid CHECK (stop_positions IS NULL OR stop_positions IN ('keep', 'close'));
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE copy_relationships
      DROP CONSTRAINT IF EXISTS copy_rel_stop_positions_valid,
      DROP CONSTRAINT IF EXISTS copy_rel_mode_valid,
      DROP COLUMN IF EXISTS stop_positions,
      DROP COLUMN IF EXISTS stopped_at,
      DROP COLUMN IF EXISTS mode;
    `,
    )
    .execute(db);
}
