// Dust (src/domain/dust.ts): a copy position — a (relationship, token) row of copy_positions, the
// open lots' sum — of more than zero and fewer than one share, which no order can sell. Classified
// here once, in SQL, for every reader that sums positions in the database:
// - polycopy_is_dust(shares): the rule, DUST_SHARES = 1 as in src/domain/dust.ts (a test checks
//   they agree). A plain SQL function, so the planner inlines it.
// - v_user_portfolio: open_positions and total_exposure_usd leave out the lots of dust positions
//   (they are not positions a person can act on, and the exposure caps do not count them);
//   dust_positions counts them; unrealized P&L still covers them (their value is real until
//   resolution settles them). A lot whose relationship has no copy_positions row is not dust.
import { sql, type Kysely } from 'kysely';

const PORTFOLIO_HEAD = `
    SELECT
      u.id                                        AS user_id,
      u.email,
      u.subscription_tier,
      u.balance_usd,
      COALESCE(r.traders_following, 0)::integer   AS traders_following,
      COALESCE(p.open_positions, 0)::integer      AS open_positions,
      COALESCE(p.total_exposure_usd, 0)           AS total_exposure_usd,
      COALESCE(p.total_realized_pnl, 0)           AS total_realized_pnl,
      COALESCE(p.total_unrealized_pnl, 0)         AS total_unrealized_pnl`;

const FOLLOWING = `
    LEFT JOIN (
      SELECT user_id, count(*) AS traders_following
      FROM copy_relationships
      WHERE status IN ('active', 'paused')
      GROUP BY user_id
    ) r ON r.user_id = u.id`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql
    .raw(
      `
    CREATE FUNCTION polycopy_is_dust(shares numeric) RETURNS boolean
      LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT shares > 0 AND shares < 1 $$;

    CREATE OR REPLACE VIEW v_user_portfolio AS
    ${PORTFOLIO_HEAD},
      COALESCE(p.dust_positions, 0)::integer      AS dust_positions
    FROM users u
    ${FOLLOWING}
    LEFT JOIN (
      SELECT
        t.copying_user_id,
        count(*) FILTER (WHERE t.status = 'open' AND NOT d.dust)                     AS open_positions,
        sum(t.entry_value_usd) FILTER (WHERE t.status = 'open' AND NOT d.dust)       AS total_exposure_usd,
        sum(t.realized_pnl_usd)                                                      AS total_realized_pnl,
        sum(t.unrealized_pnl_usd) FILTER (WHERE t.status = 'open')                   AS total_unrealized_pnl,
        count(DISTINCT (t.copy_relationship_id, t.asset_id))
          FILTER (WHERE t.status = 'open' AND d.dust)                                AS dust_positions
      FROM trades t
      LEFT JOIN copy_positions cp
        ON cp.copy_relationship_id = t.copy_relationship_id AND cp.asset_id = t.asset_id
      CROSS JOIN LATERAL (SELECT COALESCE(polycopy_is_dust(cp.shares), false) AS dust) d
      WHERE t.is_copy_trade AND t.copying_user_id IS NOT NULL
      GROUP BY t.copying_user_id
    ) p ON p.copying_user_id = u.id
    WHERE u.is_active;
    `,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // A view cannot lose a column in place: drop it and restore 0004's definition.
  await sql
    .raw(
      `
    DROP VIEW v_user_portfolio;
    CREATE VIEW v_user_portfolio AS
    ${PORTFOLIO_HEAD}
    FROM users u
    ${FOLLOWING}
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
    DROP FUNCTION polycopy_is_dust(numeric);
    `,
    )
    .execute(db);
}
