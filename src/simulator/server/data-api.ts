// Data API v1 under `/data-api` (docs/polymarket-api.md §1): trades, activity, positions, value,
// closed positions, holders, leaderboard. Bare arrays, camelCase fields, prices and sizes as JSON
// numbers, timestamps in epoch seconds, `limit`/`offset` paging with production's caps.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Decimal } from '../../domain/money.ts';
import type { ActivityType, LeaderboardWindow, PositionRow, TradeRow } from '../data-views.ts';
import type { ServerContext } from './context.ts';
import { isAddress, q1, qBool, qInt, qList, query, sendError, sendJson, type Query } from './http.ts';

const PROFILE = { bio: '', profileImage: '', profileImageOptimized: '' };
const ACTIVITY_TYPES: readonly ActivityType[] = ['TRADE', 'SPLIT', 'MERGE', 'REDEEM', 'DEPOSIT'];

export function tradeRowWire(r: TradeRow): Record<string, unknown> {
  return {
    proxyWallet: r.proxyWallet,
    side: r.side,
    asset: r.asset,
    conditionId: r.conditionId,
    size: r.size,
    price: r.price,
    timestamp: r.timestamp,
    title: r.title,
    slug: r.slug,
    icon: r.icon,
    eventSlug: r.eventSlug,
    outcome: r.outcome,
    outcomeIndex: r.outcomeIndex,
    name: r.name,
    pseudonym: r.pseudonym,
    ...PROFILE,
    transactionHash: r.transactionHash,
  };
}

interface Paging {
  limit: number;
  offset: number;
}

function paging(
  qs: Query,
  reply: FastifyReply,
  p: { def: number; max: number; maxOffset: number },
): Paging | null {
  const limit = qInt(qs, 'limit');
  const offset = qInt(qs, 'offset');
  if (Number.isNaN(limit) || Number.isNaN(offset)) {
    sendError(reply, 400, 'invalid limit or offset');
    return null;
  }
  if ((offset ?? 0) > p.maxOffset) {
    sendError(reply, 400, `offset must be at most ${p.maxOffset}`);
    return null;
  }
  return { limit: Math.min(limit ?? p.def, p.max), offset: offset ?? 0 };
}

function userParam(qs: Query, reply: FastifyReply, required: boolean): string | undefined | null {
  const u = q1(qs, 'user');
  if (u === undefined || u === '') {
    if (required) {
      sendError(reply, 400, 'user is required');
      return null;
    }
    return undefined;
  }
  if (!isAddress(u)) {
    sendError(reply, 400, 'invalid user address');
    return null;
  }
  return u.toLowerCase();
}

function sideParam(qs: Query, reply: FastifyReply): 'BUY' | 'SELL' | undefined | null {
  const s = q1(qs, 'side');
  if (s === undefined || s === '') return undefined;
  const up = s.toUpperCase();
  if (up !== 'BUY' && up !== 'SELL') {
    sendError(reply, 400, 'invalid side');
    return null;
  }
  return up;
}

const positionSort: Record<string, (r: PositionRow) => Decimal | string | number> = {
  TOKENS: (r) => r.size,
  CURRENT: (r) => r.currentValue,
  INITIAL: (r) => r.initialValue,
  CASHPNL: (r) => r.cashPnl,
  PERCENTPNL: (r) => r.percentPnl,
  TITLE: (r) => r.title,
  PRICE: (r) => r.curPrice,
  AVGPRICE: (r) => r.avgPrice,
  RESOLVING: (r) => r.endDate,
};

function cmp(a: Decimal | string | number, b: Decimal | string | number): number {
  if (a instanceof Decimal && b instanceof Decimal) return a.cmp(b);
  return a === b ? 0 : a < b ? -1 : 1;
}

export function registerDataApi(app: FastifyInstance, ctx: ServerContext): void {
  const { sim } = ctx;

  app.get('/data-api/', async (_req, reply) => sendJson(reply, 200, { data: 'OK' }));
  app.get('/data-api/ok', async (_req, reply) => sendJson(reply, 200, { data: 'OK' }));

  app.get('/data-api/trades', async (req, reply) => {
    const qs = query(req);
    const page = paging(qs, reply, { def: 100, max: 10_000, maxOffset: 10_000 });
    if (page === null) return reply;
    const user = userParam(qs, reply, false);
    if (user === null) return reply;
    const side = sideParam(qs, reply);
    if (side === null) return reply;
    const markets = qList(qs, 'market');
    if (markets !== undefined && qList(qs, 'eventId') !== undefined) {
      return sendError(reply, 400, 'market and eventId cannot be used together');
    }
    const eventIds = qList(qs, 'eventId');
    const eventMarkets =
      eventIds === undefined
        ? undefined
        : sim
            .events()
            .filter((e) => eventIds.includes(e.id))
            .flatMap((e) => e.markets.map((m) => m.conditionId));
    const filterType = q1(qs, 'filterType');
    const filterAmountRaw = q1(qs, 'filterAmount');
    if ((filterType === undefined) !== (filterAmountRaw === undefined)) {
      return sendError(reply, 400, 'filterType and filterAmount must be sent together');
    }
    let filterAmount: Decimal | undefined;
    if (filterAmountRaw !== undefined) {
      if (!/^\d+(\.\d+)?$/.test(filterAmountRaw) || (filterType !== 'CASH' && filterType !== 'TOKENS')) {
        return sendError(reply, 400, 'invalid filterType or filterAmount');
      }
      filterAmount = new Decimal(filterAmountRaw);
    }
    const takerOnly = qBool(qs, 'takerOnly') ?? true;
    const base = {
      ...(user !== undefined ? { user } : {}),
      ...(side !== undefined ? { side } : {}),
      markets: markets ?? eventMarkets,
      takerOnly,
    };
    let rows: TradeRow[];
    if (filterAmount === undefined) {
      rows = sim.trades({ ...base, limit: page.limit, offset: page.offset });
    } else {
      const min = filterAmount;
      rows = sim
        .trades({ ...base, limit: 10_000 + page.offset + page.limit, offset: 0 })
        .filter((r) => (filterType === 'CASH' ? r.usdcSize : r.size).gte(min))
        .slice(page.offset, page.offset + page.limit);
    }
    return sendJson(reply, 200, rows.map(tradeRowWire));
  });

  app.get('/data-api/activity', async (req, reply) => {
    const qs = query(req);
    const page = paging(qs, reply, { def: 100, max: 500, maxOffset: 10_000 });
    if (page === null) return reply;
    const user = userParam(qs, reply, true);
    if (user === null || user === undefined) return reply;
    const side = sideParam(qs, reply);
    if (side === null) return reply;
    const typesRaw = qList(qs, 'type');
    const types = typesRaw?.map((t) => t.toUpperCase());
    if (types !== undefined && types.some((t) => !ACTIVITY_TYPES.includes(t as ActivityType))) {
      // Types the simulator never produces (rewards, conversions, withdrawals) match nothing.
      const known = types.filter((t) => ACTIVITY_TYPES.includes(t as ActivityType));
      if (known.length === 0) return sendJson(reply, 200, []);
    }
    const start = qInt(qs, 'start');
    const end = qInt(qs, 'end');
    const dir = q1(qs, 'sortDirection')?.toUpperCase();
    const rows = sim.activity({
      user,
      ...(qList(qs, 'market') !== undefined ? { markets: qList(qs, 'market') } : {}),
      ...(types !== undefined
        ? { types: types.filter((t) => ACTIVITY_TYPES.includes(t as ActivityType)) as ActivityType[] }
        : {}),
      ...(start !== undefined && !Number.isNaN(start) ? { start } : {}),
      ...(end !== undefined && !Number.isNaN(end) ? { end } : {}),
      ...(side !== undefined ? { side } : {}),
      excludeDepositsWithdrawals: qBool(qs, 'excludeDepositsWithdrawals') ?? true,
      sortDirection: dir === 'ASC' ? 'ASC' : 'DESC',
      limit: page.limit,
      offset: page.offset,
    });
    const sortBy = q1(qs, 'sortBy')?.toUpperCase();
    if (sortBy === 'TOKENS' || sortBy === 'CASH') {
      const sign = dir === 'ASC' ? 1 : -1;
      rows.sort((a, b) => sign * (sortBy === 'TOKENS' ? a.size.cmp(b.size) : a.usdcSize.cmp(b.usdcSize)));
    }
    return sendJson(
      reply,
      200,
      rows.map((r) => ({ ...r, ...PROFILE })),
    );
  });

  app.get('/data-api/positions', async (req, reply) => {
    const qs = query(req);
    const page = paging(qs, reply, { def: 100, max: 500, maxOffset: 10_000 });
    if (page === null) return reply;
    const user = userParam(qs, reply, true);
    if (user === null || user === undefined) return reply;
    const thresholdRaw = q1(qs, 'sizeThreshold');
    if (thresholdRaw !== undefined && !/^\d+(\.\d+)?$/.test(thresholdRaw)) {
      return sendError(reply, 400, 'invalid sizeThreshold');
    }
    const threshold = new Decimal(thresholdRaw ?? '1');
    const markets = qList(qs, 'market');
    let rows = sim
      .positions(user, { ...(markets !== undefined ? { markets } : {}), sizeThreshold: 0 })
      .filter((r) => r.size.gte(threshold));
    if (qBool(qs, 'redeemable') === true) rows = rows.filter((r) => r.redeemable);
    if (qBool(qs, 'mergeable') === true) rows = rows.filter((r) => r.mergeable);
    const title = q1(qs, 'title');
    if (title !== undefined && title !== '') {
      rows = rows.filter((r) => r.title.toLowerCase().includes(title.toLowerCase()));
    }
    const key = positionSort[(q1(qs, 'sortBy') ?? 'TOKENS').toUpperCase()] ?? positionSort.TOKENS;
    const sign = q1(qs, 'sortDirection')?.toUpperCase() === 'ASC' ? 1 : -1;
    rows.sort((a, b) => sign * cmp(key!(a), key!(b)));
    return sendJson(
      reply,
      200,
      rows.slice(page.offset, page.offset + page.limit).map((r) => ({
        ...r,
        grossInitialValue: r.initialValue,
      })),
    );
  });

  app.get('/data-api/value', async (req, reply) => {
    const qs = query(req);
    const user = userParam(qs, reply, true);
    if (user === null || user === undefined) return reply;
    const markets = qList(qs, 'market');
    return sendJson(reply, 200, [{ user, value: sim.portfolioValue(user, markets) }]);
  });

  app.get('/data-api/closed-positions', async (req, reply) => {
    const qs = query(req);
    const page = paging(qs, reply, { def: 10, max: 50, maxOffset: 100_000 });
    if (page === null) return reply;
    const user = userParam(qs, reply, true);
    if (user === null || user === undefined) return reply;
    const markets = qList(qs, 'market');
    const rows = sim.closedPositions(user, markets !== undefined ? { markets } : {});
    const sortBy = (q1(qs, 'sortBy') ?? 'REALIZEDPNL').toUpperCase();
    const sign = q1(qs, 'sortDirection')?.toUpperCase() === 'ASC' ? 1 : -1;
    rows.sort((a, b) => {
      switch (sortBy) {
        case 'TITLE':
          return sign * cmp(a.title, b.title);
        case 'PRICE':
          return sign * a.curPrice.cmp(b.curPrice);
        case 'AVGPRICE':
          return sign * a.avgPrice.cmp(b.avgPrice);
        case 'TIMESTAMP':
          return sign * (a.timestamp - b.timestamp);
        default:
          return sign * a.realizedPnl.cmp(b.realizedPnl);
      }
    });
    return sendJson(reply, 200, rows.slice(page.offset, page.offset + page.limit));
  });

  app.get('/data-api/holders', async (req, reply) => {
    const qs = query(req);
    const markets = qList(qs, 'market');
    if (markets === undefined) return sendError(reply, 400, 'market is required');
    const limit = Math.min(qInt(qs, 'limit') || 20, 20);
    const minBalance = new Decimal(q1(qs, 'minBalance') ?? '1');
    const out = markets.flatMap((cid) =>
      sim.holders(cid, limit).map((h) => ({
        token: h.token,
        holders: h.holders
          .filter((x) => x.amount.gte(minBalance))
          .map((x) => ({
            proxyWallet: x.proxyWallet,
            bio: '',
            asset: x.asset,
            pseudonym: x.pseudonym,
            amount: x.amount,
            displayUsernamePublic: true,
            outcomeIndex: x.outcomeIndex,
            name: x.name,
            profileImage: '',
            profileImageOptimized: '',
          })),
      })),
    );
    return sendJson(reply, 200, out);
  });

  app.get('/data-api/v1/leaderboard', async (req, reply) => {
    const qs = query(req);
    const limit = qInt(qs, 'limit');
    const offset = qInt(qs, 'offset');
    if (
      Number.isNaN(limit) ||
      Number.isNaN(offset) ||
      (limit !== undefined && limit < 1) ||
      (offset ?? 0) > 1000
    ) {
      return sendError(reply, 400, 'invalid limit or offset');
    }
    const period = (q1(qs, 'timePeriod') ?? 'DAY').toUpperCase();
    if (!['DAY', 'WEEK', 'MONTH', 'ALL'].includes(period)) return sendError(reply, 400, 'invalid timePeriod');
    const orderBy = (q1(qs, 'orderBy') ?? 'PNL').toUpperCase();
    if (orderBy !== 'PNL' && orderBy !== 'VOL') return sendError(reply, 400, 'invalid orderBy');
    const user = userParam(qs, reply, false);
    if (user === null) return reply;
    const userName = q1(qs, 'userName');
    let rows = sim.leaderboard({
      timePeriod: period as LeaderboardWindow,
      orderBy,
      limit: userName !== undefined ? 50 : (limit ?? 25),
      offset: userName !== undefined ? 0 : (offset ?? 0),
      ...(user !== undefined ? { user } : {}),
    });
    if (userName !== undefined) rows = rows.filter((r) => r.userName === userName);
    return sendJson(
      reply,
      200,
      rows.map((r) => ({
        rank: r.rank,
        proxyWallet: r.proxyWallet,
        userName: r.userName,
        vol: r.vol,
        pnl: r.pnl,
        profileImage: '',
        xUsername: '',
        verifiedBadge: false,
      })),
    );
  });

  app.get('/data-api/traded', async (req, reply) => {
    const qs = query(req);
    const user = userParam(qs, reply, true);
    if (user === null || user === undefined) return reply;
    const markets = new Set(sim.trades({ user, takerOnly: false, limit: 10_000 }).map((r) => r.conditionId));
    return sendJson(reply, 200, { user, traded: markets.size });
  });
}
