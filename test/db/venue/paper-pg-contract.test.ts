// The venue contract against the paper adapter whose ledger lives in PostgreSQL, plus what only a
// persistent store can show: a second PaperVenue over the same account sees the same orders,
// fills and balance (a worker restart), and accounts are isolated from each other.
import { describe, expect, it } from 'vitest';
import { runVenueContract } from '../../contract/venue-contract.ts';
import { PaperVenue } from '../../../src/venue/paper/paper-venue.ts';
import { PgPaperLedgerStore } from '../../../src/venue/paper/pg-ledger-store.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { FakeMarketData } from '../../unit/venue/fake-market-data.ts';
import { insertUser } from '../../support/fixtures.ts';
import { createTestDatabase } from '../../support/test-database.ts';

const CONDITION_ID = `0x${'5f'.repeat(32)}`;
const YES = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const NO = '52114319501245915516055106046884209969926127482827954674443846427813813222426';

function marketSource(): FakeMarketData {
  const source = new FakeMarketData();
  source.addMarket({
    conditionId: CONDITION_ID,
    tokens: [
      { tokenId: YES, outcome: 'Yes' },
      { tokenId: NO, outcome: 'No' },
    ],
    tickSize: '0.01',
    minOrderSize: '5',
    feeRate: '0.04',
  });
  return source;
}

runVenueContract('paper with a PostgreSQL ledger', async () => {
  const database = await createTestDatabase();
  const user = await insertUser(database.db);
  const source = marketSource();
  const venue = new PaperVenue({ source, store: new PgPaperLedgerStore(database.db, user.id) });
  return {
    venue,
    market: { conditionId: CONDITION_ID, tokenId: YES },
    fundWallet: (amount) => venue.deposit(amount),
    setBook: async (tokenId, book) => source.setBook(tokenId, book),
    close: () => database.drop(),
  };
});

describe('paper ledger in PostgreSQL', () => {
  it('survives a restart and keeps accounts apart', async () => {
    const database = await createTestDatabase();
    try {
      const alice = await insertUser(database.db);
      const bob = await insertUser(database.db);
      const source = marketSource();
      source.setBook(YES, { bids: [['0.48', '100']], asks: [['0.52', '100']] });
      const first = new PaperVenue({ source, store: new PgPaperLedgerStore(database.db, alice.id) });
      await first.deposit(new Decimal(100));
      const placed = await first.placeOrder({
        clientOrderId: 'q-1',
        tokenId: YES,
        side: 'BUY',
        orderType: 'FOK',
        price: new Decimal('0.55'),
        size: new Decimal(10),
      });
      expect(placed.status).toBe('matched');

      const restarted = new PaperVenue({ source, store: new PgPaperLedgerStore(database.db, alice.id) });
      expect((await restarted.lookupOrder({ clientOrderId: 'q-1' }))?.venueOrderId).toBe(placed.venueOrderId);
      expect((await restarted.getTokenBalance(YES)).balance.toFixed()).toBe('10');
      expect((await restarted.getCollateralBalance()).balance.toFixed()).toBe(
        (await first.getCollateralBalance()).balance.toFixed(),
      );
      // Same clientOrderId again after the restart: the first order, not a second one.
      const again = await restarted.placeOrder({
        clientOrderId: 'q-1',
        tokenId: YES,
        side: 'BUY',
        orderType: 'FOK',
        price: new Decimal('0.55'),
        size: new Decimal(10),
      });
      expect(again.venueOrderId).toBe(placed.venueOrderId);
      expect((await restarted.getTokenBalance(YES)).balance.toFixed()).toBe('10');

      const other = new PaperVenue({ source, store: new PgPaperLedgerStore(database.db, bob.id) });
      expect(await other.lookupOrder({ clientOrderId: 'q-1' })).toBeNull();
      expect((await other.getCollateralBalance()).balance.toFixed()).toBe('0');
    } finally {
      await database.drop();
    }
  });
});
