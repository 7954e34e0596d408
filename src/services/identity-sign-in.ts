// Sign-in by wallet (Sign-In with Ethereum) and by Telegram, and linking those identities to the
// signed-in account. A first sign-in with an unknown wallet or Telegram account creates the user.
// Two-factor authentication applies exactly as for email sign-in. A rejected proof writes nothing.
import type { Selectable } from 'kysely';
import { newSiweNonce, SIWE_NONCE_TTL_MS, siweDomain, verifySiwe, type VerifiedSiwe } from '../auth/siwe.ts';
import { verifyTelegramLogin, type TelegramLoginPayload } from '../auth/telegram-login.ts';
import { withTransaction, type Tx } from '../db/client.ts';
import type { UsersTable } from '../db/schema.ts';
import type { AuthDeps, RequestMeta } from './auth-deps.ts';
import { AppError, notFound } from './app-error.ts';
import { startSession, type TokenPair } from './issue-session.ts';
import { withSecondFactor } from './two-factor.ts';
import { userViewOf, type UserView } from './user-view.ts';

type Identity =
  | { kind: 'wallet'; walletAddress: string }
  | { kind: 'telegram'; telegramId: string; username: string | null };

const NONCE_INVALID = () =>
  new AppError('invalid_token', 'the nonce is unknown, used or expired; ask for a new one');

/** A fresh single-use nonce, valid for 10 minutes. */
export async function issueSiweNonce(
  deps: Pick<AuthDeps, 'db' | 'clock'>,
): Promise<{ nonce: string; expiresAt: string }> {
  const now = deps.clock();
  const nonce = newSiweNonce();
  const expiresAt = new Date(now.getTime() + SIWE_NONCE_TTL_MS);
  // Housekeeping: nonces expired for a day are of no use, not even for diagnosing.
  await deps.db
    .deleteFrom('auth_siwe_nonces')
    .where('expires_at', '<', new Date(now.getTime() - 86_400_000))
    .execute();
  await deps.db
    .insertInto('auth_siwe_nonces')
    .values({ nonce, created_at: now, expires_at: expiresAt })
    .execute();
  return { nonce, expiresAt: expiresAt.toISOString() };
}

async function nonceUsable(deps: Pick<AuthDeps, 'db' | 'clock'>, nonce: string): Promise<boolean> {
  const row = await deps.db
    .selectFrom('auth_siwe_nonces')
    .select('nonce')
    .where('nonce', '=', nonce)
    .where('used_at', 'is', null)
    .where('expires_at', '>', deps.clock())
    .executeTakeFirst();
  return row !== undefined;
}

async function consumeNonce(tx: Tx, now: Date, nonce: string): Promise<void> {
  const row = await tx
    .updateTable('auth_siwe_nonces')
    .set({ used_at: now })
    .where('nonce', '=', nonce)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('nonce')
    .executeTakeFirst();
  if (!row) throw NONCE_INVALID();
}

/** Verifies the message and signature and checks the nonce is usable (consumed later, in a transaction). */
async function checkSiwe(
  deps: AuthDeps,
  input: { message: string; signature: string },
): Promise<VerifiedSiwe> {
  const siwe = await verifySiwe(input, { domain: siweDomain(deps.publicUrl), now: deps.clock() });
  if (!(await nonceUsable(deps, siwe.nonce))) throw NONCE_INVALID();
  return siwe;
}

function checkTelegram(
  deps: AuthDeps,
  botToken: string | undefined,
  payload: TelegramLoginPayload,
): Identity {
  if (!botToken)
    throw new AppError('telegram_unavailable', 'Telegram sign-in is not configured on this server');
  verifyTelegramLogin(payload, botToken, deps.clock());
  return {
    kind: 'telegram',
    telegramId: String(payload.id),
    username: payload.username?.slice(0, 100) ?? null,
  };
}

async function findUser(deps: AuthDeps, identity: Identity) {
  const q = deps.db.selectFrom('users').select(['id', 'is_active']);
  return (
    identity.kind === 'wallet'
      ? q.where('wallet_address', '=', identity.walletAddress)
      : q.where('telegram_id', '=', identity.telegramId)
  ).executeTakeFirst();
}

async function signIn(
  deps: AuthDeps,
  identity: Identity,
  totp: string | undefined,
  meta: RequestMeta,
  beforeSession: (tx: Tx) => Promise<void>,
): Promise<TokenPair> {
  const now = deps.clock();
  const existing = await findUser(deps, identity);
  if (existing) {
    if (!existing.is_active) throw new AppError('forbidden', 'this account is disabled');
    return withSecondFactor(deps, existing.id, totp, async (tx) => {
      await beforeSession(tx);
      await tx.updateTable('users').set({ last_login_at: now }).where('id', '=', existing.id).execute();
      return startSession(deps, tx, existing.id, meta);
    });
  }
  return withTransaction(deps.db, async (tx) => {
    await beforeSession(tx);
    const created = await tx
      .insertInto('users')
      .values(
        identity.kind === 'wallet'
          ? { wallet_address: identity.walletAddress, last_login_at: now }
          : { telegram_id: identity.telegramId, username: identity.username, last_login_at: now },
      )
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    // Another request created it a moment ago: the client retries and signs in to it.
    if (!created) throw new AppError('conflict', 'the account was just created; sign in again');
    return startSession(deps, tx, created.id, meta);
  });
}

export async function walletSignIn(
  deps: AuthDeps,
  input: { message: string; signature: string; totp?: string | undefined },
  meta: RequestMeta,
): Promise<TokenPair> {
  const siwe = await checkSiwe(deps, input);
  return signIn(deps, { kind: 'wallet', walletAddress: siwe.address }, input.totp, meta, (tx) =>
    consumeNonce(tx, deps.clock(), siwe.nonce),
  );
}

export async function telegramSignIn(
  deps: AuthDeps,
  botToken: string | undefined,
  payload: TelegramLoginPayload,
  totp: string | undefined,
  meta: RequestMeta,
): Promise<TokenPair> {
  const identity = checkTelegram(deps, botToken, payload);
  return signIn(deps, identity, totp, meta, async () => undefined);
}

async function link(
  deps: AuthDeps,
  userId: string,
  identity: Identity,
  beforeLink: (tx: Tx) => Promise<void>,
): Promise<UserView> {
  return withTransaction(deps.db, async (tx) => {
    await beforeLink(tx);
    const user = await tx
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!user) throw notFound('user');
    const [column, value] =
      identity.kind === 'wallet'
        ? (['wallet_address', identity.walletAddress] as const)
        : (['telegram_id', identity.telegramId] as const);
    const owner = await tx.selectFrom('users').select('id').where(column, '=', value).executeTakeFirst();
    if (owner && owner.id !== userId) {
      throw new AppError('identity_taken', `this ${identity.kind} is already the sign-in of another account`);
    }
    const viewDeps = { db: tx, paperStartingBalanceUsd: deps.paperStartingBalanceUsd };
    if (owner) return userViewOf(viewDeps, user);
    if (user[column] !== null) {
      throw new AppError(
        'conflict',
        `the account already has a ${identity.kind === 'wallet' ? 'wallet' : 'Telegram account'}`,
      );
    }
    let updated: Selectable<UsersTable>;
    try {
      updated = await tx
        .updateTable('users')
        .set(
          identity.kind === 'wallet'
            ? { wallet_address: identity.walletAddress }
            : { telegram_id: identity.telegramId, username: user.username ?? identity.username },
        )
        .where('id', '=', userId)
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (err) {
      // Another account linked it between our check and this update.
      if ((err as { code?: string }).code === '23505') {
        throw new AppError(
          'identity_taken',
          `this ${identity.kind} is already the sign-in of another account`,
        );
      }
      throw err;
    }
    return userViewOf(viewDeps, updated);
  });
}

export async function linkWallet(
  deps: AuthDeps,
  userId: string,
  input: { message: string; signature: string },
): Promise<UserView> {
  const siwe = await checkSiwe(deps, input);
  return link(deps, userId, { kind: 'wallet', walletAddress: siwe.address }, (tx) =>
    consumeNonce(tx, deps.clock(), siwe.nonce),
  );
}

export async function linkTelegram(
  deps: AuthDeps,
  userId: string,
  botToken: string | undefined,
  payload: TelegramLoginPayload,
): Promise<UserView> {
  return link(deps, userId, checkTelegram(deps, botToken, payload), async () => undefined);
}
