// The credential audit trail: one append-only row per create, use, update, revoke and rotation.
// Details carry ids, reasons and settings, never secret material.
import type { Db, Tx } from '../db/client.ts';
import type { AuditActor, CredentialAuditAction } from '../db/schema.ts';

export interface AuditEntry {
  userId: string | null;
  apiKeyId: string | null;
  action: CredentialAuditAction;
  actor: AuditActor;
  detail?: Record<string, unknown>;
  ip?: string | null;
}

export async function writeAudit(db: Db | Tx, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('credential_audit_log')
    .values({
      user_id: entry.userId,
      api_key_id: entry.apiKeyId,
      action: entry.action,
      actor: entry.actor,
      detail: JSON.stringify(entry.detail ?? {}),
      ip: entry.ip ?? null,
    })
    .execute();
}
