// The paper venue's records in PostgreSQL: one paper account per user (account_id = users.id).
// Balances are never stored; they are derived from cash entries and fills, as in the in-memory
// store (src/venue/paper/ledger-store.ts), so every paper balance can be audited back to its fills.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE TABLE paper_orders (
      account_id           bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      client_order_id      varchar(100) NOT NULL,
      venue_order_id       varchar(100) NOT NULL,
      request_fingerprint  text NOT NULL,
      token_id             varchar(100) NOT NULL,
      condition_id         varchar(100) NOT NULL,
      side                 varchar(4) NOT NULL CHECK (side IN ('BUY', 'SELL')),
      order_type           varchar(3) NOT NULL CHECK (order_type IN ('GTC', 'GTD', 'FOK', 'FAK')),
      price                numeric(20,10) NOT NULL,
      requested_size       numeric(20,6),
      requested_amount     numeric(20,6),
      expires_at           bigint,
      status               varchar(10) NOT NULL CHECK (status IN ('live', 'matched', 'canceled')),
      cancel_reason        text,
      resting_size         numeric(20,6) NOT NULL CHECK (resting_size >= 0),
      last_book_ts_ms      bigint,
      created_at_ms        bigint NOT NULL,
      updated_at_ms        bigint NOT NULL,
      PRIMARY KEY (account_id, client_order_id),
      UNIQUE (account_id, venue_order_id)
    );
    CREATE INDEX idx_paper_orders_live ON paper_orders (account_id) WHERE status = 'live';

    CREATE TABLE paper_fills (
      account_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      fill_id          varchar(140) NOT NULL,
      venue_order_id   varchar(100) NOT NULL,
      client_order_id  varchar(100) NOT NULL,
      token_id         varchar(100) NOT NULL,
      side             varchar(4) NOT NULL CHECK (side IN ('BUY', 'SELL')),
      price            numeric(20,10) NOT NULL,
      size             numeric(20,6) NOT NULL CHECK (size > 0),
      notional         numeric(20,6) NOT NULL,
      fee              numeric(20,6) NOT NULL CHECK (fee >= 0),
      liquidity        varchar(5) NOT NULL CHECK (liquidity IN ('taker', 'maker')),
      at_ms            bigint NOT NULL,
      PRIMARY KEY (account_id, fill_id)
    );
    CREATE INDEX idx_paper_fills_token ON paper_fills (account_id, token_id);

    CREATE TABLE paper_cash (
      account_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      entry_id    varchar(140) NOT NULL,
      amount      numeric(20,6) NOT NULL,
      memo        text NOT NULL,
      at_ms       bigint NOT NULL,
      PRIMARY KEY (account_id, entry_id)
    );
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `DROP TABLE IF EXISTS paper_cash; DROP TABLE IF EXISTS paper_fills; DROP TABLE IF EXISTS paper_orders;`,
    )
    .execute(db);
}
