// Position management on real PostgreSQL in paper mode: mark-to-market, stop-loss / take-profit
// closing sells executed by the real worker, and settlement at resolution.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import { markToMarket as markLot } from '../../../src/domain/pnl.ts';
import { withTransaction } from '../../../src/db/client.ts';
import { exitFor, openPositions, queueExits } from '../../../src/positions/exits.ts';
import { markToMarket } from '../../../src/positions/mark-to-market.ts';
import { settleResolvedMarkets } from '../../../src/positions/resolution.ts';
import { runRiskExits } from '../../../src/positions/risk-exits.ts';
import { insertRelationship, insertTrader, insertUser } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { CONDITION, NO, PositionsWorld, resetPositions, YES } from './positions-harness.ts';

describe('positions', () => {
  const t = useTestDatabase();
  let w: PositionsWorld;

  beforeEach(async () => {
    await resetPositions(t.current.db);
    const leader = (await insertTrader(t.current.db)).wallet_address;
    w = new PositionsWorld(t.current.db, t.current.url, leader);
  });
  afterEach(async () => {
    await w.stopWorkers();
  });

  const follower = async (rel: Record<string, unknown> = {}) => {
    const user = await insertUser(t.current.db);
    const r = await insertRelationship(t.current.db, user.id, w.leader, {
      proportionality_factor: '0.05',
      mode: 'paper',
      ...rel,
    } as never);
    return { user, rel: r };
  };
  // Copies are bought at the default 1% slippage (a BUY spends limit × shares: 0.42 × 50 = $21.00);
  // exits get room to reach the bid below the midpoint.
  const setRel = (id: string, values: Record<string, unknown>) =>
    t.current.db.updateTable('copy_relationships').set(values).where('id', '=', id).execute();
  const mark = (batchSize?: number) =>
    markToMarket({ db: t.current.db, marketData: w.source }, batchSize ? { batchSize } : {});
  const exits = (mids?: ReadonlyMap<string, Decimal>) =>
    runRiskExits({ db: t.current.db, marketData: w.source }, mids);
  const exitRows = (relId: string) =>
    t.current.db
      .selectFrom('trade_queue')
      .selectAll()
      .where('copy_relationship_id', '=', relId)
      .where('purpose', '<>', 'copy')
      .orderBy('id')
      .execute();

  describe('mark-to-market', () => {
    it('values every open lot at the midpoint, in one getMidpoints call per batch', async () => {
      const { rel } = await follower();
      // Two YES lots (50 shares at 0.42 = $21.00 each) and one NO lot (500 × 0.05 = 25 at 0.58 = $14.50).
      await w.copy();
      await w.copy();
      await w.copy({ assetId: NO, price: new Decimal('0.58'), size: new Decimal(500), outcomeIndex: 1 });

      // YES mid (0.30 + 0.34) / 2 = 0.32 → 50 × 0.32 = $16.00, P&L −$5.00. NO mid 0.61 → 25 × 0.61 = $15.25, +$0.75.
      w.source.setBook(YES, { bids: [['0.30', '1000']], asks: [['0.34', '1000']] });
      w.source.setBook(NO, { bids: [['0.60', '1000']], asks: [['0.62', '1000']] });
      const before = w.source.calls.getMidpoints ?? 0;
      const report = await mark(1);
      expect(w.source.calls.getMidpoints! - before).toBe(2); // batch size 1, two tokens
      expect(report).toMatchObject({ tokens: 2, priced: 2, lots: 3 });
      expect(report.midpoints.get(YES)?.toFixed()).toBe('0.32');

      const lots = await w.lots(rel.id);
      expect(lots.map((l) => [l.asset_id, l.current_value_usd, l.unrealized_pnl_usd])).toEqual([
        [YES, '16.000000', '-5.000000'],
        [YES, '16.000000', '-5.000000'],
        [NO, '15.250000', '0.750000'],
      ]);
      // The same numbers as the domain's markToMarket.
      const domain = markLot(
        {
          quantity: new Decimal(25),
          entryValueUsd: new Decimal('14.5'),
          feesUsd: new Decimal(0),
          gasFeeUsd: new Decimal(0),
        },
        new Decimal('0.61'),
      );
      expect([domain.currentValueUsd.toFixed(6), domain.unrealizedPnlUsd.toFixed(6)]).toEqual([
        '15.250000',
        '0.750000',
      ]);

      // NO loses its bids: no midpoint, so NO keeps its last value while YES moves on.
      w.source.setBook(NO, { bids: [], asks: [['0.62', '1000']] });
      w.source.setBook(YES, { bids: [['0.445', '1000']], asks: [['0.45', '1000']] });
      const second = await mark();
      expect(second).toMatchObject({ tokens: 2, priced: 1, lots: 2 });
      // YES mid 0.4475 → 50 × 0.4475 = 22.375 → $22.375000, +$1.375.
      expect((await w.lots(rel.id)).map((l) => [l.current_value_usd, l.unrealized_pnl_usd])).toEqual([
        ['22.375000', '1.375000'],
        ['22.375000', '1.375000'],
        ['15.250000', '0.750000'],
      ]);
    });

    it('leaves closed lots and leader fills alone', async () => {
      const { rel } = await follower();
      await w.copy();
      const leaderRow = await t.current.db
        .selectFrom('trades')
        .select(['id', 'current_value_usd'])
        .where('is_copy_trade', '=', false)
        .executeTakeFirstOrThrow();
      await t.current.db
        .updateTable('trades')
        .set({ status: 'closed', exit_price: '0.4', exit_value_usd: '20' })
        .where('copy_relationship_id', '=', rel.id)
        .execute();
      const report = await mark();
      expect(report).toMatchObject({ tokens: 0, lots: 0 });
      const after = await t.current.db
        .selectFrom('trades')
        .select('current_value_usd')
        .where('id', '=', leaderRow.id)
        .executeTakeFirstOrThrow();
      expect(after.current_value_usd).toBe(leaderRow.current_value_usd);
    });
  });

  describe('stop-loss and take-profit', () => {
    it('a 20% stop-loss queues exactly one closing SELL when the price falls past it, and the worker closes the lot', async () => {
      const { user, rel } = await follower({ stop_loss_percent: '20' });
      await w.copy(); // 50 YES at 0.42 = $21.00; the stop is at a loss of $4.20 (value ≤ $16.80)
      await setRel(rel.id, { max_slippage_percent: '5' });

      // mid 0.355 → $17.75: a loss of $3.25, above the stop.
      w.source.setBook(YES, { bids: [['0.35', '1000']], asks: [['0.36', '1000']] });
      expect(await exits((await mark()).midpoints)).toEqual([]);
      expect(await exitRows(rel.id)).toEqual([]);

      // mid 0.335 → $16.75: a loss of $4.25 ≥ $4.20.
      w.source.setBook(YES, { bids: [['0.33', '1000']], asks: [['0.34', '1000']] });
      const queued = await exits((await mark()).midpoints);
      expect(queued).toHaveLength(1);
      // Marked again, still past the stop: no second exit while the first is pending.
      expect(await exits((await mark()).midpoints)).toEqual([]);
      const rows = await exitRows(rel.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        purpose: 'stop_loss',
        priority: 1,
        side: 'SELL',
        quantity: '50.000000',
        // The best bid, with the exit's own 5% tolerance (not the relationship's copy slippage).
        target_price: '0.3300000000',
        max_slippage_percent: '5.00',
        mode: 'paper',
        asset_id: YES,
        status: 'pending',
        source_fill_key: null,
      });
      const events = await t.current.db.selectFrom('position_events').selectAll().execute();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        user_id: user.id,
        copy_relationship_id: rel.id,
        asset_id: YES,
        kind: 'stop_loss',
        queue_id: rows[0]!.id,
      });
      expect(events[0]!.detail).toContain('stop-loss 20.00% reached: value $16.75 vs entry $21.00 (-20.24%)');

      // The worker sells 50 at the 0.33 bid (limit 0.33 × 0.95 → 0.32): $16.50 − $21.00 = −$4.50.
      await w.startWorker();
      await w.drain();
      const lots = await w.lots(rel.id);
      expect(
        lots.map((l) => [l.status, l.quantity, l.exit_price, l.exit_value_usd, l.realized_pnl_usd]),
      ).toEqual([['closed', '50.000000', '0.3300000000', '16.500000', '-4.500000']]);
      expect(lots[0]!.realized_pnl_percent).toBe('-21.4286');
      expect((await exitRows(rel.id))[0]!.status).toBe('completed');
      const pos = await t.current.db
        .selectFrom('copy_positions')
        .selectAll()
        .where('copy_relationship_id', '=', rel.id)
        .executeTakeFirstOrThrow();
      expect(pos).toMatchObject({ shares: '0.000000', cost_usd: '0.000000', realized_pnl_usd: '-4.500000' });
      expect(await w.paperBalance(user.id)).toBe('995.5'); // 1000 − 21 + 16.5
      // The stop-loss is the platform closing a position, not a copy of the leader: one trade copied.
      const relAfter = await t.current.db
        .selectFrom('copy_relationships')
        .select(['total_trades_copied', 'total_pnl_usd'])
        .where('id', '=', rel.id)
        .executeTakeFirstOrThrow();
      expect(relAfter).toEqual({ total_trades_copied: 1, total_pnl_usd: '-4.500000' });
      // Nothing left to protect: later passes queue nothing.
      expect(await exits((await mark()).midpoints)).toEqual([]);
    });

    it('a take-profit sells once the gain reaches it, also while the relationship is paused', async () => {
      const { rel } = await follower({ take_profit_percent: '50' });
      await w.copy(); // $21.00; take profit at a gain of $10.50 (value ≥ $31.50)
      await setRel(rel.id, { status: 'paused', paused_at: new Date(), max_slippage_percent: '5' });

      // mid 0.625 → $31.25: not yet.
      w.source.setBook(YES, { bids: [['0.62', '1000']], asks: [['0.63', '1000']] });
      expect(await exits((await mark()).midpoints)).toEqual([]);
      // mid 0.65 → $32.50.
      w.source.setBook(YES, { bids: [['0.64', '1000']], asks: [['0.66', '1000']] });
      const queued = await exits((await mark()).midpoints);
      expect(queued.map((q) => q.purpose)).toEqual(['take_profit']);

      await w.startWorker();
      await w.drain();
      const lots = await w.lots(rel.id);
      // 50 × 0.64 = $32.00 − $21.00 = +$11.00 (+52.3810%).
      expect(
        lots.map((l) => [l.status, l.exit_value_usd, l.realized_pnl_usd, l.realized_pnl_percent]),
      ).toEqual([['closed', '32.000000', '11.000000', '52.3810']]);
    });

    it('sells a stop into a wide spread from the best bid, with the default 1% copy slippage', async () => {
      const { rel } = await follower({ stop_loss_percent: '20' }); // max_slippage_percent stays 1
      await w.copy(); // 50 YES for $21.00
      // 0.30 / 0.40: mid 0.35 → $17.50, −16.7%: not yet.
      w.source.setBook(YES, { bids: [['0.30', '1000']], asks: [['0.40', '1000']] });
      expect(await exits((await mark()).midpoints)).toEqual([]);
      // 0.28 / 0.38: mid 0.33 → $16.50, −21.4%: the stop fires. The old limit, mid 0.33 × 0.99 →
      // 0.33 on tick, is above every bid and was refused at each mark; from the best bid with 5%:
      // 0.28 × 0.95 = 0.266 → 0.27, and the 0.28 bid takes all 50.
      w.source.setBook(YES, { bids: [['0.28', '1000']], asks: [['0.38', '1000']] });
      expect((await exits((await mark()).midpoints)).map((q) => q.purpose)).toEqual(['stop_loss']);
      expect(await exitRows(rel.id)).toMatchObject([
        { target_price: '0.2800000000', max_slippage_percent: '5.00', status: 'pending' },
      ]);
      const event = await t.current.db.selectFrom('position_events').selectAll().executeTakeFirstOrThrow();
      expect(event.detail).toContain('selling 50 shares at the best bid 0.28');
      await w.startWorker();
      await w.drain();
      expect((await exitRows(rel.id))[0]!.status).toBe('completed');
      // 50 × 0.28 = $14.00 − $21.00.
      expect((await w.lots(rel.id)).map((l) => [l.status, l.exit_price, l.realized_pnl_usd])).toEqual([
        ['closed', '0.2800000000', '-7.000000'],
      ]);
    });

    it('still refuses an exit the bids cannot take within the tolerance, with a reason, and retries at the next mark', async () => {
      const { rel } = await follower({ stop_loss_percent: '20' });
      await w.copy();
      // Only 10 shares bid at 0.30 and the rest at 0.05; mid 0.32 → $16.00: past the stop. From the
      // best bid with 5% the limit is 0.29: the book holds the shares, but not within it.
      w.source.setBook(YES, {
        bids: [
          ['0.30', '10'],
          ['0.05', '1000'],
        ],
        asks: [['0.34', '1000']],
      });
      expect((await exits((await mark()).midpoints)).map((q) => q.purpose)).toEqual(['stop_loss']);
      await w.startWorker();
      await w.drain();
      const [row] = await exitRows(rel.id);
      expect(row!.status).toBe('cancelled');
      expect(row!.error_message).toMatch(/^slippage_exceeded: 50 shares cannot fill within the limit 0\.29/);
      expect((await w.lots(rel.id)).map((l) => l.status)).toEqual(['open']);
      // The position is still past its stop: the next pass queues a fresh exit.
      await w.stopWorkers();
      expect((await exits((await mark()).midpoints)).map((q) => q.purpose)).toEqual(['stop_loss']);

      // A stub bid far under the midpoint is no market: the exit keeps the midpoint as its target
      // and is refused rather than dumped at 0.02.
      await t.current.db
        .updateTable('trade_queue')
        .set({ status: 'cancelled' })
        .where('copy_relationship_id', '=', rel.id)
        .execute();
      w.source.setBook(YES, { bids: [['0.02', '100000']], asks: [['0.50', '1000']] });
      await exits((await mark()).midpoints);
      const rows = await exitRows(rel.id);
      expect(rows[rows.length - 1]).toMatchObject({ target_price: '0.2600000000', status: 'pending' });
      const events = await t.current.db
        .selectFrom('position_events')
        .select('detail')
        .orderBy('id')
        .execute();
      expect(events[events.length - 1]!.detail).toContain(
        'not sellable now: the best bid 0.02 is more than 50% under',
      );
      await w.startWorker();
      await w.drain();
      expect((await exitRows(rel.id)).at(-1)!.error_message).toMatch(/^slippage_exceeded/);
      expect((await w.lots(rel.id)).map((l) => l.status)).toEqual(['open']);
    });

    it('queues no second exit while an earlier one awaits reconciliation (it may have sold)', async () => {
      const { rel } = await follower({ stop_loss_percent: '20' });
      await w.copy();
      w.source.setBook(YES, { bids: [['0.30', '1000']], asks: [['0.32', '1000']] }); // mid 0.31: past the stop
      const [first] = await exits((await mark()).midpoints);
      await t.current.db
        .updateTable('trade_queue')
        .set({
          status: 'failed',
          stage: 'reconciliation',
          error_message: 'reconcile: unknown_outcome: response lost',
        })
        .where('id', '=', first!.queueId)
        .execute();
      expect(await exits((await mark()).midpoints)).toEqual([]);
      await t.current.db
        .updateTable('trade_queue')
        .set({ stage: 'operator', error_message: 'needs_operator: the order may exist' })
        .where('id', '=', first!.queueId)
        .execute();
      expect(await exits((await mark()).midpoints)).toEqual([]);
      // Settled as never placed: the position is unprotected again, so a new exit is queued.
      await t.current.db
        .updateTable('trade_queue')
        .set({ stage: 'reconciled', error_message: 'retries_exhausted: reconciled: never arrived' })
        .where('id', '=', first!.queueId)
        .execute();
      expect((await exits((await mark()).midpoints)).map((q) => q.purpose)).toEqual(['stop_loss']);
      expect((await exitRows(rel.id)).map((r) => r.status)).toEqual(['failed', 'pending']);
    });

    it('never holds two exits of one position pending: the index refuses the second', async () => {
      const { rel } = await follower({ stop_loss_percent: '10' });
      await w.copy();
      const [p] = await openPositions(t.current.db, { userId: rel.user_id });
      const exit = exitFor(p!, 'close', new Decimal('0.41'), 'test');
      const first = await withTransaction(t.current.db, (tx) => queueExits(tx, [exit], new Date()));
      const second = await withTransaction(t.current.db, (tx) =>
        queueExits(tx, [{ ...exit, purpose: 'stop_loss' }], new Date()),
      );
      expect(first).toHaveLength(1);
      expect(second).toEqual([]);
      await expect(
        sql`INSERT INTO trade_queue (user_id, copy_relationship_id, trader_wallet_address, market_id, position,
              quantity, side, asset_id, purpose)
            VALUES (${rel.user_id}, ${rel.id}, ${w.leader}, ${CONDITION}, 'YES', 5, 'SELL', ${YES}, 'take_profit')`.execute(
          t.current.db,
        ),
      ).rejects.toThrow(/uq_trade_queue_open_exit/);
      // Once it is done, a new exit may be queued.
      await t.current.db
        .updateTable('trade_queue')
        .set({ status: 'cancelled' })
        .where('id', '=', first[0]!.queueId)
        .execute();
      expect(await withTransaction(t.current.db, (tx) => queueExits(tx, [exit], new Date()))).toHaveLength(1);
      expect(await t.current.db.selectFrom('position_events').select('kind').execute()).toHaveLength(2);
    });

    it('closes what a relationship stopped with "close positions" still holds', async () => {
      const { rel } = await follower();
      await w.copy();
      await setRel(rel.id, {
        status: 'stopped',
        stop_positions: 'close',
        stopped_at: new Date(),
        max_slippage_percent: '5',
      });
      const queued = await exits((await mark()).midpoints);
      expect(queued.map((q) => q.purpose)).toEqual(['close']);
      await w.startWorker();
      await w.drain();
      // best bid 0.40 → limit 0.38; sold at the 0.40 bid: $20.00 − $21.00.
      expect((await w.lots(rel.id)).map((l) => [l.status, l.realized_pnl_usd])).toEqual([
        ['closed', '-1.000000'],
      ]);
    });
  });

  describe('resolution', () => {
    it('settles winning lots at 1 and losing lots at 0, credits paper cash, and is idempotent', async () => {
      const { user, rel } = await follower();
      await w.copy(); // 50 YES for $21.00
      await w.copy({ assetId: NO, price: new Decimal('0.58'), size: new Decimal(500), outcomeIndex: 1 }); // 25 NO for $14.50
      const other = await follower();
      await w.record(); // queued but never executed: a pending copy is no position
      expect(await w.paperBalance(user.id)).toBe('964.5');

      // Not resolved yet: nothing happens.
      expect((await settleResolvedMarkets({ db: t.current.db, marketData: w.source })).settled).toEqual([]);

      w.source.updateMarket(CONDITION, {
        resolved: true,
        closed: true,
        acceptingOrders: false,
        winningTokenId: YES,
      });
      const report = await settleResolvedMarkets({ db: t.current.db, marketData: w.source });
      expect(report.marketsResolved).toBe(1);
      expect(
        report.settled.map((s) => [s.assetId, s.resolution, s.shares, s.payoutUsd, s.realizedPnlUsd]).sort(),
      ).toEqual([
        [YES, 'won', '50', '50.000000', '29.000000'],
        [NO, 'lost', '25', '0.000000', '-14.500000'],
      ]);
      const lots = await w.lots(rel.id);
      expect(
        lots.map((l) => [
          l.asset_id,
          l.status,
          l.exit_price,
          l.exit_value_usd,
          l.realized_pnl_usd,
          l.realized_pnl_percent,
          l.current_value_usd,
        ]),
      ).toEqual([
        // 50 × 1 − 21.00 = +29.00 (138.0952%); 25 × 0 − 14.50 = −14.50 (−100%).
        [YES, 'closed', '1.0000000000', '50.000000', '29.000000', '138.0952', null],
        [NO, 'closed', '0.0000000000', '0.000000', '-14.500000', '-100.0000', null],
      ]);
      const positions = await t.current.db
        .selectFrom('copy_positions')
        .select(['asset_id', 'shares', 'cost_usd', 'realized_pnl_usd'])
        .where('copy_relationship_id', '=', rel.id)
        .orderBy('asset_id')
        .execute();
      expect(positions).toEqual([
        { asset_id: YES, shares: '0.000000', cost_usd: '0.000000', realized_pnl_usd: '29.000000' },
        { asset_id: NO, shares: '0.000000', cost_usd: '0.000000', realized_pnl_usd: '-14.500000' },
      ]);
      const relAfter = await t.current.db
        .selectFrom('copy_relationships')
        .select('total_pnl_usd')
        .where('id', '=', rel.id)
        .executeTakeFirstOrThrow();
      expect(relAfter.total_pnl_usd).toBe('14.500000');
      const userAfter = await t.current.db
        .selectFrom('users')
        .select('total_earned_usd')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(userAfter.total_earned_usd).toBe('50.000000');
      expect(await w.paperBalance(user.id)).toBe('1014.5'); // 964.5 + 50 payout
      expect(await w.paperBalance(other.user.id)).toBe('1000');
      const events = await t.current.db
        .selectFrom('position_events')
        .select(['kind', 'asset_id', 'detail'])
        .orderBy('asset_id')
        .execute();
      expect(events.map((e) => [e.kind, e.asset_id])).toEqual([
        ['resolution', YES],
        ['resolution', NO],
      ]);

      // A second run changes nothing.
      const snapshot = async () =>
        JSON.stringify([
          await sql`SELECT * FROM trades ORDER BY id`.execute(t.current.db),
          await sql`SELECT * FROM copy_positions ORDER BY 1, 2`.execute(t.current.db),
          await sql`SELECT * FROM paper_cash ORDER BY 1, 2`.execute(t.current.db),
          await sql`SELECT id, total_pnl_usd FROM copy_relationships ORDER BY id`.execute(t.current.db),
          await sql`SELECT id, total_earned_usd FROM users ORDER BY id`.execute(t.current.db),
          await sql`SELECT count(*) FROM position_events`.execute(t.current.db),
        ]);
      const before = await snapshot();
      const again = await settleResolvedMarkets({ db: t.current.db, marketData: w.source });
      expect(again.settled).toEqual([]);
      expect(await snapshot()).toBe(before);
      // And a mark has nothing left to value.
      expect((await mark()).tokens).toBe(0);
    });

    it('settles a void market at 0.5 a share', async () => {
      const { user, rel } = await follower();
      await w.copy(); // 50 YES for $21.00
      w.source.updateMarket(CONDITION, { resolved: true, closed: true, winningTokenId: null });
      const report = await settleResolvedMarkets({ db: t.current.db, marketData: w.source });
      expect(report.settled.map((s) => [s.resolution, s.payoutUsd, s.realizedPnlUsd])).toEqual([
        ['void', '25.000000', '4.000000'],
      ]);
      expect((await w.lots(rel.id))[0]!.exit_price).toBe('0.5000000000');
      expect(await w.paperBalance(user.id)).toBe('1004'); // 979 + 25
    });
  });
});
