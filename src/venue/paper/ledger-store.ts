// Where the paper venue keeps its orders, fills and cash movements. Balances are never stored:
// they are derived from these records, so a paper account can always be audited back to its fills.
// One store instance holds one paper account. The in-memory implementation here serves tests and
// the demo; a PostgreSQL-backed one implements the same interface.
import type { Decimal } from '../../domain/money.ts';
import type { OrderType, Side } from '../venue.ts';

export type PaperOrderStatus = 'live' | 'matched' | 'canceled';

export interface PaperOrderRecord {
  readonly clientOrderId: string;
  readonly venueOrderId: string;
  /** The request as first received, so a reused clientOrderId for a different order is caught. */
  readonly requestFingerprint: string;
  readonly tokenId: string;
  readonly conditionId: string;
  readonly side: Side;
  readonly orderType: OrderType;
  /** Quantised limit price. */
  readonly price: Decimal;
  readonly requestedSize: Decimal | null;
  readonly requestedAmount: Decimal | null;
  readonly expiresAt: number | null;
  readonly status: PaperOrderStatus;
  readonly cancelReason: string | null;
  /** Shares still resting (live orders). */
  readonly restingSize: Decimal;
  /** Timestamp of the last book the resting part was matched against, so a book is used once. */
  readonly lastBookTimestampMs: number | null;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface PaperFill {
  /** Stable key: `${venueOrderId}:${sequence}`. Appending the same fill twice is a no-op. */
  readonly fillId: string;
  readonly venueOrderId: string;
  readonly clientOrderId: string;
  readonly tokenId: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly size: Decimal;
  readonly notional: Decimal;
  readonly fee: Decimal;
  readonly liquidity: 'taker' | 'maker';
  readonly atMs: number;
}

export interface PaperCashEntry {
  /** Stable key; recording the same entry twice is a no-op. */
  readonly entryId: string;
  /** Signed pUSD: deposits positive, withdrawals negative. */
  readonly amount: Decimal;
  readonly memo: string;
  readonly atMs: number;
}

export type PaperOrderRef = { readonly clientOrderId: string } | { readonly venueOrderId: string };

export interface PaperLedgerStore {
  findOrder(ref: PaperOrderRef): Promise<PaperOrderRecord | null>;
  /**
   * Records a new order with its immediate fills, atomically. When an order with the same
   * clientOrderId exists, nothing is written and the existing record comes back with inserted=false.
   */
  insertOrder(
    order: PaperOrderRecord,
    fills: readonly PaperFill[],
  ): Promise<{ readonly inserted: boolean; readonly order: PaperOrderRecord }>;
  /** Replaces an order's state and appends fills (by fillId, idempotently), atomically. */
  updateOrder(order: PaperOrderRecord, fills: readonly PaperFill[]): Promise<void>;
  listOpenOrders(): Promise<PaperOrderRecord[]>;
  listFills(filter?: { readonly tokenId?: string; readonly venueOrderId?: string }): Promise<PaperFill[]>;
  addCashEntry(entry: PaperCashEntry): Promise<void>;
  listCashEntries(): Promise<PaperCashEntry[]>;
}

/** In-memory store. Records are frozen copies, so callers can never mutate stored state. */
export class InMemoryPaperLedgerStore implements PaperLedgerStore {
  private readonly orders = new Map<string, PaperOrderRecord>();
  private readonly byVenueId = new Map<string, string>();
  private readonly fills = new Map<string, PaperFill>();
  private readonly cash = new Map<string, PaperCashEntry>();

  async findOrder(ref: PaperOrderRef): Promise<PaperOrderRecord | null> {
    const clientId = 'clientOrderId' in ref ? ref.clientOrderId : this.byVenueId.get(ref.venueOrderId);
    return clientId === undefined ? null : (this.orders.get(clientId) ?? null);
  }

  async insertOrder(
    order: PaperOrderRecord,
    fills: readonly PaperFill[],
  ): Promise<{ inserted: boolean; order: PaperOrderRecord }> {
    const existing = this.orders.get(order.clientOrderId);
    if (existing) return { inserted: false, order: existing };
    this.orders.set(order.clientOrderId, Object.freeze({ ...order }));
    this.byVenueId.set(order.venueOrderId, order.clientOrderId);
    this.appendFills(fills);
    return { inserted: true, order: this.orders.get(order.clientOrderId) as PaperOrderRecord };
  }

  async updateOrder(order: PaperOrderRecord, fills: readonly PaperFill[]): Promise<void> {
    if (!this.orders.has(order.clientOrderId)) {
      throw new Error(`paper order ${order.clientOrderId} does not exist`);
    }
    this.orders.set(order.clientOrderId, Object.freeze({ ...order }));
    this.appendFills(fills);
  }

  async listOpenOrders(): Promise<PaperOrderRecord[]> {
    return [...this.orders.values()].filter((o) => o.status === 'live');
  }

  async listFills(filter: { tokenId?: string; venueOrderId?: string } = {}): Promise<PaperFill[]> {
    return [...this.fills.values()].filter(
      (f) =>
        (filter.tokenId === undefined || f.tokenId === filter.tokenId) &&
        (filter.venueOrderId === undefined || f.venueOrderId === filter.venueOrderId),
    );
  }

  async addCashEntry(entry: PaperCashEntry): Promise<void> {
    if (!this.cash.has(entry.entryId)) this.cash.set(entry.entryId, Object.freeze({ ...entry }));
  }

  async listCashEntries(): Promise<PaperCashEntry[]> {
    return [...this.cash.values()];
  }

  private appendFills(fills: readonly PaperFill[]): void {
    for (const fill of fills) {
      if (!this.fills.has(fill.fillId)) this.fills.set(fill.fillId, Object.freeze({ ...fill }));
    }
  }
}
