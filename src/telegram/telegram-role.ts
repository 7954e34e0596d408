// The `telegram` role: the one active bot of the deployment (src/db/leadership.ts). While leader it
//   1. learns its identity (getMe, retried until Telegram answers) and records its username for the
//      API's link codes, and publishes the command menu;
//   2. receives updates — long polling with grammY's runner (concurrent across chats, in order
//      within one), supervised so a crash of the runner (401, 409, an exhausted retry) restarts it;
//      or, with TELEGRAM_WEBHOOK_URL, registers the webhook that the api processes serve;
//   3. dispatches the notification outbox, and runs the daily summary and operator-alert jobs
//      (telegram-jobs.ts, on the shared job runner, recorded in job_runs).
// Stopping (or losing leadership) stops the runner after its in-flight updates, and the dispatcher
// after its in-flight sends.
import { createHmac } from 'node:crypto';
import { run, type RunnerHandle } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/client.ts';
import { Decimal } from '../domain/money.ts';
import type { Logger } from '../observability/logger.ts';
import type { MasterKey } from '../vault/master-key.ts';
import type { BotContext, BotDeps } from './bot-context.ts';
import { createBot, describeError, publishCommands, type BotOptions, type PolycopyBot } from './bot.ts';
import { NotificationDispatcher } from './notifications/dispatcher.ts';
import { holdLeadership } from '../db/leadership.ts';
import { jobSettings } from '../jobs/catalog.ts';
import { JobRunner } from '../jobs/job-runner.ts';
import type { SizingSnapshots } from '../services/follow-settings.ts';
import { telegramJobs } from './telegram-jobs.ts';

export const TELEGRAM_LOCK_KEY = 7_042_015;

export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const;

export interface TelegramRoleDeps {
  config: Config;
  db: Db;
  databaseUrl: string;
  logger: Logger;
  masterKey: MasterKey;
  sizingSnapshots?: SizingSnapshots | undefined;
  /** Tests: faster limits, shorter retries, quicker jobs. */
  overrides?: Partial<BotOptions> & {
    pollMs?: number;
    jobsMs?: number;
    standbyRetryMs?: number;
    restartMs?: number;
  };
}

export interface RunningTelegram {
  readonly isLeader: boolean;
  stop(): Promise<void>;
}

/** The webhook's secret token: configured, or derived from the bot token so every process agrees. */
export function webhookSecret(config: Config): string {
  const t = config.telegram;
  return (
    t.webhookSecret ??
    createHmac('sha256', t.botToken ?? '')
      .update('polycopy-telegram-webhook')
      .digest('base64url')
  );
}

export function botDeps(d: {
  config: Config;
  db: Db;
  logger: Logger;
  masterKey: MasterKey;
  sizingSnapshots?: SizingSnapshots | undefined;
}): BotDeps {
  return {
    db: d.db,
    clock: () => new Date(),
    logger: d.logger,
    masterKey: d.masterKey,
    paperStartingBalance: new Decimal(d.config.engine.paperStartingBalanceUsd),
    publicUrl: d.config.api.publicUrl,
    sizingSnapshots: d.sizingSnapshots,
  };
}

export function botOptions(config: Config, overrides: Partial<BotOptions> = {}): BotOptions {
  return { token: config.telegram.botToken!, apiUrl: config.telegram.apiUrl, ...overrides };
}

async function initUntilAnswered(
  bot: Bot<BotContext>,
  logger: Logger,
  token: string,
  isRunning: () => boolean,
): Promise<void> {
  for (let delay = 1000; isRunning(); delay = Math.min(delay * 2, 60_000)) {
    try {
      await bot.init();
      return;
    } catch (err) {
      logger.warn({ err: describeError(err, token), retryInMs: delay }, 'telegram getMe failed; retrying');
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

export async function startTelegram(deps: TelegramRoleDeps): Promise<RunningTelegram> {
  const logger = deps.logger.child({ role: 'telegram' });
  const o = deps.overrides ?? {};
  const leadership = holdLeadership({
    name: 'telegram',
    lockKey: TELEGRAM_LOCK_KEY,
    databaseUrl: deps.databaseUrl,
    logger,
    ...(o.standbyRetryMs !== undefined ? { standbyRetryMs: o.standbyRetryMs } : {}),
    lead: () => lead({ ...deps, logger }),
  });
  return {
    get isLeader() {
      return leadership.isLeader;
    },
    stop: () => leadership.stop(),
  };
}

async function lead(deps: TelegramRoleDeps): Promise<() => Promise<void>> {
  const { config, logger } = deps;
  const o = deps.overrides ?? {};
  const token = config.telegram.botToken!;
  const bdeps = botDeps(deps);
  const pbot: PolycopyBot = createBot(bdeps, botOptions(config, o));
  const { bot } = pbot;
  let active = true;
  await initUntilAnswered(bot, logger, token, () => active);
  await deps.db
    .insertInto('telegram_bot_info')
    .values({ bot_id: String(bot.botInfo.id), username: bot.botInfo.username, updated_at: new Date() })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        bot_id: String(bot.botInfo.id),
        username: bot.botInfo.username,
        updated_at: new Date(),
      }),
    )
    .execute();
  await publishCommands(bot).catch((err: unknown) =>
    logger.warn({ err: describeError(err, token) }, 'could not publish the command menu'),
  );
  const stopUpdates = config.telegram.webhookUrl
    ? await useWebhook(bot, config, logger)
    : superviseRunner(bot, logger, token, o.restartMs ?? 5_000);
  const dispatcher = new NotificationDispatcher({
    db: deps.db,
    bot,
    hooks: pbot.hooks,
    logger,
    token,
    batchMs: config.telegram.notifyBatchMs,
    ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
  });
  await dispatcher.start();
  const jobs = new JobRunner({
    db: deps.db,
    logger,
    jobs: telegramJobs(bdeps, {
      settings: { ...jobSettings(config), ...(o.jobsMs !== undefined ? { telegramMs: o.jobsMs } : {}) },
      dailySummaryHourUtc: config.telegram.dailySummaryHourUtc,
      paperStartingBalance: bdeps.paperStartingBalance,
    }),
  });
  await jobs.start();
  logger.info(
    { bot: bot.botInfo.username, mode: config.telegram.webhookUrl ? 'webhook' : 'polling' },
    'telegram bot is running',
  );
  return async () => {
    active = false;
    await jobs.stop();
    await stopUpdates();
    await dispatcher.stop();
  };
}

async function useWebhook(
  bot: Bot<BotContext>,
  config: Config,
  logger: Logger,
): Promise<() => Promise<void>> {
  await bot.api.setWebhook(config.telegram.webhookUrl!, {
    secret_token: webhookSecret(config),
    allowed_updates: [...ALLOWED_UPDATES],
  });
  logger.info('telegram webhook registered');
  return async () => undefined;
}

/** Long polling, restarted after `restartMs` whenever the runner stops by itself. */
function superviseRunner(
  bot: Bot<BotContext>,
  logger: Logger,
  token: string,
  restartMs: number,
): () => Promise<void> {
  let handle: RunnerHandle | undefined;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const start = async () => {
    // A webhook left registered would make every getUpdates a 409.
    await bot.api
      .deleteWebhook()
      .catch((err: unknown) => logger.warn({ err: describeError(err, token) }, 'deleteWebhook failed'));
    if (stopping) return;
    handle = run(bot, {
      runner: {
        silent: true,
        fetch: { timeout: 25, allowed_updates: [...ALLOWED_UPDATES] },
        retryInterval: 'exponential',
        maxRetryTime: 24 * 3_600_000,
      },
    });
    handle.task()?.then(
      () => restart('stopped'),
      (err: unknown) => restart('crashed', err),
    );
  };
  const restart = (why: string, err?: unknown) => {
    if (stopping) return;
    logger.error(
      { why, err: err === undefined ? undefined : describeError(err, token), restartInMs: restartMs },
      'telegram polling stopped; restarting',
    );
    timer = setTimeout(() => void start(), restartMs);
  };
  void start();
  return async () => {
    stopping = true;
    if (timer) clearTimeout(timer);
    if (handle?.isRunning()) await handle.stop();
  };
}
