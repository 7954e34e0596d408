// The shared venue contract, run against the live Polymarket adapter pointed at the simulator
// server started in-process: real HTTP, real L1/L2 auth, real EIP-712 signatures, the simulator's
// matching engine. One server per file; each contract case gets a fresh wallet and API key.
import { afterAll, beforeAll } from 'vitest';
import { runVenueContract } from '../../../contract/venue-contract.ts';
import { SimHarness, type SimMarketSummary } from './sim-harness.ts';

let sim: SimHarness;
let market: SimMarketSummary;

beforeAll(async () => {
  sim = await SimHarness.start();
  market = await sim.binaryMarket();
});

afterAll(async () => {
  await sim.close();
});

runVenueContract('polymarket-live→simulator', async () => {
  const { venue } = await sim.newAccount();
  const tokenId = market.tokens[0]?.tokenId as string;
  return {
    venue,
    market: { conditionId: market.conditionId, tokenId },
    fundWallet: (amount) => sim.fund(venue.funderAddress, amount),
    setBook: (token, book) => sim.setBook(token, book),
    close: async () => {},
  };
});
