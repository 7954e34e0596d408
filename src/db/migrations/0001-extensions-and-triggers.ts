// Extensions and the shared updated_at trigger function.
// Deliberate differences from the seed (kept in ARCHITECTURE.md too):
//  - TimescaleDB is optional: it is created only when the server has it installed *and* preloaded
//    (CREATE EXTENSION fails otherwise); without it `trades` uses native range partitioning.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pgcrypto`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS "uuid-ossp"`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION update_updated_at_column() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      NEW.updated_at = now();
      RETURN NEW;
    END;
    $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS update_updated_at_column()`.execute(db);
  await sql`DROP EXTENSION IF EXISTS "uuid-ossp"`.execute(db);
  await sql`DROP EXTENSION IF EXISTS pgcrypto`.execute(db);
}
