// The simulator's own control API under `/sim/` (not part of Polymarket's surface): endpoints,
// funding, markets and synthetic traders, the clock, resolution, fault injection, the order
// ledger, and deterministic books for tests.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { Decimal } from '../../domain/money.ts';
import type { OutcomeIndex } from '../engine/types.ts';
import type { SimMarket } from '../model/catalog.ts';
import { bookView } from './clob-public.ts';
import type { ServerContext } from './context.ts';
import { FaultPatchSchema } from './faults.ts';
import { isAddress, q1, qBool, query, sendError, sendJson } from './http.ts';
import type { StreamHub } from './streams.ts';

const decimalText = z
  .union([z.string(), z.number()])
  .transform((v) => String(v))
  .refine((s) => /^\d+(\.\d+)?$/.test(s), 'expected a non-negative decimal');

const FundSchema = z.union([
  z.object({ address: z.string(), pusd: decimalText, signer: z.string().optional() }).strict(),
  z
    .object({
      address: z.string(),
      tokenId: z.string().regex(/^\d+$/),
      size: decimalText,
      price: decimalText.optional(),
      signer: z.string().optional(),
    })
    .strict(),
]);

const LevelSchema = z.object({ price: decimalText, size: decimalText });
const BookSchema = z
  .object({
    tokenId: z.string().regex(/^\d+$/),
    bids: z.array(LevelSchema).max(200).default([]),
    asks: z.array(LevelSchema).max(200).default([]),
    /** Cancel every resting order on the market first (default true). */
    replace: z.boolean().default(true),
  })
  .strict();

const ResolveSchema = z
  .object({
    conditionId: z.string().optional(),
    tokenId: z.string().optional(),
    outcome: z.union([z.literal('Yes'), z.literal('No'), z.literal(0), z.literal(1)]).optional(),
  })
  .strict();

function marketSummary(ctx: ServerContext, m: SimMarket) {
  return {
    conditionId: m.conditionId,
    question: m.question,
    slug: m.slug,
    eventSlug: m.event.slug,
    eventId: m.event.id,
    negRisk: m.negRisk,
    category: m.category,
    tickSize: m.tickSize,
    minOrderSize: m.minOrderSize,
    feeRateBps: m.feeRateBps,
    endDate: new Date(m.endDate).toISOString(),
    closed: m.closed,
    winner: m.closed ? m.outcomes[m.winner as OutcomeIndex] : null,
    tokens: m.clobTokenIds.map((t, i) => {
      const ba = m.closed ? { bid: null, ask: null } : ctx.sim.bestBidAsk(t);
      return {
        tokenId: t,
        outcome: m.outcomes[i],
        bestBid: ba.bid?.toFixed() ?? null,
        bestAsk: ba.ask?.toFixed() ?? null,
        price: m.closed ? (m.winner === i ? '1' : '0') : ctx.sim.price(t).toFixed(),
      };
    }),
  };
}

function bad(reply: FastifyReply, error: z.ZodError | string): FastifyReply {
  const msg =
    typeof error === 'string'
      ? error
      : error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
  return sendError(reply, 400, msg);
}

export function registerControl(app: FastifyInstance, ctx: ServerContext, hub: StreamHub): void {
  const { sim } = ctx;

  app.get('/sim/endpoints', async (req, reply) => sendJson(reply, 200, ctx.endpoints(req.headers.host)));

  app.get('/sim/clock', async (_req, reply) =>
    sendJson(reply, 200, { now: sim.now, iso: new Date(sim.now).toISOString(), speed: ctx.clock.speed }),
  );

  app.post('/sim/advance', async (req, reply) => {
    const body = (req.body ?? {}) as { ms?: unknown };
    const raw = body.ms ?? q1(query(req), 'ms');
    const ms = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
    if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) {
      return bad(reply, 'ms must be a non-negative integer');
    }
    const now = ctx.clock.advance(ms);
    hub.flush();
    return sendJson(reply, 200, { now, iso: new Date(now).toISOString() });
  });

  app.post('/sim/speed', async (req, reply) => {
    const speed = (req.body as { speed?: unknown } | undefined)?.speed;
    if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < 0) {
      return bad(reply, 'speed must be a non-negative number');
    }
    ctx.clock.setSpeed(speed);
    return sendJson(reply, 200, { now: sim.now, speed });
  });

  app.post('/sim/fund', async (req, reply) => {
    const parsed = FundSchema.safeParse(req.body);
    if (!parsed.success) return bad(reply, parsed.error);
    const b = parsed.data;
    if (!isAddress(b.address)) return bad(reply, 'address must be 0x + 40 hex');
    const address = b.address.toLowerCase();
    const w = sim.wallet(address);
    if (w !== undefined && w.style !== 'external') return bad(reply, `${address} is a simulator wallet`);
    if (b.signer !== undefined) {
      if (!isAddress(b.signer)) return bad(reply, 'signer must be 0x + 40 hex');
      if (!ctx.funders.bind(address, b.signer)) return bad(reply, 'the funder is bound to another signer');
    }
    try {
      if ('pusd' in b) sim.fund(address, { pusd: b.pusd });
      else {
        if (sim.marketByToken(b.tokenId) === undefined) return sendError(reply, 404, 'token not found');
        sim.fund(address, {
          tokenId: b.tokenId,
          size: b.size,
          ...(b.price !== undefined ? { price: b.price } : {}),
        });
      }
    } catch (err) {
      return bad(reply, (err as Error).message);
    }
    const tokenBalance =
      'tokenId' in b ? { [b.tokenId]: sim.tokenBalance(address, b.tokenId).balance.toFixed() } : {};
    return sendJson(reply, 200, {
      address,
      pusd: sim.balance(address).balance.toFixed(),
      tokens: tokenBalance,
    });
  });

  app.get('/sim/balance', async (req, reply) => {
    const address = q1(query(req), 'address');
    if (!isAddress(address)) return bad(reply, 'address must be 0x + 40 hex');
    const b = sim.balance(address);
    return sendJson(reply, 200, {
      address: address.toLowerCase(),
      pusd: b.balance.toFixed(),
      reserved: b.reserved.toFixed(),
      available: b.available.toFixed(),
      pnl: sim.pnl(address).toFixed(),
    });
  });

  app.get('/sim/markets', async (req, reply) => {
    const active = qBool(query(req), 'active');
    const list = active === true ? sim.activeMarkets() : sim.markets();
    return sendJson(
      reply,
      200,
      list.map((m) => marketSummary(ctx, m)),
    );
  });

  app.get('/sim/traders', async (_req, reply) =>
    sendJson(
      reply,
      200,
      sim
        .walletList()
        .filter((w) => w.style !== 'external' && w.style !== 'treasury')
        .map((w) => ({ address: w.address, style: w.style, name: w.name, pseudonym: w.pseudonym })),
    ),
  );

  app.post('/sim/resolve', async (req, reply) => {
    const parsed = ResolveSchema.safeParse(req.body);
    if (!parsed.success) return bad(reply, parsed.error);
    const b = parsed.data;
    let m: SimMarket | undefined;
    let winner: OutcomeIndex;
    if (b.tokenId !== undefined) {
      m = sim.marketByToken(b.tokenId);
      winner = m?.clobTokenIds[0] === b.tokenId ? 0 : 1;
    } else {
      m = b.conditionId === undefined ? undefined : sim.marketByCondition(b.conditionId);
      winner = b.outcome === 'No' || b.outcome === 1 ? 1 : 0;
      if (b.outcome === undefined) return bad(reply, 'outcome is required with conditionId');
    }
    if (m === undefined) return sendError(reply, 404, 'market not found');
    try {
      sim.resolveNow(m.conditionId, winner);
    } catch (err) {
      return bad(reply, (err as Error).message);
    }
    hub.flush();
    return sendJson(
      reply,
      200,
      m.event.markets.map((x) => marketSummary(ctx, x)),
    );
  });

  app.get('/sim/faults', async (_req, reply) => sendJson(reply, 200, ctx.faults.current));
  app.post('/sim/faults', async (req, reply) => {
    const body = { ...((req.body ?? {}) as Record<string, unknown>) };
    const reset = body.reset === true;
    delete body.reset;
    const parsed = FaultPatchSchema.safeParse(body);
    if (!parsed.success) return bad(reply, parsed.error);
    if (reset) ctx.faults.reset();
    return sendJson(reply, 200, ctx.faults.update(parsed.data));
  });

  app.get('/sim/ledger', async (req, reply) => {
    const apiKey = q1(query(req), 'apiKey');
    return sendJson(reply, 200, ctx.ledger.entries(apiKey === '' ? undefined : apiKey));
  });

  // Which signature verification mode runs (every order, or 1 in N) and how many were checked.
  app.get('/sim/verification', async (_req, reply) => sendJson(reply, 200, ctx.signatures.stats()));
  app.get('/sim/audit', async (_req, reply) => sendJson(reply, 200, sim.audit()));
  app.get('/sim/streams', async (_req, reply) => sendJson(reply, 200, hub.stats()));

  app.post('/sim/book', async (req, reply) => {
    const parsed = BookSchema.safeParse(req.body);
    if (!parsed.success) return bad(reply, parsed.error);
    const b = parsed.data;
    const m = sim.marketByToken(b.tokenId);
    if (m === undefined || m.engine === null)
      return sendError(reply, 404, 'No orderbook exists for the requested token id');
    if (m.closed) return bad(reply, 'market is resolved');
    const tick = new Decimal(m.tickSize);
    const levels = [
      ...b.bids.map((l) => ({ ...l, side: 'bid' })),
      ...b.asks.map((l) => ({ ...l, side: 'ask' })),
    ];
    for (const l of levels) {
      const p = new Decimal(l.price);
      const s = new Decimal(l.size);
      if (p.lte(0) || p.gte(1) || !p.mod(tick).isZero())
        return bad(reply, `price ${l.price} is not on the ${m.tickSize} tick`);
      if (s.lte(0) || !s.mod('0.01').isZero())
        return bad(reply, `size ${l.size} must be a positive multiple of 0.01`);
    }
    const maxBid = Decimal.max(0, ...b.bids.map((l) => l.price));
    const minAsk = Decimal.min(1, ...b.asks.map((l) => l.price));
    if (b.bids.length > 0 && b.asks.length > 0 && maxBid.gte(minAsk))
      return bad(reply, 'bids must be below asks');

    if (b.replace) {
      const em = m.engine;
      const ids: string[] = [];
      for (const side of [em.book.bids, em.book.asks]) {
        for (const level of side) {
          for (let i = level.head; i < level.orders.length; i++) {
            const o = level.orders[i];
            if (o !== undefined && o.status === 'LIVE') ids.push(o.id);
          }
        }
      }
      sim.cancelOrders(ids);
    }
    // Asks of this token rest as BUYs of the complementary token at 1 − p (the books are one):
    // the maker needs only pUSD, and a taker BUY against them mints a new pair.
    const yesIndex = m.clobTokenIds[0] === b.tokenId ? 0 : 1;
    const other = m.clobTokenIds[1 - yesIndex] as string;
    const orders = [
      ...b.bids.map((l) => ({ tokenId: b.tokenId, price: new Decimal(l.price), size: new Decimal(l.size) })),
      ...b.asks.map((l) => ({
        tokenId: other,
        price: new Decimal(1).minus(l.price),
        size: new Decimal(l.size),
      })),
    ];
    const need = orders.reduce((s, o) => s.plus(o.price.mul(o.size)), new Decimal(0));
    if (need.gt(0)) sim.fund(ctx.bookMaker, { pusd: need });
    for (const o of orders) {
      const r = sim.placeOrder({
        maker: ctx.bookMaker,
        owner: 'sim-book',
        tokenId: o.tokenId,
        side: 'BUY',
        orderType: 'GTC',
        price: o.price,
        size: o.size,
      });
      if (!r.success)
        return bad(reply, `could not rest ${o.size.toFixed()} @ ${o.price.toFixed()}: ${r.errorMsg}`);
    }
    hub.flush();
    return sendJson(reply, 200, bookView(ctx, b.tokenId));
  });
}
