// Gamma API under `/gamma` (docs/polymarket-api.md §2): markets and events with camelCase fields,
// `outcomes` / `outcomePrices` / `clobTokenIds` as JSON-encoded strings, numbers as JSON numbers.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Decimal } from '../../domain/money.ts';
import type { Category, SimEvent, SimMarket } from '../model/catalog.ts';
import type { ServerContext } from './context.ts';
import { q1, qBool, qInt, qList, query, sendError, sendJson, type Query } from './http.ts';
import { num } from './wire-json.ts';

const TAGS: Record<Category, { id: string; label: string; slug: string }> = {
  POLITICS: { id: '2', label: 'Politics', slug: 'politics' },
  SPORTS: { id: '1', label: 'Sports', slug: 'sports' },
  CRYPTO: { id: '21', label: 'Crypto', slug: 'crypto' },
  ECONOMICS: { id: '107', label: 'Economy', slug: 'economy' },
  CULTURE: { id: '596', label: 'Culture', slug: 'pop-culture' },
  TECH: { id: '1401', label: 'Tech', slug: 'tech' },
  WEATHER: { id: '84', label: 'Weather', slug: 'weather' },
};

const iso = (ms: number): string => new Date(ms).toISOString();

function liquidity(ctx: ServerContext, m: SimMarket): Decimal {
  if (m.closed) return new Decimal(0);
  const b = ctx.sim.getBook(m.clobTokenIds[0]);
  let total = new Decimal(0);
  for (const l of [...b.bids, ...b.asks]) total = total.plus(new Decimal(l.size).mul(l.price));
  return total;
}

export function gammaMarket(ctx: ServerContext, m: SimMarket, withEvent = true): Record<string, unknown> {
  const sim = ctx.sim;
  const prices = m.clobTokenIds.map((t, i) =>
    m.closed ? (m.winner === i ? '1' : '0') : sim.price(t).toFixed(),
  );
  const ba = m.closed ? { bid: null, ask: null } : sim.bestBidAsk(m.clobTokenIds[0]);
  const last = sim.lastTradePrice(m.clobTokenIds[0]).price;
  const vol = ctx.stats.volumeOf(m.conditionId);
  const liq = liquidity(ctx, m);
  const out: Record<string, unknown> = {
    id: m.id,
    question: m.question,
    conditionId: m.conditionId,
    slug: m.slug,
    description: m.description,
    questionID: m.questionId,
    marketMakerAddress: '',
    outcomes: JSON.stringify(m.outcomes).replace(/","/g, '", "'),
    outcomePrices: JSON.stringify(prices).replace(/","/g, '", "'),
    clobTokenIds: JSON.stringify(m.clobTokenIds).replace(/","/g, '", "'),
    active: !m.closed,
    closed: m.closed,
    archived: false,
    restricted: false,
    acceptingOrders: !m.closed,
    acceptingOrdersTimestamp: iso(m.startDate),
    enableOrderBook: true,
    startDate: iso(m.startDate),
    endDate: iso(m.endDate),
    startDateIso: iso(m.startDate).slice(0, 10),
    endDateIso: iso(m.endDate).slice(0, 10),
    closedTime: m.closed ? iso(m.closedTime) : null,
    umaEndDate: m.closed ? iso(m.closedTime) : null,
    gameStartTime: null,
    secondsDelay: 0,
    orderPriceMinTickSize: num(m.tickSize),
    orderMinSize: num(m.minOrderSize),
    negRisk: m.negRisk,
    negRiskMarketID: m.negRiskMarketId ?? undefined,
    negRiskOther: false,
    groupItemTitle: m.groupItemTitle,
    volume: vol.toFixed(),
    volumeNum: vol,
    liquidity: liq.toFixed(),
    liquidityNum: liq,
    bestBid: ba.bid,
    bestAsk: ba.ask,
    lastTradePrice: last,
    spread: ba.bid !== null && ba.ask !== null ? ba.ask.minus(ba.bid) : null,
    makerBaseFee: 0,
    takerBaseFee: m.feeRateBps,
    feesEnabled: m.feeRateBps > 0,
    feeSchedule: {
      exponent: m.feeSchedule.exponent,
      rate: num(String(m.feeSchedule.rate)),
      takerOnly: m.feeSchedule.takerOnly,
      rebateRate: num(String(m.feeSchedule.rebateRate)),
    },
    umaResolutionStatus: m.closed ? 'resolved' : null,
    category: TAGS[m.category].label,
    icon: m.icon,
    image: m.icon,
    rfqEnabled: false,
    version: 'v1',
    tags: [TAGS[m.category]],
  };
  if (withEvent) {
    out.events = [{ id: m.event.id, slug: m.event.slug, title: m.event.title, negRisk: m.event.negRisk }];
  }
  return out;
}

export function gammaEvent(ctx: ServerContext, e: SimEvent): Record<string, unknown> {
  const markets = e.markets.map((m) => gammaMarket(ctx, m, false));
  let vol = new Decimal(0);
  let liq = new Decimal(0);
  for (const m of markets) {
    vol = vol.plus(m.volumeNum as Decimal);
    liq = liq.plus(m.liquidityNum as Decimal);
  }
  return {
    id: e.id,
    slug: e.slug,
    title: e.title,
    description: e.description,
    startDate: iso(e.startDate),
    endDate: iso(e.endDate),
    active: !e.closed,
    closed: e.closed,
    archived: false,
    negRisk: e.negRisk,
    enableNegRisk: e.negRisk,
    negRiskAugmented: false,
    negRiskMarketID: e.negRiskMarketId ?? undefined,
    negRiskFeeBips: 0,
    category: TAGS[e.category].label,
    icon: e.markets[0]?.icon ?? '',
    image: e.markets[0]?.icon ?? '',
    volume: vol,
    liquidity: liq,
    openInterest: new Decimal(0),
    markets,
    tags: [TAGS[e.category]],
    series: [],
  };
}

interface ListOpts {
  limit: number;
  offset: number;
}

function listOpts(qs: Query, reply: FastifyReply, maxLimit: number, defLimit: number): ListOpts | null {
  const limit = qInt(qs, 'limit');
  const offset = qInt(qs, 'offset');
  if (Number.isNaN(limit) || Number.isNaN(offset)) {
    sendError(reply, 422, 'invalid limit or offset');
    return null;
  }
  return { limit: Math.min(limit ?? defLimit, maxLimit), offset: offset ?? 0 };
}

function dateFilter(qs: Query, name: string): number | undefined | null {
  const v = q1(qs, name);
  if (v === undefined || v === '') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

type SortKey = number | string | Decimal | undefined;

function compareKeys(x: SortKey, y: SortKey): number {
  if (x === undefined || y === undefined) return 0;
  if (x instanceof Decimal && y instanceof Decimal) return x.cmp(y);
  return x === y ? 0 : x < y ? -1 : 1;
}

function sortBy<T>(items: T[], qs: Query, key: (x: T, field: string) => SortKey): T[] {
  const order = qList(qs, 'order');
  if (order === undefined) return items;
  const asc = qBool(qs, 'ascending') ?? false;
  return [...items].sort((a, b) => {
    for (const f of order) {
      const c = compareKeys(key(a, f), key(b, f));
      if (c !== 0) return c * (asc ? 1 : -1);
    }
    return 0;
  });
}

export function registerGamma(app: FastifyInstance, ctx: ServerContext): void {
  const { sim } = ctx;

  const filterMarkets = (qs: Query, reply: FastifyReply): SimMarket[] | null => {
    const ids = qList(qs, 'id');
    const slugs = qList(qs, 'slug');
    const tokens = qList(qs, 'clob_token_ids');
    const cids = qList(qs, 'condition_ids');
    const qids = qList(qs, 'question_ids');
    const closed = qBool(qs, 'closed') ?? false; // default false since 2026-04-09
    const active = qBool(qs, 'active');
    const archived = qBool(qs, 'archived');
    const tagId = q1(qs, 'tag_id');
    const bounds = ['start_date_min', 'start_date_max', 'end_date_min', 'end_date_max'].map((n) =>
      dateFilter(qs, n),
    );
    if (bounds.some((b) => b === null)) {
      sendError(reply, 422, 'invalid date');
      return null;
    }
    const [sMin, sMax, eMin, eMax] = bounds as (number | undefined)[];
    return sim
      .markets()
      .filter(
        (m) =>
          m.closed === closed &&
          (active === undefined || active === !m.closed) &&
          archived !== true &&
          (ids === undefined || ids.includes(m.id)) &&
          (slugs === undefined || slugs.includes(m.slug)) &&
          (tokens === undefined || m.clobTokenIds.some((t) => tokens.includes(t))) &&
          (cids === undefined || cids.includes(m.conditionId)) &&
          (qids === undefined || qids.includes(m.questionId)) &&
          (tagId === undefined || TAGS[m.category].id === tagId) &&
          (sMin === undefined || m.startDate >= sMin) &&
          (sMax === undefined || m.startDate <= sMax) &&
          (eMin === undefined || m.endDate >= eMin) &&
          (eMax === undefined || m.endDate <= eMax),
      );
  };

  const marketKey = (m: SimMarket, f: string): SortKey => {
    switch (f) {
      case 'id':
        return Number(m.id);
      case 'volume':
      case 'volumeNum':
        return ctx.stats.volumeOf(m.conditionId);
      case 'endDate':
        return m.endDate;
      case 'startDate':
        return m.startDate;
      case 'slug':
        return m.slug;
      case 'question':
        return m.question;
      default:
        return undefined;
    }
  };

  app.get('/gamma/markets', async (req, reply) => {
    const qs = query(req);
    const opts = listOpts(qs, reply, 500, 100);
    if (opts === null) return reply;
    const list = filterMarkets(qs, reply);
    if (list === null) return reply;
    const page = sortBy(list, qs, marketKey).slice(opts.offset, opts.offset + opts.limit);
    return sendJson(
      reply,
      200,
      page.map((m) => gammaMarket(ctx, m)),
    );
  });

  app.get('/gamma/markets/keyset', async (req, reply) => {
    const qs = query(req);
    if (q1(qs, 'offset') !== undefined) {
      return sendJson(reply, 422, {
        type: 'validation error',
        error: 'offset is not allowed on keyset endpoints',
      });
    }
    const limit = Math.min(qInt(qs, 'limit') || 20, 100);
    const after = q1(qs, 'after_cursor');
    const start = after === undefined ? 0 : Number(Buffer.from(after, 'base64').toString('utf8')) || 0;
    const list = filterMarkets(qs, reply);
    if (list === null) return reply;
    const page = list.slice(start, start + limit).map((m) => gammaMarket(ctx, m));
    const body: Record<string, unknown> = { markets: page };
    if (start + limit < list.length) body.next_cursor = Buffer.from(String(start + limit)).toString('base64');
    return sendJson(reply, 200, body);
  });

  app.get<{ Params: { slug: string } }>('/gamma/markets/slug/:slug', async (req, reply) => {
    const m = sim.marketBySlug(req.params.slug);
    if (m === undefined) return sendError(reply, 404, 'market not found');
    return sendJson(reply, 200, gammaMarket(ctx, m));
  });

  app.get<{ Params: { id: string } }>('/gamma/markets/:id', async (req, reply) => {
    const m = sim.markets().find((x) => x.id === req.params.id);
    if (m === undefined) return sendError(reply, 404, 'market not found');
    return sendJson(reply, 200, gammaMarket(ctx, m));
  });

  const filterEvents = (qs: Query): SimEvent[] => {
    const ids = qList(qs, 'id');
    const slugs = qList(qs, 'slug');
    const closed = qBool(qs, 'closed');
    const active = qBool(qs, 'active');
    const tagId = q1(qs, 'tag_id');
    const tagSlug = q1(qs, 'tag_slug');
    return sim
      .events()
      .filter(
        (e) =>
          (closed === undefined || closed === e.closed) &&
          (active === undefined || active === !e.closed) &&
          (ids === undefined || ids.includes(e.id)) &&
          (slugs === undefined || slugs.includes(e.slug)) &&
          (tagId === undefined || TAGS[e.category].id === tagId) &&
          (tagSlug === undefined || TAGS[e.category].slug === tagSlug),
      );
  };

  const eventKey = (e: SimEvent, f: string): SortKey => {
    switch (f) {
      case 'id':
        return Number(e.id);
      case 'endDate':
        return e.endDate;
      case 'startDate':
        return e.startDate;
      case 'volume':
        return e.markets.reduce((s, m) => s.plus(ctx.stats.volumeOf(m.conditionId)), new Decimal(0));
      default:
        return undefined;
    }
  };

  app.get('/gamma/events', async (req, reply) => {
    const qs = query(req);
    const opts = listOpts(qs, reply, 500, 100);
    if (opts === null) return reply;
    const page = sortBy(filterEvents(qs), qs, eventKey).slice(opts.offset, opts.offset + opts.limit);
    return sendJson(
      reply,
      200,
      page.map((e) => gammaEvent(ctx, e)),
    );
  });

  app.get('/gamma/events/keyset', async (req, reply) => {
    const qs = query(req);
    if (q1(qs, 'offset') !== undefined) {
      return sendJson(reply, 422, {
        type: 'validation error',
        error: 'offset is not allowed on keyset endpoints',
      });
    }
    const limit = Math.min(qInt(qs, 'limit') || 20, 500);
    const after = q1(qs, 'after_cursor');
    const start = after === undefined ? 0 : Number(Buffer.from(after, 'base64').toString('utf8')) || 0;
    const list = filterEvents(qs);
    const body: Record<string, unknown> = {
      events: list.slice(start, start + limit).map((e) => gammaEvent(ctx, e)),
    };
    if (start + limit < list.length) body.next_cursor = Buffer.from(String(start + limit)).toString('base64');
    return sendJson(reply, 200, body);
  });

  app.get<{ Params: { slug: string } }>('/gamma/events/slug/:slug', async (req, reply) => {
    const e = sim.events().find((x) => x.slug === req.params.slug);
    if (e === undefined) return sendError(reply, 404, 'event not found');
    return sendJson(reply, 200, gammaEvent(ctx, e));
  });

  app.get<{ Params: { id: string } }>('/gamma/events/:id', async (req, reply) => {
    const e = sim.events().find((x) => x.id === req.params.id);
    if (e === undefined) return sendError(reply, 404, 'event not found');
    return sendJson(reply, 200, gammaEvent(ctx, e));
  });
}
