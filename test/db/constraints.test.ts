// Every CHECK, foreign key and unique rule rejects bad rows (and the row is not written).
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import {
  insertQueueRow,
  insertRelationship,
  insertTrade,
  insertTrader,
  insertUser,
  wallet,
} from '../support/fixtures.ts';
import { useTestDatabase } from '../support/test-database.ts';

async function rejects(db: Db, fn: () => Promise<unknown>, constraint: string): Promise<void> {
  // A savepoint per attempt, so the failed statement cannot poison later ones; the error must name
  // the constraint we meant, not any constraint.
  await expect(
    db.transaction().execute(async () => {
      await fn();
    }),
  ).rejects.toMatchObject({ constraint });
}

describe('constraints', () => {
  const t = useTestDatabase();
  let userId: string;
  let traderWallet: string;
  let relId: string;

  beforeAll(async () => {
    const db = t.current.db;
    userId = (await insertUser(db)).id;
    traderWallet = (await insertTrader(db)).wallet_address;
    relId = (await insertRelationship(db, userId, traderWallet)).id;
  });

  describe('users', () => {
    it.each([
      ['not-an-email', 'users_email_format'],
      ['a@b', 'users_email_format'],
      ['a b@example.com', 'users_email_format'],
    ])('rejects email %s', async (email, c) => {
      await rejects(t.current.db, () => insertUser(t.current.db, { email }), c);
    });
    it.each([
      ['0x123'],
      ['0xZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ'],
      ['1234567890123456789012345678901234567890ab'],
    ])('rejects wallet %s', async (w) => {
      await rejects(
        t.current.db,
        () => insertUser(t.current.db, { wallet_address: w }),
        'users_wallet_format',
      );
    });
    it('rejects a negative balance', async () => {
      await rejects(
        t.current.db,
        () => insertUser(t.current.db, { balance_usd: '-0.000001' }),
        'users_balance_non_negative',
      );
    });
    it('rejects an unknown tier', async () => {
      await rejects(
        t.current.db,
        () => insertUser(t.current.db, { subscription_tier: 'gold' as never }),
        'users_subscription_tier_valid',
      );
    });
    it('rejects a user with no identity at all', async () => {
      await rejects(
        t.current.db,
        () => t.current.db.insertInto('users').values({ username: 'nobody' }).execute(),
        'users_identity_present',
      );
    });
    it('rejects duplicate email, wallet and telegram id', async () => {
      const w = wallet();
      const u = await insertUser(t.current.db, { wallet_address: w, telegram_id: '777001' });
      await rejects(t.current.db, () => insertUser(t.current.db, { email: u.email }), 'users_email_key');
      await rejects(
        t.current.db,
        () => insertUser(t.current.db, { wallet_address: w }),
        'users_wallet_address_key',
      );
      await rejects(
        t.current.db,
        () => insertUser(t.current.db, { telegram_id: '777001' }),
        'users_telegram_id_key',
      );
    });
    it('accepts each identity alone', async () => {
      const db = t.current.db;
      await db.insertInto('users').values({ wallet_address: wallet() }).execute();
      await db.insertInto('users').values({ telegram_id: 424242 }).execute();
    });
  });

  describe('polymarket_api_keys', () => {
    const key = (over: Record<string, unknown> = {}) => ({
      user_id: userId,
      encrypted_api_key: Buffer.from('ct'),
      encrypted_api_secret: Buffer.from('ct'),
      key_hash: Buffer.from(Math.random().toString()).toString('hex').padEnd(64, '0').slice(0, 64),
      ...over,
    });
    const insert = (over: Record<string, unknown> = {}) =>
      t.current.db
        .insertInto('polymarket_api_keys')
        .values(key(over) as never)
        .execute();

    it.each([
      [{ status: 'deleted' }, 'api_keys_status_valid'],
      [{ signature_type: 7 }, 'api_keys_signature_type_valid'],
      [{ funder_address: '0xabc' }, 'api_keys_funder_format'],
      [{ key_hash: 'NOTHEX' }, 'api_keys_key_hash_format'],
      [{ daily_spend_limit_usd: '-1' }, 'api_keys_spend_limit_non_negative'],
      [{ daily_spent_usd: '1000.01' }, 'api_keys_spent_within_limit'],
      [{ daily_spent_usd: '-1' }, 'api_keys_spent_within_limit'],
      [{ user_id: '999999999' }, 'polymarket_api_keys_user_id_fkey'],
    ])('rejects %o', async (over, c) => {
      await rejects(t.current.db, () => insert(over), c);
    });
    it('allows one primary key per user only', async () => {
      await insert({ is_primary: true });
      await insert({ is_primary: false });
      await rejects(t.current.db, () => insert({ is_primary: true }), 'uq_api_keys_one_primary_per_user');
    });
    it('rejects a duplicate key hash', async () => {
      const h = 'a'.repeat(64);
      await insert({ key_hash: h });
      await rejects(t.current.db, () => insert({ key_hash: h }), 'idx_api_keys_key_hash');
    });
  });

  describe('traders', () => {
    it.each([
      [{ wallet_address: 'bob' }, 'traders_wallet_format'],
      [{ win_rate: '100.01' }, 'traders_win_rate_range'],
      [{ win_rate: '-1' }, 'traders_win_rate_range'],
      [{ follower_count: -1 }, 'traders_follower_count_non_negative'],
      [{ total_trades: 1, winning_trades: 2 }, 'traders_counts_non_negative'],
      [{ rank_7d: 0 }, 'traders_ranks_positive'],
    ])('rejects %o', async (over, c) => {
      await rejects(t.current.db, () => insertTrader(t.current.db, over as never), c);
    });
    it('rejects a duplicate wallet', async () => {
      await rejects(
        t.current.db,
        () => insertTrader(t.current.db, { wallet_address: traderWallet }),
        'traders_wallet_address_key',
      );
    });
  });

  describe('copy_relationships', () => {
    it.each([
      [{ proportionality_factor: '0' }, 'copy_rel_proportionality_range'],
      [{ proportionality_factor: '10.000001' }, 'copy_rel_proportionality_range'],
      [{ max_investment_per_trade_usd: '0' }, 'copy_rel_max_investment_positive'],
      [{ max_total_exposure_usd: '-5' }, 'copy_rel_max_exposure_positive'],
      [{ min_trade_size_usd: '-1' }, 'copy_rel_min_trade_size_non_negative'],
      [{ max_slippage_percent: '100.01' }, 'copy_rel_slippage_range'],
      [{ stop_loss_percent: '0' }, 'copy_rel_stop_loss_range'],
      [{ take_profit_percent: '-1' }, 'copy_rel_take_profit_range'],
      [{ status: 'deleted' }, 'copy_rel_status_valid'],
    ])('rejects %o', async (over, c) => {
      const other = await insertTrader(t.current.db);
      await rejects(
        t.current.db,
        () => insertRelationship(t.current.db, userId, other.wallet_address, over as never),
        c,
      );
    });
    it('rejects following an unknown trader and following the same trader twice', async () => {
      await rejects(
        t.current.db,
        () => insertRelationship(t.current.db, userId, wallet()),
        'copy_relationships_trader_wallet_address_fkey',
      );
      await rejects(
        t.current.db,
        () => insertRelationship(t.current.db, userId, traderWallet),
        'copy_rel_user_trader_unique',
      );
    });
  });

  describe('trades', () => {
    it.each([
      [{ quantity: '0' }, 'trades_quantity_positive'],
      [{ status: 'done' }, 'trades_status_valid'],
      [{ position: 'MAYBE' }, 'trades_position_valid'],
      [{ trader_wallet_address: '0x1' }, 'trades_wallet_format'],
      [{ entry_price: '-0.1' }, 'trades_prices_non_negative'],
      [{ entry_value_usd: '-1' }, 'trades_values_non_negative'],
      [{ fees_usd: '-1' }, 'trades_fees_non_negative'],
      [{ execution_time_ms: -1 }, 'trades_execution_time_non_negative'],
      [{ copying_user_id: '999999999' }, 'trades_copying_user_id_fkey'],
    ])('rejects %o', async (over, c) => {
      await rejects(t.current.db, () => insertTrade(t.current.db, over as never), c);
    });
    it('rejects a duplicate copy_tx_hash for the same entry time', async () => {
      const at = new Date('2026-11-20T10:00:00Z');
      await insertTrade(t.current.db, { copy_tx_hash: '0xabc', entry_timestamp: at });
      await rejects(
        t.current.db,
        () => insertTrade(t.current.db, { copy_tx_hash: '0xabc', entry_timestamp: at }),
        // The constraint is reported on the partition's index, which PostgreSQL names after it.
        expect.stringMatching(/copy_tx_hash/) as unknown as string,
      );
    });
  });

  describe('trade_queue', () => {
    it.each([
      [{ priority: 0 }, 'trade_queue_priority_range'],
      [{ priority: 11 }, 'trade_queue_priority_range'],
      [{ quantity: '0' }, 'trade_queue_quantity_positive'],
      [{ status: 'running' }, 'trade_queue_status_valid'],
      [{ position: 'UP' }, 'trade_queue_position_valid'],
      [{ retry_count: -1 }, 'trade_queue_retries_valid'],
      [{ max_slippage_percent: '101' }, 'trade_queue_slippage_range'],
      [{ target_price: '-1' }, 'trade_queue_target_price_non_negative'],
      [{ trader_wallet_address: 'nope' }, 'trade_queue_wallet_format'],
    ])('rejects %o', async (over, c) => {
      await rejects(t.current.db, () => insertQueueRow(t.current.db, userId, relId, over as never), c);
    });
    it('rejects a duplicate claim token', async () => {
      await insertQueueRow(t.current.db, userId, relId, { celery_task_id: 'claim-1' });
      await rejects(
        t.current.db,
        () => insertQueueRow(t.current.db, userId, relId, { celery_task_id: 'claim-1' }),
        'idx_trade_queue_celery_task',
      );
    });
  });

  it('wrote nothing for any rejected row', async () => {
    const db = t.current.db;
    const count = async (q: string) =>
      Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.raw(q)}`.execute(db)).rows[0]!.n);
    // Everything inserted successfully above, and nothing else.
    expect(await count('polymarket_api_keys')).toBe(3);
    expect(await count('copy_relationships')).toBe(1);
    expect(await count('trades')).toBe(1);
    expect(await count('trade_queue')).toBe(1);
  });

  it('cascades a user deletion to keys, relationships and queue rows, and keeps their trades', async () => {
    const db = t.current.db;
    const u = await insertUser(db);
    const tr = await insertTrader(db);
    const rel = await insertRelationship(db, u.id, tr.wallet_address);
    await insertQueueRow(db, u.id, rel.id);
    const trade = await insertTrade(db, {
      copying_user_id: u.id,
      copy_relationship_id: rel.id,
      is_copy_trade: true,
    });
    await db.deleteFrom('users').where('id', '=', u.id).execute();
    expect(
      await db.selectFrom('copy_relationships').where('user_id', '=', u.id).selectAll().execute(),
    ).toEqual([]);
    expect(await db.selectFrom('trade_queue').where('user_id', '=', u.id).selectAll().execute()).toEqual([]);
    const kept = await db
      .selectFrom('trades')
      .where('id', '=', trade.id)
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(kept.copying_user_id).toBeNull();
    expect(kept.copy_relationship_id).toBeNull();
  });
});
