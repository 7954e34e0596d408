// A copy trade's market name and outcome label. The engine records a copy's trades row from its
// queue row, which carries the token but not the market's title or the outcome's name, so those
// columns were null on every copy while the decision beside it showed both. A token's title and
// outcome are properties of the token, so they are read from what ingest recorded about it: a
// leader fill of that token, or else the open position the copy was made from. A name the row does
// carry wins.
import { sql, type RawBuilder } from 'kysely';

/** `alias` is the trades row's alias in the query (e.g. `t`). */
export function copyMarketName(alias: string): RawBuilder<string | null> {
  const t = sql.ref(alias);
  return sql<string | null>`COALESCE(${t}.market_name,
    (SELECT lf.market_title FROM leader_fills lf
      WHERE lf.asset_id = ${t}.asset_id AND lf.market_title IS NOT NULL LIMIT 1),
    (SELECT o.market_title FROM open_position_copies o
      WHERE o.asset_id = ${t}.asset_id AND o.market_title IS NOT NULL LIMIT 1))`;
}

export function copyOutcome(alias: string): RawBuilder<string | null> {
  const t = sql.ref(alias);
  return sql<string | null>`COALESCE(${t}.outcome,
    (SELECT lf.outcome FROM leader_fills lf
      WHERE lf.asset_id = ${t}.asset_id AND lf.outcome IS NOT NULL LIMIT 1),
    (SELECT o.outcome FROM open_position_copies o
      WHERE o.asset_id = ${t}.asset_id AND o.outcome IS NOT NULL LIMIT 1))`;
}
