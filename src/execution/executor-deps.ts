// What the executor of a claimed queue row (execute-claim.ts) is given and what it answers: shared
// by the executor, its stages, the worker and reconciliation.
import type { Db } from '../db/client.ts';
import type { CopyOutcomeReason } from '../domain/skip-reasons.ts';
import type { Logger } from '../observability/logger.ts';
import type { OrderResult } from '../venue/venue.ts';
import type { VenueProvider } from './venue-provider.ts';

export interface ExecutorDeps {
  readonly db: Db;
  readonly venues: VenueProvider;
  readonly logger: Logger;
  readonly now?: () => Date;
  readonly random?: () => number;
  /**
   * Called as a row passes each stage (benchmarks, diagnostics): context read, venue built, pricing
   * reads done, admitted, answered by the venue.
   */
  readonly trace?: (rowId: string, stage: ExecutionStage) => void;
  /**
   * Live BUYs: 'exchange' (default) leaves the balance to the exchange, which refuses an order it
   * cannot fund (recorded as insufficient_balance); 'read' also reads the balance before each order
   * and refuses it here — one more request per copy from the venue's rate-limited budget
   * (GET /balance-allowance, 200 per 10 s), which then bounds copies per second.
   */
  readonly liveBalanceCheck?: 'exchange' | 'read';
}

export type ExecutionStage = 'context' | 'venue' | 'reads' | 'admitted' | 'answered';

export type ExecutionOutcome =
  | { kind: 'executed'; tradeId: string; order: OrderResult }
  | { kind: 'skipped'; reason: CopyOutcomeReason }
  | { kind: 'failed'; reason: CopyOutcomeReason }
  | { kind: 'retry'; at: Date; errorKind: string }
  | { kind: 'lost_claim' };
