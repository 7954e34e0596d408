// Removes one of the signed-in user's sign-in identities: email + password, wallet (SIWE) or
// Telegram. The last way to sign in is never removed (the account would be unreachable; the users
// table also requires one identity). With 2FA on it needs a fresh code, spent in the same
// transaction: unlinking is how a thief holding a session would lock the owner out.
//
// Removing email + password forgets the password hash and retires the email's outstanding
// verification and reset tokens (a reset link must not restore a sign-in the user removed).
// Sessions are kept: they belong to the account, not to the identity used to open them.
import { AppError, notFound } from './app-error.ts';
import { withSecondFactor, type TwoFactorDeps } from './two-factor.ts';
import { userViewOf, type UserView, type UserViewDeps } from './user-view.ts';

export const IDENTITY_KINDS = ['email', 'wallet', 'telegram'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

interface IdentityColumns {
  email: string | null;
  password_hash: string | null;
  wallet_address: string | null;
  telegram_id: string | null;
}

/** The identities a user can sign in with now. An email without a password is not one. */
export function signInMethods(u: IdentityColumns): IdentityKind[] {
  const methods: IdentityKind[] = [];
  if (u.email !== null && u.password_hash !== null) methods.push('email');
  if (u.wallet_address !== null) methods.push('wallet');
  if (u.telegram_id !== null) methods.push('telegram');
  return methods;
}

const LABEL: Record<IdentityKind, string> = {
  email: 'email address',
  wallet: 'wallet',
  telegram: 'Telegram account',
};

export async function unlinkIdentity(
  deps: TwoFactorDeps & Pick<UserViewDeps, 'paperStartingBalanceUsd'>,
  userId: string,
  kind: IdentityKind,
  totp: string | undefined,
): Promise<UserView> {
  return withSecondFactor(deps, userId, totp, async (tx) => {
    // withSecondFactor holds this row's lock: concurrent unlinks of two identities serialise here,
    // so they cannot together remove the last two.
    const user = await tx
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!user) throw notFound('user');
    const present =
      kind === 'email'
        ? user.email !== null
        : kind === 'wallet'
          ? user.wallet_address !== null
          : user.telegram_id !== null;
    if (!present) throw notFound(`linked ${LABEL[kind]}`);
    const remaining = signInMethods(user).filter((m) => m !== kind);
    if (remaining.length === 0) {
      throw new AppError(
        'conflict',
        `the ${LABEL[kind]} is your only way to sign in; link another identity before removing it`,
      );
    }
    if (kind === 'email') {
      await tx
        .updateTable('auth_one_time_tokens')
        .set({ used_at: deps.clock() })
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .execute();
    }
    const updated = await tx
      .updateTable('users')
      .set(
        kind === 'email'
          ? { email: null, password_hash: null, is_verified: false }
          : kind === 'wallet'
            ? { wallet_address: null }
            : { telegram_id: null },
      )
      .where('id', '=', userId)
      .returningAll()
      .executeTakeFirstOrThrow();
    return userViewOf({ db: tx, paperStartingBalanceUsd: deps.paperStartingBalanceUsd }, updated);
  });
}
