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
});
