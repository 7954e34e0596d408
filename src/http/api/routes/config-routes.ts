// GET /config: what the web app needs to know about this platform before anyone signs in — whether
// to show the Telegram login widget (and for which bot), the host a wallet's sign-in message must
// name, the paper account's starting balance, and the settings a new follow gets when the form leaves
// them empty (so the follow form shows the platform's defaults instead of a copy of its own).
import { NEW_FOLLOW_DEFAULTS } from '../../../domain/copy-settings.ts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { paperStartingBalance, type ApiDeps } from '../api-deps.ts';

const FollowDefaults = z
  .object({
    proportionalityFactor: z.string(),
    maxInvestmentPerTradeUsd: z.string(),
    maxTotalExposureUsd: z.string(),
    minTradeSizeUsd: z.string().nullable(),
    maxSlippagePercent: z.string(),
    maxConsecutiveFailures: z.number().int().nullable(),
  })
  .describe('what a new follow gets for each setting the request leaves out (POST /follows)');

function followDefaults(): z.infer<typeof FollowDefaults> {
  const d = NEW_FOLLOW_DEFAULTS;
  return {
    proportionalityFactor: d.proportionalityFactor,
    maxInvestmentPerTradeUsd: d.maxInvestmentPerTradeUsd,
    maxTotalExposureUsd: d.maxTotalExposureUsd,
    minTradeSizeUsd: d.minTradeSizeUsd,
    maxSlippagePercent: d.maxSlippagePercent,
    maxConsecutiveFailures: d.maxConsecutiveFailures,
  };
}

export function configRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/config',
      {
        schema: {
          tags: ['platform'],
          summary: "The platform's public settings for the web app",
          querystring: z.strictObject({}),
          response: {
            200: z.object({
              publicUrl: z.string(),
              siweDomain: z.string().describe('the domain a Sign-In with Ethereum message must name'),
              telegramBotUsername: z
                .string()
                .nullable()
                .describe('show the Telegram login widget for this bot; null: Telegram sign-in is off'),
              paperStartingBalanceUsd: z.string(),
              followDefaults: FollowDefaults,
            }),
          },
        },
      },
      async () => {
        const bot = deps.settings.telegramBotToken
          ? await deps.db.selectFrom('telegram_bot_info').select('username').executeTakeFirst()
          : undefined;
        return {
          publicUrl: deps.settings.publicUrl,
          siweDomain: new URL(deps.settings.publicUrl).host,
          telegramBotUsername: bot?.username ?? null,
          paperStartingBalanceUsd: paperStartingBalance(deps).toFixed(),
          followDefaults: followDefaults(),
        };
      },
    );
  };
}
