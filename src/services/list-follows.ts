// The user's relationships, and one by id (another user's reads as 404).
import type { Db } from '../db/client.ts';
import type { RelationshipStatus } from '../db/schema.ts';
import { notFound } from './app-error.ts';
import { toFollowView, type FollowView } from './follow-view.ts';

export async function listFollows(
  deps: { db: Db },
  userId: string,
  filter: { status?: RelationshipStatus } = {},
): Promise<FollowView[]> {
  let q = deps.db.selectFrom('copy_relationships').selectAll().where('user_id', '=', userId);
  if (filter.status) q = q.where('status', '=', filter.status);
  return (await q.orderBy('id', 'desc').execute()).map(toFollowView);
}

export async function getFollow(deps: { db: Db }, userId: string, id: string): Promise<FollowView> {
  const row = await deps.db
    .selectFrom('copy_relationships')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('relationship');
  return toFollowView(row);
}
