// The bot as deployed (the telegram role: leadership, runner, dispatcher, jobs) against the fake
// Bot API over loopback, on the test file's real PostgreSQL. Limits and retries are shortened so
// tests run quickly; the code paths are the production ones.
import { loadConfig, type Config } from '../../../src/config/config.ts';
import type { Db } from '../../../src/db/client.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { startTelegram, type RunningTelegram } from '../../../src/telegram/telegram-role.ts';
import { MasterKey } from '../../../src/vault/master-key.ts';
import { FakeBotApi, type FakeUser } from '../../support/fake-bot-api.ts';

export const TOKEN = '123456789:AAE_test-token-for-the-fake-bot-api_xyz';

export interface BotWorld {
  fake: FakeBotApi;
  telegram: RunningTelegram;
  config: Config;
  masterKey: MasterKey;
  logLines: string[];
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export async function startBotWorld(
  db: Db,
  dbUrl: string,
  opts: { env?: Record<string, string>; masterKey?: MasterKey; fake?: FakeBotApi; perChatMs?: number } = {},
): Promise<BotWorld> {
  const fake = opts.fake ?? new FakeBotApi({ token: TOKEN });
  if (!fake.url) await fake.start();
  const config = loadConfig({
    DATABASE_URL: dbUrl,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_URL: fake.url,
    TELEGRAM_NOTIFY_BATCH_MS: '300',
    PAPER_STARTING_BALANCE_USD: '1000',
    ...opts.env,
  });
  const logLines: string[] = [];
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'debug', {
    write: (line: string) => {
      logLines.push(line);
      if (process.env.TEST_LOG_LEVEL) process.stdout.write(line);
    },
  });
  const masterKey = opts.masterKey ?? MasterKey.generate();
  const start = () =>
    startTelegram({
      config,
      db,
      databaseUrl: dbUrl,
      logger,
      masterKey,
      overrides: {
        limits: { globalPerSecond: 30, perChatMs: opts.perChatMs ?? 10, groupPerMinute: 20 },
        retry: { maxRetryAttempts: 3, maxDelaySeconds: 5 },
        pollMs: 50,
        jobsMs: 300,
        standbyRetryMs: 100,
        restartMs: 200,
        timeoutSeconds: 10,
      },
    });
  const world: BotWorld = {
    fake,
    telegram: await start(),
    config,
    masterKey,
    logLines,
    stop: async () => {
      await world.telegram.stop();
    },
    restart: async () => {
      await world.telegram.stop();
      world.telegram = await start();
    },
  };
  return world;
}

/** Sends `text` as `user` and waits for the bot's next message matching `expect` (default: any). */
export async function ask(
  w: BotWorld,
  user: FakeUser,
  text: string,
  expect: string | RegExp = /[\s\S]/,
  timeoutMs = 10_000,
) {
  const after = w.fake.mark(user.id);
  w.fake.sendText(user, text);
  return w.fake.waitFor(user.id, expect, { after, timeoutMs });
}

/** Presses a button and waits for a new message or an edit matching `expect`. */
export async function press(w: BotWorld, user: FakeUser, label: string | RegExp, expect: string | RegExp) {
  const before = new Map(w.fake.messages(user.id).map((m) => [m.message_id, m.edits.length]));
  w.fake.pressButton(user, label);
  const test = (t: string) => (typeof expect === 'string' ? t.includes(expect) : expect.test(t));
  return w.fake.waitFor(user.id, (m) => {
    const edits = before.get(m.message_id);
    const changed = edits === undefined || m.edits.length > edits;
    return changed && test(m.text);
  });
}
