// A market BUY copy receives the shares it was sized for (issue 12 item 5): the worker spends the
// book walk's expected cost, with the slippage limit only as the bound. Through the real fan-out,
// worker, paper venue and recording, on real PostgreSQL.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settleResolvedMarkets } from '../../../src/positions/resolution.ts';
import { runRiskExits } from '../../../src/positions/risk-exits.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { DefaultVenueProvider } from '../../../src/execution/venue-provider.ts';
import { CopyWorker } from '../../../src/execution/worker.ts';
import type { LeaderFill } from '../../../src/ingest/leader-fill.ts';
import { recordLeaderFill } from '../../../src/ingest/record-fill.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { FakeMarketData } from '../../unit/venue/fake-market-data.ts';
import { insertRelationship, insertTrader, insertUser, txHash } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const CONDITION = `0x${'ab'.repeat(32)}`;
const YES = '31111111111111111111';
const NO = '32222222222222222222';
const RULES = { tickSize: new Decimal('0.01'), minOrderSize: new Decimal(5) };
const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

describe('market BUY sizing (paper, through the worker)', () => {
  const t = useTestDatabase();
  let source: FakeMarketData;
  let provider: DefaultVenueProvider;
  let leader: string;
  let worker: CopyWorker | undefined;

  beforeEach(async () => {
    source = new FakeMarketData();
    source.addMarket({
      conditionId: CONDITION,
      tokens: [
        { tokenId: YES, outcome: 'Yes' },
        { tokenId: NO, outcome: 'No' },
      ],
      tickSize: '0.01',
      minOrderSize: '5',
    });
    provider = new DefaultVenueProvider(t.current.db, source, { paperStartingBalance: new Decimal(1000) });
    leader = (await insertTrader(t.current.db)).wallet_address;
    worker = new CopyWorker(
      { db: t.current.db, venues: provider, logger },
      { databaseUrl: t.current.url, pollMs: 100 },
    );
    await worker.start();
  });
  afterEach(async () => {
    await worker?.stop();
  });

  const fill = (over: Partial<LeaderFill> = {}): LeaderFill => ({
    txHash: txHash(),
    wallet: leader,
    assetId: YES,
    conditionId: CONDITION,
    side: 'BUY',
    price: new Decimal('0.42'),
    size: new Decimal(14),
    occurrence: 0,
    outcome: 'Yes',
    outcomeIndex: 0,
    marketSlug: 'm',
    eventSlug: 'e',
    title: 'Market',
    filledAt: new Date(),
    source: 'test',
    ...over,
  });

  const settled = async (relId: string, n: number) => {
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      const rows = await t.current.db
        .selectFrom('copy_decisions')
        .select(['outcome', 'reason'])
        .where('copy_relationship_id', '=', relId)
        .where('outcome', '<>', 'queued')
        .execute();
      if (rows.length >= n) return rows;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('copy not decided in time');
  };

  it('factor 3 on a 14-share leader buy at 0.42 with a 0.46 limit buys 42 shares for $17.64', async () => {
    const db = t.current.db;
    source.setBook(YES, {
      bids: [['0.40', '1000']],
      asks: [
        ['0.42', '300'],
        ['0.43', '1000'],
      ],
    });
    const user = await insertUser(db);
    const rel = await insertRelationship(db, user.id, leader, {
      proportionality_factor: '3',
      max_slippage_percent: '10',
      mode: 'paper',
    } as never);
    await recordLeaderFill(db, fill(), RULES, { copyTtlMs: 30_000 });
    expect(await settled(rel.id, 1)).toEqual([{ outcome: 'executed', reason: null }]);

    const q = await db
      .selectFrom('trade_queue')
      .selectAll()
      .where('copy_relationship_id', '=', rel.id)
      .executeTakeFirstOrThrow();
    expect(q).toMatchObject({
      quantity: '42.000000',
      limit_price: '0.4600000000',
      order_amount: '17.640000',
    });
    const copy = await db
      .selectFrom('trades')
      .selectAll()
      .where('copy_relationship_id', '=', rel.id)
      .executeTakeFirstOrThrow();
    expect(copy).toMatchObject({
      quantity: '42.000000',
      entry_value_usd: '17.640000',
      entry_price: '0.4200000000',
    });
    const venue = await provider.venueFor({ userId: user.id, mode: 'paper', apiKeyId: null });
    expect((await venue.getTokenBalance(YES)).balance.toFixed()).toBe('42');
    expect((await venue.getCollateralBalance()).balance.toFixed()).toBe('982.36');
  });

  it('walks several levels and still buys the sized shares', async () => {
    const db = t.current.db;
    source.setBook(YES, {
      bids: [['0.40', '1000']],
      asks: [
        ['0.42', '20'],
        ['0.43', '20'],
        ['0.44', '1000'],
      ],
    });
    const user = await insertUser(db);
    const rel = await insertRelationship(db, user.id, leader, {
      proportionality_factor: '5',
      max_slippage_percent: '10',
      mode: 'paper',
    } as never);
    await recordLeaderFill(db, fill(), RULES, { copyTtlMs: 30_000 }); // 70 shares
    expect(await settled(rel.id, 1)).toEqual([{ outcome: 'executed', reason: null }]);
    const copy = await db
      .selectFrom('trades')
      .selectAll()
      .where('copy_relationship_id', '=', rel.id)
      .executeTakeFirstOrThrow();
    // 20 × 0.42 + 20 × 0.43 + 30 × 0.44 = 8.4 + 8.6 + 13.2
    expect(copy).toMatchObject({ quantity: '70.000000', entry_value_usd: '30.200000' });
  });

  it('leaves dust only where the venue forces it, never queues a close for it, and settles it', async () => {
    const db = t.current.db;
    source.setBook(YES, { bids: [['0.37', '10000']], asks: [['0.37', '10000']] });
    const user = await insertUser(db);
    const rel = await insertRelationship(db, user.id, leader, {
      proportionality_factor: '0.1',
      max_slippage_percent: '3',
      min_trade_size_usd: null,
      mode: 'paper',
    } as never);
    // 10 % of 421.3 = 42.13 shares at 0.37 = $15.5881 → $15.58 → 42.1081 shares: a market BUY's
    // shares carry 4 decimals, a SELL's only 2.
    await recordLeaderFill(db, fill({ price: new Decimal('0.37'), size: new Decimal('421.3') }), RULES, {
      copyTtlMs: 30_000,
    });
    expect(await settled(rel.id, 1)).toEqual([{ outcome: 'executed', reason: null }]);
    await recordLeaderFill(
      db,
      fill({ side: 'SELL', price: new Decimal('0.37'), size: new Decimal('421.3') }),
      RULES,
      { copyTtlMs: 30_000 },
    );
    expect(await settled(rel.id, 2)).toEqual([
      { outcome: 'executed', reason: null },
      { outcome: 'executed', reason: null },
    ]);
    const open = await db
      .selectFrom('trades')
      .select(['quantity', 'status'])
      .where('copy_relationship_id', '=', rel.id)
      .where('status', '=', 'open')
      .execute();
    // The leader sold everything; 42.10 shares could be sold, 0.0081 cannot (no order can carry it).
    expect(open).toEqual([{ quantity: '0.008100', status: 'open' }]);

    // Stopped with "close positions": dust is no position to close, at this pass or the next.
    await db
      .updateTable('copy_relationships')
      .set({ status: 'stopped', stop_positions: 'close', stopped_at: new Date() })
      .where('id', '=', rel.id)
      .execute();
    expect(await runRiskExits({ db, marketData: source })).toEqual([]);
    expect(await runRiskExits({ db, marketData: source })).toEqual([]);
    const exits = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM trade_queue WHERE copy_relationship_id = ${rel.id} AND purpose <> 'copy'`.execute(
      db,
    );
    expect(exits.rows[0]!.n).toBe(0);

    // Resolution settles it like any holding.
    source.updateMarket(CONDITION, {
      resolved: true,
      closed: true,
      acceptingOrders: false,
      winningTokenId: YES,
    });
    const report = await settleResolvedMarkets({ db, marketData: source });
    expect(
      report.settled
        .filter((x) => x.relationshipId === rel.id)
        .map((x) => [x.assetId, x.resolution, x.shares, x.payoutUsd]),
    ).toEqual([[YES, 'won', '0.0081', '0.008100']]);
  });
});
