// The signed-in user's Telegram bot: a one-time code to link a chat, and notification preferences
// (the same service as the bot's /notify).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NOTIFICATION_KINDS } from '../../../domain/notifications/notification-kinds.ts';
import {
  getNotificationPreferences,
  setNotificationPreferences,
} from '../../../services/notification-preferences.ts';
import { issueTelegramLinkCode } from '../../../services/telegram-link.ts';
import type { ApiDeps } from '../api-deps.ts';
import { requireAuth } from '../request-auth.ts';
import { BearerSecurity, errors } from '../schemas.ts';

const Level = z.enum(['on', 'silent', 'off']);
const Kind = z.enum(NOTIFICATION_KINDS as [string, ...string[]]);

const LinkCodeSchema = z
  .object({
    code: z.string().meta({ example: 'K7PX-3MQA' }).describe('send "/link <code>" to the bot; shown once'),
    expiresAt: z.string().describe('the code works once, until then (10 minutes)'),
    botUsername: z.string().nullable().describe('the bot to talk to; null until the bot has started once'),
  })
  .meta({ id: 'TelegramLinkCode' });

const PreferencesSchema = z
  .object({
    enabled: z.boolean().describe('master switch (users.telegram_notifications)'),
    levels: z
      .partialRecord(Kind, Level)
      .describe('each kind on, silent (no sound) or off; operator_alert for admins only'),
    telegram: z.object({ linked: z.boolean(), blocked: z.boolean() }),
  })
  .meta({ id: 'NotificationPreferences' });

export function telegramRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/me/telegram/link-code',
      {
        schema: {
          tags: ['account'],
          summary: 'A one-time code that links a Telegram chat to this account',
          description:
            'Send "/link <code>" to the bot within 10 minutes. A new code replaces earlier ones; the code ' +
            'is stored hashed and works once. Linking moves your Telegram identity to this account.',
          security: BearerSecurity,
          response: { 201: LinkCodeSchema, ...errors(401) },
        },
      },
      async (req, reply) => reply.code(201).send(await issueTelegramLinkCode(deps, requireAuth(req).userId)),
    );

    app.get(
      '/me/notifications',
      {
        schema: {
          tags: ['account'],
          summary: 'Notification preferences (Telegram)',
          security: BearerSecurity,
          response: { 200: PreferencesSchema, ...errors(401) },
        },
      },
      async (req) => getNotificationPreferences(deps, requireAuth(req).userId),
    );

    app.patch(
      '/me/notifications',
      {
        schema: {
          tags: ['account'],
          summary: 'Change notification preferences',
          description: 'operator_alert is for administrators only (403 for others).',
          security: BearerSecurity,
          body: z
            .strictObject({
              enabled: z.boolean().optional(),
              levels: z.partialRecord(Kind, Level).optional(),
            })
            .refine(
              (b) => b.enabled !== undefined || (b.levels && Object.keys(b.levels).length > 0),
              'nothing to change',
            ),
          response: { 200: PreferencesSchema, ...errors(400, 401, 403) },
        },
      },
      async (req) =>
        setNotificationPreferences(
          deps,
          requireAuth(req).userId,
          req.body as Parameters<typeof setNotificationPreferences>[2],
        ),
    );
  };
}
