// The user's stored credentials (masked), and one of them by id (another user's reads as 404).
import type { Db } from '../db/client.ts';
import { notFound } from './app-error.ts';
import { toCredentialView, type CredentialView } from './credential-view.ts';

export async function listCredentials(deps: { db: Db }, userId: string): Promise<CredentialView[]> {
  const rows = await deps.db
    .selectFrom('polymarket_api_keys')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toCredentialView);
}

export async function getCredential(deps: { db: Db }, userId: string, id: string): Promise<CredentialView> {
  const row = await deps.db
    .selectFrom('polymarket_api_keys')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('credential');
  return toCredentialView(row);
}
