// Signed-in account routes: who am I, sessions, re-sending the verification mail. (Logout is with the
// public auth routes: it also accepts the refresh cookie alone.)
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getMe } from '../../../services/get-me.ts';
import { listSessions } from '../../../services/list-sessions.ts';
import { revokeSession } from '../../../services/revoke-session.ts';
import { sendEmailVerification } from '../../../services/send-email-verification.ts';
import { paperStartingBalance, authDeps, type ApiDeps } from '../api-deps.ts';
import { requireAuth } from '../request-auth.ts';
import { BearerSecurity, errors } from '../schemas.ts';
import { SessionSchema, UserViewSchema } from '../views.ts';

export function sessionRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/me',
      {
        schema: {
          tags: ['account'],
          summary: 'The signed-in user',
          security: BearerSecurity,
          response: { 200: UserViewSchema, ...errors(401) },
        },
      },
      async (req) =>
        getMe({ db: deps.db, paperStartingBalanceUsd: paperStartingBalance(deps) }, requireAuth(req).userId),
    );

    app.get(
      '/auth/sessions',
      {
        schema: {
          tags: ['auth'],
          summary: "The user's live sessions (signed-in devices)",
          security: BearerSecurity,
          response: { 200: z.object({ sessions: z.array(SessionSchema) }), ...errors(401) },
        },
      },
      async (req) => {
        const a = requireAuth(req);
        return { sessions: await listSessions(deps, a.userId, a.sessionId) };
      },
    );

    app.delete(
      '/auth/sessions/:id',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign out one session',
          security: BearerSecurity,
          params: z.strictObject({ id: z.uuid() }),
          response: { 204: z.null().describe('revoked'), ...errors(400, 401, 404) },
        },
      },
      async (req, reply) => {
        await revokeSession(deps, requireAuth(req).userId, req.params.id, 'revoked_by_user');
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/auth/verify-email/request',
      {
        schema: {
          tags: ['auth'],
          summary: 'Mail a new email verification link',
          security: BearerSecurity,
          response: { 202: z.object({ status: z.literal('sent') }), ...errors(401, 409) },
        },
      },
      async (req, reply) => {
        await sendEmailVerification(authDeps(deps), requireAuth(req).userId);
        return reply.code(202).send({ status: 'sent' as const });
      },
    );
  };
}
