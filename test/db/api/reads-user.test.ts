// The signed-in user's reads: portfolio (equal to v_user_portfolio and to the figures worked out by
// hand), positions (filters, pagination, exact CSV), copy trades, decisions with reasons, queue (no
// internal state), owner scoping (another user's rows never appear) and 401 / 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/db/client.ts';
import { insertQueueRow, insertRelationship, insertTrade, insertTrader } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

const TA = `0x${'a'.repeat(40)}`;
const TB = `0x${'b'.repeat(40)}`;
const M1 = `0x${'1'.repeat(64)}`;
const M2 = `0x${'2'.repeat(64)}`;

async function fill(db: Db, key: string, trader: string, side: 'BUY' | 'SELL', at: string) {
  await db
    .insertInto('leader_fills')
    .values({
      fill_key: key,
      trader_wallet_address: trader,
      transaction_hash: `0x${key}`,
      asset_id: `asset-${key}`,
      condition_id: M1,
      side,
      price: '0.55',
      size: '100',
      occurrence: 0,
      market_title: `Market ${key}`,
      market_slug: `market-${key}`,
      outcome: 'Yes',
      filled_at: at,
      source: 'test',
    })
    .execute();
}

describe('user reads', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let a: Awaited<ReturnType<typeof signUp>>;
  let b: Awaited<ReturnType<typeof signUp>>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    const db = t.current.db;
    a = await signUp(api);
    b = await signUp(api);
    await insertTrader(db, { wallet_address: TA });
    await insertTrader(db, { wallet_address: TB });
    const relAA = await insertRelationship(db, a.userId, TA);
    const relAB = await insertRelationship(db, a.userId, TB, { status: 'paused' });
    const relBA = await insertRelationship(db, b.userId, TA);
    ids.relAA = relAA.id;

    // A's lots: two open (newest first: o2, o1), one closed; B has one open lot.
    const o1 = await insertTrade(db, {
      is_copy_trade: true,
      copying_user_id: a.userId,
      copy_relationship_id: relAA.id,
      trader_wallet_address: TA,
      market_id: M1,
      market_name: 'Will it rain, "really"?',
      outcome: 'Yes',
      asset_id: 'tok-1',
      side: 'BUY',
      entry_price: '0.5',
      quantity: '10',
      entry_value_usd: '5',
      fees_usd: '0.01',
      unrealized_pnl_usd: '1.25',
      current_value_usd: '6.25',
      status: 'open',
      entry_timestamp: '2029-12-01T10:00:00Z',
      copy_tx_hash: '0xo1',
      slippage_percent: '0.40',
      execution_time_ms: 900,
      source_fill_key: 'fa1',
    });
    const o2 = await insertTrade(db, {
      is_copy_trade: true,
      copying_user_id: a.userId,
      copy_relationship_id: relAB.id,
      trader_wallet_address: TB,
      market_id: M2,
      market_name: '=HYPERLINK("x")',
      outcome: 'No',
      asset_id: 'tok-2',
      side: 'BUY',
      entry_price: '0.25',
      quantity: '30',
      entry_value_usd: '7.5',
      unrealized_pnl_usd: '-0.5',
      current_value_usd: '7',
      status: 'open',
      entry_timestamp: '2029-12-02T10:00:00Z',
      copy_tx_hash: '0xo2',
    });
    const c1 = await insertTrade(db, {
      is_copy_trade: true,
      copying_user_id: a.userId,
      copy_relationship_id: relAA.id,
      trader_wallet_address: TA,
      market_id: M1,
      market_name: 'Plain',
      outcome: 'Yes',
      asset_id: 'tok-1',
      side: 'BUY',
      entry_price: '0.4',
      quantity: '20',
      entry_value_usd: '8',
      exit_price: '0.525',
      exit_value_usd: '10.5',
      realized_pnl_usd: '2.5',
      realized_pnl_percent: '31.25',
      status: 'closed',
      entry_timestamp: '2029-11-30T10:00:00Z',
      exit_timestamp: '2029-12-03T00:00:00Z',
    });
    const bo = await insertTrade(db, {
      is_copy_trade: true,
      copying_user_id: b.userId,
      copy_relationship_id: relBA.id,
      trader_wallet_address: TA,
      market_id: M1,
      entry_value_usd: '99',
      unrealized_pnl_usd: '9',
      status: 'open',
      entry_timestamp: '2029-12-05T10:00:00Z',
    });
    // A leader fill row (not a copy) and a failed row of A: neither is a position.
    await insertTrade(db, {
      trader_wallet_address: TA,
      market_id: M1,
      entry_timestamp: '2029-12-06T00:00:00Z',
    });
    Object.assign(ids, { o1: o1.id, o2: o2.id, c1: c1.id, bo: bo.id });

    await fill(db, 'fa1', TA, 'BUY', '2029-12-01T09:59:59Z');
    await fill(db, 'fa2', TA, 'SELL', '2029-12-02T09:00:00Z');
    await fill(db, 'fb1', TB, 'BUY', '2029-12-02T09:30:00Z');
    const decide = (
      fillKey: string,
      rel: string,
      user: string,
      outcome: string,
      reason: string | null,
      detail: string | null,
    ) =>
      db
        .insertInto('copy_decisions')
        .values({
          fill_key: fillKey,
          copy_relationship_id: rel,
          user_id: user,
          outcome: outcome as 'queued',
          reason,
          detail,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    ids.d1 = (await decide('fa1', relAA.id, a.userId, 'executed', null, null)).id;
    ids.d2 = (await decide('fa2', relAA.id, a.userId, 'skipped', 'no_position_to_sell', 'held 0 shares')).id;
    ids.d3 = (await decide('fb1', relAB.id, a.userId, 'failed', 'order_rejected', 'venue said no')).id;
    ids.dB = (await decide('fa1', relBA.id, b.userId, 'skipped', 'market_excluded', 'b only')).id;

    ids.q1 = (
      await insertQueueRow(db, a.userId, relAA.id, { status: 'completed', trader_wallet_address: TA })
    ).id;
    ids.q2 = (
      await insertQueueRow(db, a.userId, relAA.id, {
        status: 'processing',
        celery_task_id: 'secret-claim-token',
        lease_expires_at: '2030-01-01T00:01:00Z',
        retry_count: 1,
        error_message: 'retries_exhausted',
        scheduled_for: '2030-01-01T00:00:30Z',
      })
    ).id;
    ids.q3 = (await insertQueueRow(db, a.userId, relAA.id, { status: 'pending' })).id;
    ids.qB = (await insertQueueRow(db, b.userId, relBA.id, { status: 'pending' })).id;
  });
  afterAll(async () => api?.app.close());

  const get = (url: string, headers: Record<string, string> = a.auth) =>
    api.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });
  const itemIds = async (url: string, headers = a.auth) =>
    ((await get(url, headers)).json() as { items: { id: string }[] }).items.map((i) => i.id);

  it('answers 401 without a token on every user read', async () => {
    for (const url of [
      '/portfolio',
      '/positions',
      '/positions?format=csv',
      '/copy-trades',
      '/copy-trades?format=csv',
      '/decisions',
      '/queue',
    ]) {
      const res = await get(url, {});
      expect(res.statusCode, url).toBe(401);
      expect(res.json()).toMatchObject({ error: { code: 'unauthenticated' } });
    }
  });

  it('returns the portfolio: exactly the view row, and the figures worked out by hand', async () => {
    // A's paper ledger: one buy of $40 with a $0.50 fee, one sell of $12 with a $0.10 fee, a $5
    // credit. Its cash is the documented 10,000 start plus all that: 10000 − 40.5 + 11.9 + 5.
    const db = t.current.db;
    await db
      .insertInto('paper_fills')
      .values([
        {
          account_id: a.userId,
          fill_id: 'pf1',
          venue_order_id: 'po1',
          client_order_id: 'c1',
          token_id: 'tok',
          side: 'BUY',
          price: '0.4',
          size: '100',
          notional: '40',
          fee: '0.5',
          liquidity: 'taker',
          at_ms: '1',
        },
        {
          account_id: a.userId,
          fill_id: 'pf2',
          venue_order_id: 'po2',
          client_order_id: 'c2',
          token_id: 'tok',
          side: 'SELL',
          price: '0.6',
          size: '20',
          notional: '12',
          fee: '0.1',
          liquidity: 'taker',
          at_ms: '2',
        },
      ])
      .execute();
    await db
      .insertInto('paper_cash')
      .values({ account_id: a.userId, entry_id: 'credit-1', amount: '5', memo: 'test credit', at_ms: '3' })
      .execute();
    await db
      .insertInto('live_balances')
      .values({ user_id: b.userId, cash_usd: '321.5', observed_at: new Date('2030-01-01T00:00:00Z') })
      .execute();
    const res = await get('/portfolio');
    expect(res.statusCode).toBe(200);
    const view = await t.current.db
      .selectFrom('v_user_portfolio')
      .selectAll()
      .where('user_id', '=', a.userId)
      .executeTakeFirstOrThrow();
    const body = res.json();
    expect(body).toEqual({
      userId: view.user_id,
      subscriptionTier: view.subscription_tier,
      balanceUsd: '9976.4',
      liveBalanceUsd: null,
      tradersFollowing: view.traders_following,
      openPositions: view.open_positions,
      dustPositions: view.dust_positions,
      totalExposureUsd: view.total_exposure_usd,
      totalRealizedPnlUsd: view.total_realized_pnl,
      totalUnrealizedPnlUsd: view.total_unrealized_pnl,
    });
    // Two relationships (active + paused); open lots 5 + 7.5 at cost; realized 2.5; unrealized 1.25 − 0.5.
    expect(body).toMatchObject({
      userId: a.userId,
      tradersFollowing: 2,
      openPositions: 2,
      totalExposureUsd: '12.500000',
      totalRealizedPnlUsd: '2.500000',
      totalUnrealizedPnlUsd: '0.750000',
    });
    // A new paper account holds the documented starting balance, not the seed column's 0.
    expect(view.balance_usd).toBe('0.000000');
    expect((await get('/me')).json()).toMatchObject({ id: a.userId, balanceUsd: '9976.4' });
    expect((await get('/me', b.auth)).json()).toMatchObject({ id: b.userId, balanceUsd: '10000' });
    expect((await get('/portfolio', b.auth)).json()).toMatchObject({
      userId: b.userId,
      balanceUsd: '10000',
      liveBalanceUsd: '321.500000',
      openPositions: 1,
      totalExposureUsd: '99.000000',
    });
  });

  it("lists positions newest first with filters and pagination, never another user's", async () => {
    expect(await itemIds('/positions')).toEqual([ids.o2, ids.o1, ids.c1]);
    expect(await itemIds('/positions?status=open')).toEqual([ids.o2, ids.o1]);
    expect(await itemIds('/positions?status=closed')).toEqual([ids.c1]);
    expect(await itemIds(`/positions?traderWallet=${TA.toUpperCase().replace('0X', '0x')}`)).toEqual([
      ids.o1,
      ids.c1,
    ]);
    expect(await itemIds(`/positions?market=${M2}`)).toEqual([ids.o2]);
    expect(await itemIds(`/positions?market=${M1}&status=open`)).toEqual([ids.o1]);
    expect(await itemIds('/positions', b.auth)).toEqual([ids.bo]);

    const p1 = (await get('/positions?limit=2')).json();
    expect(p1.items.map((i: { id: string }) => i.id)).toEqual([ids.o2, ids.o1]);
    const p2 = (await get(`/positions?limit=2&cursor=${p1.nextCursor}`)).json();
    expect(p2).toMatchObject({ items: [{ id: ids.c1 }], nextCursor: null });
    expect((await get('/positions?limit=3')).json().nextCursor).toBeNull();
    expect(p2.items[0]).toEqual({
      id: ids.c1,
      relationshipId: ids.relAA,
      traderWallet: TA,
      marketId: M1,
      marketName: 'Plain',
      assetId: 'tok-1',
      outcome: 'Yes',
      position: 'YES',
      status: 'closed',
      dust: false,
      quantity: '20.000000',
      entryPrice: '0.4000000000',
      entryValueUsd: '8.000000',
      feesUsd: '0.000000',
      exitPrice: '0.5250000000',
      exitValueUsd: '10.500000',
      currentValueUsd: null,
      unrealizedPnlUsd: null,
      realizedPnlUsd: '2.500000',
      realizedPnlPercent: '31.2500',
      openedAt: '2029-11-30T10:00:00.000Z',
      closedAt: '2029-12-03T00:00:00.000Z',
    });
    // A cursor from another list is refused.
    const dec = (await get('/decisions?limit=1')).json();
    expect((await get(`/positions?cursor=${dec.nextCursor}`)).statusCode).toBe(400);
  });

  it('exports positions as CSV: header row, plain decimals, RFC 4180 quoting, formula guard', async () => {
    const res = await get('/positions?format=csv&limit=2');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(typeof res.headers['x-next-cursor']).toBe('string');
    const header =
      'id,status,trader_wallet,market_id,market_name,asset_id,outcome,quantity,entry_price,entry_value_usd,fees_usd,' +
      'exit_price,exit_value_usd,unrealized_pnl_usd,realized_pnl_usd,opened_at,closed_at,dust';
    expect(res.body).toBe(
      [
        header,
        `${ids.o2},open,${TB},${M2},"'=HYPERLINK(""x"")",tok-2,No,30.000000,0.2500000000,7.500000,0.000000,,,-0.500000,,2029-12-02T10:00:00.000Z,,false`,
        `${ids.o1},open,${TA},${M1},"Will it rain, ""really""?",tok-1,Yes,10.000000,0.5000000000,5.000000,0.010000,,,1.250000,,2029-12-01T10:00:00.000Z,,false`,
        '',
      ].join('\r\n'),
    );
    const rest = await get(`/positions?format=csv&limit=2&cursor=${res.headers['x-next-cursor'] as string}`);
    expect(rest.body).toBe(
      `${header}\r\n${ids.c1},closed,${TA},${M1},Plain,tok-1,Yes,20.000000,0.4000000000,8.000000,0.000000,0.5250000000,10.500000,,2.500000,2029-11-30T10:00:00.000Z,2029-12-03T00:00:00.000Z,false\r\n`,
    );
    expect(rest.headers['x-next-cursor']).toBeUndefined();
    const bRows = (await get('/positions?format=csv', b.auth)).body.split('\r\n').slice(1, -1);
    expect(bRows.map((line) => line.split(',')[0])).toEqual([ids.bo]);
  });

  it('lists copy trades newest first with the leader fill they copied', async () => {
    const body = (await get('/copy-trades')).json();
    expect(body.items.map((i: { id: string }) => i.id)).toEqual([ids.o2, ids.o1, ids.c1]);
    expect(body.items[1]).toMatchObject({
      id: ids.o1,
      traderWallet: TA,
      price: '0.5000000000',
      quantity: '10.000000',
      valueUsd: '5.000000',
      slippagePercent: '0.40',
      executionTimeMs: 900,
      orderId: '0xo1',
      executedAt: '2029-12-01T10:00:00.000Z',
      leaderFill: {
        fillKey: 'fa1',
        side: 'BUY',
        price: '0.5500000000',
        size: '100.000000',
        filledAt: '2029-12-01T09:59:59.000Z',
      },
    });
    expect(body.items[0].leaderFill).toBeNull();
    expect(await itemIds(`/copy-trades?traderWallet=${TB}`)).toEqual([ids.o2]);
    expect(await itemIds('/copy-trades', b.auth)).toEqual([ids.bo]);
    const p1 = (await get('/copy-trades?limit=1')).json();
    expect(
      (await get(`/copy-trades?limit=2&cursor=${p1.nextCursor}`))
        .json()
        .items.map((i: { id: string }) => i.id),
    ).toEqual([ids.o1, ids.c1]);
  });

  it('exports copy history as CSV: the same rows and pages, quoted and guarded, only your own', async () => {
    const res = await get('/copy-trades?format=csv&limit=2');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="copy-history.csv"');
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe(
      'id,executed_at,status,trader_wallet,market_id,market_name,asset_id,outcome,side,price,quantity,' +
        'value_usd,fees_usd,slippage_percent,execution_time_ms,order_id,leader_price,leader_size,' +
        'leader_filled_at,leader_transaction_hash',
    );
    expect(lines.at(-1)).toBe(''); // CRLF after the last row
    expect(lines.slice(1, -1).map((l) => l.split(',')[0])).toEqual([ids.o2, ids.o1]);
    // A market name that looks like a formula is defused; one with a comma and quotes is quoted.
    expect(lines[1]).toContain(`,${TB},${M2},"'=HYPERLINK(""x"")",tok-2,No,`);
    expect(lines[2]).toMatch(
      new RegExp(
        `^${ids.o1},2029-12-01T10:00:00.000Z,[a-z]+,${TA},${M1},"Will it rain, ""really""\\?",tok-1,Yes,BUY,` +
          '0.5000000000,10.000000,5.000000,0.010000,0.40,900,0xo1,0.5500000000,100.000000,2029-12-01T09:59:59.000Z,0x',
      ),
    );
    const rest = await get(
      `/copy-trades?format=csv&limit=2&cursor=${res.headers['x-next-cursor'] as string}`,
    );
    expect(
      rest.body
        .split('\r\n')
        .slice(1, -1)
        .map((l) => l.split(',')[0]),
    ).toEqual([ids.c1]);
    expect(rest.headers['x-next-cursor']).toBeUndefined();
    const bRows = (await get('/copy-trades?format=csv', b.auth)).body.split('\r\n').slice(1, -1);
    expect(bRows.map((line) => line.split(',')[0])).toEqual([ids.bo]);
    // Both forms are in the OpenAPI document.
    const doc = (await get('/openapi.json', {})).json() as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }>;
    };
    for (const path of ['/api/v1/copy-trades', '/api/v1/positions'])
      expect(Object.keys(doc.paths[path]!.get.responses['200']!.content).sort(), path).toEqual([
        'application/json',
        'text/csv',
      ]);
  });

  it('lists decisions with reasons and the leader fill, filtered by outcome and trader', async () => {
    const body = (await get('/decisions')).json();
    expect(body.items.map((i: { id: string }) => i.id)).toEqual([ids.d3, ids.d2, ids.d1]);
    expect(body.items[1]).toEqual({
      id: ids.d2,
      relationshipId: ids.relAA,
      outcome: 'skipped',
      reason: 'no_position_to_sell',
      reasonMessage: 'The trader sold, but you hold no shares bought copying this trader in this market.',
      detail: 'held 0 shares',
      queueId: null,
      copyTradeId: null,
      createdAt: expect.any(String),
      decidedAt: null,
      source: 'fill',
      openPosition: null,
      fill: {
        fillKey: 'fa2',
        traderWallet: TA,
        conditionId: M1,
        assetId: 'asset-fa2',
        marketTitle: 'Market fa2',
        marketSlug: 'market-fa2',
        outcome: 'Yes',
        side: 'SELL',
        price: '0.5500000000',
        size: '100.000000',
        filledAt: '2029-12-02T09:00:00.000Z',
        // A fixture fill, with no feed sightings (test/db/api/leader-fill-detection.test.ts has them).
        detection: { firstFeed: 'test', reorged: false, reorgedAt: null, feeds: [] },
      },
    });
    expect(await itemIds('/decisions?outcome=failed')).toEqual([ids.d3]);
    expect((await get('/decisions?outcome=failed')).json().items[0]).toMatchObject({
      reason: 'order_rejected',
      detail: 'venue said no',
    });
    expect(await itemIds(`/decisions?traderWallet=${TA}`)).toEqual([ids.d2, ids.d1]);
    expect(await itemIds(`/decisions?traderWallet=${TA}&outcome=executed`)).toEqual([ids.d1]);
    expect(await itemIds('/decisions', b.auth)).toEqual([ids.dB]);
    const p1 = (await get('/decisions?limit=2')).json();
    expect((await get(`/decisions?limit=2&cursor=${p1.nextCursor}`)).json()).toMatchObject({
      items: [{ id: ids.d1 }],
      nextCursor: null,
    });
  });

  it('lists the queue without internal execution state', async () => {
    const res = await get('/queue');
    expect(res.json().items.map((i: { id: string }) => i.id)).toEqual([ids.q3, ids.q2, ids.q1]);
    expect(res.body).not.toContain('secret-claim-token');
    const q2 = res.json().items[1];
    expect(q2).toMatchObject({
      id: ids.q2,
      status: 'processing',
      retryCount: 1,
      maxRetries: 3,
      error: 'retries_exhausted',
      scheduledFor: '2030-01-01T00:00:30.000Z',
      relationshipId: ids.relAA,
    });
    for (const k of ['celeryTaskId', 'leaseExpiresAt', 'apiKeyId', 'reservedSpendUsd'])
      expect(q2).not.toHaveProperty(k);
    expect(await itemIds('/queue?status=pending')).toEqual([ids.q3]);
    expect(await itemIds('/queue', b.auth)).toEqual([ids.qB]);
  });

  it("says what became of each copy in its decision's words beside the queue status", async () => {
    const db = t.current.db;
    // A gate refused the copy: the queue row is `cancelled`, its decision `skipped` with the reason.
    const cancelled = await insertQueueRow(db, a.userId, ids.relAA!, {
      status: 'cancelled',
      error_message: 'slippage_exceeded',
    });
    await db
      .updateTable('copy_decisions')
      .set({ queue_id: cancelled.id, outcome: 'skipped', reason: 'slippage_exceeded' })
      .where('id', '=', ids.d2!)
      .execute();
    // An exit has no decision: its outcome follows the status.
    const exit = await insertQueueRow(db, a.userId, ids.relAA!, {
      status: 'completed',
      purpose: 'stop_loss',
    });
    const items = (await get('/queue?limit=2')).json().items as Array<Record<string, unknown>>;
    expect(items.map((i) => [i.id, i.status, i.outcome, i.reason])).toEqual([
      [exit.id, 'completed', 'executed', null],
      [cancelled.id, 'cancelled', 'skipped', 'slippage_exceeded'],
    ]);
  });

  it('answers 400 with the standard error body for bad query parameters', async () => {
    for (const url of [
      '/positions?status=pending',
      '/positions?traderWallet=0x12',
      '/positions?market=nope',
      '/positions?format=xml',
      '/positions?limit=101',
      '/positions?cursor=%%%',
      '/copy-trades?limit=0',
      '/copy-trades?status=open',
      '/copy-trades?format=xlsx',
      '/copy-trades?format=',
      '/decisions?outcome=maybe',
      '/decisions?cursor=eyJrIjoiZGVjaXNpb25zIiwidiI6WyIwIl19', // {"k":"decisions","v":["0"]}
      '/queue?status=done',
      '/queue?limit=-1',
      '/portfolio?x=1',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({
        error: { code: 'validation_failed', message: expect.any(String) },
      });
    }
  });
});
