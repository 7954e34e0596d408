// CLOB trades (`/data/trades`, WS user channel `trade` events) of the orders placed through the
// API. One trade = one taker order's match (production's `tradeIDs` entry), made of one fill per
// maker order it hit; both the taker's and the makers' API keys see it (trader_side tells which).
import { Decimal } from '../../domain/money.ts';
import type { FillEvent, Simulation } from '../simulation.ts';

export interface MakerOrderView {
  order_id: string;
  owner: string;
  maker_address: string;
  matched_amount: string;
  price: string;
  fee_rate_bps: string;
  asset_id: string;
  outcome: string;
  outcome_index: number;
  side: string;
}

export interface TradeRecord {
  id: string;
  taker_order_id: string;
  market: string;
  asset_id: string;
  side: string;
  size: Decimal;
  /** Σ taker pUSD, for the average price. */
  notional: Decimal;
  fee_rate_bps: string;
  status: string;
  match_time: string;
  last_update: string;
  outcome: string;
  outcome_index: number;
  owner: string;
  maker_address: string;
  transaction_hash: string;
  bucket_index: number;
  maker_orders: MakerOrderView[];
  /** API keys involved: taker key (if any) and maker keys. */
  takerKey: string;
  makerKeys: Set<string>;
  timestampMs: number;
}

export interface TradeView {
  type: 'TRADE';
  id: string;
  taker_order_id: string;
  market: string;
  asset_id: string;
  side: string;
  size: string;
  fee_rate_bps: string;
  price: string;
  status: string;
  match_time: string;
  last_update: string;
  outcome: string;
  bucket_index: number;
  owner: string;
  maker_address: string;
  transaction_hash: string;
  trader_side: 'TAKER' | 'MAKER';
  maker_orders: MakerOrderView[];
}

export function tradeView(t: TradeRecord, apiKey: string, status = t.status): TradeView {
  const price = t.size.isZero()
    ? new Decimal(0)
    : t.notional.div(t.size).toDecimalPlaces(6, Decimal.ROUND_HALF_UP);
  return {
    type: 'TRADE',
    id: t.id,
    taker_order_id: t.taker_order_id,
    market: t.market,
    asset_id: t.asset_id,
    side: t.side,
    size: t.size.toFixed(),
    fee_rate_bps: t.fee_rate_bps,
    price: price.toFixed(),
    status,
    match_time: t.match_time,
    last_update: t.last_update,
    outcome: t.outcome,
    bucket_index: t.bucket_index,
    owner: t.owner,
    maker_address: t.maker_address,
    transaction_hash: t.transaction_hash,
    trader_side: t.takerKey === apiKey ? 'TAKER' : 'MAKER',
    maker_orders: t.maker_orders,
  };
}

export class TradeStore {
  private readonly byId = new Map<string, TradeRecord>();
  private readonly byKey = new Map<string, TradeRecord[]>();
  /** Trades touched since the last drain (for the user channel). */
  private pending: TradeRecord[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly isApiKey: (owner: string) => boolean,
  ) {}

  /** Records a fill if an API key owns either side. */
  onFill(f: FillEvent): void {
    const engine = this.sim.engine;
    const takerOwner = engine.getOrder(f.taker.orderId)?.owner ?? '';
    const makerOwner = engine.getOrder(f.maker.orderId)?.owner ?? '';
    const takerKey = this.isApiKey(takerOwner) ? takerOwner : '';
    const makerKey = this.isApiKey(makerOwner) ? makerOwner : '';
    if (takerKey === '' && makerKey === '') return;
    const m = this.sim.marketByCondition(f.conditionId);
    const feeBps = String(m?.feeRateBps ?? 0);
    let t = this.byId.get(f.tradeId);
    const ts = String(Math.floor(f.timestamp / 1000));
    if (t === undefined) {
      t = {
        id: f.tradeId,
        taker_order_id: f.taker.orderId,
        market: f.conditionId,
        asset_id: f.taker.asset,
        side: f.taker.side,
        size: new Decimal(0),
        notional: new Decimal(0),
        fee_rate_bps: feeBps,
        status: 'CONFIRMED',
        match_time: ts,
        last_update: ts,
        outcome: f.taker.outcome,
        outcome_index: f.taker.outcomeIndex,
        owner: takerKey,
        maker_address: f.taker.wallet,
        transaction_hash: f.transactionHash,
        bucket_index: 0,
        maker_orders: [],
        takerKey,
        makerKeys: new Set(),
        timestampMs: f.timestamp,
      };
      this.byId.set(t.id, t);
      if (takerKey !== '') this.index(takerKey, t);
    }
    t.size = t.size.plus(f.size);
    t.notional = t.notional.plus(f.taker.usdcSize);
    t.maker_orders.push({
      order_id: f.maker.orderId,
      owner: makerKey,
      maker_address: f.maker.wallet,
      matched_amount: f.size.toFixed(),
      price: f.maker.price.toFixed(),
      fee_rate_bps: feeBps,
      asset_id: f.maker.asset,
      outcome: f.maker.outcome,
      outcome_index: f.maker.outcomeIndex,
      side: f.maker.side,
    });
    if (makerKey !== '' && makerKey !== takerKey && !t.makerKeys.has(makerKey)) {
      t.makerKeys.add(makerKey);
      this.index(makerKey, t);
    }
    if (this.pending[this.pending.length - 1] !== t) this.pending.push(t);
  }

  private index(key: string, t: TradeRecord): void {
    let list = this.byKey.get(key);
    if (list === undefined) {
      list = [];
      this.byKey.set(key, list);
    }
    list.push(t);
  }

  get(id: string): TradeRecord | undefined {
    return this.byId.get(id);
  }

  /** Trades of one API key, oldest first. */
  of(apiKey: string): readonly TradeRecord[] {
    return this.byKey.get(apiKey) ?? [];
  }

  /** Trades created or extended since the previous call (deduplicated). */
  drain(): TradeRecord[] {
    if (this.pending.length === 0) return [];
    const out = [...new Set(this.pending)];
    this.pending = [];
    return out;
  }
}
