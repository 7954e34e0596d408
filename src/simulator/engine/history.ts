// Recorded history for the Data API views: fills per wallet and per market, sampled prices per
// market, and periodic equity snapshots per wallet (for windowed leaderboard P&L).
import type { Account } from './ledger.ts';
import type { Fill } from './types.ts';

export const ROLE_MAKER = 0;
export const ROLE_TAKER = 1;

export interface WalletFills {
  readonly fills: Fill[];
  /** ROLE_MAKER / ROLE_TAKER for each entry of `fills` (a self-trade appears twice). */
  readonly roles: number[];
}

interface EquitySeries {
  /** Index into snapshotTimes of the first entry. */
  readonly start: number;
  readonly equity: number[];
  readonly funded: number[];
}

export class History {
  readonly byWallet = new Map<string, WalletFills>();
  readonly byMarket = new Map<number, Fill[]>();
  /** YES price samples per market: times (ms) and prices (micro). */
  readonly priceSamples = new Map<number, { t: number[]; p: number[] }>();
  readonly snapshotTimes: number[] = [];
  private readonly equity = new Map<string, EquitySeries>();

  record(fill: Fill): void {
    this.walletFills(fill.maker.address).fills.push(fill);
    this.walletFills(fill.maker.address).roles.push(ROLE_MAKER);
    const t = this.walletFills(fill.taker.address);
    t.fills.push(fill);
    t.roles.push(ROLE_TAKER);
    let m = this.byMarket.get(fill.market.idx);
    if (m === undefined) {
      m = [];
      this.byMarket.set(fill.market.idx, m);
    }
    m.push(fill);
  }

  walletFills(address: string): WalletFills {
    let w = this.byWallet.get(address);
    if (w === undefined) {
      w = { fills: [], roles: [] };
      this.byWallet.set(address, w);
    }
    return w;
  }

  samplePrice(marketIdx: number, t: number, priceMicro: number): void {
    let s = this.priceSamples.get(marketIdx);
    if (s === undefined) {
      s = { t: [], p: [] };
      this.priceSamples.set(marketIdx, s);
    }
    s.t.push(t);
    s.p.push(priceMicro);
  }

  /** Records one equity snapshot for every account, with `equityOf` marking positions. */
  snapshot(t: number, accounts: Iterable<Account>, equityOf: (a: Account) => number): void {
    const idx = this.snapshotTimes.length;
    this.snapshotTimes.push(t);
    for (const a of accounts) {
      let s = this.equity.get(a.address);
      if (s === undefined) {
        s = { start: idx, equity: [], funded: [] };
        this.equity.set(a.address, s);
      }
      s.equity.push(equityOf(a));
      s.funded.push(a.fundedMicro);
    }
  }

  /**
   * Equity and funding of a wallet at the last snapshot at or before `t`; null when the wallet
   * has no snapshot that early (it did not exist yet: its P&L before is zero).
   */
  equityAt(address: string, t: number): { equity: number; funded: number } | null {
    const s = this.equity.get(address);
    if (s === undefined) return null;
    const times = this.snapshotTimes;
    let lo = 0;
    let hi = times.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((times[mid] as number) <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < s.start) return null;
    const i = found - s.start;
    return { equity: s.equity[i] as number, funded: s.funded[i] as number };
  }
}
