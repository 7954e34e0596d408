// The user's relationships, and one by id (another user's reads as 404). The API's list is a page
// like every other list ({items, nextCursor}, newest first); the bot reads the follows that still
// copy, all at once (a user has at most their tier's number of them).
import type { Db } from '../db/client.ts';
import type { RelationshipStatus } from '../db/schema.ts';
import { notFound } from './app-error.ts';
import { toFollowView, type FollowView } from './follow-view.ts';
import { cursorId, decodeCursor, toPage, type Page, type PageRequest } from './pagination.ts';

const KIND = 'follows';

export interface FollowsQuery extends PageRequest {
  status?: RelationshipStatus | undefined;
}

export async function listFollows(
  deps: { db: Db },
  userId: string,
  query: FollowsQuery,
): Promise<Page<FollowView>> {
  let q = deps.db.selectFrom('copy_relationships').selectAll().where('user_id', '=', userId);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.cursor !== undefined) q = q.where('id', '<', cursorId(decodeCursor(KIND, query.cursor), 0));
  const rows = await q
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(rows, query.limit, KIND, (r) => [r.id], toFollowView);
}

/** Active and paused follows, oldest first (the bot numbers them in this order). */
export async function listCurrentFollows(deps: { db: Db }, userId: string): Promise<FollowView[]> {
  const rows = await deps.db
    .selectFrom('copy_relationships')
    .selectAll()
    .where('user_id', '=', userId)
    .where('status', 'in', ['active', 'paused'])
    .orderBy('id', 'asc')
    .execute();
  return rows.map(toFollowView);
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
