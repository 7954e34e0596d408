// The public shape of a stored credential: settings and a masked key, never secret material.
import type { Selectable } from 'kysely';
import type { PolymarketApiKeysTable } from '../db/schema.ts';
import { maskedApiKey } from '../vault/credential-crypto.ts';

export interface CredentialView {
  id: string;
  keyName: string | null;
  maskedApiKey: string;
  signatureType: number | null;
  funderAddress: string | null;
  hasPrivateKey: boolean;
  status: 'active' | 'revoked' | 'suspended' | 'expired';
  isPrimary: boolean;
  dailySpendLimitUsd: string;
  dailySpentUsd: string;
  lastResetAt: string;
  totalTradesExecuted: number;
  totalVolumeUsd: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
  createdAt: string;
  expiresAt: string | null;
}

export function toCredentialView(r: Selectable<PolymarketApiKeysTable>): CredentialView {
  return {
    id: r.id,
    keyName: r.key_name,
    maskedApiKey: maskedApiKey(r.key_hint),
    signatureType: r.signature_type,
    funderAddress: r.funder_address,
    hasPrivateKey: r.encrypted_private_key !== null,
    status: r.status,
    isPrimary: r.is_primary,
    dailySpendLimitUsd: r.daily_spend_limit_usd,
    dailySpentUsd: r.daily_spent_usd,
    lastResetAt: r.last_reset_at.toISOString(),
    totalTradesExecuted: r.total_trades_executed,
    totalVolumeUsd: r.total_volume_usd,
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
    revokedReason: r.revoked_reason,
    createdAt: r.created_at.toISOString(),
    expiresAt: r.expires_at?.toISOString() ?? null,
  };
}
