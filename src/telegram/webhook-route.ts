// Webhook mode (TELEGRAM_WEBHOOK_URL set): every api process serves POST <path of the URL> and
// handles the update itself with the same bot as long polling. Telegram proves it is Telegram with
// the secret token header (X-Telegram-Bot-Api-Secret-Token, compared in constant time by grammY);
// anything else is a 401 and never reaches a handler. A delivery Telegram retries (after a timeout
// or a 5xx) runs once: the bot de-duplicates update ids in PostgreSQL.
import type { FastifyInstance } from 'fastify';
import { webhookCallback } from 'grammy';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../observability/logger.ts';
import type { MasterKey } from '../vault/master-key.ts';
import { createBot } from './bot.ts';
import { botDeps, botOptions, webhookSecret } from './telegram-role.ts';

export async function registerTelegramWebhook(
  app: FastifyInstance,
  deps: { config: Config; db: Db; logger: Logger; masterKey: MasterKey },
): Promise<string> {
  const config = deps.config;
  const path = new URL(config.telegram.webhookUrl!).pathname;
  // grammY asks getMe once, on the first update this process receives.
  const { bot } = createBot(
    botDeps({ ...deps, logger: deps.logger.child({ role: 'telegram-webhook' }) }),
    botOptions(config),
  );
  const handle = webhookCallback(bot, 'fastify', {
    secretToken: webhookSecret(config),
    onTimeout: 'return',
    timeoutMilliseconds: 9_000,
  });
  app.post(path, { schema: { hide: true }, bodyLimit: 1_048_576 }, async (req, reply) => handle(req, reply));
  return path;
}
