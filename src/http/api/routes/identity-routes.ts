// Public sign-in by wallet (Sign-In with Ethereum, EIP-4361) and by the Telegram login widget.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { issueSiweNonce, telegramSignIn, walletSignIn } from '../../../services/identity-sign-in.ts';
import { authDeps, type ApiDeps } from '../api-deps.ts';
import { tokenPairBody } from '../refresh-cookie.ts';
import { requestMeta } from '../request-auth.ts';
import { errors, SecondFactorCode } from '../schemas.ts';
import { TokenPairSchema } from '../views.ts';

export const SiweProof = {
  message: z.string().min(1).max(4096).describe('the EIP-4361 message the wallet signed'),
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 0x-prefixed 65-byte hex signature')
    .describe('personal_sign (EIP-191) signature of the message'),
};

export const TelegramPayload = {
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  first_name: z.string().max(256),
  last_name: z.string().max(256).optional(),
  username: z.string().max(64).optional(),
  photo_url: z.string().max(2048).optional(),
  auth_date: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
};

export function identityRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const auth = authDeps(deps);
  return async (app) => {
    app.get(
      '/auth/siwe/nonce',
      {
        schema: {
          tags: ['auth'],
          summary: 'A single-use nonce for a Sign-In with Ethereum message (valid 10 minutes)',
          response: { 200: z.object({ nonce: z.string(), expiresAt: z.string() }) },
        },
      },
      async () => issueSiweNonce(auth),
    );

    app.post(
      '/auth/siwe/verify',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign in with a wallet: a signed EIP-4361 message (creates the account on first use)',
          description:
            "The message's domain must be this server's PUBLIC_URL host, its nonce one from " +
            'GET /auth/siwe/nonce (unused, under 10 minutes old), and it must not be expired. ' +
            'Externally owned accounts only. With two-factor authentication on, send `totp` too.',
          body: z.strictObject({ ...SiweProof, totp: SecondFactorCode.optional() }),
          response: { 200: TokenPairSchema, ...errors(400, 401, 403, 409, 423) },
        },
      },
      async (req, reply) =>
        tokenPairBody(
          req,
          reply,
          await walletSignIn(auth, req.body, requestMeta(req)),
          deps.settings,
          deps.clock(),
        ),
    );

    app.post(
      '/auth/telegram',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign in with the Telegram login widget (creates the account on first use)',
          description:
            "The widget's payload exactly as received; verified with the bot token, accepted for one " +
            'day after auth_date. 503 telegram_unavailable when TELEGRAM_BOT_TOKEN is not set. With ' +
            'two-factor authentication on, send `totp` too.',
          body: z.strictObject({ ...TelegramPayload, totp: SecondFactorCode.optional() }),
          response: { 200: TokenPairSchema, ...errors(400, 401, 403, 409, 423, 503) },
        },
      },
      async (req, reply) => {
        const { totp, ...payload } = req.body;
        const pair = await telegramSignIn(
          auth,
          deps.settings.telegramBotToken,
          payload,
          totp,
          requestMeta(req),
        );
        return tokenPairBody(req, reply, pair, deps.settings, deps.clock());
      },
    );
  };
}
