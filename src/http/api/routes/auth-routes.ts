// Public account routes: sign-up, sign-in, token refresh, email verification and password reset.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH } from '../../../auth/passwords.ts';
import { confirmEmail } from '../../../services/confirm-email.ts';
import { login } from '../../../services/login.ts';
import { refreshSession } from '../../../services/refresh-session.ts';
import { registerUser } from '../../../services/register-user.ts';
import { requestPasswordReset } from '../../../services/request-password-reset.ts';
import { resetPassword } from '../../../services/reset-password.ts';
import { authDeps, type ApiDeps } from '../api-deps.ts';
import { requestMeta } from '../request-auth.ts';
import { EmailSchema, errors, SecondFactorCode } from '../schemas.ts';
import { TokenPairSchema, UserViewSchema } from '../views.ts';

const Password = z
  .string()
  .min(1)
  .max(PASSWORD_MAX_LENGTH * 4);
const OpaqueToken = z.string().min(10).max(200);

export function authRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const auth = authDeps(deps);
  return async (app) => {
    app.post(
      '/auth/register',
      {
        schema: {
          tags: ['auth'],
          summary: 'Create an account with email and password',
          description:
            'Passwords: 10-128 characters, not a common password, not containing the email name. ' +
            'A verification link is mailed.',
          body: z.strictObject({ email: EmailSchema, password: Password }),
          response: { 201: z.object({ user: UserViewSchema }), ...errors(400, 409) },
        },
      },
      async (req, reply) => reply.code(201).send({ user: await registerUser(auth, req.body) }),
    );

    app.post(
      '/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign in with email and password',
          description:
            'The same 401 for an unknown email and a wrong password. Five failures in a row lock the ' +
            'account for 30 minutes (423 with Retry-After). With two-factor authentication on, `totp` ' +
            '(a current authenticator code or an unused recovery code) is required: without it 401 ' +
            'totp_required; a wrong one is 401 invalid_totp and counts as a failure.',
          body: z.strictObject({ email: EmailSchema, password: Password, totp: SecondFactorCode.optional() }),
          response: { 200: TokenPairSchema, ...errors(400, 401, 403, 423) },
        },
      },
      async (req) => login(auth, req.body, requestMeta(req)),
    );

    app.post(
      '/auth/refresh',
      {
        schema: {
          tags: ['auth'],
          summary: 'Exchange a refresh token for a new token pair (the old refresh token stops working)',
          description:
            'Presenting a refresh token that was already exchanged revokes the whole session ' +
            '(401 refresh_token_reused).',
          body: z.strictObject({ refreshToken: OpaqueToken }),
          response: { 200: TokenPairSchema, ...errors(400, 401) },
        },
      },
      async (req) => refreshSession(auth, req.body.refreshToken),
    );

    app.post(
      '/auth/verify-email/confirm',
      {
        schema: {
          tags: ['auth'],
          summary: 'Verify the email address with the token from the mailed link',
          body: z.strictObject({ token: OpaqueToken }),
          response: { 204: z.null().describe('verified'), ...errors(400, 401) },
        },
      },
      async (req, reply) => {
        await confirmEmail(auth, req.body.token);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/auth/password-reset/request',
      {
        schema: {
          tags: ['auth'],
          summary: 'Mail a password reset link (answers 202 whether or not the account exists)',
          body: z.strictObject({ email: EmailSchema }),
          response: { 202: z.object({ status: z.literal('accepted') }), ...errors(400) },
        },
      },
      async (req, reply) => {
        await requestPasswordReset(auth, req.body);
        return reply.code(202).send({ status: 'accepted' as const });
      },
    );

    app.post(
      '/auth/password-reset/confirm',
      {
        schema: {
          tags: ['auth'],
          summary: 'Set a new password with the token from the mailed link; signs out every session',
          body: z.strictObject({ token: OpaqueToken, password: Password }),
          response: { 204: z.null().describe('password changed'), ...errors(400, 401) },
        },
      },
      async (req, reply) => {
        await resetPassword(auth, req.body);
        return reply.code(204).send(null);
      },
    );
  };
}
