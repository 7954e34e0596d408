// Admin routes (role = admin). Non-admins get 403, anonymous callers 401. Every change (users'
// activation, role and tier; the kill switch; queue cancel and requeue) needs the admin's own
// step-up code in x-totp when their 2FA is on, and is written to admin_audit_log in the same
// transaction (GET /admin/audit reads it).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SUBSCRIPTION_TIERS } from '../../../domain/tiers.ts';
import { listAdminAudit } from '../../../services/admin-audit.ts';
import {
  cancelQueueRow,
  getQueueRow,
  listQueueAdmin,
  requeueQueueRow,
} from '../../../services/admin-queue.ts';
import {
  getUser,
  listUsers,
  setUserActive,
  setUserRole,
  setUserTier,
  type AdminActor,
} from '../../../services/admin-users.ts';
import { adminSetKillSwitch, getKillSwitch } from '../../../services/kill-switch.ts';
import { MONITORING_QUERIES, runMonitoringQuery } from '../../../services/run-monitoring-query.ts';
import { TOTP_HEADER } from '../../../services/two-factor.ts';
import { withPaperStart, type ApiDeps } from '../api-deps.ts';
import { requestMeta, requireAuth } from '../request-auth.ts';
import {
  BearerSecurity,
  errors,
  IdParamSchema,
  PageQuery,
  pageOf,
  TotpHeaderSchema,
  WalletSchema,
} from '../schemas.ts';
import { UserViewSchema } from '../views.ts';
import { QueueItemSchema, QueueStatus } from './read-routes.ts';
import type { RouteApp } from './route-app.ts';

const Tier = z.enum(SUBSCRIPTION_TIERS as ['free', 'basic', 'pro', 'premium']);
const Role = z.enum(['user', 'admin']);
const Reason = z.string().trim().min(1).max(500);
const UserIdFilter = z.string().regex(/^[1-9]\d{0,17}$/, 'must be a numeric id');

const AdminUserSchema = UserViewSchema.extend({ lockedUntil: z.string().nullable() }).meta({
  id: 'AdminUser',
});
const AdminUserDetailSchema = AdminUserSchema.extend({
  counts: z.object({
    activeSessions: z.number().int(),
    activeFollows: z.number().int(),
    pausedFollows: z.number().int(),
    activeCredentials: z.number().int(),
    pendingQueueRows: z.number().int(),
  }),
}).meta({ id: 'AdminUserDetail' });

const AdminQueueItemSchema = QueueItemSchema.extend({
  userId: z.string(),
  signedAt: z
    .string()
    .nullable()
    .describe('when the order identity was persisted: from then on an order may exist at the venue'),
  leaseExpiresAt: z.string().nullable(),
  reservedSpendUsd: z.string().nullable(),
  sourceFillKey: z.string().nullable(),
}).meta({ id: 'AdminQueueItem' });

const AUDIT_ACTIONS = [
  'user_activate',
  'user_deactivate',
  'user_role',
  'user_tier',
  'kill_switch',
  'queue_cancel',
  'queue_requeue',
  'user_create',
  'queue_settle',
] as const;

const AdminAuditSchema = z
  .object({
    id: z.string(),
    actorUserId: z.string().nullable().describe('null for an action taken with the operator CLI'),
    actor: z.string().nullable().describe('the operator at the command line (cli:<user>@<host>)'),
    action: z.enum(AUDIT_ACTIONS),
    targetUserId: z.string().nullable(),
    targetQueueId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
    ip: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'AdminAuditEntry' });

const STEP_UP = 'With two-factor authentication on, send a fresh code of your own in the x-totp header.';

function actorOf(req: FastifyRequest & { headers: { 'x-totp'?: string | undefined } }): AdminActor {
  return { userId: requireAuth(req).userId, meta: requestMeta(req), totp: req.headers[TOTP_HEADER] };
}

const KillSwitchSchema = z
  .object({
    enabled: z.boolean(),
    reason: z.string().nullable(),
    updatedAt: z.string(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'KillSwitch' });

export function adminRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    usersAndDeactivationRoutes(app, deps);
    activationRoleTierRoutes(app, deps);
    killSwitchAndQueueRoutes(app, deps);
    requeueAuditMonitoringRoutes(app, deps);
  };
}

function usersAndDeactivationRoutes(app: RouteApp, deps: ApiDeps): void {
  app.get(
    '/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: 'Users, newest first: search by id, Telegram id, wallet prefix, email or username',
        security: BearerSecurity,
        querystring: z.strictObject({
          q: z
            .string()
            .trim()
            .min(1)
            .max(100)
            .optional()
            .describe(
              'digits: id or Telegram id; 0x…: wallet prefix; otherwise part of the email or username',
            ),
          role: Role.optional(),
          isActive: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional(),
          tier: Tier.optional(),
          ...PageQuery,
        }),
        response: { 200: pageOf(AdminUserSchema), ...errors(400, 401, 403) },
      },
    },
    async (req) => listUsers(withPaperStart(deps), req.query),
  );

  app.get(
    '/admin/users/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'One user, with counts of their sessions, follows, credentials and pending copies',
        security: BearerSecurity,
        params: IdParamSchema,
        response: { 200: AdminUserDetailSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => getUser(withPaperStart(deps), req.params.id),
  );

  app.post(
    '/admin/users/:id/deactivate',
    {
      schema: {
        tags: ['admin'],
        summary: 'Deactivate a user: signed out everywhere, sign-in refused, queued copies skipped',
        description: `A reason is required (kept in the audit trail). You cannot deactivate yourself (409). ${STEP_UP}`,
        security: BearerSecurity,
        headers: TotpHeaderSchema,
        params: IdParamSchema,
        body: z.strictObject({ reason: Reason }),
        response: { 200: AdminUserSchema, ...errors(400, 401, 403, 404, 409, 423) },
      },
    },
    async (req) => setUserActive(withPaperStart(deps), actorOf(req), req.params.id, false, req.body.reason),
  );
}

function activationRoleTierRoutes(app: RouteApp, deps: ApiDeps): void {
  app.post(
    '/admin/users/:id/activate',
    {
      schema: {
        tags: ['admin'],
        summary: 'Activate a user again (they sign in anew; follows stay as they were)',
        description: STEP_UP,
        security: BearerSecurity,
        headers: TotpHeaderSchema,
        params: IdParamSchema,
        body: z.strictObject({ reason: Reason.optional() }).nullish(),
        response: { 200: AdminUserSchema, ...errors(400, 401, 403, 404, 423) },
      },
    },
    async (req) =>
      setUserActive(withPaperStart(deps), actorOf(req), req.params.id, true, req.body?.reason ?? null),
  );

  app.patch(
    '/admin/users/:id/role',
    {
      schema: {
        tags: ['admin'],
        summary: 'Make a user an admin, or an admin a user',
        description: `You cannot remove your own admin role (409). ${STEP_UP}`,
        security: BearerSecurity,
        headers: TotpHeaderSchema,
        params: IdParamSchema,
        body: z.strictObject({ role: Role }),
        response: { 200: AdminUserSchema, ...errors(400, 401, 403, 404, 409, 423) },
      },
    },
    async (req) => setUserRole(withPaperStart(deps), actorOf(req), req.params.id, req.body.role),
  );

  app.patch(
    '/admin/users/:id/tier',
    {
      schema: {
        tags: ['admin'],
        summary: "Change a user's subscription tier; their limits are set to the tier's",
        description: STEP_UP,
        security: BearerSecurity,
        headers: TotpHeaderSchema,
        params: IdParamSchema,
        body: z.strictObject({ tier: Tier }),
        response: { 200: UserViewSchema, ...errors(400, 401, 403, 404, 423) },
      },
    },
    async (req) => setUserTier(withPaperStart(deps), actorOf(req), req.params.id, req.body.tier),
  );

  app.get(
    '/admin/kill-switch',
    {
      schema: {
        tags: ['admin'],
        summary: 'The global kill switch',
        security: BearerSecurity,
        response: { 200: KillSwitchSchema, ...errors(401, 403) },
      },
    },
    async () => getKillSwitch(deps),
  );
}

function killSwitchAndQueueRoutes(app: RouteApp, deps: ApiDeps): void {
  app.post(
    '/admin/kill-switch',
    {
      schema: {
        tags: ['admin'],
        summary: 'Turn the global kill switch on or off',
        description:
          'On: every worker skips every queued order (reason kill_switch) until it is turned off; ' +
          `detection keeps recording leader fills. A reason is required to turn it on. ${STEP_UP}`,
        security: BearerSecurity,
        headers: TotpHeaderSchema,
        body: z.strictObject({
          enabled: z.boolean(),
          reason: z.string().trim().max(500).nullable().optional(),
        }),
        response: { 200: KillSwitchSchema, ...errors(400, 401, 403, 423) },
      },
    },
    async (req) => adminSetKillSwitch(deps, actorOf(req), req.body),
  );

  app.get(
    '/admin/queue',
    {
      schema: {
        tags: ['admin'],
        summary: "Every user's queue rows, newest first, filtered by status, user and trader",
        security: BearerSecurity,
        querystring: z.strictObject({
          status: QueueStatus.optional(),
          userId: UserIdFilter.optional(),
          traderWallet: WalletSchema.optional(),
          ...PageQuery,
        }),
        response: { 200: pageOf(AdminQueueItemSchema), ...errors(400, 401, 403) },
      },
    },
    async (req) => listQueueAdmin(deps, req.query),
  );

  app.get(
    '/admin/queue/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'One queue row',
        security: BearerSecurity,
        params: IdParamSchema,
        response: { 200: AdminQueueItemSchema, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => getQueueRow(deps, req.params.id),
  );

  app.post(
    '/admin/queue/:id/cancel',
    {
      schema: {
        tags: ['admin'],
        summary: 'Cancel a pending row; its decision becomes skipped (cancelled_by_admin)',
        description:
          'Only pending rows without a persisted order (signedAt null): a row whose order may already ' +
          `be at the venue must be looked up by a worker, so it is refused (409). ${STEP_UP}`,
        security: BearerSecurity,
        headers: TotpHeaderSchema,
        params: IdParamSchema,
        body: z.strictObject({ reason: Reason }),
        response: { 200: AdminQueueItemSchema, ...errors(400, 401, 403, 404, 409, 423) },
      },
    },
    async (req) => cancelQueueRow(deps, actorOf(req), req.params.id, req.body.reason),
  );
}

function requeueAuditMonitoringRoutes(app: RouteApp, deps: ApiDeps): void {
  app.post(
    '/admin/queue/:id/requeue',
    {
      schema: {
        tags: ['admin'],
        summary: 'Put a failed row back in the queue (retries from zero, order identity kept)',
        description:
          'The persisted order (signedAt, limit, size) is kept, so the next attempt first looks the ' +
          'order up at the venue and never places a second one. Refused (409) unless the row failed, ' +
          `and when it is past expiresAt. ${STEP_UP}`,
        security: BearerSecurity,
        headers: TotpHeaderSchema,
        params: IdParamSchema,
        body: z.strictObject({}).nullish(),
        response: { 200: AdminQueueItemSchema, ...errors(400, 401, 403, 404, 409, 423) },
      },
    },
    async (req) => requeueQueueRow(deps, actorOf(req), req.params.id),
  );

  app.get(
    '/admin/audit',
    {
      schema: {
        tags: ['admin'],
        summary: 'The admin audit trail, newest first',
        security: BearerSecurity,
        querystring: z.strictObject({
          action: z.enum(AUDIT_ACTIONS).optional(),
          targetUserId: UserIdFilter.optional(),
          actorUserId: UserIdFilter.optional(),
          ...PageQuery,
        }),
        response: { 200: pageOf(AdminAuditSchema), ...errors(400, 401, 403) },
      },
    },
    async (req) => listAdminAudit(deps, req.query),
  );

  app.get(
    '/admin/monitoring/:query',
    {
      schema: {
        tags: ['admin'],
        summary: "The seed's monitoring queries: table sizes, index usage, slowest statements",
        description:
          'slow-queries needs pg_stat_statements installed and preloaded (503 monitoring_unavailable otherwise).',
        security: BearerSecurity,
        params: z.strictObject({ query: z.enum(MONITORING_QUERIES) }),
        response: {
          200: z.object({ rows: z.array(z.record(z.string(), z.string().nullable())) }),
          ...errors(400, 401, 403, 503),
        },
      },
    },
    async (req) => ({ rows: await runMonitoringQuery(deps, req.params.query) }),
  );
}
