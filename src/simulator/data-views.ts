// Data-API-shaped read views over the simulation's ledger and history (§1): trades, activity,
// positions, closed positions, value, holders, leaderboard, price history, and the CLOB
// OpenOrder view. Field names follow the production JSON; money is Decimal (the server decides
// between JSON numbers for the Data API and strings for the CLOB); timestamps are epoch seconds
// where production uses seconds.
import { Decimal } from '../domain/money.ts';
import { ROLE_MAKER, ROLE_TAKER, type History } from './engine/history.ts';
import type { Account, Holding } from './engine/ledger.ts';
import type { MatchingEngine } from './engine/matching-engine.ts';
import type { EngineMarket, EngineOrder, Fill, FillLeg, OutcomeIndex } from './engine/types.ts';
import { MICRO, fromMicro } from './engine/units.ts';
import type { SimMarket } from './model/catalog.ts';
import type { FillEvent, LegEvent, WalletInfo } from './simulation-events.ts';

const DAY_MS = 86_400_000;

export interface ViewContext {
  engine: MatchingEngine;
  history: History;
  now: number;
  treasury: string;
  marketOf(em: EngineMarket): SimMarket;
  byCondition(conditionId: string): SimMarket | undefined;
  byToken(tokenId: string): SimMarket | undefined;
  markMicro(em: EngineMarket, outcome: OutcomeIndex): number;
  equityMicro(a: Account): number;
  wallet(address: string): WalletInfo | undefined;
}

const sec = (ms: number): number => Math.floor(ms / 1000);
const dm = (micro: number): Decimal => fromMicro(Math.round(micro));

function legEvent(f: Fill, leg: FillLeg, role: 'MAKER' | 'TAKER'): LegEvent {
  return {
    wallet: leg.address,
    role,
    orderId: leg.orderId,
    asset: f.market.tokenIds[leg.outcome],
    outcome: f.market.outcomes[leg.outcome],
    outcomeIndex: leg.outcome,
    side: leg.side,
    price: fromMicro(leg.priceMicro),
    size: fromMicro(f.sizeMicro),
    usdcSize: fromMicro(leg.amountMicro),
    fee: fromMicro(leg.feeMicro),
  };
}

export function fillEvent(f: Fill): FillEvent {
  return {
    id: f.id,
    tradeId: f.tradeId,
    transactionHash: f.txHash,
    logIndex: f.logIndex,
    timestamp: f.timestamp,
    conditionId: f.market.conditionId,
    slug: f.market.labels.slug,
    title: f.market.labels.title,
    eventSlug: f.market.labels.eventSlug,
    icon: f.market.labels.icon,
    matchType: f.matchType,
    size: fromMicro(f.sizeMicro),
    maker: legEvent(f, f.maker, 'MAKER'),
    taker: legEvent(f, f.taker, 'TAKER'),
  };
}

/** CLOB OpenOrder (`/data/order/{id}`) shape; sizes in shares (decimal strings). */
export interface OrderView {
  id: string;
  status: string;
  owner: string;
  maker_address: string;
  market: string;
  asset_id: string;
  side: 'BUY' | 'SELL';
  original_size: string;
  size_matched: string;
  price: string;
  outcome: string;
  expiration: string;
  order_type: string;
  associate_trades: string[];
  created_at: number;
  /** Ours: why the order stopped ('' while live): user, expired, killed, market_resolved. */
  cancel_reason: string;
}

export function orderView(o: EngineOrder): OrderView {
  return {
    id: o.id,
    status: o.status,
    owner: o.owner,
    maker_address: o.maker,
    market: o.market.conditionId,
    asset_id: o.market.tokenIds[o.outcome],
    side: o.side,
    original_size: fromMicro(o.sizeMicro).toFixed(),
    size_matched: fromMicro(o.matchedMicro).toFixed(),
    price: fromMicro(o.priceMicro).toFixed(),
    outcome: o.market.outcomes[o.outcome],
    expiration: String(sec(o.expiration)),
    order_type: o.type,
    associate_trades: o.tradeIds === null ? [] : [...o.tradeIds],
    created_at: sec(o.createdAt),
    cancel_reason: o.cancelReason,
  };
}

// ------------------------------------------------------------------ trades / activity

export interface TradesQuery {
  user?: string;
  /** conditionIds */
  markets?: readonly string[];
  /** Default true, as production: only the taker side of each fill. */
  takerOnly?: boolean;
  side?: 'BUY' | 'SELL';
  limit?: number;
  offset?: number;
}

export interface TradeRow {
  proxyWallet: string;
  side: 'BUY' | 'SELL';
  asset: string;
  conditionId: string;
  size: Decimal;
  price: Decimal;
  /** Epoch seconds. */
  timestamp: number;
  title: string;
  slug: string;
  icon: string;
  eventSlug: string;
  outcome: string;
  outcomeIndex: number;
  name: string;
  pseudonym: string;
  transactionHash: string;
  /** Ours (not in production rows): role of this wallet in the fill, fee, pUSD, ids. */
  role: 'MAKER' | 'TAKER';
  usdcSize: Decimal;
  fee: Decimal;
  tradeId: string;
  fillId: string;
}

function tradeRow(ctx: ViewContext, f: Fill, role: number): TradeRow {
  const leg = role === ROLE_MAKER ? f.maker : f.taker;
  const w = ctx.wallet(leg.address);
  return {
    proxyWallet: leg.address,
    side: leg.side,
    asset: f.market.tokenIds[leg.outcome],
    conditionId: f.market.conditionId,
    size: fromMicro(f.sizeMicro),
    price: fromMicro(leg.priceMicro),
    timestamp: sec(f.timestamp),
    title: f.market.labels.title,
    slug: f.market.labels.slug,
    icon: f.market.labels.icon,
    eventSlug: f.market.labels.eventSlug,
    outcome: f.market.outcomes[leg.outcome],
    outcomeIndex: leg.outcome,
    name: w?.name ?? '',
    pseudonym: w?.pseudonym ?? '',
    transactionHash: f.txHash,
    role: role === ROLE_MAKER ? 'MAKER' : 'TAKER',
    usdcSize: fromMicro(leg.amountMicro),
    fee: fromMicro(leg.feeMicro),
    tradeId: f.tradeId,
    fillId: f.id,
  };
}

/** Newest first; within a transaction, fills in log order. */
function collectFills(ctx: ViewContext, q: TradesQuery): { f: Fill; role: number }[] {
  const takerOnly = q.takerOnly ?? true;
  const marketSet = q.markets === undefined ? null : new Set(q.markets);
  const out: { f: Fill; role: number }[] = [];
  const accept = (f: Fill, role: number): void => {
    if (takerOnly && role !== ROLE_TAKER) return;
    if (marketSet !== null && !marketSet.has(f.market.conditionId)) return;
    const leg = role === ROLE_MAKER ? f.maker : f.taker;
    if (q.side !== undefined && leg.side !== q.side) return;
    out.push({ f, role });
  };
  if (q.user !== undefined) {
    const w = ctx.history.byWallet.get(q.user.toLowerCase());
    if (w !== undefined)
      for (let i = 0; i < w.fills.length; i++) accept(w.fills[i] as Fill, w.roles[i] as number);
  } else {
    const lists =
      marketSet === null
        ? [...ctx.history.byMarket.values()]
        : [...marketSet].flatMap((cid) => {
            const m = ctx.byCondition(cid);
            const l = m?.engine == null ? undefined : ctx.history.byMarket.get(m.engine.idx);
            return l === undefined ? [] : [l];
          });
    for (const l of lists) {
      for (const f of l) {
        accept(f, ROLE_TAKER);
        accept(f, ROLE_MAKER);
      }
    }
  }
  out.sort((a, b) => b.f.seq - a.f.seq || b.role - a.role);
  return out;
}

export function trades(ctx: ViewContext, q: TradesQuery): TradeRow[] {
  const limit = Math.min(q.limit ?? 100, 10_000);
  const offset = q.offset ?? 0;
  return collectFills(ctx, q)
    .slice(offset, offset + limit)
    .map((x) => tradeRow(ctx, x.f, x.role));
}

export type ActivityType = 'TRADE' | 'SPLIT' | 'MERGE' | 'REDEEM' | 'DEPOSIT';

export interface ActivityQuery {
  user: string;
  markets?: readonly string[];
  types?: readonly ActivityType[];
  /** Epoch seconds, inclusive. */
  start?: number;
  end?: number;
  side?: 'BUY' | 'SELL';
  excludeDepositsWithdrawals?: boolean;
  sortDirection?: 'ASC' | 'DESC';
  limit?: number;
  offset?: number;
}

export interface ActivityRow {
  proxyWallet: string;
  timestamp: number;
  conditionId: string;
  type: ActivityType;
  size: Decimal;
  usdcSize: Decimal;
  price: Decimal;
  transactionHash: string;
  asset: string;
  side: 'BUY' | 'SELL' | '';
  outcomeIndex: number;
  title: string;
  slug: string;
  icon: string;
  eventSlug: string;
  outcome: string;
  name: string;
  pseudonym: string;
}

function tradeActivity(ctx: ViewContext, f: Fill, role: number): ActivityRow {
  const t = tradeRow(ctx, f, role);
  return {
    proxyWallet: t.proxyWallet,
    timestamp: t.timestamp,
    conditionId: t.conditionId,
    type: 'TRADE',
    size: t.size,
    usdcSize: t.usdcSize,
    price: t.price,
    transactionHash: t.transactionHash,
    asset: t.asset,
    side: t.side,
    outcomeIndex: t.outcomeIndex,
    title: t.title,
    slug: t.slug,
    icon: t.icon,
    eventSlug: t.eventSlug,
    outcome: t.outcome,
    name: t.name,
    pseudonym: t.pseudonym,
  };
}

export function activity(ctx: ViewContext, q: ActivityQuery): ActivityRow[] {
  const user = q.user.toLowerCase();
  const types = q.types === undefined ? null : new Set(q.types);
  const excludeDeposits = q.excludeDepositsWithdrawals ?? true;
  const startMs = (q.start ?? 0) * 1000;
  const endMs = q.end === undefined ? Infinity : q.end * 1000 + 999;
  const marketSet = q.markets === undefined ? null : new Set(q.markets);
  const w = ctx.wallet(user);
  // Rows are built only for the page asked for: a backfill pages a month of a busy wallet 500 rows at
  // a time, and building every row of the window for each page (Decimals, labels) made the page cost
  // grow with the window, not the page — most of a first run's start-up (issue 12 item 1).
  const rows: { ms: number; k: number; row: () => ActivityRow }[] = [];
  if (types === null || types.has('TRADE')) {
    for (const { f, role } of collectFills(ctx, {
      user,
      takerOnly: false,
      markets: q.markets,
      side: q.side,
    })) {
      if (f.timestamp < startMs || f.timestamp > endMs) continue;
      rows.push({
        ms: f.timestamp,
        k: f.seq * 2 + role,
        row: () => tradeActivity(ctx, f, role),
      });
    }
  }
  const account = ctx.engine.ledger.peek(user);
  if (account !== undefined && q.side === undefined) {
    account.events.forEach((e, i) => {
      if (types !== null && !types.has(e.type)) return;
      if (e.type === 'DEPOSIT' && excludeDeposits) return;
      if (e.timestamp < startMs || e.timestamp > endMs) return;
      if (marketSet !== null && (e.market === null || !marketSet.has(e.market.conditionId))) return;
      const m = e.market;
      rows.push({
        ms: e.timestamp,
        k: -1 - i,
        row: () => ({
          proxyWallet: user,
          timestamp: sec(e.timestamp),
          conditionId: m?.conditionId ?? '',
          type: e.type,
          size: fromMicro(e.sizeMicro),
          usdcSize: fromMicro(e.usdcMicro),
          price: e.sizeMicro === 0 ? new Decimal(0) : fromMicro(e.usdcMicro).div(fromMicro(e.sizeMicro)),
          transactionHash: e.txHash,
          asset: m === null || e.outcome === -1 ? '' : m.tokenIds[e.outcome],
          side: '',
          outcomeIndex: e.outcome === -1 ? 999 : e.outcome,
          title: m?.labels.title ?? '',
          slug: m?.labels.slug ?? '',
          icon: m?.labels.icon ?? '',
          eventSlug: m?.labels.eventSlug ?? '',
          outcome: m === null || e.outcome === -1 ? '' : m.outcomes[e.outcome],
          name: w?.name ?? '',
          pseudonym: w?.pseudonym ?? '',
        }),
      });
    });
  }
  const dir = q.sortDirection === 'ASC' ? 1 : -1;
  rows.sort((a, b) => dir * (a.ms - b.ms) || dir * (a.k - b.k));
  const limit = Math.min(q.limit ?? 100, 500);
  const offset = q.offset ?? 0;
  return rows.slice(offset, offset + limit).map((r) => r.row());
}

// ------------------------------------------------------------------ positions

export interface PositionsQuery {
  markets?: readonly string[];
  /** Minimum size in shares (production default 1). */
  sizeThreshold?: number;
}

export interface PositionRow {
  proxyWallet: string;
  asset: string;
  conditionId: string;
  size: Decimal;
  avgPrice: Decimal;
  initialValue: Decimal;
  currentValue: Decimal;
  cashPnl: Decimal;
  percentPnl: Decimal;
  totalBought: Decimal;
  realizedPnl: Decimal;
  percentRealizedPnl: Decimal;
  curPrice: Decimal;
  redeemable: boolean;
  mergeable: boolean;
  title: string;
  slug: string;
  icon: string;
  eventSlug: string;
  outcome: string;
  outcomeIndex: number;
  oppositeOutcome: string;
  oppositeAsset: string;
  endDate: string;
  negativeRisk: boolean;
  entryFeesUsdc: Decimal;
}

function pct(num: number, den: number): Decimal {
  return den === 0 ? new Decimal(0) : new Decimal(num).div(den).mul(100).toDecimalPlaces(4);
}

function positionRow(ctx: ViewContext, a: Account, h: Holding): PositionRow {
  const em = h.market;
  const o = h.outcome;
  const cur = ctx.markMicro(em, o);
  const current = (h.balanceMicro * cur) / MICRO;
  const avg = h.balanceMicro === 0 ? 0 : (h.costMicro * MICRO) / h.balanceMicro;
  const opp = (1 - o) as OutcomeIndex;
  const other = a.peekHolding(em, opp);
  return {
    proxyWallet: a.address,
    asset: em.tokenIds[o],
    conditionId: em.conditionId,
    size: fromMicro(h.balanceMicro),
    avgPrice: dm(avg),
    initialValue: fromMicro(h.costMicro),
    currentValue: dm(current),
    cashPnl: dm(current - h.costMicro),
    percentPnl: pct(current - h.costMicro, h.costMicro),
    totalBought: fromMicro(h.boughtMicro),
    realizedPnl: fromMicro(h.realizedMicro),
    percentRealizedPnl: pct(h.realizedMicro, h.boughtUsdcMicro),
    curPrice: dm(cur),
    redeemable: em.resolved,
    mergeable: other !== undefined && other.balanceMicro > 0,
    title: em.labels.title,
    slug: em.labels.slug,
    icon: em.labels.icon,
    eventSlug: em.labels.eventSlug,
    outcome: em.outcomes[o],
    outcomeIndex: o,
    oppositeOutcome: em.outcomes[opp],
    oppositeAsset: em.tokenIds[opp],
    endDate: em.labels.endDate,
    negativeRisk: em.negRisk,
    entryFeesUsdc: fromMicro(h.feesMicro),
  };
}

export function positions(ctx: ViewContext, user: string, q: PositionsQuery): PositionRow[] {
  const a = ctx.engine.ledger.peek(user);
  if (a === undefined) return [];
  const threshold = (q.sizeThreshold ?? 1) * MICRO;
  const marketSet = q.markets === undefined ? null : new Set(q.markets);
  const rows: PositionRow[] = [];
  for (const h of a.holdings.values()) {
    if (h.balanceMicro === 0 || h.balanceMicro < threshold) continue;
    if (marketSet !== null && !marketSet.has(h.market.conditionId)) continue;
    rows.push(positionRow(ctx, a, h));
  }
  return rows.sort((x, y) => y.size.cmp(x.size));
}

export interface ClosedPositionRow {
  proxyWallet: string;
  asset: string;
  conditionId: string;
  avgPrice: Decimal;
  totalBought: Decimal;
  realizedPnl: Decimal;
  curPrice: Decimal;
  timestamp: number;
  title: string;
  slug: string;
  icon: string;
  eventSlug: string;
  outcome: string;
  outcomeIndex: number;
  oppositeOutcome: string;
  oppositeAsset: string;
  endDate: string;
}

/** Holdings that were bought and are now fully exited (sold or settled), best P&L first. */
export function closedPositions(
  ctx: ViewContext,
  user: string,
  q: { markets?: readonly string[] },
): ClosedPositionRow[] {
  const a = ctx.engine.ledger.peek(user);
  if (a === undefined) return [];
  const marketSet = q.markets === undefined ? null : new Set(q.markets);
  const rows: ClosedPositionRow[] = [];
  for (const h of a.holdings.values()) {
    if (h.balanceMicro !== 0 || h.boughtMicro === 0) continue;
    if (marketSet !== null && !marketSet.has(h.market.conditionId)) continue;
    const em = h.market;
    const opp = (1 - h.outcome) as OutcomeIndex;
    rows.push({
      proxyWallet: a.address,
      asset: em.tokenIds[h.outcome],
      conditionId: em.conditionId,
      avgPrice: dm((h.boughtUsdcMicro * MICRO) / h.boughtMicro),
      totalBought: fromMicro(h.boughtMicro),
      realizedPnl: fromMicro(h.realizedMicro),
      curPrice: dm(ctx.markMicro(em, h.outcome)),
      timestamp: sec(h.lastTs),
      title: em.labels.title,
      slug: em.labels.slug,
      icon: em.labels.icon,
      eventSlug: em.labels.eventSlug,
      outcome: em.outcomes[h.outcome],
      outcomeIndex: h.outcome,
      oppositeOutcome: em.outcomes[opp],
      oppositeAsset: em.tokenIds[opp],
      endDate: em.labels.endDate,
    });
  }
  return rows.sort((x, y) => y.realizedPnl.cmp(x.realizedPnl));
}

export function portfolioValue(ctx: ViewContext, user: string, markets?: readonly string[]): Decimal {
  const a = ctx.engine.ledger.peek(user);
  if (a === undefined) return new Decimal(0);
  const marketSet = markets === undefined ? null : new Set(markets);
  let v = 0;
  for (const h of a.holdings.values()) {
    if (h.balanceMicro === 0) continue;
    if (marketSet !== null && !marketSet.has(h.market.conditionId)) continue;
    v += (h.balanceMicro * ctx.markMicro(h.market, h.outcome)) / MICRO;
  }
  return dm(v);
}

export interface HoldersRow {
  token: string;
  holders: {
    proxyWallet: string;
    asset: string;
    amount: Decimal;
    outcomeIndex: number;
    name: string;
    pseudonym: string;
  }[];
}

export function holders(ctx: ViewContext, conditionId: string, limit: number): HoldersRow[] {
  const m = ctx.byCondition(conditionId);
  const em = m?.engine;
  if (em == null) return [];
  return ([0, 1] as const).map((o) => {
    const set = ctx.engine.ledger.holders.get(em.idx * 2 + o);
    const list = set === undefined ? [] : [...set];
    const rows = list
      .map((a) => ({ a, bal: a.peekHolding(em, o)?.balanceMicro ?? 0 }))
      .filter((x) => x.bal > 0)
      .sort((x, y) => y.bal - x.bal || (x.a.address < y.a.address ? -1 : 1))
      .slice(0, Math.min(limit, 20))
      .map(({ a, bal }) => ({
        proxyWallet: a.address,
        asset: em.tokenIds[o],
        amount: fromMicro(bal),
        outcomeIndex: o,
        name: ctx.wallet(a.address)?.name ?? '',
        pseudonym: ctx.wallet(a.address)?.pseudonym ?? '',
      }));
    return { token: em.tokenIds[o], holders: rows };
  });
}

// ------------------------------------------------------------------ leaderboard

export type LeaderboardWindow = 'DAY' | 'WEEK' | 'MONTH' | 'ALL';

export interface LeaderboardQuery {
  timePeriod?: LeaderboardWindow;
  orderBy?: 'PNL' | 'VOL';
  limit?: number;
  offset?: number;
  /** Restrict to one wallet (production `user`). */
  user?: string;
}

export interface LeaderboardRow {
  /** A string, as in production. */
  rank: string;
  proxyWallet: string;
  userName: string;
  vol: Decimal;
  pnl: Decimal;
}

const WINDOW_MS: Record<LeaderboardWindow, number> = {
  DAY: DAY_MS,
  WEEK: 7 * DAY_MS,
  MONTH: 30 * DAY_MS,
  ALL: Infinity,
};

/**
 * P&L over a window = change of (equity − net funding) since the last equity snapshot at or
 * before the window start (snapshots are taken every `snapshotIntervalMs`); volume = pUSD notional
 * of the wallet's fills (both roles) inside the window.
 */
export function leaderboard(ctx: ViewContext, q: LeaderboardQuery): LeaderboardRow[] {
  const period = q.timePeriod ?? 'DAY';
  const orderBy = q.orderBy ?? 'PNL';
  const startMs = period === 'ALL' ? -Infinity : ctx.now - WINDOW_MS[period];
  const rows: { address: string; vol: number; pnl: number }[] = [];
  for (const a of ctx.engine.ledger.accounts.values()) {
    if (a.address === ctx.treasury) continue;
    const nowNet = ctx.equityMicro(a) - a.fundedMicro;
    let pnl = nowNet;
    if (period !== 'ALL') {
      const then = ctx.history.equityAt(a.address, startMs);
      if (then !== null) pnl = nowNet - (then.equity - then.funded);
    }
    let vol = 0;
    const w = ctx.history.byWallet.get(a.address);
    if (w !== undefined) {
      for (let i = w.fills.length - 1; i >= 0; i--) {
        const f = w.fills[i] as Fill;
        if (f.timestamp < startMs) break;
        vol += (w.roles[i] === ROLE_MAKER ? f.maker : f.taker).amountMicro;
      }
    }
    if (vol === 0 && pnl === 0) continue;
    rows.push({ address: a.address, vol, pnl });
  }
  rows.sort(
    (x, y) => (orderBy === 'PNL' ? y.pnl - x.pnl : y.vol - x.vol) || (x.address < y.address ? -1 : 1),
  );
  const ranked = rows.map((r, i) => ({ r, rank: i + 1 }));
  const filtered =
    q.user === undefined ? ranked : ranked.filter((x) => x.r.address === q.user?.toLowerCase());
  const limit = Math.min(q.limit ?? 25, 50);
  const offset = q.offset ?? 0;
  return filtered.slice(offset, offset + limit).map(({ r, rank }) => ({
    rank: String(rank),
    proxyWallet: r.address,
    userName: ctx.wallet(r.address)?.pseudonym ?? '',
    vol: dm(r.vol),
    pnl: dm(r.pnl),
  }));
}

// ------------------------------------------------------------------ prices

export function priceHistory(
  ctx: ViewContext,
  tokenId: string,
  q: { startTs?: number; endTs?: number; fidelityMinutes?: number },
): { t: number; p: Decimal }[] {
  const m = ctx.byToken(tokenId);
  const em = m?.engine;
  if (m === undefined || em == null) return [];
  const outcome = m.clobTokenIds[0] === tokenId ? 0 : 1;
  const s = ctx.history.priceSamples.get(em.idx);
  if (s === undefined) return [];
  const startMs = (q.startTs ?? 0) * 1000;
  const endMs = q.endTs === undefined ? Infinity : q.endTs * 1000;
  const fidelityMs = Math.max(1, q.fidelityMinutes ?? 1) * 60_000;
  const out: { t: number; p: Decimal }[] = [];
  let lastT = -Infinity;
  for (let i = 0; i < s.t.length; i++) {
    const t = s.t[i] as number;
    if (t < startMs || t > endMs || t - lastT < fidelityMs) continue;
    lastT = t;
    const yes = s.p[i] as number;
    const p = outcome === 0 ? yes : MICRO - yes;
    out.push({ t: sec(t), p: new Decimal(p).div(MICRO).toDecimalPlaces(4) });
  }
  return out;
}
