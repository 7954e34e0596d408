// Changes a credential's settings: name, daily spend limit, primary flag. Secrets cannot be edited
// (add a new key and revoke the old one). Like every credential change it needs a fresh second
// factor when 2FA is on (raising the spend limit is what a thief with a session would do first);
// the code is spent in the same transaction, so a refused change (409) leaves it usable.
import { dec } from '../domain/money.ts';
import { writeAudit } from '../vault/audit-log.ts';
import { AppError, notFound } from './app-error.ts';
import type { RequestMeta } from './auth-deps.ts';
import { toCredentialView, type CredentialView } from './credential-view.ts';
import { withSecondFactor, type TwoFactorDeps } from './two-factor.ts';

export interface UpdateCredentialInput {
  keyName?: string | null;
  dailySpendLimitUsd?: string;
  isPrimary?: true;
}

export async function updateCredential(
  deps: TwoFactorDeps,
  userId: string,
  id: string,
  input: UpdateCredentialInput,
  meta: RequestMeta,
  totp: string | undefined,
): Promise<CredentialView> {
  return withSecondFactor(deps, userId, totp, async (tx) => {
    const row = await tx
      .selectFrom('polymarket_api_keys')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('credential');
    if (row.status !== 'active') throw new AppError('conflict', `the credential is ${row.status}`);
    if (
      input.dailySpendLimitUsd !== undefined &&
      dec(input.dailySpendLimitUsd).lt(dec(row.daily_spent_usd))
    ) {
      throw new AppError(
        'conflict',
        `the daily spend limit cannot be set below today's spend (${row.daily_spent_usd} USD)`,
      );
    }
    if (input.isPrimary && !row.is_primary) {
      await tx
        .updateTable('polymarket_api_keys')
        .set({ is_primary: false })
        .where('user_id', '=', userId)
        .where('is_primary', '=', true)
        .execute();
    }
    const updated = await tx
      .updateTable('polymarket_api_keys')
      .set({
        ...(input.keyName !== undefined ? { key_name: input.keyName } : {}),
        ...(input.dailySpendLimitUsd !== undefined
          ? { daily_spend_limit_usd: input.dailySpendLimitUsd }
          : {}),
        ...(input.isPrimary ? { is_primary: true } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await writeAudit(tx, {
      userId,
      apiKeyId: id,
      action: 'update',
      actor: 'user',
      detail: {
        ...(input.keyName !== undefined ? { keyName: input.keyName } : {}),
        ...(input.dailySpendLimitUsd !== undefined
          ? { dailySpendLimitUsd: { from: row.daily_spend_limit_usd, to: updated.daily_spend_limit_usd } }
          : {}),
        ...(input.isPrimary ? { isPrimary: true } : {}),
      },
      ip: meta.ip,
    });
    return toCredentialView(updated);
  });
}
