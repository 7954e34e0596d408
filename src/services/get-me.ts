// The signed-in user's own account.
import type { Db } from '../db/client.ts';
import { notFound } from './app-error.ts';
import { toUserView, type UserView } from './user-view.ts';

export async function getMe(deps: { db: Db }, userId: string): Promise<UserView> {
  const user = await deps.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!user) throw notFound('user');
  return toUserView(user);
}
