// What the gates need about one claimed row. The slowly changing part (kill switch, statuses,
// limits, API key) is read in one query after the claim. The part that concurrent executions of the
// same user change — exposure and the rolling daily trade count — is read by readUserLoad inside the
// transaction that admits the order, under a lock on the user's row: open positions, plus the
// user's other rows already admitted (signed and in flight, waiting for a retry, or awaiting
// reconciliation: their order may exist), plus BUYs completed in the last 24 h. recordExecution updates the same user row, so an execution is either still counted as
// admitted or already counted as a position, never neither: caps hold exactly under concurrency,
// without refusing copies for rows that were merely claimed.
import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.ts';
import { Decimal } from '../domain/money.ts';
import type { ApiKeyState, GateState } from '../domain/execution-gates.ts';
import { isSubscriptionTier } from '../domain/tiers.ts';
import type { QueueRow } from './queue-claims.ts';
import { outcomeUnknown } from './unsettled-rows.ts';

export interface ExecutionContext {
  readonly killSwitch: boolean;
  readonly relationshipStatus: 'active' | 'paused' | 'stopped';
  readonly mode: 'live' | 'paper';
  readonly user: Omit<GateState['user'], 'availableBalanceUsd' | 'exposureUsd'>;
  readonly relationshipMaxExposureUsd: Decimal;
  readonly apiKeyId: string | null;
  readonly apiKey: ApiKeyState | null;
  readonly detectedAt: Date | null;
}

interface Row {
  kill_switch: boolean;
  rel_status: 'active' | 'paused' | 'stopped';
  mode: 'live' | 'paper';
  rel_max_exposure: string;
  is_active: boolean;
  subscription_tier: string;
  max_followed_traders: number;
  max_daily_trades: number;
  max_trade_size_usd: string;
  max_total_exposure_usd: string;
  key_id: string | null;
  key_status: ApiKeyState['status'] | null;
  key_expires_at: Date | null;
  key_limit: string | null;
  key_spent: string | null;
  key_reset: Date | null;
  detected_at: Date | null;
}

export async function loadExecutionContext(db: Db, row: QueueRow): Promise<ExecutionContext | null> {
  const { rows } = await sql<Row>`
    SELECT pc.kill_switch, cr.status AS rel_status, cr.mode, cr.max_total_exposure_usd AS rel_max_exposure,
           u.is_active, u.subscription_tier, u.max_followed_traders, u.max_daily_trades, u.max_trade_size_usd,
           u.max_total_exposure_usd,
           k.id AS key_id, k.status AS key_status, k.expires_at AS key_expires_at,
           k.daily_spend_limit_usd AS key_limit, k.daily_spent_usd AS key_spent, k.last_reset_at AS key_reset,
           lf.detected_at
    FROM copy_relationships cr
    JOIN users u ON u.id = cr.user_id
    CROSS JOIN platform_controls pc
    LEFT JOIN LATERAL (
      SELECT * FROM polymarket_api_keys k
      WHERE k.user_id = u.id AND k.is_primary ORDER BY k.id LIMIT 1
    ) k ON true
    LEFT JOIN leader_fills lf ON lf.fill_key = ${row.source_fill_key}
    WHERE cr.id = ${row.copy_relationship_id}`.execute(db);
  const r = rows[0];
  if (!r) return null;
  const tier = isSubscriptionTier(r.subscription_tier) ? r.subscription_tier : 'free';
  return {
    killSwitch: r.kill_switch,
    relationshipStatus: r.rel_status,
    mode: r.mode,
    user: {
      isActive: r.is_active,
      limits: {
        subscriptionTier: tier,
        maxFollowedTraders: r.max_followed_traders,
        maxDailyTrades: r.max_daily_trades,
        maxTradeSizeUsd: new Decimal(r.max_trade_size_usd),
        maxTotalExposureUsd: new Decimal(r.max_total_exposure_usd),
      },
    },
    relationshipMaxExposureUsd: new Decimal(r.rel_max_exposure),
    apiKeyId: r.key_id,
    apiKey:
      r.key_id === null
        ? null
        : {
            status: r.key_status!,
            expiresAt: r.key_expires_at,
            dailySpendLimitUsd: new Decimal(r.key_limit!),
            dailySpentUsd: new Decimal(r.key_spent!),
            lastResetAt: r.key_reset!,
          },
    detectedAt: r.detected_at,
  };
}

/**
 * Another row of the user already admitted whose order may exist: signed and in flight (or waiting
 * for its retry), or out of attempts with its outcome unknown (awaiting reconciliation or an
 * operator) — its order may have filled, so it keeps counting against the caps until settled.
 */
const ADMITTED_O = sql`(o.signed_at IS NOT NULL AND (o.status IN ('pending', 'processing') OR ${outcomeUnknown('o')}))`;

export interface UserLoad {
  readonly relationshipExposureUsd: Decimal;
  readonly userExposureUsd: Decimal;
  readonly tradesInWindow: number;
}

/**
 * Call inside the admitting transaction, after locking the user's row (see above). It must be a
 * statement of its own: under READ COMMITTED a statement reads the snapshot taken when it started,
 * so subqueries in the same statement as a `FOR UPDATE` that had to wait would not see what the
 * lock holder committed. Dust (polycopy_is_dust, migration 0115) counts as no exposure, as in the
 * fan-out and the portfolio.
 */
export async function readUserLoad(tx: Tx, row: QueueRow): Promise<UserLoad> {
  const { rows } = await sql<{ rel: string; usr: string; n: number }>`
    SELECT
      COALESCE((SELECT SUM(p.cost_usd) FROM copy_positions p WHERE NOT polycopy_is_dust(p.shares) AND p.copy_relationship_id = ${row.copy_relationship_id}), 0)
      + COALESCE((SELECT SUM(COALESCE(o.order_amount, o.order_size * o.limit_price)) FROM trade_queue o
                  WHERE o.copy_relationship_id = ${row.copy_relationship_id} AND o.side = 'BUY'
                    AND ${ADMITTED_O} AND o.id <> ${row.id}), 0) AS rel,
      COALESCE((SELECT SUM(p.cost_usd) FROM copy_positions p WHERE NOT polycopy_is_dust(p.shares) AND p.user_id = ${row.user_id}), 0)
      + COALESCE((SELECT SUM(COALESCE(o.order_amount, o.order_size * o.limit_price)) FROM trade_queue o
                  WHERE o.user_id = ${row.user_id} AND o.side = 'BUY'
                    AND ${ADMITTED_O} AND o.id <> ${row.id}), 0) AS usr,
      (SELECT count(*) FROM trade_queue o
        WHERE o.user_id = ${row.user_id} AND o.id <> ${row.id} AND o.side = 'BUY' AND o.mode = ${row.mode}
          AND (${ADMITTED_O}
               OR (o.status = 'completed' AND o.completed_at > now() - interval '24 hours')))::int AS n`.execute(
    tx,
  );
  const r = rows[0]!;
  return {
    relationshipExposureUsd: new Decimal(r.rel),
    userExposureUsd: new Decimal(r.usr),
    tradesInWindow: r.n,
  };
}
