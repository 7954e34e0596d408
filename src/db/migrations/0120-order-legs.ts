// One leader order, one copy (src/domain/leader-order-legs.ts): when the legs of one order are
// copied together, the followers' decisions and queue rows are written under the first new leg's
// key only. The other legs carried no trace of that, so a follower asking "what happened to my
// copy?" about one of them was told no copy was decided — a copy that looked lost. Each such leg now
// names the leg whose decisions cover it: `copied_with_fill_key` (null: the leg carries its own).
// Same row lifetime as the lead (same transaction, same time), so retention removes both together;
// ON DELETE SET NULL keeps a partial delete from failing.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE leader_fills
      ADD COLUMN copied_with_fill_key varchar(64) REFERENCES leader_fills (fill_key) ON DELETE SET NULL;
    CREATE INDEX idx_leader_fills_copied_with ON leader_fills (copied_with_fill_key)
      WHERE copied_with_fill_key IS NOT NULL;
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`ALTER TABLE leader_fills DROP COLUMN copied_with_fill_key;`).execute(db);
}
