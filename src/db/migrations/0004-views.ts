// The seed's two views. v_user_portfolio aggregates relationships and trades in separate subqueries:
// joining both to users in one GROUP BY would multiply every trade by the number of followed traders.
// Both views only add columns after the seed's (copy_relationship_id), never rename.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE VIEW v_active_copy_relationships AS
    SELECT
      u.id                             AS user_id,
      u.email                          AS user_email,
      u.wallet_address                 AS user_wallet,
      cr.trader_wallet_address,
      t.display_name                   AS trader_name,
      t.win_rate                       AS trader_win_rate,
      t.pnl_7d                         AS trader_pnl_7d,
      cr.proportionality_factor,
      cr.max_investment_per_trade_usd,
      cr.total_trades_copied,
      cr.total_pnl_usd,
      cr.created_at,
      cr.id                            AS copy_relationship_id
    FROM copy_relationships cr
    JOIN users u ON u.id = cr.user_id
    JOIN traders t ON t.wallet_address = cr.trader_wallet_address
    WHERE cr.status = 'active' AND u.is_active;

    -- traders_following counts relationships that still follow (active or paused; stopped ones do not).
    -- open_positions / total_exposure_usd / total_unrealized_pnl cover the user's open copy trades,
    -- exposure at cost (entry_value_usd, the figure the exposure caps limit); total_realized_pnl sums
    -- realized P&L over all of the user's copy trades.
    CREATE VIEW v_user_portfolio AS
    SELECT
      u.id                                        AS user_id,
      u.email,
      u.subscription_tier,
      u.balance_usd,
      COALESCE(r.traders_following, 0)::integer   AS traders_following,
      COALESCE(p.open_positions, 0)::integer      AS open_positions,
      COALESCE(p.total_exposure_usd, 0)           AS total_exposure_usd,
      COALESCE(p.total_realized_pnl, 0)           AS total_realized_pnl,
      COALESCE(p.total_unrealized_pnl, 0)         AS total_unrealized_pnl
    FROM users u
    LEFT JOIN (
      SELECT user_id, count(*) AS traders_following
      FROM copy_relationships
      WHERE status IN ('active', 'paused')
      GROUP BY user_id
    ) r ON r.user_id = u.id
    LEFT JOIN (
      SELECT
        copying_user_id,
        count(*) FILTER (WHERE status = 'open')                          AS open_positions,
        sum(entry_value_usd) FILTER (WHERE status = 'open')              AS total_exposure_usd,
        sum(realized_pnl_usd)                                            AS total_realized_pnl,
        sum(unrealized_pnl_usd) FILTER (WHERE status = 'open')           AS total_unrealized_pnl
      FROM trades
      WHERE is_copy_trade AND copying_user_id IS NOT NULL
      GROUP BY copying_user_id
    ) p ON p.copying_user_id = u.id
    WHERE u.is_active;
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(`DROP VIEW IF EXISTS v_user_portfolio; DROP VIEW IF EXISTS v_active_copy_relationships;`)
    .execute(db);
}
