// The collateral balance of every live account that sizes copies from its balance (a live follow in
// balance_percent or portfolio_weight mode), read from the exchange with the user's own credentials
// (decrypted through the vault, audited, as for an order) and kept in live_balances for the fan-out
// (src/ingest/sizing-inputs.ts). Paper accounts need no snapshot: the fan-out reads their ledger.
// A balance older than SNAPSHOT_MAX_AGE_MS.balance is not used: the copy is skipped as
// balance_unknown rather than sized from a stale figure. Only balances older than `minAgeMs` are
// read again, so a run costs at most one balance read per such user.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import { toWire } from '../domain/money.ts';
import type { VenueProvider } from './venue-provider.ts';

export interface LiveBalancesReport {
  users: number;
  refreshed: number;
  failed: number;
}

async function accountsToRead(
  db: Db,
  minAgeMs: number,
  now: Date,
  userIds?: readonly string[],
): Promise<Array<{ userId: string; apiKeyId: string }>> {
  const { rows } = await sql<{ user_id: string; key_id: string }>`
    SELECT DISTINCT cr.user_id::text AS user_id, k.id::text AS key_id
      FROM copy_relationships cr
      JOIN polymarket_api_keys k ON k.user_id = cr.user_id AND k.is_primary AND k.status = 'active'
      LEFT JOIN live_balances lb ON lb.user_id = cr.user_id
     WHERE cr.mode = 'live' AND cr.status = 'active'
       AND cr.sizing_mode IN ('balance_percent', 'portfolio_weight')
       AND (lb.observed_at IS NULL OR lb.observed_at <= ${new Date(now.getTime() - minAgeMs)})
       ${userIds ? sql`AND cr.user_id = ANY (${userIds}::bigint[])` : sql``}
     ORDER BY 1`.execute(db);
  return rows.map((r) => ({ userId: r.user_id, apiKeyId: r.key_id }));
}

export async function refreshLiveBalances(deps: {
  readonly db: Db;
  readonly venues: Pick<VenueProvider, 'venueFor'>;
  readonly now?: () => Date;
  /** Skip balances read more recently than this (default 30 s). */
  readonly minAgeMs?: number;
  /** Only these users (a new follow); default: every account that needs it. */
  readonly userIds?: readonly string[];
}): Promise<LiveBalancesReport> {
  const now = deps.now ?? (() => new Date());
  const accounts = await accountsToRead(deps.db, deps.minAgeMs ?? 30_000, now(), deps.userIds);
  let refreshed = 0;
  let failed = 0;
  for (const a of accounts) {
    try {
      const venue = await deps.venues.venueFor({ userId: a.userId, mode: 'live', apiKeyId: a.apiKeyId });
      const { balance } = await venue.getCollateralBalance();
      await sql`
        INSERT INTO live_balances (user_id, cash_usd, observed_at)
        VALUES (${a.userId}, ${toWire(balance)}::numeric, ${now()})
        ON CONFLICT (user_id) DO UPDATE SET cash_usd = EXCLUDED.cash_usd, observed_at = EXCLUDED.observed_at
         WHERE live_balances.observed_at <= EXCLUDED.observed_at`.execute(deps.db);
      refreshed += 1;
    } catch {
      // Credentials revoked, venue down: the old balance ages out and the fan-out says so.
      failed += 1;
    }
  }
  return { users: accounts.length, refreshed, failed };
}
