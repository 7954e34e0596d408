// The operator's actions behind `polycopy admin | queue | kill-switch` (src/services/operator-actions.ts,
// src/services/settle-queue-row.ts), with the real engine against a paper venue over FakeMarketData:
//   - create-user, grant, revoke, kill switch: the same rules as the API, each in the audit trail
//     under the operator's name (no user id), bad input refused with nothing written;
//   - settle: the verdict is checked against the venue first; a verdict the venue contradicts is
//     refused and the row left exactly as it was; --filled records the copy from the venue's figures;
//     --not-filled fails the row and releases its spend; a venue that cannot answer needs the
//     operator's own evidence;
//   - requeue: retries and reconciliation lookups start again from zero.
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../../src/domain/money.ts';
import { executeClaim } from '../../../src/execution/execute-claim.ts';
import { claimBatch } from '../../../src/execution/queue-claims.ts';
import { DefaultVenueProvider } from '../../../src/execution/venue-provider.ts';
import { recordLeaderFill } from '../../../src/ingest/record-fill.ts';
import { AppError } from '../../../src/services/app-error.ts';
import {
  createUserByOperator,
  listNeedsOperator,
  requeueByOperator,
  setKillSwitchByOperator,
  setRoleByOperator,
} from '../../../src/services/operator-actions.ts';
import { settleQueueRow } from '../../../src/services/settle-queue-row.ts';
import { VenueError } from '../../../src/venue/errors.ts';
import type { Venue } from '../../../src/venue/venue.ts';
import { FakeMarketData } from '../../unit/venue/fake-market-data.ts';
import { insertRelationship, insertTrader, txHash } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

const CONDITION = `0x${'ab'.repeat(32)}`;
const YES = '42222222222222222222';
const RULES = { tickSize: new Decimal('0.01'), minOrderSize: new Decimal(5) };
const OP = 'cli:ops@test-host';

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('operator actions', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let provider: DefaultVenueProvider;

  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    const source = new FakeMarketData();
    source.addMarket({ conditionId: CONDITION, tokens: [{ tokenId: YES, outcome: 'Yes' }] });
    source.setBook(YES, { bids: [['0.40', '100000']], asks: [['0.42', '100000']] });
    provider = new DefaultVenueProvider(t.current.db, source, { paperStartingBalance: new Decimal(1000) });
  });
  afterAll(async () => api?.app.close());
  beforeEach(async () => {
    await sql`TRUNCATE trade_queue, copy_decisions, leader_fills, trades, paper_orders, paper_fills, paper_cash CASCADE`.execute(
      t.current.db,
    );
  });

  const db = () => t.current.db;
  const viewDeps = () => ({ db: db(), paperStartingBalanceUsd: new Decimal('10000') });
  const audit = () => db().selectFrom('admin_audit_log').selectAll().orderBy('id').execute();
  const queueRow = (id: string) =>
    db().selectFrom('trade_queue').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const decision = (id: string) =>
    db().selectFrom('copy_decisions').selectAll().where('queue_id', '=', id).executeTakeFirstOrThrow();

  /** The paper venues with placeOrder and lookupOrder replaceable. */
  const venues = (over: { place?: Venue['placeOrder']; lookup?: Venue['lookupOrder'] }) =>
    Object.assign(Object.create(provider) as DefaultVenueProvider, {
      venueFor: async (r: Parameters<DefaultVenueProvider['venueFor']>[0]) => {
        const real = await provider.venueFor(r);
        return new Proxy(real, {
          get(target, prop) {
            if (prop === 'placeOrder' && over.place) return (req: never) => over.place!.call(target, req);
            if (prop === 'lookupOrder' && over.lookup) return (req: never) => over.lookup!.call(target, req);
            const v = Reflect.get(target, prop) as unknown;
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        });
      },
    });

  /** A copy whose order's fate is unknown: placed (or not) at the venue, the answer lost; then flagged. */
  async function unknownOutcome(placed: boolean) {
    const u = await signUp(api);
    const leader = (await insertTrader(db())).wallet_address;
    await insertRelationship(db(), u.userId, leader, {
      proportionality_factor: '0.05',
      mode: 'paper',
    } as never);
    await recordLeaderFill(
      db(),
      {
        txHash: txHash(),
        wallet: leader,
        assetId: YES,
        conditionId: CONDITION,
        side: 'BUY',
        price: new Decimal('0.42'),
        size: new Decimal(1000),
        occurrence: 0,
        outcome: 'Yes',
        outcomeIndex: 0,
        marketSlug: 'm',
        eventSlug: 'e',
        title: 'Market',
        filledAt: new Date(),
        source: 'test',
      },
      RULES,
      { copyTtlMs: 600_000 },
    );
    await db().updateTable('trade_queue').set({ max_retries: 0 }).execute();
    const lost = venues({
      place: async function (this: Venue, req) {
        if (placed) await this.placeOrder(req);
        throw new VenueError('unknown_outcome', 'connection reset after the order was sent');
      },
    });
    const [row] = await claimBatch(db(), { workerId: 'w', limit: 1, leaseMs: 30_000 });
    expect(await executeClaim({ db: db(), venues: lost, logger: api.deps.logger }, row!)).toEqual({
      kind: 'failed',
      reason: 'retries_exhausted',
    });
    await db()
      .updateTable('trade_queue')
      .set({
        stage: 'operator',
        error_message: 'needs_operator: the order may exist at the venue',
        reconcile_attempts: 10,
      })
      .where('id', '=', row!.id)
      .execute();
    return { user: u, id: row!.id };
  }

  it('creates a verified user with a generated password that signs in; refuses weak, duplicate and malformed input', async () => {
    const email = `Op.${Date.now()}@Example.com`;
    const created = await createUserByOperator(viewDeps(), OP, { email, admin: true });
    expect(created.user).toMatchObject({ email: email.toLowerCase(), role: 'admin', emailVerified: true });
    expect(created.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const login = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: email.toLowerCase(), password: created.generatedPassword },
    });
    expect(login.statusCode).toBe(200);
    const rows = await audit();
    expect(rows.at(-1)).toMatchObject({
      actor_user_id: null,
      actor: OP,
      action: 'user_create',
      target_user_id: created.user.id,
      detail: { email: email.toLowerCase(), role: 'admin', verified: true, passwordGenerated: true },
    });

    const before = rows.length;
    expect(await refusal(createUserByOperator(viewDeps(), OP, { email }))).toMatchObject({
      code: 'email_taken',
    });
    expect(
      await refusal(createUserByOperator(viewDeps(), OP, { email: 'x@y.example', password: 'short' })),
    ).toEqual({
      code: 'weak_password',
      message: 'password must be at least 10 characters',
    });
    expect(await refusal(createUserByOperator(viewDeps(), OP, { email: 'not-an-email' }))).toMatchObject({
      code: 'validation_failed',
    });
    expect((await audit()).length).toBe(before);
    expect(await db().selectFrom('users').select('id').where('email', '=', 'x@y.example').execute()).toEqual(
      [],
    );
  });

  it('grants and revokes the admin role by email, once; an unknown email is not found', async () => {
    const u = await signUp(api);
    expect((await setRoleByOperator(viewDeps(), OP, u.email, 'admin')).changed).toBe(true);
    expect((await setRoleByOperator(viewDeps(), OP, u.email.toUpperCase(), 'admin')).changed).toBe(false);
    expect((await setRoleByOperator(viewDeps(), OP, u.email, 'user')).user.role).toBe('user');
    const trail = (await audit()).filter((r) => r.target_user_id === u.userId);
    expect(trail.map((r) => [r.action, r.actor, r.detail])).toEqual([
      ['user_role', OP, { from: 'user', to: 'admin' }],
      ['user_role', OP, { from: 'admin', to: 'user' }],
    ]);
    expect(await refusal(setRoleByOperator(viewDeps(), OP, 'nobody@example.com', 'admin'))).toEqual({
      code: 'not_found',
      message: 'user with email nobody@example.com not found',
    });
  });

  it('turns the kill switch on only with a reason, and off; audited', async () => {
    expect(await refusal(setKillSwitchByOperator(db(), OP, { enabled: true }))).toMatchObject({
      code: 'validation_failed',
    });
    expect(
      await setKillSwitchByOperator(db(), OP, { enabled: true, reason: 'venue incident' }),
    ).toMatchObject({
      enabled: true,
      reason: 'venue incident',
      updatedBy: null,
    });
    expect((await setKillSwitchByOperator(db(), OP, { enabled: false })).enabled).toBe(false);
    const trail = (await audit()).filter((r) => r.action === 'kill_switch');
    expect(trail.map((r) => [r.actor, r.detail])).toEqual([
      [OP, { from: false, to: true, reason: 'venue incident' }],
      [OP, { from: true, to: false, reason: null }],
    ]);
  });

  it('settles a filled order --filled from the venue’s figures; --not-filled is refused and changes nothing', async () => {
    const c = await unknownOutcome(true);
    expect((await listNeedsOperator(db())).map((r) => r.id)).toEqual([c.id]);
    const before = await queueRow(c.id);
    const deps = { db: db(), venues: provider, logger: api.deps.logger };

    const wrong = await refusal(settleQueueRow(deps, OP, c.id, 'not_filled', 'I looked'));
    expect(wrong.code).toBe('conflict');
    expect(wrong.message).toMatch(
      /^the venue shows a fill: settle it --filled\. Evidence: the venue has polycopy-q\d+ as .+: status matched, filled 50 shares/,
    );
    expect(await queueRow(c.id)).toEqual(before);

    const done = await settleQueueRow(deps, OP, c.id, 'filled');
    expect(done.tradeId).not.toBeNull();
    expect(await queueRow(c.id)).toMatchObject({ status: 'completed' });
    expect((await decision(c.id)).outcome).toBe('executed');
    const trades = await db()
      .selectFrom('trades')
      .select(['quantity'])
      .where('queue_id', '=', c.id)
      .execute();
    expect(trades).toEqual([{ quantity: '50.000000' }]);
    expect((await audit()).at(-1)).toMatchObject({
      actor: OP,
      action: 'queue_settle',
      target_queue_id: c.id,
      detail: { verdict: 'filled', operatorEvidence: null },
    });
    expect(await listNeedsOperator(db())).toEqual([]);
    // Settled once: a second verdict finds nothing awaiting an operator.
    expect((await refusal(settleQueueRow(deps, OP, c.id, 'filled'))).message).toMatch(
      /is not awaiting an operator \(status completed/,
    );
  });

  it('settles an order that never arrived --not-filled (spend released); --filled is refused', async () => {
    const c = await unknownOutcome(false);
    const deps = { db: db(), venues: provider, logger: api.deps.logger };
    const before = await queueRow(c.id);
    expect((await refusal(settleQueueRow(deps, OP, c.id, 'filled'))).message).toMatch(
      /^the venue shows no fill, so the row cannot be recorded as filled\. Evidence: the venue has no order polycopy-q\d+$/,
    );
    expect(await queueRow(c.id)).toEqual(before);
    await settleQueueRow(deps, OP, c.id, 'not_filled');
    const after = await queueRow(c.id);
    expect(after).toMatchObject({ status: 'failed', reserved_spend_usd: before.reserved_spend_usd });
    expect(after.error_message).toMatch(
      /^retries_exhausted: settled by cli:ops@test-host as not filled: the venue has no order/,
    );
    expect(await decision(c.id)).toMatchObject({ outcome: 'failed', reason: 'retries_exhausted' });
  });

  it('a venue that cannot answer needs the operator’s evidence for --not-filled', async () => {
    const c = await unknownOutcome(true);
    const down = venues({
      lookup: async () => {
        throw new VenueError('retryable', 'venue down');
      },
    });
    const deps = { db: db(), venues: down, logger: api.deps.logger };
    expect((await refusal(settleQueueRow(deps, OP, c.id, 'not_filled'))).message).toMatch(
      /^the venue cannot confirm it; if you checked the account yourself, say what you saw with --evidence/,
    );
    await settleQueueRow(deps, OP, c.id, 'not_filled', 'no such order in the account history');
    expect((await audit()).at(-1)).toMatchObject({
      action: 'queue_settle',
      detail: { verdict: 'not_filled', operatorEvidence: 'no such order in the account history' },
    });
  });

  it('requeues a flagged row with retries and reconciliation lookups from zero; refuses a pending one', async () => {
    const c = await unknownOutcome(true);
    const r = await requeueByOperator(db(), OP, c.id);
    expect(r).toMatchObject({ id: c.id, status: 'pending', retryCount: 0 });
    expect(await queueRow(c.id)).toMatchObject({ reconcile_attempts: 0, reconcile_after: null });
    expect((await audit()).at(-1)).toMatchObject({
      action: 'queue_requeue',
      actor: OP,
      actor_user_id: null,
      detail: { previousReconcileAttempts: 10 },
    });
    expect(await refusal(requeueByOperator(db(), OP, c.id))).toEqual({
      code: 'conflict',
      message: 'only failed rows can be requeued; this row is pending',
    });
    expect(await refusal(requeueByOperator(db(), OP, '999999999'))).toMatchObject({ code: 'not_found' });
  });
});
