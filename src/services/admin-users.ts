// Admin: find users, read one, activate or deactivate, change the role or the tier. Every change
// runs in one transaction with its admin_audit_log row and, when the admin has 2FA on, the spend of
// their step-up code. An admin cannot deactivate or demote themself, so the platform is never left
// without a working admin by a slip.
//
// Deactivating signs the user out everywhere (sessions revoked, reason 'admin'; authenticate also
// refuses inactive users) and makes the executor skip their queued copies (gate user_inactive).
import { sql } from 'kysely';
import type { Tx } from '../db/client.ts';
import type { SubscriptionTier, UserRole } from '../db/schema.ts';
import { writeAdminAudit } from './admin-audit.ts';
import { AppError, notFound } from './app-error.ts';
import type { RequestMeta } from './auth-deps.ts';
import { changeUserTier } from './change-user-tier.ts';
import { cursorId, decodeCursor, toPage, type Page, type PageRequest } from './pagination.ts';
import { withSecondFactor, type TwoFactorDeps } from './two-factor.ts';
import { toUserViews, userViewOf, type UserView, type UserViewDeps } from './user-view.ts';

export interface AdminUserView extends UserView {
  lockedUntil: string | null;
}

export interface AdminUserDetail extends AdminUserView {
  counts: {
    activeSessions: number;
    activeFollows: number;
    pausedFollows: number;
    activeCredentials: number;
    pendingQueueRows: number;
  };
}

export interface AdminUserQuery extends PageRequest {
  /** A numeric id or Telegram id, a wallet prefix (0x…), or part of the email or username. */
  q?: string | undefined;
  role?: UserRole | undefined;
  isActive?: boolean | undefined;
  tier?: SubscriptionTier | undefined;
}

const KIND = 'admin-users';

type UserRow = Parameters<typeof userViewOf>[1];
/** What the admin routes need: 2FA step-up for changes, the paper starting balance for views. */
export type AdminUserDeps = TwoFactorDeps & Pick<UserViewDeps, 'paperStartingBalanceUsd'>;
const withLock = (view: UserView, u: UserRow): AdminUserView => ({
  ...view,
  lockedUntil: u.locked_until?.toISOString() ?? null,
});
const adminView = async (deps: UserViewDeps, u: UserRow): Promise<AdminUserView> =>
  withLock(await userViewOf(deps, u), u);

/** LIKE pattern for "contains", with the user's % and _ taken literally. */
const contains = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listUsers(deps: UserViewDeps, query: AdminUserQuery): Promise<Page<AdminUserView>> {
  let q = deps.db.selectFrom('users').selectAll();
  const text = query.q?.trim();
  if (text) {
    if (/^\d{1,18}$/.test(text)) {
      q = q.where((eb) => eb.or([eb('id', '=', text), eb('telegram_id', '=', text)]));
    } else if (/^0x[0-9a-fA-F]{0,40}$/.test(text)) {
      q = q.where('wallet_address', 'like', `${text.toLowerCase()}%`);
    } else {
      const pattern = contains(text);
      q = q.where((eb) => eb.or([eb('email', 'ilike', pattern), eb('username', 'ilike', pattern)]));
    }
  }
  if (query.role) q = q.where('role', '=', query.role);
  if (query.isActive !== undefined) q = q.where('is_active', '=', query.isActive);
  if (query.tier) q = q.where('subscription_tier', '=', query.tier);
  if (query.cursor !== undefined) q = q.where('id', '<', cursorId(decodeCursor(KIND, query.cursor), 0));
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const views = new Map(
    (await toUserViews(deps, rows)).map(({ row, view }) => [row.id, withLock(view, row)]),
  );
  return toPage(
    rows,
    query.limit,
    KIND,
    (r) => [r.id],
    (r) => views.get(r.id)!,
  );
}

export async function getUser(deps: UserViewDeps, userId: string): Promise<AdminUserDetail> {
  const user = await deps.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!user) throw notFound('user');
  const { rows } = await sql<{
    sessions: string;
    active: string;
    paused: string;
    credentials: string;
    pending: string;
  }>`
    SELECT
      (SELECT count(*) FROM auth_sessions WHERE user_id = ${userId} AND revoked_at IS NULL AND expires_at > now()) AS sessions,
      (SELECT count(*) FROM copy_relationships WHERE user_id = ${userId} AND status = 'active') AS active,
      (SELECT count(*) FROM copy_relationships WHERE user_id = ${userId} AND status = 'paused') AS paused,
      (SELECT count(*) FROM polymarket_api_keys WHERE user_id = ${userId} AND status = 'active') AS credentials,
      (SELECT count(*) FROM trade_queue WHERE user_id = ${userId} AND status = 'pending') AS pending`.execute(
    deps.db,
  );
  const c = rows[0]!;
  return {
    ...(await adminView(deps, user)),
    counts: {
      activeSessions: Number(c.sessions),
      activeFollows: Number(c.active),
      pausedFollows: Number(c.paused),
      activeCredentials: Number(c.credentials),
      pendingQueueRows: Number(c.pending),
    },
  };
}

async function lockTarget(tx: Tx, userId: string) {
  const user = await tx
    .selectFrom('users')
    .selectAll()
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!user) throw notFound('user');
  return user;
}

export interface AdminActor {
  userId: string;
  meta: RequestMeta;
  /** The admin's own step-up code (x-totp), required when their 2FA is on. */
  totp: string | undefined;
}

export async function setUserActive(
  deps: AdminUserDeps,
  actor: AdminActor,
  userId: string,
  isActive: boolean,
  reason: string | null,
): Promise<AdminUserView> {
  return withSecondFactor(deps, actor.userId, actor.totp, async (tx) => {
    if (!isActive && userId === actor.userId)
      throw new AppError('conflict', 'you cannot deactivate your own account');
    const before = await lockTarget(tx, userId);
    const now = deps.clock();
    let revokedSessions = 0;
    if (!isActive) {
      const revoked = await tx
        .updateTable('auth_sessions')
        .set({ revoked_at: now, revoked_reason: 'admin' })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      revokedSessions = revoked.length;
    }
    const after = await tx
      .updateTable('users')
      .set({ is_active: isActive })
      .where('id', '=', userId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAdminAudit(tx, {
      actorUserId: actor.userId,
      action: isActive ? 'user_activate' : 'user_deactivate',
      targetUserId: userId,
      detail: {
        from: { isActive: before.is_active },
        to: { isActive },
        ...(reason ? { reason } : {}),
        ...(isActive ? {} : { revokedSessions }),
      },
      ip: actor.meta.ip,
    });
    return adminView({ db: tx, paperStartingBalanceUsd: deps.paperStartingBalanceUsd }, after);
  });
}

export async function setUserRole(
  deps: AdminUserDeps,
  actor: AdminActor,
  userId: string,
  role: UserRole,
): Promise<AdminUserView> {
  return withSecondFactor(deps, actor.userId, actor.totp, async (tx) => {
    if (role !== 'admin' && userId === actor.userId)
      throw new AppError('conflict', 'you cannot remove your own admin role');
    const before = await lockTarget(tx, userId);
    const after = await tx
      .updateTable('users')
      .set({ role })
      .where('id', '=', userId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAdminAudit(tx, {
      actorUserId: actor.userId,
      action: 'user_role',
      targetUserId: userId,
      detail: { from: before.role, to: role },
      ip: actor.meta.ip,
    });
    return adminView({ db: tx, paperStartingBalanceUsd: deps.paperStartingBalanceUsd }, after);
  });
}

export async function setUserTier(
  deps: AdminUserDeps,
  actor: AdminActor,
  userId: string,
  tier: SubscriptionTier,
): Promise<UserView> {
  return withSecondFactor(deps, actor.userId, actor.totp, async (tx) => {
    const before = await lockTarget(tx, userId);
    const after = await changeUserTier(
      { db: tx, paperStartingBalanceUsd: deps.paperStartingBalanceUsd },
      userId,
      tier,
    );
    await writeAdminAudit(tx, {
      actorUserId: actor.userId,
      action: 'user_tier',
      targetUserId: userId,
      detail: { from: before.subscription_tier, to: tier },
      ip: actor.meta.ip,
    });
    return after;
  });
}
