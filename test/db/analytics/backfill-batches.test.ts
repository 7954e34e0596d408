// The first backfill of many new traders runs in batches (issue 12 item 1): at most maxNewTraders
// never-backfilled traders per run, best discovery rank first, `unstarted` saying how many wait; once
// none wait, a run catches up every tracked trader again. The source is a Data API with no history
// (what is read is not under test here: discovery-backfill.test.ts covers it).
import { describe, expect, it } from 'vitest';
import { runBackfill, type ActivitySource } from '../../../src/analytics/backfill.ts';
import { insertTrader } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { logger } from './analytics-harness.ts';

describe('backfill batches', () => {
  const t = useTestDatabase();

  it('takes new traders in batches, best discovery rank first, then every tracked trader', async () => {
    const db = t.current.db;
    const wallets: string[] = [];
    for (let i = 0; i < 5; i++)
      wallets.push((await insertTrader(db, { is_active: true } as never)).wallet_address);
    // Discovery ranks: the last wallet best, the first worst, one never listed.
    const ranks = [50, 40, 30, 20, 10];
    for (const [i, w] of wallets.entries())
      if (i !== 2)
        await db
          .insertInto('discovered_traders')
          .values({ wallet_address: w, lists: ['x'], best_rank: ranks[i]! })
          .execute();
    const asked: string[] = [];
    const empty: ActivitySource = {
      getActivity: async (q) => {
        if (!asked.includes(q.user)) asked.push(q.user);
        return [];
      },
    };
    const run = () =>
      runBackfill({ db, activity: empty, logger, days: 1, maxPagesPerTrader: 5, maxNewTraders: 2, lagMs: 0 });

    const first = await run();
    expect([first.traders, first.unstarted]).toEqual([2, 3]);
    expect(asked).toEqual([wallets[4], wallets[3]]);
    const second = await run();
    expect([second.traders, second.unstarted]).toEqual([2, 1]);
    expect(asked).toEqual([wallets[4], wallets[3], wallets[1], wallets[0]]);
    // The last new one (never ranked by discovery), and with none waiting, every tracked trader.
    const third = await run();
    expect([third.traders, third.unstarted]).toEqual([5, 0]);
    expect(asked.slice(4)).toEqual([wallets[2]]);
  });

  it('takes wallets on a P&L list before wallets only on volume lists, whatever their rank', async () => {
    const db = t.current.db;
    await db.updateTable('traders').set({ is_active: false }).execute();
    const make = async (lists: string[], rank: number) => {
      const w = (await insertTrader(db, { is_active: true } as never)).wallet_address;
      await db
        .insertInto('discovered_traders')
        .values({ wallet_address: w, lists, best_rank: rank })
        .execute();
      return w;
    };
    // A market maker tops every volume list; the P&L lists' traders rank lower there.
    const maker = await make(['VOL:ALL', 'VOL:WEEK'], 1);
    const pro = await make(['PNL:WEEK', 'VOL:ALL'], 3);
    const winner = await make(['PNL:DAY'], 9);
    const churner = await make(['VOL:DAY'], 2);
    const asked: string[] = [];
    const empty: ActivitySource = {
      getActivity: async (q) => {
        if (!asked.includes(q.user)) asked.push(q.user);
        return [];
      },
    };
    const run = await runBackfill({
      db,
      activity: empty,
      logger,
      days: 1,
      maxPagesPerTrader: 5,
      maxNewTraders: 2,
      lagMs: 0,
    });
    expect([run.traders, run.unstarted]).toEqual([2, 2]);
    expect(asked).toEqual([pro, winner]);
    await runBackfill({
      db,
      activity: empty,
      logger,
      days: 1,
      maxPagesPerTrader: 5,
      maxNewTraders: 2,
      lagMs: 0,
    });
    expect(asked).toEqual([pro, winner, maker, churner]);
  });

  it('reads several traders at once and reports each, in order, a failed one apart', async () => {
    const db = t.current.db;
    await db.updateTable('traders').set({ is_active: false }).execute();
    const wallets: string[] = [];
    for (let i = 0; i < 5; i++)
      wallets.push((await insertTrader(db, { is_active: true } as never)).wallet_address);
    // The first three reads wait for each other: they can only all arrive if three lanes run at
    // once (one lane would wait here until the guard fails the test).
    let arrived = 0;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const slow: ActivitySource = {
      getActivity: async (q) => {
        arrived += 1;
        if (arrived === 3) open();
        if (arrived <= 3)
          await Promise.race([
            gate,
            new Promise((_, no) => setTimeout(() => no(new Error('lanes did not overlap')), 20_000)),
          ]);
        if (q.user === wallets[1]) throw new Error('source down');
        return [];
      },
    };
    const run = await runBackfill({
      db,
      activity: slow,
      logger,
      days: 1,
      maxPagesPerTrader: 5,
      lagMs: 0,
      concurrency: 3,
    });
    expect(run.failed).toBe(1);
    // A trader that fails before its first commit has no checkpoint to carry the error yet.
    const failedRow = await db
      .selectFrom('backfill_checkpoints')
      .select('wallet_address')
      .where('wallet_address', '=', wallets[1]!)
      .executeTakeFirst();
    expect(failedRow).toBeUndefined();
    expect(run.reports.map((r) => r.wallet)).toEqual([...wallets].sort().filter((w) => w !== wallets[1]));
  });
});
