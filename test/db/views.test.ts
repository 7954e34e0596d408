// v_user_portfolio and v_active_copy_relationships on fixture data whose totals are worked out here.
import { describe, expect, it } from 'vitest';
import { insertRelationship, insertTrade, insertTrader, insertUser } from '../support/fixtures.ts';
import { useTestDatabase } from '../support/test-database.ts';

describe('views', () => {
  const t = useTestDatabase();

  it('v_user_portfolio totals a user who follows three traders without multiplying trades', async () => {
    const db = t.current.db;
    const user = await insertUser(db, { balance_usd: '250.5', subscription_tier: 'pro' });
    const other = await insertUser(db);
    const traders = [await insertTrader(db), await insertTrader(db), await insertTrader(db)];
    const rels: Array<Awaited<ReturnType<typeof insertRelationship>>> = [];
    for (const tr of traders) rels.push(await insertRelationship(db, user.id, tr.wallet_address));
    // A stopped relationship no longer counts as following.
    const stoppedTrader = await insertTrader(db);
    await insertRelationship(db, user.id, stoppedTrader.wallet_address, { status: 'stopped' });
    await db
      .updateTable('copy_relationships')
      .set({ status: 'paused' })
      .where('id', '=', rels[2]!.id)
      .execute();

    const copy = (rel: (typeof rels)[number], values: Parameters<typeof insertTrade>[1]) =>
      insertTrade(db, {
        is_copy_trade: true,
        copying_user_id: user.id,
        copy_relationship_id: rel.id,
        trader_wallet_address: rel.trader_wallet_address,
        ...values,
      });
    // Open copies: exposure at cost 10 + 20 + 30.5 = 60.5; unrealized 1.5 - 2 + 0.25 = -0.25.
    await copy(rels[0]!, { status: 'open', entry_value_usd: '10', unrealized_pnl_usd: '1.5' });
    await copy(rels[1]!, { status: 'open', entry_value_usd: '20', unrealized_pnl_usd: '-2' });
    await copy(rels[2]!, { status: 'open', entry_value_usd: '30.5', unrealized_pnl_usd: '0.25' });
    // Closed copies: realized 4 - 1.25 = 2.75; they add no exposure.
    await copy(rels[0]!, { status: 'closed', entry_value_usd: '8', realized_pnl_usd: '4' });
    await copy(rels[1]!, { status: 'closed', entry_value_usd: '5', realized_pnl_usd: '-1.25' });
    // Not the user's: a leader fill and another user's copy.
    await insertTrade(db, {
      status: 'open',
      entry_value_usd: '999',
      trader_wallet_address: traders[0]!.wallet_address,
    });
    await insertTrade(db, {
      status: 'open',
      entry_value_usd: '777',
      is_copy_trade: true,
      copying_user_id: other.id,
    });

    const row = await db
      .selectFrom('v_user_portfolio')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      user_id: user.id,
      email: user.email,
      subscription_tier: 'pro',
      balance_usd: '250.500000',
      traders_following: 3,
      open_positions: 3,
      total_exposure_usd: '60.500000',
      total_realized_pnl: '2.750000',
      total_unrealized_pnl: '-0.250000',
      dust_positions: 0,
    });

    const empty = await db
      .selectFrom('v_user_portfolio')
      .selectAll()
      .where('user_id', '=', other.id)
      .executeTakeFirstOrThrow();
    expect(empty).toMatchObject({
      traders_following: 0,
      open_positions: 1,
      total_exposure_usd: '777.000000',
      total_realized_pnl: '0',
    });

    await db.updateTable('users').set({ is_active: false }).where('id', '=', other.id).execute();
    expect(
      await db.selectFrom('v_user_portfolio').selectAll().where('user_id', '=', other.id).execute(),
    ).toEqual([]);
  });

  it('v_active_copy_relationships lists only active relationships of active users, with trader details', async () => {
    const db = t.current.db;
    const u1 = await insertUser(db, { wallet_address: '0x' + 'a'.repeat(40) });
    const u2 = await insertUser(db, { is_active: false });
    const tr = await insertTrader(db, { display_name: 'Whale', win_rate: '61.5', pnl_7d: '1234.5' });
    const active = await insertRelationship(db, u1.id, tr.wallet_address, {
      proportionality_factor: '0.05',
      total_trades_copied: 7,
      total_pnl_usd: '12.34',
    });
    const tr2 = await insertTrader(db);
    await insertRelationship(db, u1.id, tr2.wallet_address, { status: 'paused' });
    await insertRelationship(db, u2.id, tr.wallet_address);

    const rows = await db
      .selectFrom('v_active_copy_relationships')
      .selectAll()
      .where('user_id', 'in', [u1.id, u2.id])
      .execute();
    expect(rows).toEqual([
      {
        user_id: u1.id,
        user_email: u1.email,
        user_wallet: '0x' + 'a'.repeat(40),
        trader_wallet_address: tr.wallet_address,
        trader_name: 'Whale',
        trader_win_rate: '61.50',
        trader_pnl_7d: '1234.500000',
        proportionality_factor: '0.050000',
        max_investment_per_trade_usd: '100.00',
        total_trades_copied: 7,
        total_pnl_usd: '12.340000',
        created_at: active.created_at,
        copy_relationship_id: active.id,
      },
    ]);
  });
});
