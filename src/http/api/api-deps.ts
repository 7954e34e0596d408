// What the API needs, built by the composition root (src/app/platform.ts) or a test.
import type { Redis } from 'ioredis';
import type { AccessTokens } from '../../auth/access-tokens.ts';
import type { Clock } from '../../auth/clock.ts';
import type { Db } from '../../db/client.ts';
import type { MarketRules } from '../../domain/order-rules.ts';
import type { Logger } from '../../observability/logger.ts';
import type { AuthDeps } from '../../services/auth-deps.ts';
import type { CredentialVerifier } from '../../services/credential-verifier.ts';
import type { Mailer } from '../../services/mailer.ts';
import type { MasterKey } from '../../vault/master-key.ts';

export interface ApiSettings {
  publicUrl: string;
  corsOrigins: readonly string[];
  bodyLimitBytes: number;
  /** Requests per minute. */
  rateLimit: { perIp: number; perUser: number; authPerIp: number };
  refreshTokenTtlDays: number;
  /** How long a leaderboard page is served from cache (default 60 000 ms). */
  leaderboardCacheTtlMs?: number;
  /** The Telegram bot's token; Telegram sign-in answers 503 without it. */
  telegramBotToken?: string;
}

export interface ApiDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  accessTokens: AccessTokens;
  mailer: Mailer;
  masterKey: MasterKey;
  credentialVerifier: CredentialVerifier;
  /** Rate-limit counters are shared through Redis when present. */
  redis?: Redis;
  settings: ApiSettings;
  /**
   * Tick size and minimum order size per token, from the venue's public market data (the backtest
   * quantises prices with them); without it the backtest assumes a 0.01 tick.
   */
  marketRules?: (assetIds: readonly string[]) => Promise<ReadonlyMap<string, MarketRules>>;
}

export function authDeps(deps: ApiDeps): AuthDeps {
  return {
    db: deps.db,
    clock: deps.clock,
    accessTokens: deps.accessTokens,
    refreshTokenTtlDays: deps.settings.refreshTokenTtlDays,
    mailer: deps.mailer,
    publicUrl: deps.settings.publicUrl,
    logger: deps.logger,
    masterKey: deps.masterKey,
  };
}
