// The emergency stop, the global kill switch and the scheduler role, on real PostgreSQL in paper mode.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import { startScheduler, type RunningScheduler } from '../../../src/jobs/scheduler-role.ts';
import { testJobSettings } from '../../support/job-settings.ts';
import { emergencyStop } from '../../../src/services/emergency-stop.ts';
import { getKillSwitch, setKillSwitch } from '../../../src/services/kill-switch.ts';
import { insertRelationship, insertTrader, insertUser } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { logger, PositionsWorld, resetPositions, waitFor, YES } from './positions-harness.ts';

describe('position controls', () => {
  const t = useTestDatabase();
  let w: PositionsWorld;
  const schedulers: RunningScheduler[] = [];

  beforeEach(async () => {
    await resetPositions(t.current.db);
    const leader = (await insertTrader(t.current.db)).wallet_address;
    w = new PositionsWorld(t.current.db, t.current.url, leader);
  });
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
    await w.stopWorkers();
  });

  const follower = async (userId?: string, rel: Record<string, unknown> = {}, leader = w.leader) => {
    const user = userId ?? (await insertUser(t.current.db)).id;
    const r = await insertRelationship(t.current.db, user, leader, {
      proportionality_factor: '0.05',
      mode: 'paper',
      ...rel,
    } as never);
    return { userId: user, rel: r };
  };
  const clock = () => new Date();

  describe('emergency stop', () => {
    it('pauses every relationship and cancels pending rows, keeping positions', async () => {
      const leader2 = (await insertTrader(t.current.db)).wallet_address;
      const a = await follower();
      const b = await follower(a.userId, {}, leader2);
      const bystander = await follower();
      await w.copy(); // a and the bystander hold 50 YES each
      const fill = await w.record(); // pending copies for a and the bystander, nobody running them
      await w.record({ wallet: leader2 }); // and one for b

      const result = await emergencyStop({ db: t.current.db, clock }, a.userId, { closePositions: false });
      expect(result).toEqual({ pausedRelationships: 2, cancelledQueueRows: 2, closeOrdersQueued: 0 });

      const rels = await t.current.db
        .selectFrom('copy_relationships')
        .select(['id', 'status', 'paused_at'])
        .orderBy('id')
        .execute();
      expect(rels.map((r) => [r.id, r.status])).toEqual([
        [a.rel.id, 'paused'],
        [b.rel.id, 'paused'],
        [bystander.rel.id, 'active'],
      ]);
      const decisions = await t.current.db
        .selectFrom('copy_decisions')
        .select(['copy_relationship_id', 'outcome', 'reason'])
        .where('outcome', '<>', 'executed')
        .orderBy('copy_relationship_id')
        .execute();
      expect(decisions.map((d) => [d.copy_relationship_id, d.outcome, d.reason])).toEqual([
        [a.rel.id, 'skipped', 'emergency_stop'],
        [b.rel.id, 'skipped', 'emergency_stop'],
        [bystander.rel.id, 'queued', null],
      ]);
      const queue = await t.current.db
        .selectFrom('trade_queue')
        .select(['user_id', 'status', 'error_message'])
        .where('source_fill_key', '=', fill.fillKey!)
        .orderBy('id')
        .execute();
      expect(queue.filter((q) => q.user_id === a.userId).map((q) => q.status)).toEqual(['cancelled']);
      expect(queue.find((q) => q.user_id === a.userId)!.error_message).toMatch(/^emergency_stop: /);
      expect(queue.find((q) => q.user_id !== a.userId)!.status).toBe('pending');
      // Positions are kept, and the user can read what happened.
      expect(await w.lots(a.rel.id)).toHaveLength(1);
      const events = await t.current.db.selectFrom('position_events').selectAll().execute();
      expect(events.map((e) => [e.user_id, e.kind, e.copy_relationship_id])).toEqual([
        [a.userId, 'emergency_stop', null],
      ]);
      expect(events[0]!.detail).toBe(
        'emergency stop: 2 relationship(s) paused, 2 pending row(s) cancelled, positions kept',
      );
    });

    it('with closePositions queues a closing sell per position, which the worker executes although paused', async () => {
      const a = await follower();
      await w.copy();
      await w.copy({ assetId: w.fill().assetId }); // a second YES lot: one position of 100 shares
      await t.current.db
        .updateTable('copy_relationships')
        .set({ max_slippage_percent: '5' })
        .where('id', '=', a.rel.id)
        .execute();
      await w.record(); // pending
      // The last mark: mid 0.41 → $20.50 a lot.
      const { markToMarket } = await import('../../../src/positions/mark-to-market.ts');
      await markToMarket({ db: t.current.db, marketData: w.source });

      const result = await emergencyStop({ db: t.current.db, clock }, a.userId, { closePositions: true });
      expect(result).toEqual({ pausedRelationships: 1, cancelledQueueRows: 1, closeOrdersQueued: 1 });
      // Again: nothing left to pause or cancel, and the close is not queued twice.
      expect(await emergencyStop({ db: t.current.db, clock }, a.userId, { closePositions: true })).toEqual({
        pausedRelationships: 0,
        cancelledQueueRows: 0,
        closeOrdersQueued: 0,
      });
      const [close] = await t.current.db
        .selectFrom('trade_queue')
        .selectAll()
        .where('purpose', '=', 'close')
        .execute();
      expect(close).toMatchObject({
        side: 'SELL',
        priority: 1,
        quantity: '100.000000',
        target_price: '0.4100000000',
        status: 'pending',
        asset_id: YES,
      });

      await w.startWorker();
      await w.drain();
      // Sold 100 at the 0.40 bid (limit 0.41 × 0.95 → 0.39): $40.00 against $42.00 of cost.
      const lots = await w.lots(a.rel.id);
      expect(lots.map((l) => [l.status, l.realized_pnl_usd])).toEqual([
        ['closed', '-1.000000'],
        ['closed', '-1.000000'],
      ]);
      expect(
        (await t.current.db.selectFrom('position_events').select('kind').orderBy('id').execute()).map(
          (e) => e.kind,
        ),
      ).toEqual(['close', 'emergency_stop', 'emergency_stop']);
    });
  });

  describe('kill switch', () => {
    it('stops execution (rows skipped kill_switch) while detection keeps recording', async () => {
      const admin = await insertUser(t.current.db, { role: 'admin' });
      const a = await follower();
      await w.startWorker();

      const on = await setKillSwitch({ db: t.current.db, clock }, admin.id, {
        enabled: true,
        reason: 'incident 42',
      });
      expect(on).toMatchObject({ enabled: true, reason: 'incident 42', updatedBy: admin.id });
      const fill = await w.record();
      expect(fill.status).toBe('recorded');
      await w.drain();
      const leaderFill = await t.current.db
        .selectFrom('leader_fills')
        .select('followers_queued')
        .where('fill_key', '=', fill.fillKey!)
        .executeTakeFirstOrThrow();
      expect(leaderFill.followers_queued).toBe(1);
      // The worker cancels the row, then writes the decision.
      const decided = () =>
        t.current.db
          .selectFrom('copy_decisions')
          .select('decided_at')
          .where('fill_key', '=', fill.fillKey!)
          .executeTakeFirstOrThrow();
      await waitFor(async () => (await decided()).decided_at !== null);
      const decision = await t.current.db
        .selectFrom('copy_decisions')
        .select(['outcome', 'reason'])
        .where('fill_key', '=', fill.fillKey!)
        .executeTakeFirstOrThrow();
      expect(decision).toEqual({ outcome: 'skipped', reason: 'kill_switch' });
      expect(await w.lots(a.rel.id)).toEqual([]);

      await expect(
        setKillSwitch({ db: t.current.db, clock }, admin.id, { enabled: true, reason: '  ' }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      const off = await setKillSwitch({ db: t.current.db, clock }, admin.id, { enabled: false });
      expect(off).toMatchObject({ enabled: false, reason: null });
      expect((await getKillSwitch({ db: t.current.db })).enabled).toBe(false);
      await w.record();
      await w.drain();
      expect(await w.lots(a.rel.id)).toHaveLength(1);
    });
  });

  describe('scheduler', () => {
    const scheduler = () => {
      const s = startScheduler({
        db: t.current.db,
        databaseUrl: t.current.url,
        marketData: w.source,
        logger,
        maintenance: { partitionsAhead: 2, tradesRetentionDays: 0, tradeQueueRetentionDays: 7 },
        settings: testJobSettings({ markMs: 100, resolutionMs: 100, maintenanceMs: 60_000 }),
        standbyRetryMs: 100,
      });
      schedulers.push(s);
      return s;
    };

    it('runs one active scheduler that marks, queues stop-losses and settles; a standby takes over', async () => {
      const a = await follower(undefined, { stop_loss_percent: '20' });
      await w.copy(); // 50 YES for $21.00

      const first = scheduler();
      const runner = await first.waitForLeadership();
      const second = scheduler();
      await new Promise((r) => setTimeout(r, 300));
      expect(second.isLeader).toBe(false);
      expect(second.leadership.state).toBe('standby');
      // Maintenance never ran on this database: it runs at start, once, and is recorded.
      await waitFor(async () => runner.runs.get('maintenance') === 1);
      const recorded = await t.current.db
        .selectFrom('job_runs')
        .select(['reason', 'outcome'])
        .where('job', '=', 'maintenance')
        .execute();
      expect(recorded).toEqual([{ reason: 'start', outcome: 'succeeded' }]);

      // The price falls past the stop: the active scheduler marks it and queues one exit.
      w.source.setBook(YES, { bids: [['0.30', '1000']], asks: [['0.32', '1000']] });
      await waitFor(async () => {
        const rows = await t.current.db
          .selectFrom('trade_queue')
          .select('id')
          .where('purpose', '=', 'stop_loss')
          .execute();
        return rows.length === 1;
      });
      const lot = (await w.lots(a.rel.id))[0]!;
      expect([lot.current_value_usd, lot.unrealized_pnl_usd]).toEqual(['15.500000', '-5.500000']);

      // The leader goes away; the standby takes over and settles the resolved market.
      await first.stop();
      await second.waitForLeadership();
      w.source.updateMarket(lot.market_id, { resolved: true, closed: true, winningTokenId: YES });
      await waitFor(async () => (await w.lots(a.rel.id))[0]!.status === 'closed');
      expect((await w.lots(a.rel.id))[0]).toMatchObject({
        exit_price: '1.0000000000',
        realized_pnl_usd: '29.000000',
      });
      expect(new Decimal(await w.paperBalance(a.userId)).toFixed()).toBe('1029');
    });
  });
});
