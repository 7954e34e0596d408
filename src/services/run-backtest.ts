// "Had I copied this trader with these settings over the last N days": gathers what the pure
// backtest (src/domain/backtest.ts) replays — the leader's recorded fills in the window, its net
// positions before it, hourly price observations of the tokens it traded (the last recorded fill
// price of each token in each hour, from every tracked wallet), and each token's resolution and
// current mark from token_marks — and turns the result into wire strings. Reads only; writes nothing.
//
// The request takes every copy setting a follow takes (sizing modes, buy/sell controls, price band,
// categories, budget…) and they are checked as a follow's would be (checkSettings: the cross-field
// rules and the user's tier caps), so a backtest only answers for settings the user could actually
// follow with, and sizing applies the user's own effective limits (tier, daily trades) as the engine
// does. Unset settings take the defaults a new follow would get (NEW_FOLLOW_DEFAULTS). Market
// rules and categories: what the caller knows for a token, else a 0.01 tick (Polymarket's usual
// tick; it only moves the slippage-bound limit price and the 1 − tick price cap) and no category.
import { sql } from 'kysely';
import type { Clock } from '../auth/clock.ts';
import type { Db } from '../db/client.ts';
import {
  runBacktest as replay,
  type BacktestFill,
  type BacktestResult,
  type PriceObservation,
  type SlippageModel,
  type TokenState,
} from '../domain/backtest.ts';
import { sharesAfter, type SidedFill } from '../domain/analytics/position-replay.ts';
import {
  NEW_FOLLOW_DEFAULTS,
  parseCopySettings,
  type FollowSettingsValues,
} from '../domain/copy-settings.ts';
import { Decimal, dec, toWire } from '../domain/money.ts';
import type { MarketRules } from '../domain/order-rules.ts';
import { isSubscriptionTier } from '../domain/tiers.ts';
import type { FillMarketRules } from '../venue/market-cache.ts';
import { notFound } from './app-error.ts';
import { checkSettings, mergeSettings, type FollowSettings } from './follow-settings.ts';

export const MAX_BACKTEST_DAYS = 90;
/** The slippage model when the request names none: 50 bps plus 10 bps per $1,000 of copy. */
export const DEFAULT_SLIPPAGE_MODEL = { fixedBps: '50', impactBpsPer1000Usd: '10' } as const;
export const DEFAULT_MARKET_RULES: MarketRules = {
  tickSize: new Decimal('0.01'),
  minOrderSize: new Decimal(5),
};
/** The most recent trades returned; the counts cover all of them. */
export const BACKTEST_TRADES_SHOWN = 500;

export interface BacktestRequest extends FollowSettings {
  days: number;
  startingBalanceUsd: string;
  slippageModel?: { fixedBps: string; impactBpsPer1000Usd: string } | undefined;
}

export interface BacktestDeps {
  db: Db;
  clock: Clock;
  /** Tick size, minimum size and categories per token when the caller can look them up. */
  marketRules?: (assetIds: readonly string[]) => Promise<ReadonlyMap<string, FillMarketRules>>;
}

export interface BacktestView {
  trader: string;
  from: string;
  to: string;
  days: number;
  /** Every setting the replay used: the request's, else a new follow's defaults. */
  settings: FollowSettingsValues;
  slippageModel: { fixedBps: string; impactBpsPer1000Usd: string };
  startingBalanceUsd: string;
  endingEquityUsd: string;
  pnlUsd: string;
  returnPercent: string;
  realizedPnlUsd: string;
  unrealizedPnlUsd: string;
  fillsReplayed: number;
  copies: { total: number; buys: number; sells: number };
  exits: { stopLoss: number; takeProfit: number; resolution: number };
  skipped: number;
  skips: Record<string, number>;
  /** The leader fills not copied, with the engine's reason code (the most recent 500). */
  skippedFills: { total: number; items: { at: string; fillKey: string; reason: string; detail: string }[] };
  equityCurve: { date: string; equityUsd: string; cashUsd: string; positionsValueUsd: string }[];
  trades: {
    total: number;
    items: {
      at: string;
      kind: 'copy' | 'stop_loss' | 'take_profit' | 'resolution';
      fillKey: string | null;
      assetId: string;
      side: 'BUY' | 'SELL';
      shares: string;
      referencePrice: string;
      price: string;
      notionalUsd: string;
      realizedPnlUsd: string | null;
    }[];
  };
  openPositions: {
    assetId: string;
    shares: string;
    costUsd: string;
    markPrice: string;
    markSource: 'current' | 'last_seen';
    valueUsd: string;
  }[];
}

const wire = (d: Decimal) => toWire(d);
const usd6 = (d: Decimal) => toWire(d.toDecimalPlaces(6, Decimal.ROUND_HALF_UP));
const opt = (v: string | null | undefined) => (v === null || v === undefined ? null : dec(v));

/** The user's tier and limits (the replay applies them); 404 for an unknown user or trader. */
async function backtestUser(db: Db, userId: string, wallet: string) {
  const user = await db
    .selectFrom('users')
    .select([
      'subscription_tier',
      'max_followed_traders',
      'max_daily_trades',
      'max_trade_size_usd',
      'max_total_exposure_usd',
    ])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw notFound('user');
  const trader = await db
    .selectFrom('traders')
    .select('wallet_address')
    .where('wallet_address', '=', wallet)
    .executeTakeFirst();
  if (!trader) throw notFound('trader');
  return user;
}

async function leaderPositionsAt(db: Db, wallet: string, assets: string[], from: Date) {
  // The leader's position in each traded asset at the window's start, replayed as the engine does
  // (record-fill.ts): a sale of shares bought before recording began never takes it below zero.
  const earlier =
    assets.length === 0
      ? { rows: [] }
      : await sql<{ asset_id: string; side: 'BUY' | 'SELL'; size: string; price: string; filled_at: Date }>`
          SELECT asset_id, side, size, price, filled_at FROM leader_fills
           WHERE trader_wallet_address = ${wallet} AND filled_at < ${from}
             AND asset_id = ANY (${assets}::varchar[])
           ORDER BY asset_id, filled_at, fill_key`.execute(db);
  const byAsset = new Map<string, SidedFill[]>();
  for (const r of earlier.rows) {
    const list = byAsset.get(r.asset_id) ?? [];
    list.push({ at: r.filled_at, side: r.side, size: dec(r.size), price: dec(r.price) });
    byAsset.set(r.asset_id, list);
  }
  const startPositions = new Map([...byAsset].map(([asset, list]) => [asset, sharesAfter(list)]));
  return startPositions;
}

/** Hourly price observations of the traded assets in the window, and their current marks. */
async function pricesOf(db: Db, assets: string[], from: Date, to: Date) {
  const observations: PriceObservation[] = [];
  const tokens = new Map<string, TokenState>();
  if (assets.length > 0) {
    const obs = await sql<{ asset_id: string; filled_at: Date; price: string }>`
      SELECT DISTINCT ON (asset_id, date_trunc('hour', filled_at)) asset_id, filled_at, price
        FROM leader_fills
       WHERE asset_id = ANY (${assets}::varchar[]) AND filled_at >= ${from} AND filled_at <= ${to}
       ORDER BY asset_id, date_trunc('hour', filled_at), filled_at DESC, fill_key DESC`.execute(db);
    for (const o of obs.rows)
      observations.push({ at: o.filled_at, assetId: o.asset_id, price: dec(o.price) });
    observations.sort((a, b) => a.at.getTime() - b.at.getTime());
    const marks = await sql<{
      asset_id: string;
      price: string | null;
      resolved: boolean;
      payout: string | null;
      resolved_at: Date | null;
    }>`
      SELECT asset_id, price, resolved, payout, resolved_at FROM token_marks
       WHERE asset_id = ANY (${assets}::varchar[])`.execute(db);
    for (const m of marks.rows) {
      tokens.set(m.asset_id, {
        resolvedAt: m.resolved ? m.resolved_at : null,
        payout: m.resolved ? opt(m.payout) : null,
        mark: m.resolved ? opt(m.payout) : opt(m.price),
      });
    }
  }
  return { observations, tokens };
}

export async function backtestTrader(
  deps: BacktestDeps,
  userId: string,
  walletAddress: string,
  req: BacktestRequest,
): Promise<BacktestView> {
  const wallet = walletAddress.toLowerCase();
  const db = deps.db;
  const user = await backtestUser(db, userId, wallet);

  const { days: _days, startingBalanceUsd: _start, slippageModel: _model, ...requested } = req;
  // Opening copies of the leader's positions belong to following, not to a replay of its fills.
  const settings = mergeSettings(NEW_FOLLOW_DEFAULTS, { ...requested, copyOpenPositions: false });
  checkSettings(settings, user);
  const model = req.slippageModel ?? DEFAULT_SLIPPAGE_MODEL;

  const to = deps.clock();
  const from = new Date(to.getTime() - req.days * 86_400_000);
  const fills = await db
    .selectFrom('leader_fills')
    .select([
      'fill_key',
      'filled_at',
      'asset_id',
      'condition_id',
      'market_slug',
      'event_slug',
      'side',
      'price',
      'size',
    ])
    .where('trader_wallet_address', '=', wallet)
    .where('filled_at', '>=', from)
    .where('filled_at', '<=', to)
    .orderBy('filled_at')
    .orderBy('detected_at')
    .orderBy('fill_key')
    .execute();
  const assets = [...new Set(fills.map((f) => f.asset_id))];
  const startPositions = await leaderPositionsAt(db, wallet, assets, from);
  const { observations, tokens } = await pricesOf(db, assets, from, to);
  const rules = deps.marketRules ? await deps.marketRules(assets) : new Map<string, FillMarketRules>();

  const result = replay({
    from,
    to,
    fills: fills.map((f): BacktestFill => ({
      fillKey: f.fill_key,
      filledAt: f.filled_at,
      assetId: f.asset_id,
      conditionId: f.condition_id,
      marketSlug: f.market_slug,
      eventSlug: f.event_slug,
      side: f.side,
      price: dec(f.price),
      size: dec(f.size),
      categories: rules.get(f.asset_id)?.categories ?? [],
    })),
    leaderPositionsAtStart: startPositions,
    observations,
    tokens,
    settings: {
      ...parseCopySettings(settings),
      stopLossPercent: opt(settings.stopLossPercent),
      takeProfitPercent: opt(settings.takeProfitPercent),
      startingBalanceUsd: dec(req.startingBalanceUsd),
    },
    user: {
      subscriptionTier: isSubscriptionTier(user.subscription_tier) ? user.subscription_tier : 'free',
      maxFollowedTraders: user.max_followed_traders,
      maxDailyTrades: user.max_daily_trades,
      maxTradeSizeUsd: dec(user.max_trade_size_usd),
      maxTotalExposureUsd: dec(user.max_total_exposure_usd),
    },
    model: parseModel(model),
    marketRules: (asset) => rules.get(asset) ?? DEFAULT_MARKET_RULES,
  });
  return toView(wallet, from, to, req, settings, model, result);
}

function parseModel(m: { fixedBps: string; impactBpsPer1000Usd: string }): SlippageModel {
  return { fixedBps: dec(m.fixedBps), impactBpsPer1000Usd: dec(m.impactBpsPer1000Usd) };
}

function toView(
  wallet: string,
  from: Date,
  to: Date,
  req: BacktestRequest,
  settings: BacktestView['settings'],
  model: { fixedBps: string; impactBpsPer1000Usd: string },
  r: BacktestResult,
): BacktestView {
  const start = r.startingBalanceUsd;
  const skipped = [...r.skips.values()].reduce((a, n) => a + n, 0);
  const shown = r.trades.slice(-BACKTEST_TRADES_SHOWN);
  return {
    trader: wallet,
    from: from.toISOString(),
    to: to.toISOString(),
    days: req.days,
    settings,
    slippageModel: { fixedBps: model.fixedBps, impactBpsPer1000Usd: model.impactBpsPer1000Usd },
    startingBalanceUsd: wire(start),
    endingEquityUsd: usd6(r.endingEquityUsd),
    pnlUsd: usd6(r.pnlUsd),
    returnPercent: toWire(
      start.isZero()
        ? new Decimal(0)
        : r.pnlUsd.div(start).times(100).toDecimalPlaces(4, Decimal.ROUND_HALF_UP),
    ),
    realizedPnlUsd: usd6(r.realizedPnlUsd),
    unrealizedPnlUsd: usd6(r.unrealizedPnlUsd),
    fillsReplayed: r.fillsReplayed,
    copies: { total: r.copies.buys + r.copies.sells, buys: r.copies.buys, sells: r.copies.sells },
    exits: r.exits,
    skipped,
    skips: Object.fromEntries([...r.skips].sort(([a], [b]) => a.localeCompare(b))),
    skippedFills: {
      total: r.skipList.length,
      items: r.skipList.slice(-BACKTEST_TRADES_SHOWN).map((x) => ({
        at: x.at.toISOString(),
        fillKey: x.fillKey,
        reason: x.reason,
        detail: x.detail,
      })),
    },
    equityCurve: r.equityCurve.map((p) => ({
      date: p.date,
      equityUsd: usd6(p.equityUsd),
      cashUsd: usd6(p.cashUsd),
      positionsValueUsd: usd6(p.positionsValueUsd),
    })),
    trades: {
      total: r.trades.length,
      items: shown.map((t) => ({
        at: t.at.toISOString(),
        kind: t.kind,
        fillKey: t.fillKey,
        assetId: t.assetId,
        side: t.side,
        shares: wire(t.shares),
        referencePrice: wire(t.referencePrice),
        price: wire(t.price.toDecimalPlaces(10, Decimal.ROUND_HALF_UP)),
        notionalUsd: usd6(t.notionalUsd),
        realizedPnlUsd: t.realizedPnlUsd === null ? null : usd6(t.realizedPnlUsd),
      })),
    },
    openPositions: r.openPositions.map((p) => ({
      assetId: p.assetId,
      shares: wire(p.shares),
      costUsd: usd6(p.costUsd),
      markPrice: wire(p.markPrice),
      markSource: p.markSource,
      valueUsd: usd6(p.valueUsd),
    })),
  };
}
