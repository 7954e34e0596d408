// Revokes a credential: it is never decrypted for use again (use-credential reads active keys only)
// and stops being primary. Live relationships then have no credential and the engine skips them.
// With 2FA on it needs a fresh code, spent in the same transaction as the revocation.
import { writeAudit } from '../vault/audit-log.ts';
import { AppError, notFound } from './app-error.ts';
import type { RequestMeta } from './auth-deps.ts';
import { toCredentialView, type CredentialView } from './credential-view.ts';
import { withSecondFactor, type TwoFactorDeps } from './two-factor.ts';

export async function revokeCredential(
  deps: TwoFactorDeps,
  userId: string,
  id: string,
  reason: string,
  meta: RequestMeta,
  totp: string | undefined,
): Promise<CredentialView> {
  return withSecondFactor(deps, userId, totp, async (tx) => {
    const row = await tx
      .selectFrom('polymarket_api_keys')
      .select(['id', 'status'])
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('credential');
    if (row.status === 'revoked') throw new AppError('conflict', 'the credential is already revoked');
    const updated = await tx
      .updateTable('polymarket_api_keys')
      .set({ status: 'revoked', revoked_at: deps.clock(), revoked_reason: reason, is_primary: false })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(tx, {
      userId,
      apiKeyId: id,
      action: 'revoke',
      actor: 'user',
      detail: { reason },
      ip: meta.ip,
    });
    return toCredentialView(updated);
  });
}
