// Reconciliation of rows that ran out of retries while their order's fate was unknown, end to end:
// live copies against the simulator, the real executor leaving the rows `reconcile:` (max_retries 0,
// so the one attempt's ambiguous failure exhausts them), then reconcileUnknownOutcomes against the
// same venue. The simulator's per-key ledger proves which orders really arrived. The reconciler
// sends only an order the venue proves it never received — the very order signed at admission, while
// the book would still fill it within its limit — and nothing else.
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import { cancelExpired, claimBatch, recoverExpiredLeases } from '../../../src/execution/queue-claims.ts';
import {
  reconcileBacklog,
  reconcileUnknownOutcomes,
  type ReconcileAction,
} from '../../../src/execution/reconcile.ts';
import type { VenueProvider } from '../../../src/execution/venue-provider.ts';
import type { CopyWorker } from '../../../src/execution/worker.ts';
import type { LeaderFillDetector } from '../../../src/ingest/detector.ts';
import type { OrderRef, Venue } from '../../../src/venue/venue.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import {
  buildWorld,
  copiesOf,
  detectorFor,
  EngineSim,
  leaderBuy,
  logger,
  newLiveFollower,
  newTrader,
  queueRowsOf,
  unfinishedRows,
  waitFor,
  workerFor,
  type EngineWorld,
  type Follower,
} from './engine-harness.ts';

let sim: EngineSim;

beforeAll(async () => {
  sim = await EngineSim.start(53);
});
afterAll(async () => {
  await sim?.close();
});

/** A provider whose venues count lookups per client order id (and never place orders). */
function countingProvider(
  inner: VenueProvider,
  lookups: Map<string, number>,
  placed: string[],
): VenueProvider {
  return {
    marketData: inner.marketData,
    async venueFor(request) {
      const venue = await inner.venueFor(request);
      return new Proxy(venue, {
        get(target, prop, receiver) {
          if (prop === 'lookupOrder')
            return (ref: OrderRef) => {
              const id = 'clientOrderId' in ref ? ref.clientOrderId : ref.venueOrderId;
              lookups.set(id, (lookups.get(id) ?? 0) + 1);
              return target.lookupOrder(ref);
            };
          if (prop === 'placeOrder')
            return (...args: Parameters<Venue['placeOrder']>) => {
              placed.push(args[0].clientOrderId);
              return target.placeOrder(...args);
            };
          const v = Reflect.get(target, prop, receiver) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
    },
  };
}

describe('reconciliation of unknown outcomes', () => {
  const t = useTestDatabase();
  let world: EngineWorld;
  let detector: LeaderFillDetector | undefined;
  let worker: CopyWorker | undefined;
  let marketIndex = 0;

  beforeAll(async () => {
    world = await buildWorld(sim, t.current.db, t.current.url);
  });
  afterAll(async () => {
    await world?.api.app.close();
  });
  afterEach(async () => {
    await sim.faults({ reset: true });
    await worker?.stop();
    await detector?.stop();
    worker = undefined;
    detector = undefined;
  });

  /**
   * `n` live followers of a fresh leader, one leader BUY fanned out, then the executor runs every
   * copy once under `faults` with max_retries 0: each row ends `failed` / stage `reconciliation`.
   */
  async function rowsAwaitingReconciliation(n: number, faults: Record<string, unknown>) {
    const db = t.current.db;
    const market = await sim.binaryMarket(marketIndex++);
    const token = market.tokens[0]!.tokenId;
    const leader = await newTrader(sim);
    await sim.fund(leader.signer.address, '10000');
    const followers: Follower[] = [];
    for (let i = 0; i < n; i++)
      followers.push(
        await newLiveFollower(world, leader.address, {
          pusd: '100',
          settings: { proportionalityFactor: '0.1' },
        }),
      );
    detector = detectorFor(world);
    await detector.start();
    await waitFor(db, 'the detector to lead', () => detector!.isLeader);
    await sim.syncClock();
    await sim.setBook(token, [['0.40', '500']], [['0.50', '2000']]);
    await leaderBuy(leader, token, '50', '0.50');
    await waitFor(db, 'the fill fanned out', async () => detector!.stats.recorded === 1);
    await detector.stop();
    detector = undefined;
    const ids = followers.map((f) => f.userId);
    await db.updateTable('trade_queue').set({ max_retries: 0 }).where('user_id', 'in', ids).execute();

    await sim.faults({ reset: true, ...faults, paths: ['/order'] });
    worker = workerFor(world, { concurrency: 4 });
    await worker.start();
    await waitFor(db, 'every row to end', async () => (await unfinishedRows(db)) === 0, 60_000);
    await worker.stop();
    worker = undefined;
    await sim.faults({ reset: true });

    const rows = await db
      .selectFrom('trade_queue')
      .selectAll()
      .where('user_id', 'in', ids)
      .orderBy('id')
      .execute();
    expect(rows).toHaveLength(n);
    for (const r of rows) {
      expect(r.status).toBe('failed');
      expect(r.error_message).toMatch(/^reconcile: unknown_outcome/);
      expect(r.signed_at).not.toBeNull();
      expect(r.reserved_spend_usd).not.toBeNull();
    }
    return { followers, rows, token };
  }

  const keyOf = (keyId: string) =>
    t.current.db
      .selectFrom('polymarket_api_keys')
      .selectAll()
      .where('id', '=', keyId)
      .executeTakeFirstOrThrow();
  const decisionOf = (queueId: string) =>
    t.current.db
      .selectFrom('copy_decisions')
      .selectAll()
      .where('queue_id', '=', queueId)
      .executeTakeFirstOrThrow();

  it('records an order that reached the venue but whose response was dropped, exactly once', async () => {
    const db = t.current.db;
    const { followers, rows, token } = await rowsAwaitingReconciliation(1, { dropNextOrderResponses: 1 });
    const [f] = followers;
    const [row] = rows;
    const ledger = await sim.ledger(f!.trader.creds.apiKey);
    expect(ledger.filter((e) => e.accepted)).toHaveLength(1);
    expect(ledger[0]!.responseDropped).toBe(true);
    expect(await copiesOf(db, f!.userId)).toEqual([]);
    expect(await decisionOf(row!.id)).toMatchObject({ outcome: 'failed', reason: 'retries_exhausted' });
    const reserved = new Decimal(row!.reserved_spend_usd!);
    expect(new Decimal((await keyOf(f!.keyId)).daily_spent_usd).eq(reserved)).toBe(true);

    const lookups = new Map<string, number>();
    const placed: string[] = [];
    const venues = countingProvider(world.provider, lookups, placed);
    const report = await reconcileUnknownOutcomes({ db, venues, logger }, { minAgeMs: 0 });
    expect(report.actions.map((a) => a.kind)).toEqual(['executed']);
    expect(placed).toEqual([]);
    expect([...lookups.values()]).toEqual([1]);

    // Exactly one order at the venue, and it is the recorded copy.
    const accepted = await sim.acceptedOrders(f!.trader.creds.apiKey);
    expect(accepted).toHaveLength(1);
    const [after] = await queueRowsOf(db, f!.userId);
    expect(after).toMatchObject({ status: 'completed', venue_order_id: accepted[0], error_message: null });
    const copies = await copiesOf(db, f!.userId);
    expect(copies).toHaveLength(1);
    const copy = copies[0]!;
    expect(copy).toMatchObject({ queue_id: row!.id, copy_tx_hash: accepted[0], side: 'BUY', status: 'open' });
    // $5 at 0.50: 10 shares, held at the venue.
    expect(new Decimal(copy.quantity).toFixed()).toBe('10');
    expect((await f!.trader.venue.getTokenBalance(token)).balance.toFixed()).toBe('10');
    expect(copy.entry_timestamp.getTime()).toBe(row!.signed_at!.getTime());
    expect(await decisionOf(row!.id)).toMatchObject({
      outcome: 'executed',
      reason: null,
      copy_trade_id: copy.id,
    });

    // Counters: as an execution, once.
    const cost = new Decimal(copy.entry_value_usd).plus(copy.fees_usd);
    const rel = await db
      .selectFrom('copy_relationships')
      .selectAll()
      .where('id', '=', f!.relId)
      .executeTakeFirstOrThrow();
    expect(rel.total_trades_copied).toBe(1);
    expect(new Decimal(rel.total_invested_usd).eq(copy.entry_value_usd)).toBe(true);
    const user = await db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', f!.userId)
      .executeTakeFirstOrThrow();
    expect(new Decimal(user.total_spent_usd).eq(cost)).toBe(true);
    const key = await keyOf(f!.keyId);
    expect(key.total_trades_executed).toBe(1);
    // The reservation was trued up to the real cost (rounded up to the cent), not released.
    expect(new Decimal(key.daily_spent_usd).eq(cost.toDecimalPlaces(2, Decimal.ROUND_UP))).toBe(true);

    // A second round finds nothing to do.
    expect((await reconcileUnknownOutcomes({ db, venues, logger }, { minAgeMs: 0 })).actions).toEqual([]);
    expect(await copiesOf(db, f!.userId)).toHaveLength(1);
  });

  it('sends the signed order that never reached the venue, once, while the book is within the slippage', async () => {
    const db = t.current.db;
    // Every placement answered 500 without being processed: the executor cannot tell.
    const { followers, rows, token } = await rowsAwaitingReconciliation(1, { rate5xx: 1, status5xx: 500 });
    const [f] = followers;
    const [row] = rows;
    expect(await sim.acceptedOrders(f!.trader.creds.apiKey)).toEqual([]);

    // Before the fix this row ended failed / retries_exhausted ("the venue has no order"): a copy
    // lost although the order was signed and still worth placing.
    const lookups = new Map<string, number>();
    const placed: string[] = [];
    const venues = countingProvider(world.provider, lookups, placed);
    const report = await reconcileUnknownOutcomes({ db, venues, logger }, { minAgeMs: 0 });
    expect(report.actions.map((a) => a.kind)).toEqual(['executed']);
    // The very order persisted at admission: same client id, so the same signed order (hash).
    expect(placed).toEqual([`polycopy-q${row!.id}`]);
    const accepted = await sim.acceptedOrders(f!.trader.creds.apiKey);
    expect(accepted).toHaveLength(1);
    const [after] = await queueRowsOf(db, f!.userId);
    expect(after).toMatchObject({
      status: 'completed',
      venue_order_id: accepted[0],
      limit_price: row!.limit_price,
    });
    const copies = await copiesOf(db, f!.userId);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ queue_id: row!.id, copy_tx_hash: accepted[0] });
    expect(new Decimal(copies[0]!.quantity).toFixed()).toBe('10');
    expect((await f!.trader.venue.getTokenBalance(token)).balance.toFixed()).toBe('10');
    expect(await decisionOf(row!.id)).toMatchObject({ outcome: 'executed', copy_trade_id: copies[0]!.id });
    const cost = new Decimal(copies[0]!.entry_value_usd).plus(copies[0]!.fees_usd);
    expect(
      new Decimal((await keyOf(f!.keyId)).daily_spent_usd).eq(cost.toDecimalPlaces(2, Decimal.ROUND_UP)),
    ).toBe(true);
    // Settled for good: not picked up again, nothing sent again.
    expect((await reconcileUnknownOutcomes({ db, venues, logger }, { minAgeMs: 0 })).actions).toEqual([]);
    expect(placed).toHaveLength(1);
    expect(await sim.acceptedOrders(f!.trader.creds.apiKey)).toHaveLength(1);
    expect((await reconcileBacklog({ db })).awaiting).toBe(0);
  });

  it('skips the unsent order as price_moved when the book moved beyond the slippage, spend released', async () => {
    const db = t.current.db;
    const { followers, rows, token } = await rowsAwaitingReconciliation(1, { rate5xx: 1, status5xx: 500 });
    const [f] = followers;
    const [row] = rows;
    // The copy is limited at the leader's 0.50 (+1 % on a cent tick); the asks moved to 0.53.
    await sim.setBook(token, [['0.40', '500']], [['0.53', '2000']]);
    const placed: string[] = [];
    const venues = countingProvider(world.provider, new Map(), placed);
    const report = await reconcileUnknownOutcomes({ db, venues, logger }, { minAgeMs: 0 });
    expect(report.actions.map((a) => a.kind)).toEqual(['not_placed']);
    expect(placed).toEqual([]);
    const [after] = await queueRowsOf(db, f!.userId);
    expect(after!.status).toBe('failed');
    expect(after!.reserved_spend_usd).toBeNull();
    expect(after!.error_message).toMatch(
      /^price_moved: reconciled: the venue has no order polycopy-q\d+; it never arrived/,
    );
    expect(new Decimal((await keyOf(f!.keyId)).daily_spent_usd).toFixed()).toBe('0');
    const decision = await decisionOf(row!.id);
    expect(decision).toMatchObject({ outcome: 'skipped', reason: 'price_moved' });
    expect(decision.detail).toContain('cannot fill within the limit 0.5');
    expect(await copiesOf(db, f!.userId)).toEqual([]);
    expect(await sim.acceptedOrders(f!.trader.creds.apiKey)).toEqual([]);
    expect(
      (await reconcileUnknownOutcomes({ db, venues: world.provider, logger }, { minAgeMs: 0 })).actions,
    ).toEqual([]);
    expect((await reconcileBacklog({ db })).awaiting).toBe(0);
    await sim.setBook(token, [['0.40', '500']], [['0.50', '2000']]);
  });

  it('two reconcilers running at once process every row exactly once', async () => {
    const db = t.current.db;
    // Half the placements reached the venue (responses dropped), half never did (500).
    const reached = await rowsAwaitingReconciliation(3, { dropNextOrderResponses: 3 });
    const missed = await rowsAwaitingReconciliation(3, { rate5xx: 1, status5xx: 500 });
    const all = [...reached.rows, ...missed.rows].map((r) => r.id).sort();

    const lookups = new Map<string, number>();
    const placed: string[] = [];
    const venues = countingProvider(world.provider, lookups, placed);
    const [a, b] = await Promise.all([
      reconcileUnknownOutcomes({ db, venues, logger }, { minAgeMs: 0, reconcilerId: 'a' }),
      reconcileUnknownOutcomes({ db, venues, logger }, { minAgeMs: 0, reconcilerId: 'b' }),
    ]);
    const seen = [...a.actions, ...b.actions].map((x: ReconcileAction) => x.queueId).sort();
    expect(seen).toEqual(all);
    expect(
      a.actions.some((x) => x.kind === 'lost_claim') || b.actions.some((x) => x.kind === 'lost_claim'),
    ).toBe(false);
    expect([...lookups.values()].every((n) => n === 1)).toBe(true);
    expect(lookups.size).toBe(6);
    // Only the orders that never arrived are sent, each once, as the order signed at admission.
    expect(placed.sort()).toEqual(missed.rows.map((r) => `polycopy-q${r.id}`).sort());
    const kinds = new Map([...a.actions, ...b.actions].map((x) => [x.queueId, x.kind]));
    for (const r of [...reached.rows, ...missed.rows]) expect(kinds.get(r.id)).toBe('executed');
    for (const f of [...reached.followers, ...missed.followers]) {
      expect(await copiesOf(db, f.userId)).toHaveLength(1);
      expect(await sim.acceptedOrders(f.trader.creds.apiKey)).toHaveLength(1);
    }
  });

  it('counts inconclusive lookups, backs off, and flags the row for an operator after the last', async () => {
    const db = t.current.db;
    const { followers, rows } = await rowsAwaitingReconciliation(1, { dropNextOrderResponses: 1 });
    const [row] = rows;
    // The venue's order lookups fail (500): the fate stays unknown.
    await sim.faults({ reset: true, rate5xx: 1, status5xx: 500, paths: ['/data/order'] });
    const opts = { minAgeMs: 0, maxAttempts: 2, retryBaseMs: 60_000, retryMaxMs: 60_000 };
    const first = await reconcileUnknownOutcomes({ db, venues: world.provider, logger }, opts);
    expect(first.actions).toMatchObject([{ kind: 'retry_later', queueId: row!.id, attempts: 1 }]);
    let r = await db
      .selectFrom('trade_queue')
      .selectAll()
      .where('id', '=', row!.id)
      .executeTakeFirstOrThrow();
    expect(r).toMatchObject({ status: 'failed', reconcile_attempts: 1 });
    expect(r.error_message).toMatch(
      /^reconcile: unknown outcome; reconciliation lookup 1 of 2 got no answer/,
    );
    expect(r.reconcile_after!.getTime()).toBeGreaterThan(Date.now() + 20_000);
    // Backing off: the next round leaves it alone.
    expect((await reconcileUnknownOutcomes({ db, venues: world.provider, logger }, opts)).actions).toEqual(
      [],
    );

    await db
      .updateTable('trade_queue')
      .set({ reconcile_after: new Date(Date.now() - 1) })
      .where('id', '=', row!.id)
      .execute();
    const second = await reconcileUnknownOutcomes({ db, venues: world.provider, logger }, opts);
    expect(second.actions).toMatchObject([{ kind: 'needs_operator', queueId: row!.id, attempts: 2 }]);
    r = await db.selectFrom('trade_queue').selectAll().where('id', '=', row!.id).executeTakeFirstOrThrow();
    expect(r).toMatchObject({ status: 'failed', reconcile_attempts: 2 });
    expect(r.error_message).toMatch(/^needs_operator: the order polycopy-q\d+ .* may exist at the venue/);
    // The reservation is kept (the order may exist), and the row shows in the backlog.
    expect(r.reserved_spend_usd).toBe(row!.reserved_spend_usd);
    expect(await reconcileBacklog({ db })).toMatchObject({
      awaiting: 0,
      needsOperator: 1,
      needsOperatorIds: [row!.id],
    });
    expect((await decisionOf(row!.id)).detail).toContain('flagged for an operator');
    // Never looked at again, even with the venue healthy.
    await sim.faults({ reset: true });
    expect(
      (await reconcileUnknownOutcomes({ db, venues: world.provider, logger }, { minAgeMs: 0 })).actions,
    ).toEqual([]);
    expect(await copiesOf(db, followers[0]!.userId)).toEqual([]);
    // Tidy up for the next test's backlog figures.
    await db
      .updateTable('trade_queue')
      .set({ error_message: 'handled by the test' })
      .where('id', '=', row!.id)
      .execute();
  });

  it('sends a row that expires while waiting to retry an ambiguous order to reconciliation, not cancellation', async () => {
    const db = t.current.db;
    const { followers, rows } = await rowsAwaitingReconciliation(1, { rate5xx: 1, status5xx: 500 });
    const [row] = rows;
    // As a row waits for its retry after the ambiguous failure: pending, identity persisted, spend
    // reserved, decision still queued — and its deadline passes before a worker claims it again.
    await db
      .updateTable('trade_queue')
      .set({
        status: 'pending',
        stage: 'execution',
        error_message: 'unknown_outcome: 500',
        expires_at: new Date(Date.now() - 1000),
      })
      .where('id', '=', row!.id)
      .execute();
    await db
      .updateTable('copy_decisions')
      .set({ outcome: 'queued', reason: null, detail: null, decided_at: null })
      .where('queue_id', '=', row!.id)
      .execute();
    expect(await cancelExpired(db)).toEqual([]); // the worker marks nothing `expired`
    const r = await db
      .selectFrom('trade_queue')
      .selectAll()
      .where('id', '=', row!.id)
      .executeTakeFirstOrThrow();
    expect(r.status).toBe('failed');
    expect(r.error_message).toMatch(/^reconcile: expired/);
    expect(r.reserved_spend_usd).toBe(row!.reserved_spend_usd);
    expect(await decisionOf(row!.id)).toMatchObject({ outcome: 'failed', reason: 'retries_exhausted' });
    const report = await reconcileUnknownOutcomes({ db, venues: world.provider, logger }, { minAgeMs: 0 });
    expect(report.actions).toMatchObject([{ kind: 'not_placed', queueId: row!.id }]);
    expect(new Decimal((await keyOf(followers[0]!.keyId)).daily_spent_usd).toFixed()).toBe('0');
  });

  it('sends a possibly-sent row whose key was revoked meanwhile to reconciliation, never skips it', async () => {
    const db = t.current.db;
    const { followers, rows } = await rowsAwaitingReconciliation(1, { rate5xx: 1, status5xx: 500 });
    const [row] = rows;
    const f = followers[0]!;
    // The row waits for its retry (identity persisted, spend reserved) and the user revokes the key.
    await db
      .updateTable('trade_queue')
      .set({ status: 'pending', stage: 'execution', error_message: 'unknown_outcome: 500', max_retries: 3 })
      .where('id', '=', row!.id)
      .execute();
    await db
      .updateTable('polymarket_api_keys')
      .set({ status: 'revoked', revoked_at: new Date(), revoked_reason: 'test' })
      .where('id', '=', f.keyId)
      .execute();
    worker = workerFor(world, { concurrency: 1 });
    await worker.start();
    await waitFor(db, 'the row to end', async () => (await unfinishedRows(db)) === 0, 30_000);
    await worker.stop();
    worker = undefined;
    const r = await db
      .selectFrom('trade_queue')
      .selectAll()
      .where('id', '=', row!.id)
      .executeTakeFirstOrThrow();
    // Not skipped (which would release the spend and hide a fill the venue may hold): marked for a
    // lookup, with the reservation kept.
    expect(r.status).toBe('failed');
    expect(r.error_message).toMatch(/^reconcile: api_key_inactive/);
    expect(r.reserved_spend_usd).toBe(row!.reserved_spend_usd);
    expect(await decisionOf(row!.id)).toMatchObject({ outcome: 'failed', reason: 'retries_exhausted' });
    // Out of the way of the next tests' reconciliation rounds.
    await db
      .updateTable('trade_queue')
      .set({ stage: 'reconciled', error_message: 'test: settled' })
      .where('id', '=', row!.id)
      .execute();
  });

  it('returns a dead reconciler’s row to reconciliation, never to the workers', async () => {
    const db = t.current.db;
    const { rows } = await rowsAwaitingReconciliation(1, { rate5xx: 1, status5xx: 500 });
    const [row] = rows;
    const message = row!.error_message;
    // As a reconciler leaves a row when it dies mid-lookup: processing, its token, a lapsed lease.
    await sql`UPDATE trade_queue SET status = 'processing', celery_task_id = 'reconcile:dead:' || id,
                lease_expires_at = now() - interval '1 second' WHERE id = ${row!.id}`.execute(db);
    const recovered = await recoverExpiredLeases(db);
    expect(recovered.map((x) => [x.id, x.status, x.error_message])).toEqual([[row!.id, 'failed', message]]);
    expect(await claimBatch(db, { workerId: 'w', limit: 10, leaseMs: 10_000 })).toEqual([]);
    const report = await reconcileUnknownOutcomes({ db, venues: world.provider, logger }, { minAgeMs: 0 });
    // The order never arrived and the book still fills it: the reconciler sends the signed order.
    expect(report.actions).toMatchObject([{ kind: 'executed', queueId: row!.id }]);
  });
});
