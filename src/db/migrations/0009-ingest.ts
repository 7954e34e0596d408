// Detection bookkeeping:
// - ingest_checkpoints: per source and wallet, the newest fill time a source has fully processed,
//   so a restart (or a standby taking over) resumes where the last one stopped.
// - a trigger that NOTIFYs `polycopy_watched` whenever a relationship or a tracked trader changes,
//   so the detector's watched set follows follows/unfollows within a second.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE ingest_checkpoints (
      source          varchar(20) NOT NULL,
      wallet_address  varchar(42) NOT NULL,
      last_fill_at    timestamptz NOT NULL,
      updated_at      timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (source, wallet_address)
    );

    CREATE FUNCTION polycopy_notify_watched() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('polycopy_watched', '');
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER copy_relationships_watched AFTER INSERT OR DELETE OR UPDATE OF status, trader_wallet_address
      ON copy_relationships FOR EACH STATEMENT EXECUTE FUNCTION polycopy_notify_watched();
    CREATE TRIGGER traders_watched AFTER INSERT OR DELETE OR UPDATE OF is_active
      ON traders FOR EACH STATEMENT EXECUTE FUNCTION polycopy_notify_watched();
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    DROP TRIGGER IF EXISTS traders_watched ON traders;
    DROP TRIGGER IF EXISTS copy_relationships_watched ON copy_relationships;
    DROP FUNCTION IF EXISTS polycopy_notify_watched();
    DROP TABLE IF EXISTS ingest_checkpoints;
    `,
    )
    .execute(db);
}
