// "Copy open positions at follow" (as the exchanges' copy trading does): when a follow starts with
// copyOpenPositions, the leader's current open positions — the venue's Data API /positions, as the
// engine would see them — become BUY copies, each decided by decideCopy() exactly like a leader fill
// (the leader's position as the trade, priced at the best ask read from the book now; the follow's
// sizing mode, filters, caps and budget all apply) and each recorded as a decision with its reason.
// Queued copies are executed by the normal queue and workers, priced from the book within the
// follow's buy slippage of that ask.
//
// Reading happens before the follow's transaction (a venue outage refuses the follow with 503 and
// writes nothing); writing happens inside it, so a follow and its opening copies commit together.
// At most OPEN_POSITIONS_READ positions are read, largest by current value first.
import { sql } from 'kysely';
import type { Tx } from '../db/client.ts';
import type { CopySettings } from '../domain/copy-settings.ts';
import { decideCopy, SNAPSHOT_MAX_AGE_MS, type CopyDecision, type Funds } from '../domain/decide-copy.ts';
import { categoriesOfTags } from '../domain/market-categories.ts';
import { Decimal, toWire } from '../domain/money.ts';
import { skip } from '../domain/skip-reasons.ts';
import { queuePriority, type SubscriptionTier } from '../domain/tiers.ts';
import { QUEUE_CHANNEL } from '../execution/queue-claims.ts';
import { outcomeUnknown } from '../execution/unsettled-rows.ts';
import { fundsKey, loadFunds } from '../ingest/sizing-inputs.ts';
import type { Market, OrderBook } from '../venue/venue.ts';
import { AppError } from './app-error.ts';

export const OPEN_POSITIONS_READ = 100;

/** One position as the venue reports it. */
export interface LeaderOpenPosition {
  readonly assetId: string;
  readonly conditionId: string;
  readonly size: Decimal;
  readonly avgPrice: Decimal | null;
  readonly currentValueUsd: Decimal | null;
  readonly redeemable: boolean;
  readonly title: string | null;
  readonly marketSlug: string | null;
  readonly eventSlug: string | null;
  readonly outcome: string | null;
  readonly outcomeIndex: number | null;
}

/** The venue reads this needs (built from the public market data in the composition root). */
export interface OpenPositionsSource {
  positions(wallet: string, limit: number): Promise<readonly LeaderOpenPosition[]>;
  market(tokenId: string): Promise<Market | null>;
  books(tokenIds: readonly string[]): Promise<ReadonlyMap<string, OrderBook>>;
}

export interface OpenPositionsDeps {
  readonly source: OpenPositionsSource;
  /** How long a queued copy stays executable (COPY_TTL_MS). */
  readonly copyTtlMs: number;
  readonly paperStartingBalanceUsd: Decimal;
}

export interface PositionRead extends LeaderOpenPosition {
  readonly market: Market | null;
  readonly bestAsk: Decimal | null;
}

export interface OpenPositionsSnapshot {
  readonly wallet: string;
  readonly observedAt: Date;
  readonly positions: readonly PositionRead[];
  /** Σ current value of the positions: the leader's portfolio for portfolio-weight sizing. */
  readonly portfolioValueUsd: Decimal;
}

export interface OpenPositionDecision {
  assetId: string;
  conditionId: string;
  title: string | null;
  outcome: string | null;
  leaderShares: string;
  price: string | null;
  decision: 'queued' | 'skipped';
  reason: string | null;
  detail: string | null;
  shares: string | null;
  queueId: string | null;
}

/** Reads the leader's positions, their markets and books; a venue failure refuses the follow. */
export async function readOpenPositions(
  deps: OpenPositionsDeps,
  wallet: string,
  now: Date,
): Promise<OpenPositionsSnapshot> {
  try {
    const positions = (await deps.source.positions(wallet, OPEN_POSITIONS_READ)).filter((p) => p.size.gt(0));
    const live = positions.filter((p) => !p.redeemable);
    const markets = await mapLimit(live, 8, (p) => deps.source.market(p.assetId));
    const books = live.length > 0 ? await deps.source.books(live.map((p) => p.assetId)) : new Map();
    const byAsset = new Map(live.map((p, i) => [p.assetId, markets[i] ?? null]));
    const value = positions.reduce((a, p) => a.plus(p.currentValueUsd ?? 0), new Decimal(0));
    return {
      wallet,
      observedAt: now,
      positions: positions.map((p) => ({
        ...p,
        market: byAsset.get(p.assetId) ?? null,
        bestAsk: books.get(p.assetId)?.asks[0]?.price ?? null,
      })),
      portfolioValueUsd: value,
    };
  } catch (err) {
    throw new AppError(
      'venue_unavailable',
      `could not read the trader's open positions from the venue (${err instanceof Error ? err.message : String(err)}); nothing was changed`,
    );
  }
}

async function mapLimit<T, R>(items: readonly T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
  return out;
}

export interface OpenPositionFollow {
  readonly relationshipId: string;
  readonly userId: string;
  readonly mode: 'live' | 'paper';
  readonly tier: SubscriptionTier;
  readonly settings: CopySettings;
  readonly userLimits: { readonly maxTradeSizeUsd: Decimal; readonly maxTotalExposureUsd: Decimal };
}

/** Decides and records a copy of every position, inside the follow's transaction. */
export async function queueOpenPositionCopies(
  tx: Tx,
  deps: OpenPositionsDeps,
  follow: OpenPositionFollow,
  snapshot: OpenPositionsSnapshot,
): Promise<OpenPositionDecision[]> {
  const now = snapshot.observedAt;
  await rememberLeaderValue(tx, snapshot);
  const state = await followState(tx, deps, follow, now);
  const out: OpenPositionDecision[] = [];
  for (const p of snapshot.positions) {
    const d = decidePosition(follow, snapshot, p, state);
    const queueId =
      d.kind === 'copy' ? await insertQueueRow(tx, deps, follow, snapshot.wallet, p, d, now) : null;
    if (d.kind === 'copy') {
      // The next position sees this one as money at work, as the fan-out sees queued copies.
      state.relExposure = state.relExposure.plus(d.notionalUsd);
      state.userExposure = state.userExposure.plus(d.notionalUsd);
    }
    await insertDecision(tx, follow, p, d, queueId, snapshot);
    out.push({
      assetId: p.assetId,
      conditionId: p.conditionId,
      title: p.title,
      outcome: p.outcome,
      leaderShares: toWire(p.size),
      price: p.bestAsk === null ? null : toWire(p.bestAsk),
      decision: d.kind === 'copy' ? 'queued' : 'skipped',
      reason: d.kind === 'skip' ? d.reason : null,
      detail: d.kind === 'skip' ? d.detail : d.sizing,
      shares: d.kind === 'copy' ? toWire(d.shares) : null,
      queueId,
    });
  }
  if (out.some((d) => d.queueId !== null))
    await sql`SELECT pg_notify(${QUEUE_CHANNEL}, 'open-positions')`.execute(tx);
  return out;
}

interface FollowState {
  relExposure: Decimal;
  userExposure: Decimal;
  realized: Decimal;
  funds: Funds | null;
}

async function followState(
  tx: Tx,
  deps: OpenPositionsDeps,
  follow: OpenPositionFollow,
  now: Date,
): Promise<FollowState> {
  // A follow restarted after a stop with "keep" may still hold positions and have copies in flight;
  // money at work is counted as the fan-out counts it (copies whose outcome is unknown included;
  // dust left out).
  const unsettled = sql`(q.status IN ('pending', 'processing') OR ${outcomeUnknown('q')})`;
  const { rows } = await sql<{ rel: string; usr: string; realized: string }>`
    SELECT COALESCE((SELECT SUM(p.cost_usd) FROM copy_positions p WHERE NOT polycopy_is_dust(p.shares) AND p.copy_relationship_id = ${follow.relationshipId}), 0)
         + COALESCE((SELECT SUM(q.notional_usd) FROM trade_queue q WHERE q.copy_relationship_id = ${follow.relationshipId}
                       AND q.side = 'BUY' AND ${unsettled}), 0) AS rel,
           COALESCE((SELECT SUM(p.cost_usd) FROM copy_positions p WHERE NOT polycopy_is_dust(p.shares) AND p.user_id = ${follow.userId}), 0)
         + COALESCE((SELECT SUM(q.notional_usd) FROM trade_queue q WHERE q.user_id = ${follow.userId}
                       AND q.side = 'BUY' AND ${unsettled}), 0) AS usr,
           (SELECT total_pnl_usd FROM copy_relationships WHERE id = ${follow.relationshipId}) AS realized`.execute(
    tx,
  );
  const r = rows[0]!;
  const funds = await loadFunds(tx, [{ userId: follow.userId, mode: follow.mode }], {
    paperStartingBalanceUsd: deps.paperStartingBalanceUsd,
    now,
  });
  return {
    relExposure: new Decimal(r.rel),
    userExposure: new Decimal(r.usr),
    realized: new Decimal(r.realized),
    funds: funds.get(fundsKey(follow.userId, follow.mode)) ?? null,
  };
}

function decidePosition(
  follow: OpenPositionFollow,
  snapshot: OpenPositionsSnapshot,
  p: PositionRead,
  state: FollowState,
): CopyDecision {
  if (p.redeemable || p.market?.closed || p.market?.resolved || p.market?.acceptingOrders === false)
    return skip('market_closed', 'the market is closed or resolved');
  if (p.market === null) return skip('market_unavailable', `no market for token ${p.assetId}`);
  if (p.bestAsk === null) return skip('book_cannot_fill', 'the book has no asks to buy from');
  return decideCopy({
    trade: { source: 'open_position', side: 'BUY', price: p.bestAsk, size: p.size, at: snapshot.observedAt },
    market: {
      conditionId: p.conditionId,
      marketSlug: p.marketSlug ?? p.market.slug,
      eventSlug: p.eventSlug,
      categories: categoriesOfTags(p.market.tags),
      rules: { tickSize: p.market.tickSize, minOrderSize: p.market.minOrderSize },
    },
    settings: follow.settings,
    follower: {
      userActive: true,
      relationshipStatus: 'active',
      relationshipExposureUsd: state.relExposure,
      userExposureUsd: state.userExposure,
      realizedPnlUsd: state.realized,
      attributedShares: new Decimal(0),
      leaderPositionBefore: new Decimal(0),
      funds: state.funds,
      leaderPortfolio: { valueUsd: snapshot.portfolioValueUsd, observedAt: snapshot.observedAt },
    },
    userLimits: follow.userLimits,
    clock: {
      now: snapshot.observedAt,
      maxFillAgeMs: Infinity,
      maxBalanceAgeMs: SNAPSHOT_MAX_AGE_MS.balance,
      maxLeaderValueAgeMs: SNAPSHOT_MAX_AGE_MS.leaderValue,
    },
  });
}

async function insertQueueRow(
  tx: Tx,
  deps: OpenPositionsDeps,
  follow: OpenPositionFollow,
  wallet: string,
  p: PositionRead,
  d: Extract<CopyDecision, { kind: 'copy' }>,
  now: Date,
): Promise<string> {
  const row = await tx
    .insertInto('trade_queue')
    .values({
      user_id: follow.userId,
      copy_relationship_id: follow.relationshipId,
      trader_wallet_address: wallet,
      market_id: p.conditionId.toLowerCase(),
      position: p.outcomeIndex === 1 ? 'NO' : 'YES',
      quantity: toWire(d.shares),
      target_price: toWire(d.targetPrice),
      max_slippage_percent: toWire(d.maxSlippagePercent),
      priority: queuePriority(follow.tier),
      expires_at: new Date(now.getTime() + deps.copyTtlMs),
      side: 'BUY',
      asset_id: p.assetId,
      notional_usd: toWire(d.notionalUsd.toDecimalPlaces(6, Decimal.ROUND_UP)),
      mode: follow.mode,
      purpose: 'copy',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function insertDecision(
  tx: Tx,
  follow: OpenPositionFollow,
  p: PositionRead,
  d: CopyDecision,
  queueId: string | null,
  snapshot: OpenPositionsSnapshot,
): Promise<void> {
  const decision = await tx
    .insertInto('copy_decisions')
    .values({
      fill_key: null,
      source: 'open_position',
      copy_relationship_id: follow.relationshipId,
      user_id: follow.userId,
      outcome: d.kind === 'copy' ? 'queued' : 'skipped',
      reason: d.kind === 'skip' ? d.reason : null,
      detail: d.kind === 'skip' ? d.detail : null,
      queue_id: queueId,
      decided_at: d.kind === 'skip' ? snapshot.observedAt : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('open_position_copies')
    .values({
      decision_id: decision.id,
      copy_relationship_id: follow.relationshipId,
      trader_wallet_address: snapshot.wallet,
      asset_id: p.assetId,
      condition_id: p.conditionId.toLowerCase(),
      market_slug: p.marketSlug,
      event_slug: p.eventSlug,
      market_title: p.title?.slice(0, 500) ?? null,
      outcome: p.outcome,
      leader_size: toWire(p.size),
      leader_avg_price: p.avgPrice === null ? null : toWire(p.avgPrice),
      price: p.bestAsk === null ? null : toWire(p.bestAsk),
      observed_at: snapshot.observedAt,
    })
    .execute();
}

/** What was just read is the freshest value of the leader's portfolio: keep it for the fan-out. */
async function rememberLeaderValue(tx: Tx, snapshot: OpenPositionsSnapshot): Promise<void> {
  await sql`
    INSERT INTO trader_portfolio_values (trader_wallet_address, value_usd, observed_at)
    VALUES (${snapshot.wallet}, ${toWire(snapshot.portfolioValueUsd)}::numeric, ${snapshot.observedAt})
    ON CONFLICT (trader_wallet_address) DO UPDATE
       SET value_usd = EXCLUDED.value_usd, observed_at = EXCLUDED.observed_at
     WHERE trader_portfolio_values.observed_at <= EXCLUDED.observed_at`.execute(tx);
}
