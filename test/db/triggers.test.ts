// update_updated_at_column() moves updated_at on every UPDATE of the four seed tables, and only there.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { insertRelationship, insertTrade, insertTrader, insertUser } from '../support/fixtures.ts';
import { useTestDatabase } from '../support/test-database.ts';

describe('updated_at trigger', () => {
  const t = useTestDatabase();
  const past = new Date('2020-01-01T00:00:00Z');

  it('updates users, polymarket_api_keys, copy_relationships and trades', async () => {
    const db = t.current.db;
    const user = await insertUser(db, { updated_at: past });
    const trader = await insertTrader(db);
    const rel = await insertRelationship(db, user.id, trader.wallet_address, { updated_at: past });
    const key = await db
      .insertInto('polymarket_api_keys')
      .values({
        user_id: user.id,
        encrypted_api_key: Buffer.from('x'),
        encrypted_api_secret: Buffer.from('y'),
        key_hash: 'b'.repeat(64),
        updated_at: past,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const trade = await insertTrade(db, {
      updated_at: past,
      entry_timestamp: new Date('2026-11-20T00:00:00Z'),
    });
    expect([user, rel, key, trade].map((r) => r.updated_at.toISOString())).toEqual(
      Array(4).fill(past.toISOString()),
    );

    const before = Date.now() - 5_000;
    await db.updateTable('users').set({ username: 'alice' }).where('id', '=', user.id).execute();
    await db.updateTable('copy_relationships').set({ status: 'paused' }).where('id', '=', rel.id).execute();
    await db.updateTable('polymarket_api_keys').set({ key_name: 'main' }).where('id', '=', key.id).execute();
    await db.updateTable('trades').set({ status: 'open' }).where('id', '=', trade.id).execute();

    const stamps = await Promise.all([
      db.selectFrom('users').select('updated_at').where('id', '=', user.id).executeTakeFirstOrThrow(),
      db
        .selectFrom('copy_relationships')
        .select('updated_at')
        .where('id', '=', rel.id)
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('polymarket_api_keys')
        .select('updated_at')
        .where('id', '=', key.id)
        .executeTakeFirstOrThrow(),
      db.selectFrom('trades').select('updated_at').where('id', '=', trade.id).executeTakeFirstOrThrow(),
    ]);
    for (const s of stamps) expect(s.updated_at.getTime()).toBeGreaterThan(before);
  });

  it('overrides an explicit updated_at in the UPDATE itself', async () => {
    const db = t.current.db;
    const user = await insertUser(db);
    await db
      .updateTable('users')
      .set({ updated_at: past, username: 'bob' })
      .where('id', '=', user.id)
      .execute();
    const row = await db
      .selectFrom('users')
      .select('updated_at')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.updated_at.getTime()).toBeGreaterThan(past.getTime());
  });

  it('applies to trades rows in every partition, including the default one', async () => {
    const db = t.current.db;
    const ancient = await insertTrade(db, {
      updated_at: past,
      entry_timestamp: new Date('1999-03-01T00:00:00Z'),
    });
    await db.updateTable('trades').set({ status: 'closed' }).where('id', '=', ancient.id).execute();
    const r = await sql<{ updated_at: Date; part: string }>`
      SELECT updated_at, tableoid::regclass::text AS part FROM trades WHERE id = ${ancient.id}`.execute(db);
    expect(r.rows[0]!.part).toBe('trades_default');
    expect(r.rows[0]!.updated_at.getTime()).toBeGreaterThan(past.getTime());
  });
});
