// demo_account: the one demo account `polycopy start` creates on the built-in simulator
// (src/services/demo-account.ts, README "The demo"). A singleton row (the primary key can only be
// true), so however many times or processes start, there is at most one demo; it records which user
// it is and when its follows were set up, so a restart neither creates a second demo nor re-follows
// traders the person unfollowed.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE demo_account (
      singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      user_id         bigint NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
      created_at      timestamptz NOT NULL DEFAULT now(),
      follows_set_at  timestamptz,
      followed        varchar(42)[] NOT NULL DEFAULT '{}'
    );
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw('DROP TABLE IF EXISTS demo_account').execute(db);
}
