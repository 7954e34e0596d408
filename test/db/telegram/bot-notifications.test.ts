// Notifications end to end: engine events (published as the engine publishes them, inside a
// transaction) → outbox → dispatcher → the fake Bot API. Preferences (on / silent / off), batching of
// bursts, a user who blocked the bot, a restart while events arrive (nothing lost, nothing twice),
// a crash mid-send, 429s and dropped connections, operator alerts, and the emergency stop with 2FA.
import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptTotpSecret } from '../../../src/auth/totp-secret.ts';
import { newTotpSecret } from '../../../src/auth/totp.ts';
import { withTransaction } from '../../../src/db/client.ts';
import { publishFollowPaused } from '../../../src/events/engine-events.ts';
import { publishUserEvent } from '../../../src/events/publish.ts';
import { setKillSwitch } from '../../../src/services/kill-switch.ts';
import { alertRowsNeedingOperator } from '../../../src/telegram/notifications/bot-jobs.ts';
import {
  insertQueueRow,
  insertRelationship,
  insertTrader,
  insertUser,
  wallet,
} from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { ask, press, startBotWorld, type BotWorld } from './bot-harness.ts';

describe('telegram notifications', () => {
  const t = useTestDatabase();
  let w: BotWorld;
  beforeAll(async () => {
    w = await startBotWorld(t.current.db, t.current.url);
  });
  afterAll(async () => {
    await w?.stop();
    await w?.fake.close();
  });

  const userIdOf = async (telegramId: number) =>
    (
      await t.current.db
        .selectFrom('users')
        .select('id')
        .where('telegram_id', '=', String(telegramId))
        .executeTakeFirstOrThrow()
    ).id;

  /** Publishes as the engine does: inside a committed transaction. */
  const skipped = (userId: string, reason = 'slippage_exceeded') =>
    withTransaction(t.current.db, (tx) =>
      publishUserEvent(tx, userId, 'copy.skipped', {
        queueId: null,
        relationshipId: '1',
        fillKey: 'ab'.repeat(32),
        reason,
        detail: 'test',
      }),
    );
  const failed = (userId: string, reason = 'insufficient_balance') =>
    withTransaction(t.current.db, (tx) =>
      publishUserEvent(tx, userId, 'copy.failed', {
        queueId: '9',
        relationshipId: '1',
        fillKey: 'cd'.repeat(32),
        reason,
        detail: 'test',
      }),
    );
  const outboxOf = (userId: string) =>
    t.current.db
      .selectFrom('notification_outbox')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
  const settled = async (userId: string) => {
    for (let i = 0; i < 200; i++) {
      const rows = await outboxOf(userId);
      if (rows.every((r) => !['pending', 'claimed', 'sending'].includes(r.status))) return rows;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('outbox did not settle');
  };

  it('sends a failure with its reason and what to do; respects on / silent / off chosen with /notify', async () => {
    const erin = w.fake.user(3001, 'Erin');
    await ask(w, erin, '/start', 'Welcome');
    const id = await userIdOf(erin.id);
    let mark = w.fake.mark(erin.id);
    await failed(id);
    const msg = await w.fake.waitFor(erin.id, 'Copy failed', { after: mark });
    expect(msg.text).toContain('Your balance is too low for this copy.');
    expect(msg.text).toContain('Deposit or lower the size');
    expect(msg.disable_notification).toBeUndefined();

    // Skips are silent by default.
    mark = w.fake.mark(erin.id);
    await skipped(id);
    expect((await w.fake.waitFor(erin.id, 'Copy skipped', { after: mark })).disable_notification).toBe(true);

    // Turn skips off and failures silent with the buttons.
    await ask(w, erin, '/notify', 'Notifications');
    await press(w, erin, /Copy skipped → off/, 'Saved');
    await press(w, erin, /Copy failed → silent/, 'Saved');
    mark = w.fake.mark(erin.id);
    await skipped(id);
    await failed(id);
    const silent = await w.fake.waitFor(erin.id, 'Copy failed', { after: mark });
    expect(silent.disable_notification).toBe(true);
    expect(
      w.fake.messages(erin.id).filter((m) => m.message_id > mark && m.text.includes('skipped')),
    ).toHaveLength(0);
    // Off means not even written to the outbox.
    expect((await outboxOf(id)).filter((r) => r.kind === 'copy_skipped')).toHaveLength(1);
  });

  it('tells its person at once when the circuit breaker pauses a follow, and what to do', async () => {
    const fay = w.fake.user(3011, 'Fay');
    await ask(w, fay, '/start', 'Welcome');
    const id = await userIdOf(fay.id);
    const mark = w.fake.mark(fay.id);
    await withTransaction(t.current.db, (tx) =>
      publishFollowPaused(tx, {
        userId: id,
        relationshipId: '7',
        traderWallet: wallet(),
        consecutiveFailures: 3,
        maxConsecutiveFailures: 3,
        lastReason: 'insufficient_balance',
        detail: 'test',
      }),
    );
    const msg = await w.fake.waitFor(fay.id, 'Follow paused', { after: mark });
    expect(msg.text).toContain('3 copies in a row failed (your limit is 3)');
    expect(msg.text).toContain('Your balance is too low for this copy.');
    expect(msg.text).toContain('/resume');
    expect(msg.disable_notification).toBeUndefined();
    expect((await outboxOf(id)).map((r) => r.kind)).toEqual(['follow_paused']);
  });

  it('batches a burst for one user into one message', async () => {
    const finn = w.fake.user(3002, 'Finn');
    await ask(w, finn, '/start', 'Welcome');
    const id = await userIdOf(finn.id);
    const mark = w.fake.mark(finn.id);
    await Promise.all([
      failed(id),
      failed(id),
      skipped(id),
      skipped(id),
      skipped(id),
      failed(id, 'slippage_exceeded'),
    ]);
    const msg = await w.fake.waitFor(finn.id, 'updates', { after: mark });
    expect(msg.text).toContain('6 updates');
    expect(msg.text).toMatch(/3 skipped · 3 failed|3 failed/);
    await settled(id);
    expect(w.fake.messages(finn.id).filter((m) => m.message_id > mark)).toHaveLength(1);
    expect(msg.reply_markup?.inline_keyboard?.flat().some((b) => b.text.startsWith('Why?'))).toBe(true);
  });

  it('marks a user who blocked the bot, stops writing to them, and resumes after /start', async () => {
    const gia = w.fake.user(3003, 'Gia');
    await ask(w, gia, '/start', 'Welcome');
    const id = await userIdOf(gia.id);
    w.fake.block(gia.id);
    await failed(id);
    const rows = await settled(id);
    expect(rows.at(-1)!.status).toBe('dropped');
    const chat = await t.current.db
      .selectFrom('telegram_chats')
      .selectAll()
      .where('user_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(chat.blocked_at).not.toBeNull();
    const calls = w.fake.calls.filter((c) => c.method === 'sendMessage' && c.chatId === gia.id).length;
    await failed(id);
    await failed(id);
    expect(await outboxOf(id)).toHaveLength(rows.length); // nothing new is queued for a blocked chat
    await new Promise((r) => setTimeout(r, 500));
    expect(w.fake.calls.filter((c) => c.method === 'sendMessage' && c.chatId === gia.id).length).toBe(calls);
    w.fake.unblock(gia.id);
    await ask(w, gia, '/start', 'Welcome back');
    const mark = w.fake.mark(gia.id);
    await failed(id);
    await w.fake.waitFor(gia.id, 'Copy failed', { after: mark });
  });

  it('loses nothing and sends nothing twice across a restart; a crash mid-send is not resent', async () => {
    const hal = w.fake.user(3004, 'Hal');
    await ask(w, hal, '/start', 'Welcome');
    const id = await userIdOf(hal.id);
    await w.stop();
    const mark = w.fake.mark(hal.id);
    for (let i = 0; i < 3; i++) await failed(id);
    // Rows another dispatcher left: one claimed (never sent), one mid-send (may have reached Telegram).
    const [claimed, sending] = await Promise.all([failed(id), failed(id)])
      .then(() => outboxOf(id))
      .then((r) => r.slice(-2));
    await t.current.db
      .updateTable('notification_outbox')
      .set({ status: 'claimed', claim_token: '00000000-0000-4000-8000-000000000001' })
      .where('id', '=', claimed!.id)
      .execute();
    await t.current.db
      .updateTable('notification_outbox')
      .set({ status: 'sending', claim_token: '00000000-0000-4000-8000-000000000001' })
      .where('id', '=', sending!.id)
      .execute();
    expect(w.fake.messages(hal.id).filter((m) => m.message_id > mark)).toHaveLength(0);
    await w.restart();
    const msg = await w.fake.waitFor(hal.id, 'updates', { after: mark, timeoutMs: 15_000 });
    expect(msg.text).toContain('4 updates'); // 3 pending + the released claim; not the one mid-send
    const rows = await settled(id);
    expect(rows.find((r) => r.id === sending!.id)!.status).toBe('unconfirmed');
    await w.restart();
    await new Promise((r) => setTimeout(r, 800));
    expect(w.fake.messages(hal.id).filter((m) => m.message_id > mark)).toHaveLength(1);
    const final = await outboxOf(id);
    expect(final.map((r) => r.status).sort()).toEqual(['sent', 'sent', 'sent', 'sent', 'unconfirmed']);
  }, 40_000);

  it('keeps going through 429s (retry_after honoured), 5xx and dropped connections', async () => {
    const ivy = w.fake.user(3005, 'Ivy');
    await ask(w, ivy, '/start', 'Welcome');
    const id = await userIdOf(ivy.id);
    w.fake.setFaults({ rateLimit: { count: 2, retryAfter: 1, methods: ['sendMessage'] } });
    const t0 = Date.now();
    const mark = w.fake.mark(ivy.id);
    await failed(id);
    await w.fake.waitFor(ivy.id, 'Copy failed', { after: mark, timeoutMs: 15_000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_900); // two waits of retry_after = 1 s
    // Dropped connections and a bad gateway on polling and on replies: the bot still answers.
    w.fake.setFaults({
      drop: { count: 2, methods: ['getUpdates', 'sendMessage'] },
      serverError: { count: 1, methods: ['getUpdates'] },
    });
    await ask(w, ivy, '/help', 'polycopy bot', 20_000);
    w.fake.setFaults({ drop: { count: 1, methods: ['sendMessage'] } });
    const m2 = w.fake.mark(ivy.id);
    await failed(id);
    await w.fake.waitFor(ivy.id, 'Copy failed', { after: m2, timeoutMs: 15_000 });
    await settled(id);
    expect(w.fake.messages(ivy.id).filter((m) => m.message_id > m2)).toHaveLength(1);
  }, 60_000);

  it('alerts administrators when the kill switch changes', async () => {
    const ops = w.fake.user(3006, 'Ops');
    await ask(w, ops, '/start', 'Welcome');
    const id = await userIdOf(ops.id);
    await t.current.db.updateTable('users').set({ role: 'admin' }).where('id', '=', id).execute();
    const mark = w.fake.mark(ops.id);
    await withTransaction(t.current.db, (tx) =>
      setKillSwitch({ db: tx, clock: () => new Date() }, id, {
        enabled: true,
        reason: 'venue <outage> & checks',
      }),
    );
    const on = await w.fake.waitFor(ops.id, 'Kill switch ON', { after: mark });
    expect(on.text).toContain('venue &lt;outage&gt; &amp; checks');
    await setKillSwitch({ db: t.current.db, clock: () => new Date() }, id, { enabled: false });
    await w.fake.waitFor(ops.id, 'Kill switch OFF', { after: on.message_id });
    // Other users hear nothing of it.
    const erinId = await userIdOf(3001);
    expect((await outboxOf(erinId)).filter((r) => r.kind === 'operator_alert')).toHaveLength(0);

    // A queue row reconciliation gave up on: one alert per row, however often the job runs.
    const owner = await insertUser(t.current.db, { email: `owner${Date.now()}@example.com` });
    const trader = await insertTrader(t.current.db);
    const rel = await insertRelationship(t.current.db, owner.id, trader.wallet_address);
    await insertQueueRow(t.current.db, owner.id, rel.id, {
      status: 'failed',
      mode: 'live',
      side: 'BUY',
      reconcile_attempts: 10,
      stage: 'operator',
      error_message: 'needs_operator: the order may exist at the venue',
    });
    // The job's own pass, run here as well as on its 300 ms schedule: under a loaded full suite the
    // scheduled runs were seen to stop (job_runs showed none for 30 s; known defect, closing note of
    // 2026-12-07), which this case does not test. Running it twice also proves one alert per row.
    expect(await alertRowsNeedingOperator(t.current.db)).toBeLessThanOrEqual(1);
    expect(await alertRowsNeedingOperator(t.current.db)).toBe(0);
    const flagged = await w.fake
      .waitFor(ops.id, 'needs an operator', { timeoutMs: 30_000 })
      .catch(async (err) => {
        // What the operator-alerts job and the outbox did, so a failure says where the alert stopped.
        const runs = await t.current.db
          .selectFrom('job_runs')
          .select(['outcome', 'started_at', 'error'])
          .where('job', '=', 'operator-alerts')
          .orderBy('started_at', 'desc')
          .limit(3)
          .execute();
        const outbox = await t.current.db
          .selectFrom('notification_outbox')
          .select(['kind', 'status', 'dedup_key'])
          .where('user_id', '=', id)
          .execute();
        throw new Error(
          `${String(err)}\njob runs: ${JSON.stringify(runs)}\noutbox: ${JSON.stringify(outbox)}`,
        );
      });
    expect(flagged.text).toContain('live BUY');
    await new Promise((r) => setTimeout(r, 1_000)); // the job runs every 300 ms here
    expect(w.fake.messages(ops.id).filter((m) => m.text.includes('needs an operator'))).toHaveLength(1);
  });

  it('asks for confirmation and, with 2FA on, the authenticator code before the emergency stop and live copying', async () => {
    const db = t.current.db;
    const jo = w.fake.user(3007, 'Jo');
    await ask(w, jo, '/start', 'Welcome');
    const id = await userIdOf(jo.id);
    await ask(w, jo, `/follow ${wallet()}`, 'Copying');
    const secret = newTotpSecret();
    await db
      .updateTable('users')
      .set({ two_factor_enabled: true, two_factor_secret: encryptTotpSecret(w.masterKey, id, secret) })
      .where('id', '=', id)
      .execute();
    await ask(w, jo, '/stop', 'Emergency stop');
    await press(w, jo, 'Stop, keep positions', 'authenticator code');
    await ask(w, jo, '000000', 'wrong or already used');
    let rel = await db
      .selectFrom('copy_relationships')
      .select('status')
      .where('user_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(rel.status).toBe('active');
    await ask(w, jo, '/stop', 'Emergency stop');
    await press(w, jo, 'Stop, keep positions', 'authenticator code');
    const code = TOTP.generate({ secret: Secret.fromBase32(secret) });
    await ask(w, jo, code, 'Emergency stop done');
    rel = await db
      .selectFrom('copy_relationships')
      .select('status')
      .where('user_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(rel.status).toBe('paused');
    const events = await sql<{
      n: string;
    }>`SELECT count(*) AS n FROM position_events WHERE user_id = ${id} AND kind = 'emergency_stop'`.execute(
      db,
    );
    expect(events.rows[0]!.n).toBe('1');
  }, 90_000);
});
