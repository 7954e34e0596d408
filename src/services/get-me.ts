// The signed-in user's own account. balanceUsd is the paper account's cash (as /portfolio shows it):
// the seed's users.balance_usd is credited by nothing, so it would show 0 to everyone.
import { notFound } from './app-error.ts';
import { userViewOf, type UserView, type UserViewDeps } from './user-view.ts';

export async function getMe(deps: UserViewDeps, userId: string): Promise<UserView> {
  const user = await deps.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!user) throw notFound('user');
  return userViewOf(deps, user);
}
