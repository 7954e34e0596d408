// Small builders for fixture rows. Each fills only what a table requires; tests override the rest.
import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Db } from '../../src/db/client.ts';
import type {
  CopyRelationshipsTable,
  TradeQueueTable,
  TradersTable,
  TradesTable,
  UsersTable,
} from '../../src/db/schema.ts';

export const wallet = (): string => `0x${randomBytes(20).toString('hex')}`;
export const txHash = (): string => `0x${randomBytes(32).toString('hex')}`;

let seq = 0;
const next = () => ++seq;

export async function insertUser(db: Db, values: Partial<Insertable<UsersTable>> = {}) {
  return db
    .insertInto('users')
    .values({ email: `user${next()}_${randomBytes(3).toString('hex')}@example.com`, ...values })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertTrader(db: Db, values: Partial<Insertable<TradersTable>> = {}) {
  return db
    .insertInto('traders')
    .values({ wallet_address: wallet(), ...values })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertRelationship(
  db: Db,
  userId: string,
  traderWallet: string,
  values: Partial<Insertable<CopyRelationshipsTable>> = {},
) {
  return db
    .insertInto('copy_relationships')
    .values({ user_id: userId, trader_wallet_address: traderWallet, ...values })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertTrade(db: Db, values: Partial<Insertable<TradesTable>> = {}) {
  return db
    .insertInto('trades')
    .values({
      trader_wallet_address: wallet(),
      market_id: `0x${randomBytes(32).toString('hex')}`,
      position: 'YES',
      entry_price: '0.5',
      quantity: '10',
      entry_value_usd: '5',
      entry_timestamp: new Date(),
      ...values,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertQueueRow(
  db: Db,
  userId: string,
  relationshipId: string,
  values: Partial<Insertable<TradeQueueTable>> = {},
) {
  return db
    .insertInto('trade_queue')
    .values({
      user_id: userId,
      copy_relationship_id: relationshipId,
      trader_wallet_address: wallet(),
      market_id: 'market-1',
      position: 'YES',
      quantity: '10',
      ...values,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
