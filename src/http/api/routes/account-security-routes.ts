// The signed-in user's two-factor authentication and linked sign-in identities (link, unlink).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { linkTelegram, linkWallet } from '../../../services/identity-sign-in.ts';
import { linkEmail } from '../../../services/link-email.ts';
import {
  confirmTwoFactor,
  disableTwoFactor,
  enrollTwoFactor,
  TOTP_HEADER,
} from '../../../services/two-factor.ts';
import { IDENTITY_KINDS, unlinkIdentity } from '../../../services/unlink-identity.ts';
import { withPaperStart, authDeps, type ApiDeps } from '../api-deps.ts';
import { requireAuth } from '../request-auth.ts';
import { BearerSecurity, EmailSchema, errors, SecondFactorCode, TotpHeaderSchema } from '../schemas.ts';
import { UserViewSchema } from '../views.ts';
import { NewPassword } from './auth-routes.ts';
import { SiweProof, TelegramPayload } from './identity-routes.ts';
import type { RouteApp } from './route-app.ts';

export function accountSecurityRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const auth = authDeps(deps);
  return async (app) => {
    twoFactorRoutes(app, deps);
    linkIdentityRoutes(app, deps, auth);
    unlinkIdentityRoutes(app, deps);
  };
}

function twoFactorRoutes(app: RouteApp, deps: ApiDeps): void {
  app.post(
    '/auth/2fa/enroll',
    {
      schema: {
        tags: ['auth'],
        summary: 'Start two-factor authentication: a new TOTP secret as an otpauth URI and a QR code',
        description:
          'The secret is stored encrypted and is not active until POST /auth/2fa/confirm. Enrolling ' +
          'again before confirming replaces it. 409 when two-factor authentication is already on.',
        security: BearerSecurity,
        response: {
          200: z.object({
            secret: z.string().describe('base32, for typing into an app by hand; shown only now'),
            otpauthUri: z.string().meta({ example: 'otpauth://totp/polycopy:alice%40example.com?...' }),
            qrCodeDataUrl: z.string().describe('the otpauth URI as a PNG data URL'),
          }),
          ...errors(401, 409),
        },
      },
    },
    async (req) => enrollTwoFactor(deps, requireAuth(req).userId),
  );

  app.post(
    '/auth/2fa/confirm',
    {
      schema: {
        tags: ['auth'],
        summary: 'Turn two-factor authentication on with a code from the app; returns 10 recovery codes',
        description:
          'The recovery codes are shown only in this answer (stored hashed); each works once in place ' +
          'of an authenticator code. 401 invalid_totp for a wrong code.',
        security: BearerSecurity,
        body: z.strictObject({
          code: z
            .string()
            .trim()
            .regex(/^\d{6}$/, 'must be 6 digits'),
        }),
        response: { 200: z.object({ recoveryCodes: z.array(z.string()) }), ...errors(400, 401, 409) },
      },
    },
    async (req) => confirmTwoFactor(deps, requireAuth(req).userId, req.body.code),
  );

  app.post(
    '/auth/2fa/disable',
    {
      schema: {
        tags: ['auth'],
        summary: 'Turn two-factor authentication off (needs a current code or a recovery code)',
        security: BearerSecurity,
        body: z.strictObject({ code: SecondFactorCode }),
        response: { 204: z.null().describe('turned off'), ...errors(400, 401, 409, 423) },
      },
    },
    async (req, reply) => {
      await disableTwoFactor(deps, requireAuth(req).userId, req.body.code);
      return reply.code(204).send(null);
    },
  );
}

function linkIdentityRoutes(app: RouteApp, deps: ApiDeps, auth: ReturnType<typeof authDeps>): void {
  app.post(
    '/auth/link/email',
    {
      schema: {
        tags: ['auth'],
        summary: 'Add email + password sign-in to an account that signs in with a wallet or Telegram',
        description:
          'The address starts unverified; a verification link is mailed. 409 conflict when the account ' +
          'already has a password, 409 email_taken when another account has the address, 400 ' +
          'weak_password as at sign-up. With two-factor authentication on, send a fresh code in the ' +
          'x-totp header.',
        security: BearerSecurity,
        headers: TotpHeaderSchema,
        body: z.strictObject({ email: EmailSchema, password: NewPassword }),
        response: { 200: UserViewSchema, ...errors(400, 401, 409, 423) },
      },
    },
    async (req) => linkEmail(auth, requireAuth(req).userId, req.body, req.headers[TOTP_HEADER]),
  );

  app.post(
    '/auth/link/wallet',
    {
      schema: {
        tags: ['auth'],
        summary: 'Add a wallet sign-in to this account (the same signed EIP-4361 message as sign-in)',
        description: '409 identity_taken when another account signs in with that wallet.',
        security: BearerSecurity,
        body: z.strictObject(SiweProof),
        response: { 200: UserViewSchema, ...errors(400, 401, 409) },
      },
    },
    async (req) => linkWallet(auth, requireAuth(req).userId, req.body),
  );

  app.post(
    '/auth/link/telegram',
    {
      schema: {
        tags: ['auth'],
        summary: 'Add a Telegram sign-in to this account (the login widget payload)',
        description: '409 identity_taken when another account signs in with that Telegram account.',
        security: BearerSecurity,
        body: z.strictObject(TelegramPayload),
        response: { 200: UserViewSchema, ...errors(400, 401, 409, 503) },
      },
    },
    async (req) => linkTelegram(auth, requireAuth(req).userId, deps.settings.telegramBotToken, req.body),
  );
}

function unlinkIdentityRoutes(app: RouteApp, deps: ApiDeps): void {
  app.delete(
    '/auth/identities/:kind',
    {
      schema: {
        tags: ['auth'],
        summary: 'Remove a sign-in identity: email (with its password), wallet or Telegram',
        description:
          'Never the last way to sign in (409 conflict). Removing the email also forgets the password ' +
          'and retires outstanding verification and reset links. 404 when the account has no such ' +
          'identity. With two-factor authentication on, send a fresh code in the x-totp header.',
        security: BearerSecurity,
        headers: TotpHeaderSchema,
        params: z.strictObject({ kind: z.enum(IDENTITY_KINDS) }),
        response: { 200: UserViewSchema, ...errors(400, 401, 404, 409, 423) },
      },
    },
    async (req) =>
      unlinkIdentity(
        withPaperStart(deps),
        requireAuth(req).userId,
        req.params.kind,
        req.headers[TOTP_HEADER],
      ),
  );
}
