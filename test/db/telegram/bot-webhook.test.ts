// Webhook mode: the active telegram role registers TELEGRAM_WEBHOOK_URL with a secret token, the
// api process serves its path, Telegram's deliveries are handled, and a request without the right
// X-Telegram-Bot-Api-Secret-Token is refused (401) and never reaches a handler.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.ts';
import { webhookSecret } from '../../../src/telegram/telegram-role.ts';
import { registerTelegramWebhook } from '../../../src/telegram/webhook-route.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { ask, startBotWorld, type BotWorld } from './bot-harness.ts';
import { freePort } from '../../support/free-port.ts';

describe('telegram webhooks', () => {
  const t = useTestDatabase();
  let w: BotWorld;
  const app = Fastify();
  let hook = '';

  beforeAll(async () => {
    const port = await freePort();
    hook = `http://127.0.0.1:${port}/telegram/hook`;
    w = await startBotWorld(t.current.db, t.current.url, { env: { TELEGRAM_WEBHOOK_URL: hook } });
    await registerTelegramWebhook(app, {
      config: w.config,
      db: t.current.db,
      logger: createLogger('silent'),
      masterKey: w.masterKey,
    });
    await app.listen({ host: '127.0.0.1', port });
  });
  afterAll(async () => {
    await w?.stop();
    await app.close();
    await w?.fake.close();
  });

  it('handles deliveries with the secret, and refuses anything without it', async () => {
    const lou = w.fake.user(5001, 'Lou');
    await ask(w, lou, '/start', 'Welcome', 15_000);
    expect(w.fake.webhookDeliveries.every((d) => d.status === 200)).toBe(true);
    expect(w.fake.calls.some((c) => c.method === 'getUpdates')).toBe(false);
    const forged = {
      update_id: 999_999,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 5001, type: 'private' },
        from: { id: 5001, is_bot: false, first_name: 'X' },
        text: '/stop',
      },
    };
    for (const headers of [{}, { 'x-telegram-bot-api-secret-token': 'wrong-secret-value-123' }] as Record<
      string,
      string
    >[]) {
      const res = await fetch(hook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(forged),
      });
      expect(res.status).toBe(401);
    }
    const seen = await t.current.db
      .selectFrom('telegram_processed_updates')
      .select('update_id')
      .where('update_id', '=', '999999')
      .execute();
    expect(seen).toHaveLength(0);
    // The same delivery twice (a Telegram retry) runs once.
    const mark = w.fake.mark(lou.id);
    const update = {
      ...forged,
      update_id: 1_000_000,
      message: {
        ...forged.message,
        text: '/help',
        entities: [{ type: 'bot_command', offset: 0, length: 5 }],
      },
    };
    for (let i = 0; i < 2; i++) {
      const res = await fetch(hook, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': webhookSecret(w.config),
        },
        body: JSON.stringify(update),
      });
      expect(res.status).toBe(200);
    }
    await w.fake.waitFor(lou.id, 'polycopy bot', { after: mark });
    await new Promise((r) => setTimeout(r, 300));
    expect(w.fake.messages(lou.id).filter((m) => m.message_id > mark)).toHaveLength(1);
  }, 40_000);
});
