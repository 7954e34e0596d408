// The shared venue contract, run against the paper adapter over an in-memory market-data fake.
import { runVenueContract } from '../../contract/venue-contract.ts';
import { PaperVenue } from '../../../src/venue/paper/paper-venue.ts';
import { FakeMarketData } from './fake-market-data.ts';

const CONDITION_ID = `0x${'5f'.repeat(32)}`;
const YES = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const NO = '52114319501245915516055106046884209969926127482827954674443846427813813222426';

runVenueContract('paper over a fake market-data source', async () => {
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
  // A second market so listing and lookups are not trivially the only market.
  source.addMarket({
    conditionId: `0x${'11'.repeat(32)}`,
    tokens: [
      { tokenId: '1001', outcome: 'Yes' },
      { tokenId: '1002', outcome: 'No' },
    ],
  });
  const venue = new PaperVenue({ source });
  return {
    venue,
    market: { conditionId: CONDITION_ID, tokenId: YES },
    fundWallet: (amount) => venue.deposit(amount),
    setBook: async (tokenId, book) => source.setBook(tokenId, book),
    close: async () => {},
  };
});
