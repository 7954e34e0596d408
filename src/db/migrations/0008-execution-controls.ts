// Execution controls:
// - platform_controls: one row; the global kill switch stops execution while detection keeps
//   recording (workers read it before every order).
// - trade_queue.limit_price / order_size / order_amount: the priced order, persisted before it is
//   signed. A retry after an ambiguous failure re-sends (or looks up) exactly this order, whose
//   identity (salt, signed time, amounts) therefore never changes.
// - trade_queue.reserved_spend_usd: what this row reserved of the API key's daily spend, so a
//   failure releases exactly that.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE platform_controls (
      id                 boolean PRIMARY KEY DEFAULT true CHECK (id),
      kill_switch        boolean NOT NULL DEFAULT false,
      kill_switch_reason text,
      updated_at         timestamptz NOT NULL DEFAULT now(),
      updated_by         bigint REFERENCES users (id) ON DELETE SET NULL
    );
    INSERT INTO platform_controls (id) VALUES (true);

    ALTER TABLE trade_queue
      ADD COLUMN limit_price         numeric(20,10),
      ADD COLUMN order_size          numeric(20,6),
      ADD COLUMN order_amount        numeric(20,6),
      ADD COLUMN reserved_spend_usd  numeric(12,2),
      ADD COLUMN api_key_id          bigint REFERENCES polymarket_api_keys (id) ON DELETE SET NULL;
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    ALTER TABLE trade_queue
      DROP COLUMN IF EXISTS api_key_id, DROP COLUMN IF EXISTS reserved_spend_usd,
      DROP COLUMN IF EXISTS order_amount, DROP COLUMN IF EXISTS order_size, DROP COLUMN IF EXISTS limit_price;
    DROP TABLE IF EXISTS platform_controls;
    `,
    )
    .execute(db);
}
