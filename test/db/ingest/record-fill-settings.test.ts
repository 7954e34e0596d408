// The fan-out with the copy settings of issue 17: each follower's decision is decideCopy() over its
// row, so every setting shows up in what is queued (size, side slippage, price-band limit) or in
// the reason a copy is skipped; balance-based modes read the paper ledger, the live balance
// snapshot and the leader's portfolio value, and skip with a reason when one is missing or stale.
import { beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import type { LeaderFill } from '../../../src/ingest/leader-fill.ts';
import { recordLeaderFill, type FanOutMarket } from '../../../src/ingest/record-fill.ts';
import { insertRelationship, insertTrader, insertUser, txHash, wallet } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const CONDITION = `0x${'cd'.repeat(32)}`;
const ASSET = '98765432109876543210';
const MARKET: FanOutMarket = {
  tickSize: new Decimal('0.01'),
  minOrderSize: new Decimal(5),
  categories: ['weather'],
};
const NOW = new Date('2030-04-01T12:00:00Z');
const OPTS = { copyTtlMs: 30_000, now: () => NOW, paperStartingBalanceUsd: new Decimal(1000) };

function fill(leader: string, over: Partial<LeaderFill> = {}): LeaderFill {
  return {
    txHash: txHash(),
    wallet: leader,
    assetId: ASSET,
    conditionId: CONDITION,
    side: 'BUY',
    price: new Decimal('0.42'),
    size: new Decimal(1000),
    occurrence: 0,
    outcome: 'Yes',
    outcomeIndex: 0,
    marketSlug: 'will-it-rain',
    eventSlug: 'weather',
    title: 'Will it rain?',
    filledAt: new Date(NOW.getTime() - 1000),
    source: 'test',
    ...over,
  };
}

describe('recordLeaderFill with the copy settings', () => {
  const t = useTestDatabase();
  let leader: string;

  beforeEach(async () => {
    leader = (await insertTrader(t.current.db, { wallet_address: wallet() })).wallet_address;
  });

  const outcomes = async (fillKey: string) => {
    const rows = await t.current.db
      .selectFrom('copy_decisions as d')
      .leftJoin('trade_queue as q', 'q.id', 'd.queue_id')
      .select([
        'd.copy_relationship_id',
        'd.outcome',
        'd.reason',
        'd.detail',
        'q.quantity',
        'q.max_slippage_percent',
      ])
      .where('d.fill_key', '=', fillKey)
      .execute();
    return new Map(rows.map((r) => [r.copy_relationship_id, r]));
  };
  const follower = async (values: Parameters<typeof insertRelationship>[3]) =>
    insertRelationship(t.current.db, (await insertUser(t.current.db)).id, leader, {
      proportionality_factor: '0.05',
      ...values,
    });

  it('sizes, filters and limits each follower by its own settings', async () => {
    const fixed = await follower({ sizing_mode: 'fixed_usd', fixed_amount_usd: '10' });
    const noBuys = await follower({ copy_buys: false });
    const band = await follower({ max_buy_price: '0.43', buy_slippage_percent: '5' });
    const tooExpensive = await follower({ max_buy_price: '0.40' });
    const sideSlip = await follower({ buy_slippage_percent: '2.5', sell_slippage_percent: '7' });
    const politicsOnly = await follower({ categories: ['politics'] });
    const weatherOnly = await follower({ categories: ['weather'] });
    const bigOnly = await follower({ min_leader_trade_usd: '500' });
    const breaker = await follower({ status: 'paused', pause_reason: 'circuit_breaker' });

    const r = await recordLeaderFill(t.current.db, fill(leader), MARKET, OPTS);
    if (r.status !== 'recorded') throw new Error('not recorded');
    const o = await outcomes(r.fillKey);
    const row = (id: string) => o.get(id)!;
    // $10 / 0.42 → 23.8 shares.
    expect(row(fixed.id)).toMatchObject({
      outcome: 'queued',
      quantity: '23.800000',
      max_slippage_percent: '1.00',
    });
    expect(row(noBuys.id)).toMatchObject({ outcome: 'skipped', reason: 'buys_not_copied' });
    // 5 % slippage narrowed to the band: 0.43 / 0.42 − 1 = 2.38 %.
    expect(row(band.id)).toMatchObject({ outcome: 'queued', max_slippage_percent: '2.38' });
    expect(row(tooExpensive.id)).toMatchObject({ outcome: 'skipped', reason: 'price_above_max_buy' });
    expect(row(sideSlip.id)).toMatchObject({ outcome: 'queued', max_slippage_percent: '2.50' });
    expect(row(politicsOnly.id)).toMatchObject({ outcome: 'skipped', reason: 'category_not_allowed' });
    expect(row(weatherOnly.id)).toMatchObject({ outcome: 'queued' });
    expect(row(bigOnly.id)).toMatchObject({ outcome: 'skipped', reason: 'leader_trade_below_minimum' });
    expect(row(breaker.id)).toMatchObject({ outcome: 'skipped', reason: 'relationship_paused' });
    expect(row(breaker.id).detail).toContain('consecutive failed copies');
  });

  it('sizes from the paper ledger, a live balance snapshot and the leader portfolio value', async () => {
    const db = t.current.db;
    // Paper: $1,000 start + $500 deposited → 2 % of $1,500 cash = $30 → 71.42 shares.
    const paper = await follower({ sizing_mode: 'balance_percent', balance_percent: '2', mode: 'paper' });
    await db
      .insertInto('paper_cash')
      .values({ account_id: paper.user_id, entry_id: 'deposit-1', amount: '500', memo: 'test', at_ms: 0 })
      .execute();
    // Live with a fresh snapshot of $2,000: 1 % = $20 → 47.61 shares.
    const live = await follower({ sizing_mode: 'balance_percent', balance_percent: '1', mode: 'live' });
    await db
      .insertInto('live_balances')
      .values({ user_id: live.user_id, cash_usd: '2000', observed_at: new Date(NOW.getTime() - 60_000) })
      .execute();
    // Live never read, and live read 11 minutes ago: not used.
    const unread = await follower({ sizing_mode: 'balance_percent', balance_percent: '1', mode: 'live' });
    const stale = await follower({ sizing_mode: 'balance_percent', balance_percent: '1', mode: 'live' });
    await db
      .insertInto('live_balances')
      .values({
        user_id: stale.user_id,
        cash_usd: '2000',
        observed_at: new Date(NOW.getTime() - 11 * 60_000),
      })
      .execute();
    // Portfolio weight: the leader held $3,780, buys $420 → 10 % of the paper equity $1,000 = $100 →
    // capped by the $100 per-trade cap at the worst price 0.4242 → 235.73 shares.
    const weight = await follower({ sizing_mode: 'portfolio_weight', mode: 'paper' });

    const noValue = await recordLeaderFill(db, fill(leader), MARKET, OPTS);
    if (noValue.status !== 'recorded') throw new Error('not recorded');
    expect((await outcomes(noValue.fillKey)).get(weight.id)).toMatchObject({
      reason: 'leader_portfolio_unknown',
    });

    await db
      .insertInto('trader_portfolio_values')
      .values({
        trader_wallet_address: leader,
        value_usd: '3780',
        observed_at: new Date(NOW.getTime() - 60_000),
      })
      .execute();
    const r = await recordLeaderFill(db, fill(leader), MARKET, OPTS);
    if (r.status !== 'recorded') throw new Error('not recorded');
    const o = await outcomes(r.fillKey);
    expect(o.get(paper.id)).toMatchObject({ outcome: 'queued', quantity: '71.420000' });
    expect(o.get(live.id)).toMatchObject({ outcome: 'queued', quantity: '47.610000' });
    expect(o.get(unread.id)).toMatchObject({ outcome: 'skipped', reason: 'balance_unknown' });
    expect(o.get(stale.id)).toMatchObject({ outcome: 'skipped', reason: 'balance_unknown' });
    expect(o.get(weight.id)).toMatchObject({ outcome: 'queued', quantity: '235.730000' });
  });

  it('takes what copies bought and sold since a live balance was read out of it', async () => {
    const db = t.current.db;
    const rel = await follower({ sizing_mode: 'balance_percent', balance_percent: '10', mode: 'live' });
    const read = new Date(NOW.getTime() - 60_000);
    await db
      .insertInto('live_balances')
      .values({ user_id: rel.user_id, cash_usd: '1000', observed_at: read })
      .execute();
    const lot = (at: Date, values: Record<string, unknown>) => ({
      is_copy_trade: true,
      copying_user_id: rel.user_id,
      copy_relationship_id: rel.id,
      trader_wallet_address: leader,
      market_id: CONDITION,
      position: 'YES' as const,
      side: 'BUY' as const,
      entry_price: '0.5',
      quantity: '100',
      entry_value_usd: '50',
      fees_usd: '1',
      entry_timestamp: at,
      ...values,
    });
    // Bought before the read (already in the balance): ignored. Bought after: $51 out. A lot bought
    // before and sold after the read: its $30 of proceeds in.
    await db
      .insertInto('trades')
      .values(lot(new Date(read.getTime() - 5_000), { status: 'open' }))
      .execute();
    await db
      .insertInto('trades')
      .values(lot(new Date(read.getTime() + 5_000), { status: 'open' }))
      .execute();
    await db
      .insertInto('trades')
      .values(
        lot(new Date(read.getTime() - 9_000), {
          status: 'closed',
          exit_price: '0.3',
          exit_value_usd: '30',
          exit_timestamp: new Date(read.getTime() + 9_000),
        }),
      )
      .execute();
    const r = await recordLeaderFill(db, fill(leader), MARKET, OPTS);
    if (r.status !== 'recorded') throw new Error('not recorded');
    // Cash 1000 − 51 + 30 = 979 → 10 % = $97.90 at 0.42 → 233.09 shares, under the $100 cap at 0.4242.
    expect((await outcomes(r.fillKey)).get(rel.id)).toMatchObject({
      outcome: 'queued',
      quantity: '233.090000',
    });
  });

  it('holds the budget against money at work and losses', async () => {
    // $30 budget, $25 already lost: $5 left → 11.78 shares at the worst price 0.4242.
    const rel = await follower({ budget_usd: '30', total_pnl_usd: '-25', min_trade_size_usd: null });
    const r1 = await recordLeaderFill(t.current.db, fill(leader), MARKET, OPTS);
    if (r1.status !== 'recorded') throw new Error('not recorded');
    expect((await outcomes(r1.fillKey)).get(rel.id)).toMatchObject({
      outcome: 'queued',
      quantity: '11.780000',
    });
    // The queued copy now counts as money at work: nothing is left.
    const r2 = await recordLeaderFill(t.current.db, fill(leader), MARKET, OPTS);
    if (r2.status !== 'recorded') throw new Error('not recorded');
    expect((await outcomes(r2.fillKey)).get(rel.id)).toMatchObject({
      outcome: 'skipped',
      reason: 'budget_exhausted',
    });
  });

  it('mirrors sells with the sell slippage, and skips them when sells are off or below the band', async () => {
    const db = t.current.db;
    const sells = await follower({ sell_slippage_percent: '4' });
    const noSells = await follower({ copy_sells: false });
    const band = await follower({ min_sell_price: '0.45' });
    for (const rel of [sells, noSells, band]) {
      await db
        .insertInto('copy_positions')
        .values({
          copy_relationship_id: rel.id,
          asset_id: ASSET,
          user_id: rel.user_id,
          condition_id: CONDITION,
          shares: '40',
          cost_usd: '16',
        })
        .execute();
    }
    await recordLeaderFill(db, fill(leader), MARKET, OPTS);
    const r = await recordLeaderFill(
      db,
      fill(leader, { side: 'SELL', size: new Decimal(250) }),
      MARKET,
      OPTS,
    );
    if (r.status !== 'recorded') throw new Error('not recorded');
    const o = await outcomes(r.fillKey);
    // The leader held 1,000 and sold a quarter: 10 of the 40 shares.
    expect(o.get(sells.id)).toMatchObject({
      outcome: 'queued',
      quantity: '10.000000',
      max_slippage_percent: '4.00',
    });
    expect(o.get(noSells.id)).toMatchObject({ outcome: 'skipped', reason: 'sells_not_copied' });
    expect(o.get(band.id)).toMatchObject({ outcome: 'skipped', reason: 'price_below_min_sell' });
  });
});
