// Public account routes: sign-up, sign-in, token refresh, logout, email verification and password
// reset. Session answers set the refresh cookie (refresh-cookie.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../auth/passwords.ts';
import { confirmEmail } from '../../../services/confirm-email.ts';
import { login } from '../../../services/login.ts';
import { AppError } from '../../../services/app-error.ts';
import { authenticate } from '../../../services/authenticate.ts';
import { refreshSession } from '../../../services/refresh-session.ts';
import { revokeSession, revokeSessionOfRefreshToken } from '../../../services/revoke-session.ts';
import { registerUser } from '../../../services/register-user.ts';
import { requestPasswordReset } from '../../../services/request-password-reset.ts';
import { resetPassword } from '../../../services/reset-password.ts';
import { authDeps, type ApiDeps } from '../api-deps.ts';
import {
  assertCookieRequestAllowed,
  clearRefreshCookie,
  refreshCookie,
  tokenPairBody,
} from '../refresh-cookie.ts';
import { bearerToken, requestMeta } from '../request-auth.ts';
import { BearerSecurity, EmailSchema, errors, SecondFactorCode } from '../schemas.ts';
import { TokenPairSchema, UserViewSchema } from '../views.ts';
import type { RouteApp } from './route-app.ts';

const SignUpSchema = z.object({ user: UserViewSchema, ...TokenPairSchema.shape }).meta({ id: 'SignUp' });

const Password = z
  .string()
  .min(1)
  .max(PASSWORD_MAX_LENGTH * 4);
// A new password: the document states the policy's length (characters) so a generated client refuses
// what the server refuses. The policy itself stays in one place (passwordProblem, which counts code
// points and answers 400 weak_password), so the schema only documents the bound and checks the
// UTF-16 maximum.
export const NewPassword = Password.meta({
  minLength: PASSWORD_MIN_LENGTH,
  description: `${PASSWORD_MIN_LENGTH}-${PASSWORD_MAX_LENGTH} characters, not a common password, not containing the email name`,
});
const OpaqueToken = z.string().min(10).max(200);

export function authRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const auth = authDeps(deps);
  return async (app) => {
    signInRoutes(app, deps, auth);
    logoutAndEmailRoutes(app, deps, auth);
    passwordResetConfirmRoutes(app, auth);
  };
}

function signInRoutes(app: RouteApp, deps: ApiDeps, auth: ReturnType<typeof authDeps>): void {
  app.post(
    '/auth/register',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account with email and password, and sign in',
        description:
          'Passwords: 10-128 characters, not a common password, not containing the email name. ' +
          'A verification link is mailed. Answers the user and a first session (as POST /auth/login), ' +
          'the refresh token also in the polycopy_refresh cookie.',
        body: z.strictObject({ email: EmailSchema, password: NewPassword }),
        response: { 201: SignUpSchema, ...errors(400, 409) },
      },
    },
    async (req, reply) => {
      const { user, session } = await registerUser(auth, req.body, requestMeta(req));
      return reply
        .code(201)
        .send({ user, ...tokenPairBody(req, reply, session, deps.settings, deps.clock()) });
    },
  );

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password',
        description:
          'The same 401 for an unknown email and a wrong password. Five failures in a row lock the ' +
          'account for 30 minutes: the same 401 until then (the owner is mailed). With two-factor authentication on, `totp` ' +
          '(a current authenticator code or an unused recovery code) is required: without it 401 ' +
          'totp_required; a wrong one is 401 invalid_totp and counts as a failure.',
        body: z.strictObject({ email: EmailSchema, password: Password, totp: SecondFactorCode.optional() }),
        response: { 200: TokenPairSchema, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) =>
      tokenPairBody(req, reply, await login(auth, req.body, requestMeta(req)), deps.settings, deps.clock()),
  );

  app.post(
    '/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a refresh token for a new token pair (the old refresh token stops working)',
        description:
          'The refresh token comes from the body (API clients) or the polycopy_refresh cookie (the ' +
          'web app: then X-Requested-With: polycopy-web is required, and a foreign Origin is refused, ' +
          '403 csrf_failed). Presenting a refresh token that was already exchanged revokes the whole ' +
          'session (401 refresh_token_reused). A refused token clears the cookie.',
        body: z.strictObject({ refreshToken: OpaqueToken.optional() }).nullish(),
        response: { 200: TokenPairSchema, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const token = req.body?.refreshToken ?? refreshCookie(req);
      if (token === null) throw new AppError('invalid_token', 'no refresh token: sign in');
      if (req.body?.refreshToken === undefined) assertCookieRequestAllowed(req, deps.settings);
      try {
        return tokenPairBody(req, reply, await refreshSession(auth, token), deps.settings, deps.clock());
      } catch (err) {
        if (err instanceof AppError) clearRefreshCookie(req, reply, deps.settings);
        throw err;
      }
    },
  );
}

function logoutAndEmailRoutes(app: RouteApp, deps: ApiDeps, auth: ReturnType<typeof authDeps>): void {
  app.post(
    '/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out the current session (its access and refresh tokens stop working)',
        description:
          'Authenticated by the access token (Authorization: Bearer), or by the polycopy_refresh cookie ' +
          'alone (then X-Requested-With: polycopy-web is required, 403 csrf_failed otherwise). Clears the ' +
          'cookie. A cookie that no longer names a live session just clears it.',
        security: BearerSecurity,
        response: { 204: z.null().describe('signed out'), ...errors(401, 403) },
      },
    },
    async (req, reply) => {
      const bearer = bearerToken(req);
      const cookie = refreshCookie(req);
      if (bearer !== null) {
        const a = await authenticate(deps, bearer);
        await revokeSession(deps, a.userId, a.sessionId, 'logout');
      } else if (cookie !== null) {
        assertCookieRequestAllowed(req, deps.settings);
        await revokeSessionOfRefreshToken(deps, cookie);
      } else {
        throw new AppError('unauthenticated', 'send Authorization: Bearer <access token>');
      }
      clearRefreshCookie(req, reply, deps.settings);
      return reply.code(204).send(null);
    },
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
}

function passwordResetConfirmRoutes(app: RouteApp, auth: ReturnType<typeof authDeps>): void {
  app.post(
    '/auth/password-reset/confirm',
    {
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with the token from the mailed link; signs out every session',
        body: z.strictObject({ token: OpaqueToken, password: NewPassword }),
        response: { 204: z.null().describe('password changed'), ...errors(400, 401) },
      },
    },
    async (req, reply) => {
      await resetPassword(auth, req.body);
      return reply.code(204).send(null);
    },
  );
}
