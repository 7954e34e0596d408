// GET /api/v1/activity (src/services/recent-activity.ts): the live feed's history on load, in the
// live events' shape. Rows are written as the engine writes them (record-execution.ts): a buy's lot
// carries the buy's queue id, a sell that closes part of a lot splits off a closed row that keeps
// the lot's entry time and carries the sell's queue id.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.ts';
import { insertQueueRow, insertRelationship, insertTrade, insertTrader } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const ASSET = '555000111';

async function leaderFill(db: Db, trader: string): Promise<string> {
  const key = randomBytes(16).toString('hex');
  await db
    .insertInto('leader_fills')
    .values({
      fill_key: key,
      trader_wallet_address: trader,
      transaction_hash: `0x${randomBytes(32).toString('hex')}`,
      asset_id: ASSET,
      condition_id: `0x${'c'.repeat(64)}`,
      side: 'BUY',
      price: '0.5',
      size: '100',
      occurrence: 0,
      filled_at: at(0),
      source: 'test',
    })
    .execute();
  return key;
}

describe('GET /activity: recent copies, skips and failures for the live feed', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let u: Awaited<ReturnType<typeof signUp>>;
  let other: Awaited<ReturnType<typeof signUp>>;
  const ids: Record<string, string> = {};
  let trader: string;

  beforeAll(async () => {
    const db = t.current.db;
    api = await buildTestApi(db);
    [u, other] = [await signUp(api), await signUp(api)];
    trader = (await insertTrader(db)).wallet_address;
    const rel = await insertRelationship(db, u.userId, trader, { mode: 'paper' });
    const common = {
      trader_wallet_address: trader,
      market_id: 'm-1',
      asset_id: ASSET,
      mode: 'paper' as const,
    };
    // A buy of 20 shares for $10 at 0.50, executed 120 ms after the fill was seen.
    const buy = await insertQueueRow(db, u.userId, rel.id, {
      ...common,
      side: 'BUY',
      status: 'completed',
      signed_at: at(9),
      completed_at: at(10),
      venue_order_id: 'paper-buy-1',
    });
    const lot = {
      is_copy_trade: true,
      copying_user_id: u.userId,
      copy_relationship_id: rel.id,
      trader_wallet_address: trader,
      asset_id: ASSET,
      entry_price: '0.5',
      entry_timestamp: at(10),
      execution_time_ms: 120,
    };
    // A sell of 8 of them at 0.60 later: the lot keeps 12 shares, a closed row of 8 splits off.
    const sell = await insertQueueRow(db, u.userId, rel.id, {
      ...common,
      side: 'SELL',
      status: 'completed',
      signed_at: at(19),
      completed_at: at(20),
    });
    await insertTrade(db, { ...lot, queue_id: buy.id, quantity: '12', entry_value_usd: '6', status: 'open' });
    await insertTrade(db, {
      ...lot,
      queue_id: sell.id,
      quantity: '8',
      entry_value_usd: '4',
      status: 'closed',
      exit_price: '0.6',
      exit_value_usd: '4.8',
      exit_timestamp: at(19.5),
    });
    // The fan-out skipped a fill (no queue row); the worker gave up on another; a third is queued.
    const skippedFill = await leaderFill(db, trader);
    await db
      .insertInto('copy_decisions')
      .values({
        fill_key: skippedFill,
        copy_relationship_id: rel.id,
        user_id: u.userId,
        outcome: 'skipped',
        reason: 'below_min_trade_size',
        detail: 'copy of $0.40 is below $1',
        created_at: at(30),
        decided_at: at(30),
      })
      .execute();
    const failedFill = await leaderFill(db, trader);
    const failed = await insertQueueRow(db, u.userId, rel.id, {
      ...common,
      source_fill_key: failedFill,
      status: 'failed',
      completed_at: at(40),
    });
    await db
      .insertInto('copy_decisions')
      .values({
        fill_key: failedFill,
        copy_relationship_id: rel.id,
        user_id: u.userId,
        outcome: 'failed',
        reason: 'retries_exhausted',
        detail: 'venue down',
        queue_id: failed.id,
        created_at: at(35),
        decided_at: at(40),
      })
      .execute();
    const queuedFill = await leaderFill(db, trader);
    await db
      .insertInto('copy_decisions')
      .values({
        fill_key: queuedFill,
        copy_relationship_id: rel.id,
        user_id: u.userId,
        outcome: 'queued',
        created_at: at(50),
      })
      .execute();
    // Another person's executed copy of the same trader.
    const otherRel = await insertRelationship(db, other.userId, trader, { mode: 'paper' });
    await insertQueueRow(db, other.userId, otherRel.id, {
      ...common,
      side: 'BUY',
      status: 'completed',
      completed_at: at(60),
    });
    Object.assign(ids, {
      buy: buy.id,
      sell: sell.id,
      failed: failed.id,
      rel: rel.id,
      skippedFill,
      failedFill,
    });
  });
  afterAll(async () => api?.app.close());

  const get = (url: string, headers: Record<string, string> = u.auth) =>
    api.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });

  it('lists copies, skips and failures newest first, with the live events’ data', async () => {
    const res = await get('/activity');
    expect(res.statusCode, res.body).toBe(200);
    const { items } = res.json() as {
      items: Array<{ type: string; at: string; data: Record<string, unknown> }>;
    };
    expect(items.map((i) => [i.type, i.at])).toEqual([
      ['copy.failed', at(40).toISOString()],
      ['copy.skipped', at(30).toISOString()],
      ['copy.executed', at(20).toISOString()],
      ['copy.executed', at(10).toISOString()],
    ]);
    expect(items[0]!.data).toEqual({
      queueId: ids.failed,
      relationshipId: ids.rel,
      fillKey: ids.failedFill,
      traderWallet: trader,
      reason: 'retries_exhausted',
      detail: 'venue down',
    });
    expect(items[1]!.data).toMatchObject({
      queueId: null,
      fillKey: ids.skippedFill,
      reason: 'below_min_trade_size',
    });
    // The sell: the 8 shares it closed at their exit price; its own fees are not known here.
    expect(items[2]!.data).toMatchObject({
      queueId: ids.sell,
      side: 'SELL',
      feesUsd: null,
      mode: 'paper',
    });
    expect(Number(items[2]!.data.size)).toBe(8);
    expect(Number(items[2]!.data.price)).toBe(0.6);
    expect(Number(items[2]!.data.notionalUsd)).toBe(4.8);
    // The buy: its whole size, the part a sell split off included.
    expect(items[3]!.data).toMatchObject({
      queueId: ids.buy,
      side: 'BUY',
      traderWallet: trader,
      venueOrderId: 'paper-buy-1',
      executionTimeMs: '120',
      purpose: 'copy',
    });
    expect(Number(items[3]!.data.size)).toBe(20);
    expect(Number(items[3]!.data.notionalUsd)).toBe(10);
    expect(Number(items[3]!.data.price)).toBe(0.5);
  });

  it('keeps to the limit and to the caller’s own rows', async () => {
    const two = (await get('/activity?limit=2')).json() as { items: Array<{ type: string }> };
    expect(two.items.map((i) => i.type)).toEqual(['copy.failed', 'copy.skipped']);
    const theirs = (await get('/activity', other.auth)).json() as {
      items: Array<{ data: { queueId: string } }>;
    };
    expect(theirs.items).toHaveLength(1);
    expect(Object.values(ids)).not.toContain(theirs.items[0]!.data.queueId);
  });

  it('refuses a bad limit, an unknown parameter and a missing token', async () => {
    for (const q of ['limit=0', 'limit=101', 'limit=ten', 'since=yesterday']) {
      const res = await get(`/activity?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect((res.json() as { error: { code: string } }).error.code).toBe('validation_failed');
    }
    expect((await get('/activity', {})).statusCode).toBe(401);
  });
});
