// CLOB public endpoints (docs/polymarket-api.md §3.1): books, prices, tick size, neg-risk, fee
// rate, price history, CLOB market objects, server time and version.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Decimal } from '../../domain/money.ts';
import type { SimMarket } from '../model/catalog.ts';
import type { ServerContext } from './context.ts';
import {
  INVALID_JSON,
  base64Cursor,
  q1,
  qList,
  qInt,
  query,
  sendError,
  sendJson,
  type Query,
} from './http.ts';
import { num } from './wire-json.ts';

export const NO_BOOK = 'No orderbook exists for the requested token id';
const MAX_BATCH = 500;
const PAGE = 500;

export interface BookView {
  market: string;
  asset_id: string;
  timestamp: string;
  hash: string;
  bids: { price: string; size: string }[];
  asks: { price: string; size: string }[];
  min_order_size: string;
  tick_size: string;
  neg_risk: boolean;
  last_trade_price: string;
}

/** `/book` for a token, with production's SHA-1 `hash` (the official client's recipe). */
export function bookView(ctx: ServerContext, tokenId: string): BookView {
  const b = ctx.sim.getBook(tokenId);
  const view: BookView = {
    market: b.market,
    asset_id: b.asset_id,
    timestamp: b.timestamp,
    hash: '',
    bids: b.bids,
    asks: b.asks,
    min_order_size: b.min_order_size,
    tick_size: b.tick_size,
    neg_risk: b.neg_risk,
    last_trade_price: b.last_trade_price,
  };
  view.hash = createHash('sha1').update(JSON.stringify(view)).digest('hex');
  return view;
}

/** The token's market, or a reply already sent (400 missing / 404 unknown). */
function tokenOr(ctx: ServerContext, reply: FastifyReply, tokenId: string | undefined): SimMarket | null {
  if (tokenId === undefined || !/^\d{1,78}$/.test(tokenId)) {
    sendError(reply, 400, 'Invalid token id');
    return null;
  }
  const m = ctx.sim.marketByToken(tokenId);
  if (m === undefined) {
    sendError(reply, 404, NO_BOOK);
    return null;
  }
  return m;
}

function bestPrice(ctx: ServerContext, tokenId: string, side: 'BUY' | 'SELL'): Decimal | null {
  const b = ctx.sim.bestBidAsk(tokenId);
  // Production: BUY answers the best bid, SELL the best ask (§3.1).
  return side === 'BUY' ? b.bid : b.ask;
}

/** Token ids of a batch request: POST body `[{"token_id"}]` or GET `token_ids=a,b`. */
function batchTokens(
  body: unknown,
  qs: Query,
  reply: FastifyReply,
): { tokenId: string; side?: string }[] | null {
  let items: { tokenId: string; side?: string }[];
  if (body !== undefined) {
    if (body === INVALID_JSON || !Array.isArray(body)) {
      sendError(reply, 400, 'Invalid payload');
      return null;
    }
    items = [];
    for (const x of body as unknown[]) {
      const t = (x as { token_id?: unknown } | null)?.token_id;
      const s = (x as { side?: unknown } | null)?.side;
      if (typeof t !== 'string') {
        sendError(reply, 400, 'Invalid payload');
        return null;
      }
      items.push(typeof s === 'string' ? { tokenId: t, side: s } : { tokenId: t });
    }
  } else {
    const ids = qList(qs, 'token_ids') ?? [];
    const sides = qList(qs, 'sides') ?? [];
    items = ids.map((tokenId, i) => (sides[i] !== undefined ? { tokenId, side: sides[i] } : { tokenId }));
  }
  if (items.length > MAX_BATCH) {
    sendError(reply, 400, 'Payload exceeds the limit');
    return null;
  }
  return items;
}

export function clobMarketView(ctx: ServerContext, m: SimMarket): Record<string, unknown> {
  return {
    condition_id: m.conditionId,
    question_id: m.questionId,
    question: m.question,
    description: m.description,
    market_slug: m.slug,
    tokens: m.clobTokenIds.map((t, i) => ({
      token_id: t,
      outcome: m.outcomes[i],
      price: m.closed ? num(m.winner === i ? '1' : '0') : ctx.sim.price(t),
      winner: m.closed && m.winner === i,
    })),
    minimum_order_size: num(m.minOrderSize),
    minimum_tick_size: num(m.tickSize),
    active: !m.closed,
    closed: m.closed,
    archived: false,
    accepting_orders: !m.closed,
    accepting_order_timestamp: new Date(m.startDate).toISOString(),
    enable_order_book: true,
    end_date_iso: new Date(m.endDate).toISOString(),
    game_start_time: null,
    seconds_delay: 0,
    neg_risk: m.negRisk,
    neg_risk_market_id: m.negRiskMarketId ?? '',
    neg_risk_request_id: m.negRisk ? m.questionId : '',
    maker_base_fee: 0,
    taker_base_fee: m.feeRateBps,
    notifications_enabled: false,
    fpmm: '',
    icon: m.icon,
    image: m.icon,
    rewards: { rates: null, min_size: 0, max_spread: 0 },
    is_50_50_outcome: false,
    tags: [m.category],
  };
}

function simplifiedMarketView(ctx: ServerContext, m: SimMarket): Record<string, unknown> {
  const full = clobMarketView(ctx, m);
  return {
    condition_id: m.conditionId,
    tokens: full.tokens,
    rewards: full.rewards,
    active: !m.closed,
    closed: m.closed,
    archived: false,
    accepting_orders: !m.closed,
  };
}

const INTERVAL_MS: Record<string, number> = {
  '1h': 3_600_000,
  '6h': 6 * 3_600_000,
  '1d': 86_400_000,
  '1w': 7 * 86_400_000,
  '1m': 30 * 86_400_000,
};

export function registerClobPublic(app: FastifyInstance, ctx: ServerContext): void {
  const { sim } = ctx;

  app.get('/', async (_req, reply) => sendJson(reply, 200, 'OK'));
  app.get('/ok', async (_req, reply) => sendJson(reply, 200, 'OK'));
  // Wall-clock seconds: what L1/L2 timestamps are checked against (useServerTime clients).
  app.get('/time', async (_req, reply) => sendJson(reply, 200, ctx.nowSec()));
  app.get('/version', async (_req, reply) => sendJson(reply, 200, { version: 2 }));

  app.get('/book', async (req, reply) => {
    const t = q1(query(req), 'token_id');
    if (tokenOr(ctx, reply, t) === null) return reply;
    return sendJson(reply, 200, bookView(ctx, t as string));
  });

  app.post('/books', async (req, reply) => {
    const items = batchTokens(req.body, query(req), reply);
    if (items === null) return reply;
    const out: BookView[] = [];
    for (const { tokenId } of items) {
      if (sim.marketByToken(tokenId) !== undefined) out.push(bookView(ctx, tokenId));
    }
    return sendJson(reply, 200, out);
  });

  const price = async (tokenId: string | undefined, side: string | undefined, reply: FastifyReply) => {
    if (tokenOr(ctx, reply, tokenId) === null) return reply;
    if (side !== 'BUY' && side !== 'SELL') return sendError(reply, 400, 'Invalid side');
    const p = bestPrice(ctx, tokenId as string, side);
    if (p === null) return sendError(reply, 404, NO_BOOK);
    return sendJson(reply, 200, { price: p.toFixed() });
  };
  app.get('/price', async (req, reply) =>
    price(q1(query(req), 'token_id'), q1(query(req), 'side')?.toUpperCase(), reply),
  );

  const prices = async (body: unknown, qs: Query, reply: FastifyReply) => {
    const items = batchTokens(body, qs, reply);
    if (items === null) return reply;
    const out: Record<string, Record<string, string>> = {};
    for (const { tokenId, side } of items) {
      if (sim.marketByToken(tokenId) === undefined) continue;
      const entry = (out[tokenId] ??= {});
      const sides = side === undefined ? ['BUY', 'SELL'] : [side.toUpperCase()];
      for (const s of sides) {
        if (s !== 'BUY' && s !== 'SELL') return sendError(reply, 400, 'Invalid side');
        const p = bestPrice(ctx, tokenId, s);
        if (p !== null) entry[s] = p.toFixed();
      }
    }
    return sendJson(reply, 200, out);
  };
  app.get('/prices', async (req, reply) => prices(undefined, query(req), reply));
  app.post('/prices', async (req, reply) => prices(req.body ?? [], query(req), reply));

  app.get('/midpoint', async (req, reply) => {
    const t = q1(query(req), 'token_id');
    if (tokenOr(ctx, reply, t) === null) return reply;
    const mid = sim.midpoint(t as string);
    if (mid === null) return sendError(reply, 404, NO_BOOK);
    return sendJson(reply, 200, { mid: mid.toFixed() });
  });
  const midpoints = async (body: unknown, qs: Query, reply: FastifyReply) => {
    const items = batchTokens(body, qs, reply);
    if (items === null) return reply;
    const out: Record<string, string> = {};
    for (const { tokenId } of items) {
      if (sim.marketByToken(tokenId) === undefined) continue;
      const mid = sim.midpoint(tokenId);
      if (mid !== null) out[tokenId] = mid.toFixed();
    }
    return sendJson(reply, 200, out);
  };
  app.get('/midpoints', async (req, reply) => midpoints(undefined, query(req), reply));
  app.post('/midpoints', async (req, reply) => midpoints(req.body ?? [], query(req), reply));

  app.get('/spread', async (req, reply) => {
    const t = q1(query(req), 'token_id');
    if (tokenOr(ctx, reply, t) === null) return reply;
    const s = sim.spread(t as string);
    if (s === null) return sendError(reply, 404, NO_BOOK);
    return sendJson(reply, 200, { spread: s.toFixed() });
  });
  const spreads = async (body: unknown, qs: Query, reply: FastifyReply) => {
    const items = batchTokens(body, qs, reply);
    if (items === null) return reply;
    const out: Record<string, string> = {};
    for (const { tokenId } of items) {
      if (sim.marketByToken(tokenId) === undefined) continue;
      const s = sim.spread(tokenId);
      if (s !== null) out[tokenId] = s.toFixed();
    }
    return sendJson(reply, 200, out);
  };
  app.get('/spreads', async (req, reply) => spreads(undefined, query(req), reply));
  app.post('/spreads', async (req, reply) => spreads(req.body ?? [], query(req), reply));

  app.get('/last-trade-price', async (req, reply) => {
    const t = q1(query(req), 'token_id');
    if (tokenOr(ctx, reply, t) === null) return reply;
    const l = sim.lastTradePrice(t as string);
    return sendJson(reply, 200, { price: l.price.toFixed(), side: l.side });
  });
  const lastTrades = async (body: unknown, qs: Query, reply: FastifyReply) => {
    const items = batchTokens(body, qs, reply);
    if (items === null) return reply;
    const out = items
      .filter(({ tokenId }) => sim.marketByToken(tokenId) !== undefined)
      .map(({ tokenId }) => {
        const l = sim.lastTradePrice(tokenId);
        return { token_id: tokenId, price: l.price.toFixed(), side: l.side };
      });
    return sendJson(reply, 200, out);
  };
  app.get('/last-trades-prices', async (req, reply) => lastTrades(undefined, query(req), reply));
  app.post('/last-trades-prices', async (req, reply) => lastTrades(req.body ?? [], query(req), reply));

  const tickSize = async (tokenId: string | undefined, reply: FastifyReply) => {
    const m = tokenOr(ctx, reply, tokenId);
    if (m === null) return reply;
    return sendJson(reply, 200, { minimum_tick_size: num(m.tickSize) });
  };
  app.get('/tick-size', async (req, reply) => tickSize(q1(query(req), 'token_id'), reply));
  app.get<{ Params: { tokenId: string } }>('/tick-size/:tokenId', async (req, reply) =>
    tickSize(req.params.tokenId, reply),
  );

  app.get('/neg-risk', async (req, reply) => {
    const m = tokenOr(ctx, reply, q1(query(req), 'token_id'));
    if (m === null) return reply;
    return sendJson(reply, 200, { neg_risk: m.negRisk });
  });

  // V1's feeRateBps source. V2 fees are set at match time (shares × rate × p(1−p)), so the
  // signed-order base fee is 0; the schedule is on /clob-markets (`fd`) and Gamma `feeSchedule`.
  const feeRate = async (tokenId: string | undefined, reply: FastifyReply) => {
    if (tokenOr(ctx, reply, tokenId) === null) return reply;
    return sendJson(reply, 200, { base_fee: 0 });
  };
  app.get('/fee-rate', async (req, reply) => feeRate(q1(query(req), 'token_id'), reply));
  app.get<{ Params: { tokenId: string } }>('/fee-rate/:tokenId', async (req, reply) =>
    feeRate(req.params.tokenId, reply),
  );

  app.get<{ Params: { code: string } }>('/fees/builder-fees/:code', async (_req, reply) =>
    sendJson(reply, 200, { builder_maker_fee_rate_bps: 0, builder_taker_fee_rate_bps: 0 }),
  );

  app.get('/prices-history', async (req, reply) => {
    const qs = query(req);
    const tokenId = q1(qs, 'market');
    if (tokenOr(ctx, reply, tokenId) === null) return reply;
    const startTs = qInt(qs, 'startTs');
    const endTs = qInt(qs, 'endTs');
    const fidelity = qInt(qs, 'fidelity');
    const interval = q1(qs, 'interval');
    if ([startTs, endTs, fidelity].some((v) => v !== undefined && Number.isNaN(v))) {
      return sendError(reply, 400, 'Invalid payload');
    }
    let range: { startTs?: number; endTs?: number } = {};
    if (startTs !== undefined || endTs !== undefined) range = { startTs, endTs };
    else if (interval !== undefined && interval !== 'max' && interval !== 'all') {
      const span = INTERVAL_MS[interval];
      if (span === undefined) return sendError(reply, 400, 'Invalid payload');
      range = { startTs: Math.floor((sim.now - span) / 1000), endTs: Math.floor(sim.now / 1000) };
    }
    const history = sim.priceHistory(tokenId as string, {
      ...range,
      ...(fidelity !== undefined ? { fidelityMinutes: fidelity } : {}),
    });
    return sendJson(reply, 200, { history: history.map((h) => ({ t: h.t, p: h.p })) });
  });

  app.get<{ Params: { tokenId: string } }>('/markets-by-token/:tokenId', async (req, reply) => {
    const m = tokenOr(ctx, reply, req.params.tokenId);
    if (m === null) return reply;
    return sendJson(reply, 200, { condition_id: m.conditionId });
  });

  app.get<{ Params: { cid: string } }>('/clob-markets/:cid', async (req, reply) => {
    const m = sim.marketByCondition(req.params.cid);
    if (m === undefined) return sendError(reply, 404, 'market not found');
    const body: Record<string, unknown> = {
      c: m.conditionId,
      t: m.clobTokenIds.map((t, i) => ({ t, o: m.outcomes[i] })),
      mts: num(m.tickSize),
      fd: { r: num(String(m.feeSchedule.rate)), e: m.feeSchedule.exponent, to: m.feeSchedule.takerOnly },
      mbf: 0,
      tbf: m.feeRateBps,
      r: null,
      ao: !m.closed,
      mos: num(m.minOrderSize),
      sd: 0,
      gst: null,
      cbos: false,
      aot: new Date(m.startDate).toISOString(),
      rfqe: false,
      itode: false,
      ibce: false,
    };
    if (m.negRisk) body.nr = true;
    return sendJson(reply, 200, body);
  });

  const page = (
    reply: FastifyReply,
    cursor: string | undefined,
    render: (m: SimMarket) => Record<string, unknown>,
    onlyActive: boolean,
  ) => {
    const start = base64Cursor.decode(cursor);
    if (start === undefined) return sendError(reply, 400, 'Invalid payload');
    const all = onlyActive ? sim.activeMarkets() : sim.markets();
    if (start < 0) return sendJson(reply, 200, { limit: PAGE, count: 0, next_cursor: 'LTE=', data: [] });
    const data = all.slice(start, start + PAGE).map(render);
    const next = start + PAGE >= all.length ? -1 : start + PAGE;
    return sendJson(reply, 200, {
      limit: PAGE,
      count: data.length,
      next_cursor: base64Cursor.encode(next),
      data,
    });
  };
  app.get('/markets', async (req, reply) =>
    page(reply, q1(query(req), 'next_cursor'), (m) => clobMarketView(ctx, m), false),
  );
  app.get('/sampling-markets', async (req, reply) =>
    page(reply, q1(query(req), 'next_cursor'), (m) => clobMarketView(ctx, m), true),
  );
  app.get('/simplified-markets', async (req, reply) =>
    page(reply, q1(query(req), 'next_cursor'), (m) => simplifiedMarketView(ctx, m), false),
  );
  app.get('/sampling-simplified-markets', async (req, reply) =>
    page(reply, q1(query(req), 'next_cursor'), (m) => simplifiedMarketView(ctx, m), true),
  );
  app.get<{ Params: { cid: string } }>('/markets/:cid', async (req, reply) => {
    const m = sim.marketByCondition(req.params.cid);
    if (m === undefined) return sendError(reply, 404, 'market not found');
    return sendJson(reply, 200, clobMarketView(ctx, m));
  });
  app.get<{ Params: { cid: string } }>('/markets/live-activity/:cid', async (req, reply) => {
    const m = sim.marketByCondition(req.params.cid);
    if (m === undefined) return sendError(reply, 404, 'market not found');
    const rows = sim.trades({ markets: [m.conditionId], takerOnly: true, limit: 100 });
    return sendJson(
      reply,
      200,
      rows.map((r) => ({
        event_type: 'trade',
        market: {
          condition_id: r.conditionId,
          asset_id: r.asset,
          question: r.title,
          icon: r.icon,
          slug: r.slug,
        },
        user: {
          address: r.proxyWallet,
          username: r.name,
          profile_picture: '',
          optimized_profile_picture: '',
          pseudonym: r.pseudonym,
        },
        side: r.side,
        size: r.size.toFixed(),
        fee_rate_bps: String(m.feeRateBps),
        price: r.price.toFixed(),
        outcome: r.outcome,
        outcome_index: r.outcomeIndex,
        transaction_hash: r.transactionHash,
        timestamp: String(r.timestamp),
      })),
    );
  });
}
