// Balances, reservations and positions of every wallet in the simulator, in integer micro-units.
//
// Conservation: pUSD only enters through funding and never leaves the system. At every moment
//   Σ wallet pUSD + Σ market collateral + fees collected = Σ funding,
// and for every unresolved market, collateral = supply of YES = supply of NO (each YES+NO pair
// is backed by exactly 1 pUSD). `audit()` checks both.
//
// Positions use average cost: buys add their pUSD (fees excluded; fees are tracked per holding
// and per account) to the cost basis, sells realize proceeds − average cost of the shares sold.
import type { EngineMarket, OutcomeIndex } from './types.ts';
import { mulDiv, notionalMicro } from './units.ts';

export type LedgerEventType = 'DEPOSIT' | 'SPLIT' | 'MERGE' | 'REDEEM';

/** Non-trade activity of a wallet (trades are recorded as fills). */
export interface LedgerEvent {
  readonly type: LedgerEventType;
  readonly timestamp: number;
  readonly market: EngineMarket | null;
  readonly outcome: OutcomeIndex | -1;
  readonly sizeMicro: number;
  readonly usdcMicro: number;
  readonly txHash: string;
}

export class Holding {
  balanceMicro = 0;
  /** Shares locked by resting SELL orders. */
  reservedMicro = 0;
  /** Cost basis of the current balance, micro-pUSD. */
  costMicro = 0;
  realizedMicro = 0;
  boughtMicro = 0;
  boughtUsdcMicro = 0;
  soldMicro = 0;
  feesMicro = 0;
  firstTs = 0;
  lastTs = 0;
  /** Payout per share after resolution: 1_000_000 or 0; -1 while the market is open. */
  settledPriceMicro = -1;

  constructor(
    readonly market: EngineMarket,
    readonly outcome: OutcomeIndex,
  ) {}

  get availableMicro(): number {
    return this.balanceMicro - this.reservedMicro;
  }
}

export class Account {
  pusdMicro = 0;
  /** pUSD locked by resting BUY orders. */
  reservedMicro = 0;
  /** Net pUSD-equivalent funded into this wallet (for P&L = equity − net funding). */
  fundedMicro = 0;
  feesMicro = 0;
  realizedMicro = 0;
  volumeMicro = 0;
  /** Keyed by asset index = market.idx * 2 + outcome. */
  readonly holdings = new Map<number, Holding>();
  readonly events: LedgerEvent[] = [];

  constructor(readonly address: string) {}

  get availableMicro(): number {
    return this.pusdMicro - this.reservedMicro;
  }

  holding(market: EngineMarket, outcome: OutcomeIndex): Holding {
    const key = market.idx * 2 + outcome;
    let h = this.holdings.get(key);
    if (h === undefined) {
      h = new Holding(market, outcome);
      this.holdings.set(key, h);
    }
    return h;
  }

  peekHolding(market: EngineMarket, outcome: OutcomeIndex): Holding | undefined {
    return this.holdings.get(market.idx * 2 + outcome);
  }
}

export interface AuditResult {
  ok: boolean;
  fundedMicro: number;
  walletPusdMicro: number;
  collateralMicro: number;
  feesMicro: number;
  problems: string[];
}

export class Ledger {
  readonly accounts = new Map<string, Account>();
  /** Holders per asset index, for resolution and /holders. */
  readonly holders = new Map<number, Set<Account>>();
  feesCollectedMicro = 0;
  totalFundedMicro = 0;
  private readonly markets: EngineMarket[] = [];

  registerMarket(market: EngineMarket): void {
    this.markets[market.idx] = market;
  }

  account(address: string): Account {
    const key = address.toLowerCase();
    let a = this.accounts.get(key);
    if (a === undefined) {
      a = new Account(key);
      this.accounts.set(key, a);
    }
    return a;
  }

  peek(address: string): Account | undefined {
    return this.accounts.get(address.toLowerCase());
  }

  fundPusd(account: Account, micro: number, ts: number, txHash: string): void {
    if (!Number.isSafeInteger(micro) || micro <= 0) throw new RangeError('funding must be positive');
    account.pusdMicro += micro;
    account.fundedMicro += micro;
    this.totalFundedMicro += micro;
    account.events.push({
      type: 'DEPOSIT',
      timestamp: ts,
      market: null,
      outcome: -1,
      sizeMicro: micro,
      usdcMicro: micro,
      txHash,
    });
  }

  /**
   * Funds outcome tokens. Tokens only exist in backed pairs, so this deposits `size` pUSD of
   * collateral from outside, gives `size` of the chosen token to `account` at cost `priceMicro`
   * and the complementary tokens to `counterparty` (the simulator treasury) at 1 − price.
   */
  fundTokens(
    account: Account,
    counterparty: Account,
    market: EngineMarket,
    outcome: OutcomeIndex,
    sizeMicro: number,
    priceMicro: number,
    ts: number,
  ): void {
    const cost = notionalMicro(sizeMicro, priceMicro);
    market.collateralMicro += sizeMicro;
    this.totalFundedMicro += sizeMicro;
    account.fundedMicro += cost;
    counterparty.fundedMicro += sizeMicro - cost;
    this.credit(account, market, outcome, sizeMicro, cost, ts);
    this.credit(counterparty, market, (1 - outcome) as OutcomeIndex, sizeMicro, sizeMicro - cost, ts);
  }

  /** Adds shares bought for `costMicro` (fees excluded) to a holding. */
  credit(
    account: Account,
    market: EngineMarket,
    outcome: OutcomeIndex,
    sizeMicro: number,
    costMicro: number,
    ts: number,
  ): Holding {
    const h = account.holding(market, outcome);
    if (h.balanceMicro === 0) this.holderSet(market.idx * 2 + outcome).add(account);
    h.balanceMicro += sizeMicro;
    h.costMicro += costMicro;
    h.boughtMicro += sizeMicro;
    h.boughtUsdcMicro += costMicro;
    if (h.firstTs === 0) h.firstTs = ts;
    h.lastTs = ts;
    return h;
  }

  /** Removes shares sold for `proceedsMicro` (fees excluded) and realizes P&L. */
  debit(account: Account, h: Holding, sizeMicro: number, proceedsMicro: number, ts: number): void {
    const cost = h.balanceMicro === sizeMicro ? h.costMicro : mulDiv(h.costMicro, sizeMicro, h.balanceMicro);
    h.balanceMicro -= sizeMicro;
    h.costMicro -= cost;
    h.soldMicro += sizeMicro;
    const pnl = proceedsMicro - cost;
    h.realizedMicro += pnl;
    account.realizedMicro += pnl;
    h.lastTs = ts;
    if (h.balanceMicro === 0) this.holderSet(h.market.idx * 2 + h.outcome).delete(account);
  }

  chargeFee(account: Account, h: Holding, feeMicro: number): void {
    if (feeMicro === 0) return;
    account.pusdMicro -= feeMicro;
    account.feesMicro += feeMicro;
    h.feesMicro += feeMicro;
    this.feesCollectedMicro += feeMicro;
  }

  /** CTF split: pUSD → YES + NO pairs, each side carried at cost 0.5. */
  split(account: Account, market: EngineMarket, sizeMicro: number, ts: number, txHash: string): void {
    if (account.availableMicro < sizeMicro) throw new RangeError('not enough balance / allowance');
    account.pusdMicro -= sizeMicro;
    market.collateralMicro += sizeMicro;
    const half = notionalMicro(sizeMicro, 500_000);
    this.credit(account, market, 0, sizeMicro, half, ts);
    this.credit(account, market, 1, sizeMicro, sizeMicro - half, ts);
    account.events.push({
      type: 'SPLIT',
      timestamp: ts,
      market,
      outcome: -1,
      sizeMicro,
      usdcMicro: sizeMicro,
      txHash,
    });
  }

  /** CTF merge: YES + NO pairs → pUSD, each side realized at 0.5. */
  merge(account: Account, market: EngineMarket, sizeMicro: number, ts: number, txHash: string): void {
    const yes = account.peekHolding(market, 0);
    const no = account.peekHolding(market, 1);
    if (
      yes === undefined ||
      no === undefined ||
      yes.availableMicro < sizeMicro ||
      no.availableMicro < sizeMicro
    ) {
      throw new RangeError('not enough balance / allowance');
    }
    const half = notionalMicro(sizeMicro, 500_000);
    this.debit(account, yes, sizeMicro, half, ts);
    this.debit(account, no, sizeMicro, sizeMicro - half, ts);
    market.collateralMicro -= sizeMicro;
    account.pusdMicro += sizeMicro;
    account.events.push({
      type: 'MERGE',
      timestamp: ts,
      market,
      outcome: -1,
      sizeMicro,
      usdcMicro: sizeMicro,
      txHash,
    });
  }

  /** Pays out every holder of a resolved market from its collateral (auto-redeem). */
  settle(
    market: EngineMarket,
    winner: OutcomeIndex,
    ts: number,
    txHashFor: (account: Account) => string,
  ): void {
    for (const outcome of [0, 1] as const) {
      const key = market.idx * 2 + outcome;
      const set = this.holders.get(key);
      if (set === undefined) continue;
      const payPrice = outcome === winner ? 1_000_000 : 0;
      for (const account of [...set]) {
        const h = account.peekHolding(market, outcome);
        if (h === undefined || h.balanceMicro === 0) continue;
        const size = h.balanceMicro;
        const payout = outcome === winner ? size : 0;
        h.reservedMicro = 0;
        this.debit(account, h, size, payout, ts);
        h.settledPriceMicro = payPrice;
        account.pusdMicro += payout;
        market.collateralMicro -= payout;
        account.events.push({
          type: 'REDEEM',
          timestamp: ts,
          market,
          outcome,
          sizeMicro: size,
          usdcMicro: payout,
          txHash: txHashFor(account),
        });
      }
      this.holders.delete(key);
    }
  }

  private holderSet(key: number): Set<Account> {
    let s = this.holders.get(key);
    if (s === undefined) {
      s = new Set();
      this.holders.set(key, s);
    }
    return s;
  }

  /** Checks conservation of pUSD and full collateralisation of every market. */
  audit(): AuditResult {
    const problems: string[] = [];
    let wallets = 0;
    const supply = new Map<number, number>();
    for (const a of this.accounts.values()) {
      wallets += a.pusdMicro;
      if (a.pusdMicro < 0) problems.push(`${a.address} has negative pUSD`);
      if (a.reservedMicro < 0 || a.reservedMicro > a.pusdMicro)
        problems.push(`${a.address} reserved pUSD out of range`);
      for (const [key, h] of a.holdings) {
        if (h.balanceMicro < 0) problems.push(`${a.address} negative token balance`);
        if (h.reservedMicro < 0 || h.reservedMicro > h.balanceMicro)
          problems.push(`${a.address} reserved tokens out of range`);
        supply.set(key, (supply.get(key) ?? 0) + h.balanceMicro);
      }
    }
    let collateral = 0;
    for (const m of this.markets) {
      if (m === undefined) continue;
      collateral += m.collateralMicro;
      const yes = supply.get(m.idx * 2) ?? 0;
      const no = supply.get(m.idx * 2 + 1) ?? 0;
      if (yes !== m.collateralMicro || no !== m.collateralMicro) {
        problems.push(`${m.conditionId}: collateral ${m.collateralMicro} vs YES ${yes} / NO ${no}`);
      }
    }
    const total = wallets + collateral + this.feesCollectedMicro;
    if (total !== this.totalFundedMicro)
      problems.push(`pUSD not conserved: ${total} != ${this.totalFundedMicro}`);
    return {
      ok: problems.length === 0,
      fundedMicro: this.totalFundedMicro,
      walletPusdMicro: wallets,
      collateralMicro: collateral,
      feesMicro: this.feesCollectedMicro,
      problems,
    };
  }
}
