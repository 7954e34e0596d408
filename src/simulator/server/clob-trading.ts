// Authenticated CLOB endpoints (docs/polymarket-api.md §3.2, §4): API keys under L1 (EIP-712
// ClobAuth), and under L2 (HMAC over the raw request) orders, cancels, order and trade lookups,
// balance-allowance and heartbeats. Every L2 failure is production's 401
// `Unauthorized/Invalid api key`; L1 failures are 401 `Invalid L1 Request headers`.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Decimal } from '../../domain/money.ts';
import { verifyL1Headers } from '../../venue/polymarket/l1-auth.ts';
import { verifyL2Request } from '../../venue/polymarket/l2-auth.ts';
import type { OrderView } from '../data-views.ts';
import type { ApiKeyRecord } from './api-keys.ts';
import type { ServerContext } from './context.ts';
import { INVALID_JSON, base64Cursor, q1, qInt, query, sendError, sendJson } from './http.ts';
import { MAX_ORDERS_PER_BATCH, processOrder, type OrderOutcome } from './orders.ts';
import { tradeView } from './trade-store.ts';

const UNAUTHORIZED = 'Unauthorized/Invalid api key';
const MAX_CANCEL = 1000;
const PAGE = 500;
const MAX_UINT256 = (2n ** 256n - 1n).toString();
/** Production cancels every open order of a key whose heartbeats stop for 10 s (+ ≤5 s). */
const HEARTBEAT_TIMEOUT_MS = 15_000;

interface CancelBody {
  canceled: string[];
  not_canceled: Record<string, string>;
}

export interface TradingRoutes {
  /** Stops the heartbeat watchdog. */
  close(): void;
}

export function registerClobTrading(app: FastifyInstance, ctx: ServerContext): TradingRoutes {
  const { sim, keys } = ctx;

  const l2 = (req: FastifyRequest, reply: FastifyReply): ApiKeyRecord | null => {
    const check = verifyL2Request({
      headers: req.headers,
      method: req.method,
      requestPath: req.url,
      rawBody: req.rawBody === '' ? undefined : req.rawBody,
      lookup: (k) => keys.get(k),
      nowSec: ctx.nowSec(),
    });
    if (!check.ok) {
      sendError(reply, 401, UNAUTHORIZED);
      return null;
    }
    return keys.get(check.apiKey) ?? null;
  };

  const l1 = async (req: FastifyRequest, reply: FastifyReply) => {
    const check = await verifyL1Headers(req.headers, {
      nowSec: ctx.nowSec(),
      chainId: ctx.contracts.chainId,
    });
    if (!check.ok) {
      sendError(reply, 401, 'Invalid L1 Request headers');
      return null;
    }
    return check;
  };

  const creds = (k: ApiKeyRecord) => ({ apiKey: k.key, secret: k.secret, passphrase: k.passphrase });

  // ------------------------------------------------------------------ API keys (L1)
  app.post('/auth/api-key', async (req, reply) => {
    const auth = await l1(req, reply);
    if (auth === null) return reply;
    const rec = keys.create(auth.address, auth.nonce);
    if (rec === undefined) return sendError(reply, 400, 'Could not create api key');
    return sendJson(reply, 200, creds(rec));
  });
  app.get('/auth/derive-api-key', async (req, reply) => {
    const auth = await l1(req, reply);
    if (auth === null) return reply;
    const rec = keys.existing(auth.address, auth.nonce);
    if (rec === undefined) return sendError(reply, 400, 'Could not derive api key!');
    return sendJson(reply, 200, creds(rec));
  });
  app.get('/auth/api-keys', async (req, reply) => {
    const k = l2(req, reply);
    if (k === null) return reply;
    return sendJson(reply, 200, { apiKeys: keys.keysOf(k.address).map((r) => r.key) });
  });
  app.delete('/auth/api-key', async (req, reply) => {
    const k = l2(req, reply);
    if (k === null) return reply;
    keys.delete(k.key);
    return sendJson(reply, 200, 'OK');
  });
  app.get('/auth/ban-status/closed-only', async (req, reply) => {
    if (l2(req, reply) === null) return reply;
    return sendJson(reply, 200, { closed_only: false });
  });

  // ------------------------------------------------------------------ orders
  const respondOrder = (
    req: FastifyRequest,
    reply: FastifyReply,
    outcomes: OrderOutcome[],
    body: unknown,
  ) => {
    if (outcomes.some((o) => o.accepted) && ctx.faults.dropOrderResponse(req.url.split('?')[0] ?? '')) {
      for (const o of outcomes) if (o.ledger !== null) o.ledger.responseDropped = true;
      reply.hijack();
      req.raw.socket.destroy();
      return reply;
    }
    return body;
  };

  app.post('/order', async (req, reply) => {
    const k = l2(req, reply);
    if (k === null) return reply;
    if (req.body === INVALID_JSON || typeof req.body !== 'object' || req.body === null) {
      return sendError(reply, 400, 'Invalid order payload');
    }
    const out = await processOrder(ctx, k, req.body, 'POST /order');
    const r = respondOrder(req, reply, [out], out.body);
    if (r === reply) return reply;
    return sendJson(reply, out.httpStatus, out.body);
  });

  app.post('/orders', async (req, reply) => {
    const k = l2(req, reply);
    if (k === null) return reply;
    if (!Array.isArray(req.body)) return sendError(reply, 400, 'Invalid order payload');
    const items = req.body as unknown[];
    if (items.length > MAX_ORDERS_PER_BATCH) {
      return sendError(
        reply,
        400,
        `Too many orders in payload: ${items.length}, max allowed: ${MAX_ORDERS_PER_BATCH}`,
      );
    }
    const outs: OrderOutcome[] = [];
    for (const item of items) outs.push(await processOrder(ctx, k, item, 'POST /orders'));
    const body = outs.map((o) => o.batchItem);
    const r = respondOrder(req, reply, outs, body);
    if (r === reply) return reply;
    return sendJson(reply, 200, body);
  });

  const walletsOf = (k: ApiKeyRecord): string[] => [
    k.address.toLowerCase(),
    ...ctx.funders.fundersOf(k.address),
  ];

  const liveOrdersOf = (k: ApiKeyRecord, filter?: { conditionId?: string; tokenId?: string }): OrderView[] =>
    walletsOf(k)
      .flatMap((w) => sim.openOrders(w, filter))
      .filter((o) => o.owner === k.key);

  const cancel = (k: ApiKeyRecord, ids: readonly string[]): CancelBody => {
    const res: CancelBody = { canceled: [], not_canceled: {} };
    for (const id of new Set(ids)) {
      const o = sim.getOrder(id);
      if (o === undefined || o.owner !== k.key) {
        res.not_canceled[id] = 'order not found';
        continue;
      }
      const r = sim.cancelOrder(id, o.maker_address);
      res.canceled.push(...r.canceled);
      Object.assign(res.not_canceled, r.not_canceled);
    }
    return res;
  };

  app.delete('/order', async (req, reply) => {
    const k = l2(req, reply);
    if (k === null) return reply;
    const id = (req.body as { orderID?: unknown } | undefined)?.orderID;
    if (typeof id !== 'string' || id === '') return sendError(reply, 400, 'Invalid orderID');
    return sendJson(reply, 200, cancel(k, [id]));
  });

  app.delete('/orders', async (req, reply) => {
    const k = l2(req, reply);
    if (k === null) return reply;
    const ids = req.body;
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string' || x === '')) {
      return sendError(reply, 400, 'Invalid orderID');
    }
    if (new Set(ids).size > MAX_CANCEL) {
      return sendError(reply, 400, `Too many orders in payload, max allowed: ${MAX_CANCEL}`);
    }
    return sendJson(reply, 200, cancel(k, ids as string[]));
  });

  app.delete('/cancel-all', async (req, reply) => {
    const k = l2(req, reply);
    if (k === null) return reply;
    return sendJson(
      reply,
      200,
      cancel(
        k,
        liveOrdersOf(k).map((o) => o.id),
      ),
    );
  });

  app.delete('/cancel-market-orders', async (req, reply) => {
    const k = l2(req, reply);
    if (k === null) return reply;
    const b = (req.body ?? {}) as { market?: unknown; asset_id?: unknown };
    const filter = {
      ...(typeof b.market === 'string' && b.market !== '' ? { conditionId: b.market } : {}),
      ...(typeof b.asset_id === 'string' && b.asset_id !== '' ? { tokenId: b.asset_id } : {}),
    };
    return sendJson(
      reply,
      200,
      cancel(
        k,
        liveOrdersOf(k, filter).map((o) => o.id),
      ),
    );
  });

  // ------------------------------------------------------------------ lookups
  app.get<{ Params: { id: string } }>('/data/order/:id', async (req, reply) => {
    const k = l2(req, reply);
    if (k === null) return reply;
    const o = sim.getOrder(req.params.id);
    if (o === undefined || o.owner !== k.key) return sendError(reply, 404, 'order not found');
    return sendJson(reply, 200, o);
  });

  const paged = <T>(reply: FastifyReply, all: T[], cursor: string | undefined) => {
    const start = base64Cursor.decode(cursor);
    if (start === undefined) return sendError(reply, 400, 'Invalid payload');
    if (start < 0) return sendJson(reply, 200, { limit: PAGE, count: 0, next_cursor: 'LTE=', data: [] });
    const data = all.slice(start, start + PAGE);
    const next = start + PAGE >= all.length ? -1 : start + PAGE;
    return sendJson(reply, 200, {
      limit: PAGE,
      count: data.length,
      next_cursor: base64Cursor.encode(next),
      data,
    });
  };

  app.get('/data/orders', async (req, reply) => {
    const k = l2(req, reply);
    if (k === null) return reply;
    const qs = query(req);
    const id = q1(qs, 'id');
    const market = q1(qs, 'market');
    const asset = q1(qs, 'asset_id');
    const all = liveOrdersOf(k, {
      ...(market ? { conditionId: market } : {}),
      ...(asset ? { tokenId: asset } : {}),
    }).filter((o) => id === undefined || id === '' || o.id === id);
    return paged(reply, all, q1(qs, 'next_cursor'));
  });

  app.get('/data/pre-migration-orders', async (req, reply) => {
    if (l2(req, reply) === null) return reply;
    return sendJson(reply, 200, { limit: PAGE, count: 0, next_cursor: 'LTE=', data: [] });
  });

  app.get('/data/trades', async (req, reply) => {
    const k = l2(req, reply);
    if (k === null) return reply;
    const qs = query(req);
    const id = q1(qs, 'id');
    const makerAddress = q1(qs, 'maker_address')?.toLowerCase();
    const market = q1(qs, 'market');
    const asset = q1(qs, 'asset_id');
    const before = qInt(qs, 'before');
    const after = qInt(qs, 'after');
    const rows = [...ctx.trades.of(k.key)]
      .reverse()
      .filter((t) => (id ? t.id === id : true))
      .filter((t) => (market ? t.market === market : true))
      .filter((t) =>
        asset ? t.asset_id === asset || t.maker_orders.some((m) => m.asset_id === asset) : true,
      )
      .filter((t) =>
        makerAddress
          ? t.maker_address === makerAddress || t.maker_orders.some((m) => m.maker_address === makerAddress)
          : true,
      )
      .filter((t) => (before !== undefined && !Number.isNaN(before) ? Number(t.match_time) < before : true))
      .filter((t) => (after !== undefined && !Number.isNaN(after) ? Number(t.match_time) > after : true))
      .map((t) => tradeView(t, k.key));
    return paged(reply, rows, q1(qs, 'next_cursor'));
  });

  // ------------------------------------------------------------------ balances
  const balance = async (req: FastifyRequest, reply: FastifyReply) => {
    const k = l2(req, reply);
    if (k === null) return reply;
    const qs = query(req);
    const assetType = q1(qs, 'asset_type');
    const sigType = q1(qs, 'signature_type');
    if (sigType !== undefined && !['0', '1', '2', '3', '-1'].includes(sigType)) {
      return sendError(reply, 400, 'Invalid signature_type');
    }
    const wallet =
      sigType === undefined || sigType === '0' || sigType === '-1'
        ? k.address
        : (ctx.funders.funderOf(k.address) ?? k.address);
    let amount: Decimal;
    if (assetType === 'COLLATERAL') {
      amount = sim.balance(wallet).balance;
    } else if (assetType === 'CONDITIONAL' || assetType === 'CONDITIONAL-V2') {
      const tokenId = q1(qs, 'token_id');
      if (tokenId === undefined || sim.marketByToken(tokenId) === undefined) {
        return sendError(reply, 400, 'Invalid token id');
      }
      amount = sim.tokenBalance(wallet, tokenId).balance;
    } else {
      return sendError(reply, 400, 'Invalid asset type');
    }
    // The simulator has no on-chain allowances: both V2 exchanges are approved without limit.
    return sendJson(reply, 200, {
      balance: amount.mul(1_000_000).toFixed(0),
      allowances: {
        [ctx.contracts.exchangeV2]: MAX_UINT256,
        [ctx.contracts.negRiskExchangeV2]: MAX_UINT256,
      },
    });
  };
  app.get('/balance-allowance', balance);
  app.get('/balance-allowance/update', balance);

  // ------------------------------------------------------------------ heartbeats, misc
  const heartbeats = new Map<string, { id: string; at: number }>();
  app.post('/v1/heartbeats', async (req, reply) => {
    const k = l2(req, reply);
    if (k === null) return reply;
    const sent = (req.body as { heartbeat_id?: unknown } | undefined)?.heartbeat_id;
    const cur = heartbeats.get(k.key);
    if (typeof sent !== 'string' || (sent !== '' && sent !== cur?.id)) {
      return sendJson(reply, 400, { error: 'Invalid heartbeat id', heartbeat_id: cur?.id ?? '' });
    }
    const next = { id: randomUUID(), at: Date.now() };
    heartbeats.set(k.key, next);
    return sendJson(reply, 200, { heartbeat_id: next.id });
  });
  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const [apiKey, hb] of heartbeats) {
      if (now - hb.at <= HEARTBEAT_TIMEOUT_MS) continue;
      heartbeats.delete(apiKey);
      const k = keys.get(apiKey);
      if (k !== undefined)
        cancel(
          k,
          liveOrdersOf(k).map((o) => o.id),
        );
    }
  }, 1000);
  watchdog.unref();

  app.get('/order-scoring', async (req, reply) => {
    if (l2(req, reply) === null) return reply;
    return sendJson(reply, 200, { scoring: false });
  });
  app.post('/orders-scoring', async (req, reply) => {
    if (l2(req, reply) === null) return reply;
    const ids = Array.isArray(req.body) ? (req.body as unknown[]).filter((x) => typeof x === 'string') : [];
    return sendJson(reply, 200, Object.fromEntries(ids.map((id) => [id, false])));
  });
  app.get('/notifications', async (req, reply) => {
    if (l2(req, reply) === null) return reply;
    return sendJson(reply, 200, []);
  });
  app.delete('/notifications', async (req, reply) => {
    if (l2(req, reply) === null) return reply;
    return sendJson(reply, 200, 'OK');
  });

  return { close: () => clearInterval(watchdog) };
}
