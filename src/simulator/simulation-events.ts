// The shapes the simulation publishes (fills as the Data API and the chain show them) and knows its
// wallets by: shared by the simulation, its read views and its servers, so the views need not import
// the simulation that uses them.
import type { Decimal } from '../domain/money.ts';
import type { TraderStyle } from './model/traders.ts';

export interface LegEvent {
  wallet: string;
  role: 'MAKER' | 'TAKER';
  orderId: string;
  /** Token id. */
  asset: string;
  outcome: string;
  outcomeIndex: number;
  side: 'BUY' | 'SELL';
  price: Decimal;
  size: Decimal;
  /** pUSD paid or received, fees excluded. */
  usdcSize: Decimal;
  fee: Decimal;
}

export interface FillEvent {
  id: string;
  tradeId: string;
  transactionHash: string;
  logIndex: number;
  /** Epoch ms. */
  timestamp: number;
  conditionId: string;
  slug: string;
  title: string;
  eventSlug: string;
  icon: string;
  matchType: 'NORMAL' | 'MINT' | 'MERGE';
  size: Decimal;
  maker: LegEvent;
  taker: LegEvent;
}

export interface WalletInfo {
  address: string;
  name: string;
  pseudonym: string;
  style: TraderStyle | 'market-maker' | 'external' | 'treasury';
}
