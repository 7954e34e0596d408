// The caller's credential audit trail (credential_audit_log, written by src/vault/audit-log.ts and
// use-credential.ts): every create, rejected verification, use for an order, change, revoke and
// re-encryption of their Polymarket keys, newest first, keyset-paginated. Rows name the key by its
// masked form and name when it still exists (the log has no foreign keys and outlives the key).
// The platform-wide master key rotation rows (no user) are an operator's, not shown here.
import type { Db } from '../db/client.ts';
import type { AuditActor, CredentialAuditAction } from '../db/schema.ts';
import { maskedApiKey } from '../vault/credential-crypto.ts';
import { cursorId, decodeCursor, toPage, type Page, type PageRequest } from './pagination.ts';

export interface CredentialAuditQuery extends PageRequest {
  credentialId?: string | undefined;
  action?: CredentialAuditAction | undefined;
}

export interface CredentialAuditView {
  id: string;
  credentialId: string | null;
  maskedApiKey: string | null;
  keyName: string | null;
  action: CredentialAuditAction;
  actor: AuditActor;
  /** Reasons, settings changed, ids: never secret material (audit-log.ts). */
  detail: Record<string, unknown>;
  ip: string | null;
  createdAt: string;
}

const KIND = 'credential-audit';

export async function listCredentialAudit(
  deps: { db: Db },
  userId: string,
  query: CredentialAuditQuery,
): Promise<Page<CredentialAuditView>> {
  let q = deps.db
    .selectFrom('credential_audit_log as a')
    .leftJoin('polymarket_api_keys as k', (j) =>
      j.onRef('k.id', '=', 'a.api_key_id').on('k.user_id', '=', userId),
    )
    .select(['a.id', 'a.api_key_id', 'a.action', 'a.actor', 'a.detail', 'a.ip', 'a.created_at'])
    .select(['k.key_hint', 'k.key_name'])
    .where('a.user_id', '=', userId);
  if (query.credentialId !== undefined) q = q.where('a.api_key_id', '=', query.credentialId);
  if (query.action !== undefined) q = q.where('a.action', '=', query.action);
  if (query.cursor !== undefined) q = q.where('a.id', '<', cursorId(decodeCursor(KIND, query.cursor), 0));
  const rows = await q
    .orderBy('a.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(
    rows,
    query.limit,
    KIND,
    (r) => [r.id],
    (r) => ({
      id: r.id,
      credentialId: r.api_key_id,
      maskedApiKey: r.key_hint === null ? null : maskedApiKey(r.key_hint),
      keyName: r.key_name,
      action: r.action,
      actor: r.actor,
      detail: r.detail,
      ip: r.ip,
      createdAt: r.created_at.toISOString(),
    }),
  );
}
