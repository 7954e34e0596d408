// PaperLedgerStore in PostgreSQL: one paper account per user. Same contract as the in-memory store:
// balances derive from cash entries and fills, appends are idempotent by id, and an order with its
// immediate fills is written atomically.
import type { Selectable } from 'kysely';
import type { Db } from '../../db/client.ts';
import { withTransaction } from '../../db/client.ts';
import type { PaperFillsTable, PaperOrdersTable } from '../../db/schema.ts';
import { Decimal, toWire } from '../../domain/money.ts';
import type {
  PaperCashEntry,
  PaperFill,
  PaperLedgerStore,
  PaperOrderRecord,
  PaperOrderRef,
} from './ledger-store.ts';

const dOrNull = (v: string | null): Decimal | null => (v === null ? null : new Decimal(v));
const wOrNull = (v: Decimal | null): string | null => (v === null ? null : toWire(v));

function toOrder(r: Selectable<PaperOrdersTable>): PaperOrderRecord {
  return Object.freeze({
    clientOrderId: r.client_order_id,
    venueOrderId: r.venue_order_id,
    requestFingerprint: r.request_fingerprint,
    tokenId: r.token_id,
    conditionId: r.condition_id,
    side: r.side,
    orderType: r.order_type,
    price: new Decimal(r.price),
    requestedSize: dOrNull(r.requested_size),
    requestedAmount: dOrNull(r.requested_amount),
    expiresAt: r.expires_at === null ? null : Number(r.expires_at),
    status: r.status,
    cancelReason: r.cancel_reason,
    restingSize: new Decimal(r.resting_size),
    lastBookTimestampMs: r.last_book_ts_ms === null ? null : Number(r.last_book_ts_ms),
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
  });
}

function toFill(r: Selectable<PaperFillsTable>): PaperFill {
  return Object.freeze({
    fillId: r.fill_id,
    venueOrderId: r.venue_order_id,
    clientOrderId: r.client_order_id,
    tokenId: r.token_id,
    side: r.side,
    price: new Decimal(r.price),
    size: new Decimal(r.size),
    notional: new Decimal(r.notional),
    fee: new Decimal(r.fee),
    liquidity: r.liquidity,
    atMs: Number(r.at_ms),
  });
}

export class PgPaperLedgerStore implements PaperLedgerStore {
  constructor(
    private readonly db: Db,
    /** users.id of the paper account's owner. */
    private readonly accountId: string,
  ) {}

  async findOrder(ref: PaperOrderRef): Promise<PaperOrderRecord | null> {
    let q = this.db.selectFrom('paper_orders').selectAll().where('account_id', '=', this.accountId);
    q =
      'clientOrderId' in ref
        ? q.where('client_order_id', '=', ref.clientOrderId)
        : q.where('venue_order_id', '=', ref.venueOrderId);
    const row = await q.executeTakeFirst();
    return row ? toOrder(row) : null;
  }

  async insertOrder(order: PaperOrderRecord, fills: readonly PaperFill[]) {
    return withTransaction(this.db, async (tx) => {
      const inserted = await tx
        .insertInto('paper_orders')
        .values(this.orderRow(order))
        .onConflict((oc) => oc.columns(['account_id', 'client_order_id']).doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!inserted) {
        const existing = await tx
          .selectFrom('paper_orders')
          .selectAll()
          .where('account_id', '=', this.accountId)
          .where('client_order_id', '=', order.clientOrderId)
          .executeTakeFirstOrThrow();
        return { inserted: false, order: toOrder(existing) };
      }
      await this.appendFills(tx as unknown as Db, fills);
      return { inserted: true, order: toOrder(inserted) };
    });
  }

  async updateOrder(order: PaperOrderRecord, fills: readonly PaperFill[]): Promise<void> {
    await withTransaction(this.db, async (tx) => {
      const { account_id: _a, client_order_id: _c, ...rest } = this.orderRow(order);
      const r = await tx
        .updateTable('paper_orders')
        .set(rest)
        .where('account_id', '=', this.accountId)
        .where('client_order_id', '=', order.clientOrderId)
        .executeTakeFirst();
      if (r.numUpdatedRows !== 1n) throw new Error(`paper order ${order.clientOrderId} does not exist`);
      await this.appendFills(tx as unknown as Db, fills);
    });
  }

  async listOpenOrders(): Promise<PaperOrderRecord[]> {
    const rows = await this.db
      .selectFrom('paper_orders')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .where('status', '=', 'live')
      .orderBy('created_at_ms')
      .execute();
    return rows.map(toOrder);
  }

  async listFills(filter: { tokenId?: string; venueOrderId?: string } = {}): Promise<PaperFill[]> {
    let q = this.db.selectFrom('paper_fills').selectAll().where('account_id', '=', this.accountId);
    if (filter.tokenId !== undefined) q = q.where('token_id', '=', filter.tokenId);
    if (filter.venueOrderId !== undefined) q = q.where('venue_order_id', '=', filter.venueOrderId);
    return (await q.orderBy('at_ms').orderBy('fill_id').execute()).map(toFill);
  }

  async addCashEntry(entry: PaperCashEntry): Promise<void> {
    await this.db
      .insertInto('paper_cash')
      .values({
        account_id: this.accountId,
        entry_id: entry.entryId,
        amount: toWire(entry.amount),
        memo: entry.memo,
        at_ms: entry.atMs,
      })
      .onConflict((oc) => oc.columns(['account_id', 'entry_id']).doNothing())
      .execute();
  }

  async listCashEntries(): Promise<PaperCashEntry[]> {
    const rows = await this.db
      .selectFrom('paper_cash')
      .selectAll()
      .where('account_id', '=', this.accountId)
      .orderBy('at_ms')
      .orderBy('entry_id')
      .execute();
    return rows.map((r) =>
      Object.freeze({
        entryId: r.entry_id,
        amount: new Decimal(r.amount),
        memo: r.memo,
        atMs: Number(r.at_ms),
      }),
    );
  }

  private orderRow(o: PaperOrderRecord) {
    return {
      account_id: this.accountId,
      client_order_id: o.clientOrderId,
      venue_order_id: o.venueOrderId,
      request_fingerprint: o.requestFingerprint,
      token_id: o.tokenId,
      condition_id: o.conditionId,
      side: o.side,
      order_type: o.orderType,
      price: toWire(o.price),
      requested_size: wOrNull(o.requestedSize),
      requested_amount: wOrNull(o.requestedAmount),
      expires_at: o.expiresAt,
      status: o.status,
      cancel_reason: o.cancelReason,
      resting_size: toWire(o.restingSize),
      last_book_ts_ms: o.lastBookTimestampMs,
      created_at_ms: o.createdAtMs,
      updated_at_ms: o.updatedAtMs,
    };
  }

  private async appendFills(db: Db, fills: readonly PaperFill[]): Promise<void> {
    if (fills.length === 0) return;
    await db
      .insertInto('paper_fills')
      .values(
        fills.map((f) => ({
          account_id: this.accountId,
          fill_id: f.fillId,
          venue_order_id: f.venueOrderId,
          client_order_id: f.clientOrderId,
          token_id: f.tokenId,
          side: f.side,
          price: toWire(f.price),
          size: toWire(f.size),
          notional: toWire(f.notional),
          fee: toWire(f.fee),
          liquidity: f.liquidity,
          at_ms: f.atMs,
        })),
      )
      .onConflict((oc) => oc.columns(['account_id', 'fill_id']).doNothing())
      .execute();
  }
}
