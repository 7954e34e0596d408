// `npm run bench -- telegram [--users 50]`: the bot as deployed (telegram role, Telegram's real
// limits) against the fake Bot API over loopback, on a fresh database.
//   1. Reply latency: every user sends /start, then /help, /portfolio, /following, /top, /notify,
//      /why one after another, reading each answer for 1.5 s (as a person would); time from the
//      update being queued at the fake to the bot's answer.
//   2. Notifications at Telegram's limits: every user gets a burst of 20 events at once; how long
//      until all are delivered, how many messages that took (bursts are batched), and the most
//      messages sent in any one second (the throttler's global cap is 30/s).
import { withTransaction } from '../src/db/client.ts';
import { loadConfig } from '../src/config/config.ts';
import { publishUserEvent } from '../src/events/publish.ts';
import { createLogger } from '../src/observability/logger.ts';
import { startTelegram } from '../src/telegram/telegram-role.ts';
import { MasterKey } from '../src/vault/master-key.ts';
import { FakeBotApi, type FakeUser } from '../test/support/fake-bot-api.ts';
import { freshBenchDatabase } from './fresh-database.ts';

const TOKEN = '123456789:AAE_bench-token-for-the-fake-bot-api_x';

function pct(sorted: number[], p: number): number {
  return sorted.length === 0
    ? 0
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface TelegramBenchResult {
  scenario: 'telegram';
  users: number;
  replies: { n: number; p50_ms: number; p99_ms: number; max_ms: number; over_2s: number };
  notifications: {
    events: number;
    messages: number;
    seconds_to_deliver_all: number;
    max_messages_in_one_second: number;
    max_messages_to_one_chat_in_one_second: number;
  };
}

/** Each user sends the commands one after another, reading each answer for `thinkMs` first. */
async function replyLatencies(fake: FakeBotApi, users: FakeUser[], thinkMs: number): Promise<number[]> {
  const commands = ['/start', '/help', '/portfolio', '/following', '/top', '/notify', '/why'];
  const out: number[] = [];
  await Promise.all(
    users.map(async (u, i) => {
      await new Promise((r) => setTimeout(r, (i * thinkMs) / users.length));
      for (const c of commands) {
        await new Promise((r) => setTimeout(r, thinkMs));
        const after = fake.mark(u.id);
        const t0 = performance.now();
        fake.sendText(u, c);
        await fake.waitFor(u.id, () => true, { after, timeoutMs: 30_000 });
        out.push(performance.now() - t0);
      }
    }),
  );
  return out.sort((a, b) => a - b);
}

export async function benchTelegram(opts: { users?: number } = {}): Promise<TelegramBenchResult> {
  const n = opts.users ?? 50;
  const bench = await freshBenchDatabase({
    prefix: 'bench_telegram',
    poolMax: 20,
    applicationName: 'bench-telegram',
  });
  const fake = new FakeBotApi({ token: TOKEN });
  await fake.start();
  const config = loadConfig({
    DATABASE_URL: bench.url,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_URL: fake.url,
  });
  const telegram = await startTelegram({
    config,
    db: bench.db,
    databaseUrl: bench.url,
    logger: createLogger('silent'),
    masterKey: MasterKey.generate(),
    overrides: { pollMs: 100 },
  });
  try {
    while (!telegram.isLeader) await new Promise((r) => setTimeout(r, 50));
    const users = Array.from({ length: n }, (_, i) => fake.user(9_000_000 + i, `Bench${i}`));
    const latencies = await replyLatencies(fake, users, 1_500);

    const ids = await bench.db.selectFrom('users').select(['id', 'telegram_id']).execute();
    const marks = new Map(users.map((u) => [u.id, fake.mark(u.id)]));
    const t0 = Date.now();
    const perUser = 20;
    await Promise.all(
      ids.map((u) =>
        withTransaction(bench.db, async (tx) => {
          for (let i = 0; i < perUser; i++)
            await publishUserEvent(tx, u.id, 'copy.failed', {
              queueId: '1',
              relationshipId: '1',
              fillKey: 'ab'.repeat(32),
              reason: 'insufficient_balance',
              detail: 'bench',
            });
        }),
      ),
    );
    const delivered = async () =>
      (
        await bench.db
          .selectFrom('notification_outbox')
          .select((e) => e.fn.countAll<string>().as('n'))
          .where('status', '=', 'sent')
          .executeTakeFirstOrThrow()
      ).n;
    while (Number(await delivered()) < ids.length * perUser) {
      if (Date.now() - t0 > 300_000) throw new Error('notifications not delivered within 5 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (Date.now() - t0) / 1000;
    const sends = fake.calls.filter((c) => c.method === 'sendMessage' && c.at >= t0);
    const bySecond = new Map<number, number>();
    const byChatSecond = new Map<string, number>();
    for (const c of sends) {
      const s = Math.floor(c.at / 1000);
      bySecond.set(s, (bySecond.get(s) ?? 0) + 1);
      const k = `${c.chatId}:${s}`;
      byChatSecond.set(k, (byChatSecond.get(k) ?? 0) + 1);
    }
    const messages = users.reduce(
      (acc, u) => acc + fake.messages(u.id).filter((m) => m.message_id > marks.get(u.id)!).length,
      0,
    );
    return {
      scenario: 'telegram',
      users: n,
      replies: {
        n: latencies.length,
        p50_ms: Math.round(pct(latencies, 50)),
        p99_ms: Math.round(pct(latencies, 99)),
        max_ms: Math.round(latencies.at(-1) ?? 0),
        over_2s: latencies.filter((l) => l > 2000).length,
      },
      notifications: {
        events: ids.length * perUser,
        messages,
        seconds_to_deliver_all: Math.round(seconds * 10) / 10,
        max_messages_in_one_second: Math.max(0, ...bySecond.values()),
        max_messages_to_one_chat_in_one_second: Math.max(0, ...byChatSecond.values()),
      },
    };
  } finally {
    await telegram.stop();
    await fake.close();
    await bench.close();
  }
}

export function telegramRows(r: TelegramBenchResult) {
  return [
    { metric: 'users', value: String(r.users) },
    {
      metric: `command replies (${r.replies.n}) p50 / p99 / max ms`,
      value: `${r.replies.p50_ms} / ${r.replies.p99_ms} / ${r.replies.max_ms}`,
    },
    { metric: 'replies slower than 2 s', value: String(r.replies.over_2s) },
    {
      metric: 'notification events → messages (batched)',
      value: `${r.notifications.events} → ${r.notifications.messages}`,
    },
    { metric: 'seconds to deliver every event', value: String(r.notifications.seconds_to_deliver_all) },
    {
      metric: 'most messages in one second (limit 30)',
      value: String(r.notifications.max_messages_in_one_second),
    },
    {
      metric: 'most messages to one chat in one second (limit 1)',
      value: String(r.notifications.max_messages_to_one_chat_in_one_second),
    },
  ];
}
