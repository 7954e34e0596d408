// What the API needs, built by the composition root (src/app/platform.ts) or a test.
import type { Redis } from 'ioredis';
import { Decimal } from '../../domain/money.ts';
import type { AccessTokens } from '../../auth/access-tokens.ts';
import type { Clock } from '../../auth/clock.ts';
import type { Db } from '../../db/client.ts';
import type { FillMarketRules } from '../../venue/market-cache.ts';
import type { Logger } from '../../observability/logger.ts';
import type { AuthDeps } from '../../services/auth-deps.ts';
import type { SizingSnapshotJobs } from '../../analytics/sizing-snapshot-jobs.ts';
import type { OpenPositionsDeps } from '../../services/copy-open-positions.ts';
import type { CredentialVerifier } from '../../services/credential-verifier.ts';
import type { JobListing } from '../../services/list-jobs.ts';
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
  /** A paper account's cash before its first entry (PAPER_STARTING_BALANCE_USD), a decimal string. */
  paperStartingBalanceUsd: string;
  /** The Telegram bot's token; Telegram sign-in answers 503 without it. */
  telegramBotToken?: string;
  /** The web dashboard's build (web/dist), served at /; absent or without index.html: not served. */
  webDistDir?: string | null;
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
   * Tick size, minimum order size and categories per token, from the venue's public market data
   * (the backtest quantises prices and filters categories with them); without it the backtest
   * assumes a 0.01 tick and markets in no known category.
   */
  marketRules?: (assetIds: readonly string[]) => Promise<ReadonlyMap<string, FillMarketRules>>;
  /** Reading a leader's open positions (POST /follows with copyOpenPositions); 503 without it. */
  openPositions?: OpenPositionsDeps;
  /** Reads a follow's balance and leader value at once when it starts sizing from them. */
  sizingSnapshots?: Pick<SizingSnapshotJobs, 'refreshFor'>;
  /** The deployment's periodic jobs (src/jobs/catalog.ts) for GET /admin/jobs; empty without it. */
  jobs?: readonly JobListing[];
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
    paperStartingBalanceUsd: paperStartingBalance(deps),
  };
}

/** PAPER_STARTING_BALANCE_USD as a Decimal: the cash of a paper account before its first entry. */
export function paperStartingBalance(deps: ApiDeps): Decimal {
  return new Decimal(deps.settings.paperStartingBalanceUsd);
}

/** The API's deps with the paper starting balance as services take it (user views, portfolio). */
export function withPaperStart<D extends ApiDeps>(deps: D): D & { paperStartingBalanceUsd: Decimal } {
  return { ...deps, paperStartingBalanceUsd: paperStartingBalance(deps) };
}
