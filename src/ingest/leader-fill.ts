// A leader fill as the detection sources report it, after occurrence numbering (fill-key.ts).
import type { Decimal } from '../domain/money.ts';
import type { Side } from '../domain/order-book.ts';
import type { FillSource } from '../db/schema.ts';

export interface LeaderFill {
  readonly txHash: string;
  /** The leader's proxy wallet, lowercased. */
  readonly wallet: string;
  readonly assetId: string;
  readonly conditionId: string;
  readonly side: Side;
  readonly price: Decimal;
  readonly size: Decimal;
  /** k-th identical (tx, wallet, asset, side, price, size) tuple in its transaction. */
  readonly occurrence: number;
  readonly outcome: string | null;
  readonly outcomeIndex: number | null;
  readonly marketSlug: string | null;
  readonly eventSlug: string | null;
  readonly title: string | null;
  /** When the fill happened (venue time). */
  readonly filledAt: Date;
  readonly source: FillSource;
  /** Where the chain carried it (chain feed only): block and log index. */
  readonly blockNumber?: bigint | null;
  readonly logIndex?: number | null;
  /** When this feed brought it (default: the recording's clock). */
  readonly seenAt?: Date;
}
