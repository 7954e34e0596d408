// Delivers the notification outbox to Telegram (one dispatcher per deployment: the telegram role's
// leader). Every `pollMs` it claims the rows of users whose oldest due row has waited the batch
// window, and sends each user ONE message: the row itself, or a summary of the burst. Preferences
// are read again at delivery (a kind turned off since is dropped; silent rows go without sound).
// A user who blocked the bot is marked and their rows dropped; 429s and outages put rows back with
// a delay; a stop releases what was claimed but not sent. See outbox-store.ts for the states.
import { randomUUID } from 'node:crypto';
import { GrammyError, HttpError, type Bot } from 'grammy';
import type { Db } from '../../db/client.ts';
import {
  DEFAULT_LEVELS,
  louder,
  type NotificationLevel,
} from '../../domain/notifications/notification-kinds.ts';
import type { Logger } from '../../observability/logger.ts';
import { markChatBlocked } from '../../services/telegram-account.ts';
import type { BotContext } from '../bot-context.ts';
import { keyboard } from '../reply.ts';
import type { SendHooks } from '../send-hooks.ts';
import { describeError } from '../bot.ts';
import { enrich } from './enrich.ts';
import {
  claimDue,
  dropUserPending,
  markDropped,
  markSending,
  markSent,
  purgeOld,
  recipient,
  recoverAbandoned,
  release,
  releaseUnsent,
  type ClaimedRow,
} from './outbox-store.ts';
import { renderBatch, renderOne, type NotificationItem } from './render.ts';

export interface DispatcherOptions {
  db: Db;
  bot: Bot<BotContext>;
  hooks: SendHooks;
  logger: Logger;
  token: string;
  /** A user's rows wait this long for the rest of their burst. */
  batchMs: number;
  pollMs?: number;
  /** Users served per round (each gets one message). */
  maxUsers?: number;
  /** Days sent and dropped rows are kept. */
  keepDays?: number;
  clock?: () => Date;
}

const MAX_ATTEMPTS = 12;

export class NotificationDispatcher {
  private readonly token = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private round: Promise<unknown> | undefined;
  private readonly abort = new AbortController();
  private lastPurge = 0;
  /** Messages sent since start (for tests and logs). */
  sent = 0;

  constructor(private readonly opts: DispatcherOptions) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const r = await recoverAbandoned(this.opts.db, this.token);
    if (r.released + r.unconfirmed > 0)
      this.opts.logger.warn(r, 'notification rows taken over from a stopped dispatcher');
    this.schedule(0);
  }

  /** Stops claiming, lets sends in flight finish (up to `graceMs`), releases the rest. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    const grace = setTimeout(() => this.abort.abort(), graceMs);
    await this.round?.catch(() => undefined);
    clearTimeout(grace);
    await releaseUnsent(this.opts.db, this.token).catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.round = this.runRound()
        .catch((err: unknown) =>
          this.opts.logger.error({ err: describeError(err, this.opts.token) }, 'notification round failed'),
        )
        .finally(() => this.schedule(this.opts.pollMs ?? 250));
    }, ms);
  }

  /** One round: claim, send one message per user (several users at once; the throttler paces). */
  async runRound(): Promise<number> {
    // Rounds run one after another: anything still "claimed" by this dispatcher is left over from a
    // round that failed half-way (the database blinked), and was never sent.
    await releaseUnsent(this.opts.db, this.token);
    const rows = await claimDue(this.opts.db, this.token, {
      batchMs: this.opts.batchMs,
      maxUsers: this.opts.maxUsers ?? 50,
    });
    const byUser = new Map<string, ClaimedRow[]>();
    for (const r of rows) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
    await Promise.all([...byUser.entries()].map(([userId, list]) => this.deliver(userId, list)));
    if (Date.now() - this.lastPurge > 3_600_000) {
      this.lastPurge = Date.now();
      await purgeOld(this.opts.db, this.opts.keepDays ?? 7);
    }
    return byUser.size;
  }

  private async deliver(userId: string, rows: ClaimedRow[]): Promise<void> {
    const db = this.opts.db;
    const who = await recipient(db, userId);
    if (!who.chatId || who.blocked || !who.enabled) {
      await markDropped(
        db,
        rows.map((r) => r.id),
        who.blocked ? 'the user blocked the bot' : 'notifications are off or no chat',
      );
      return;
    }
    const levelOf = (r: ClaimedRow): NotificationLevel =>
      r.kind === 'operator_alert' && !who.isAdmin ? 'off' : (who.levels[r.kind] ?? DEFAULT_LEVELS[r.kind]);
    const off = rows.filter((r) => levelOf(r) === 'off');
    await markDropped(
      db,
      off.map((r) => r.id),
      'turned off by the user',
    );
    const live = rows.filter((r) => levelOf(r) !== 'off');
    if (live.length === 0) return;
    const items: NotificationItem[] = [];
    for (const r of live) items.push(await enrich(db, r));
    const loudest = live.map(levelOf).reduce(louder, 'silent');
    const whyButtons = items
      .map((it, i) => ({ it, i }))
      .filter(
        ({ it }) =>
          (it.kind === 'copy_failed' || it.kind === 'copy_skipped') && typeof it.data.fillKey === 'string',
      )
      .slice(0, live.length === 1 ? 0 : 3)
      .map(({ it }, n) => [
        {
          text: `Why? (${n + 1})`,
          cb: { op: 'why' as const, fillKeyPrefix: String(it.data.fillKey).slice(0, 16) },
        },
      ]);
    const payload: Record<string, unknown> = {
      chat_id: Number(who.chatId),
      text: items.length === 1 ? renderOne(items[0]!) : renderBatch(items),
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      disable_notification: loudest === 'silent',
      ...(whyButtons.length > 0 ? { reply_markup: keyboard(whyButtons) } : {}),
    };
    await this.send(userId, who.chatId, live, payload);
  }

  private async send(
    userId: string,
    chatId: string,
    rows: ClaimedRow[],
    payload: Record<string, unknown>,
  ): Promise<void> {
    const db = this.opts.db;
    const ids = rows.map((r) => r.id);
    this.opts.hooks.register(payload, () => markSending(db, ids, this.token));
    try {
      const raw = this.opts.bot.api.raw;
      await raw.sendMessage(
        payload as unknown as Parameters<typeof raw.sendMessage>[0],
        this.abort.signal as unknown as Parameters<typeof raw.sendMessage>[1],
      );
      await markSent(db, ids, this.token);
      this.sent += 1;
    } catch (err) {
      await this.failed(userId, chatId, rows, err);
    }
  }

  private async failed(userId: string, chatId: string, rows: ClaimedRow[], err: unknown): Promise<void> {
    const db = this.opts.db;
    const ids = rows.map((r) => r.id);
    if (
      err instanceof GrammyError &&
      (err.error_code === 403 || /chat not found|user is deactivated/i.test(err.description))
    ) {
      this.opts.logger.info(
        { userId },
        'the user blocked the bot: notifications stop until they send /start',
      );
      await markChatBlocked({ db, clock: this.opts.clock ?? (() => new Date()) }, chatId);
      await dropUserPending(db, userId, 'the user blocked the bot');
      await markDropped(db, ids, 'the user blocked the bot');
      return;
    }
    if (err instanceof GrammyError && err.error_code === 429) {
      await release(db, ids, this.token, (err.parameters.retry_after ?? 5) * 1000, err.description);
      return;
    }
    if (err instanceof GrammyError && err.error_code < 500) {
      this.opts.logger.error(
        { userId, err: describeError(err, this.opts.token) },
        'Telegram refused a notification; dropped',
      );
      await markDropped(db, ids, err.description);
      return;
    }
    if (this.abort.signal.aborted) return; // stopping: "sending" rows become unconfirmed on the next start
    const tries = await this.attemptsOf(ids);
    if (tries >= MAX_ATTEMPTS) {
      await markDropped(
        db,
        ids,
        `gave up after ${tries} attempts: ${err instanceof Error ? err.message : String(err)}`,
      );
      return;
    }
    // 5xx or the network: later, backing off (1 s, 2 s, 4 s ... up to 5 minutes).
    const delay = Math.min(300_000, 1000 * 2 ** Math.max(0, tries - 1));
    const reason =
      err instanceof HttpError ? 'network error' : err instanceof GrammyError ? err.description : 'error';
    await release(db, ids, this.token, delay, reason);
  }

  private async attemptsOf(ids: readonly string[]): Promise<number> {
    const r = await this.opts.db
      .selectFrom('notification_outbox')
      .select((e) => e.fn.max('attempts').as('n'))
      .where('id', 'in', ids)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
