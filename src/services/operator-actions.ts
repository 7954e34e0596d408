// What an operator does from the command line (polycopy admin / queue / kill-switch, src/cli/):
// create a user, grant or revoke the admin role, list the rows that need an operator, requeue a
// row, turn the kill switch on or off. The operator is not a signed-in user: each action is written
// to the admin audit trail under `actor` (cli:<os user>@<host>) in the action's own transaction.
// The same rules as the API apply (password policy, one email per account, which rows may be
// requeued); the step-up code does not, since whoever runs the CLI already holds the database.
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { sql } from 'kysely';
import { hashPassword, passwordProblem } from '../auth/passwords.ts';
import { withTransaction, type Db, type Tx } from '../db/client.ts';
import type { UserRole } from '../db/schema.ts';
import { writeAdminAudit } from './admin-audit.ts';
import { requeueRowInTx, type AdminQueueItemView } from './admin-queue.ts';
import { AppError, notFound } from './app-error.ts';
import { setKillSwitch, type KillSwitchView } from './kill-switch.ts';
import { userViewOf, type UserView, type UserViewDeps } from './user-view.ts';

/** How the command line signs its audit rows. */
export function cliActor(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): the host still says where it came from
  }
  return `cli:${user}@${hostname()}`.slice(0, 120);
}

const by = (actor: string) => ({ userId: null, actor, ip: null });
const trail = (actor: string) => ({ actorUserId: null, actor, ip: null });

async function userByEmail(tx: Tx, email: string) {
  const row = await tx
    .selectFrom('users')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound(`user with email ${email.trim().toLowerCase()}`);
  return row;
}

export interface CreatedUser {
  user: UserView;
  /** Set when the operator gave no password: shown once, never stored in clear. */
  generatedPassword: string | null;
}

/**
 * Creates an email + password account, verified (the operator vouches for the address), optionally
 * an admin. Without a password one is generated and returned once.
 */
export async function createUserByOperator(
  deps: UserViewDeps,
  actor: string,
  input: { email: string; password?: string | undefined; admin?: boolean },
): Promise<CreatedUser> {
  const email = input.email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 255)
    throw new AppError('validation_failed', `not an email address: ${input.email}`);
  const generatedPassword = input.password === undefined ? randomBytes(18).toString('base64url') : null;
  const password = input.password ?? generatedPassword!;
  const problem = passwordProblem(password, email);
  if (problem) throw new AppError('weak_password', problem);
  const passwordHash = await hashPassword(password);
  const role: UserRole = input.admin ? 'admin' : 'user';
  return withTransaction(deps.db, async (tx) => {
    const user = await tx
      .insertInto('users')
      .values({ email, password_hash: passwordHash, is_verified: true, role })
      .onConflict((oc) => oc.column('email').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!user) throw new AppError('email_taken', `an account with the email ${email} already exists`);
    await writeAdminAudit(tx, {
      ...trail(actor),
      action: 'user_create',
      targetUserId: user.id,
      detail: { email, role, verified: true, passwordGenerated: generatedPassword !== null },
    });
    return { user: await userViewOf({ ...deps, db: tx }, user), generatedPassword };
  });
}

/** Grants or revokes the admin role of the account with this email. */
export async function setRoleByOperator(
  deps: UserViewDeps,
  actor: string,
  email: string,
  role: UserRole,
): Promise<{ user: UserView; changed: boolean }> {
  return withTransaction(deps.db, async (tx) => {
    const viewDeps = { ...deps, db: tx };
    const before = await userByEmail(tx, email);
    if (before.role === role) return { user: await userViewOf(viewDeps, before), changed: false };
    const after = await tx
      .updateTable('users')
      .set({ role })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAdminAudit(tx, {
      ...trail(actor),
      action: 'user_role',
      targetUserId: before.id,
      detail: { from: before.role, to: role },
    });
    return { user: await userViewOf(viewDeps, after), changed: true };
  });
}

export async function setKillSwitchByOperator(
  db: Db,
  actor: string,
  input: { enabled: boolean; reason?: string | undefined },
): Promise<KillSwitchView> {
  return withTransaction(db, async (tx) => {
    const before = await tx.selectFrom('platform_controls').selectAll().forUpdate().executeTakeFirstOrThrow();
    const after = await setKillSwitch({ db: tx, clock: () => new Date() }, null, input);
    await writeAdminAudit(tx, {
      ...trail(actor),
      action: 'kill_switch',
      detail: { from: before.kill_switch, to: after.enabled, reason: after.reason },
    });
    return after;
  });
}

export async function requeueByOperator(db: Db, actor: string, id: string): Promise<AdminQueueItemView> {
  return withTransaction(db, (tx) => requeueRowInTx(tx, id, by(actor)));
}

export interface NeedsOperatorRow {
  id: string;
  userId: string;
  mode: 'live' | 'paper';
  purpose: string;
  side: 'BUY' | 'SELL';
  marketId: string;
  assetId: string | null;
  limitPrice: string | null;
  orderSize: string | null;
  orderAmountUsd: string | null;
  reservedSpendUsd: string | null;
  signedAt: string | null;
  reconcileAttempts: number;
  error: string;
}

/** Rows reconciliation gave up on (stage `operator`), oldest first. */
export async function listNeedsOperator(db: Db, limit = 100): Promise<NeedsOperatorRow[]> {
  const rows = await db
    .selectFrom('trade_queue')
    .selectAll()
    .where('status', '=', 'failed')
    .where('stage', '=', 'operator')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: String(r.user_id),
    mode: r.mode,
    purpose: r.purpose,
    side: r.side,
    marketId: r.market_id,
    assetId: r.asset_id,
    limitPrice: r.limit_price,
    orderSize: r.order_size,
    orderAmountUsd: r.order_amount,
    reservedSpendUsd: r.reserved_spend_usd,
    signedAt: r.signed_at?.toISOString() ?? null,
    reconcileAttempts: r.reconcile_attempts,
    error: r.error_message ?? '',
  }));
}

/** The number of rows reconciliation gave up on (doctor, queue status). */
export async function countNeedsOperator(db: Db): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    SELECT count(*) AS n FROM trade_queue
     WHERE status = 'failed' AND stage = 'operator'`.execute(db);
  return Number(rows[0]!.n);
}
