// The chain feed wired to the platform: its checkpoint in chain_checkpoints, its legs recorded as
// leader fills (source 'chain', with block and log index), and reorgs recorded: the chain sightings
// of a removed log's fills are marked removed and the fills flagged `reorged_at` (a copy already
// placed stands; when the transaction is mined again the same fill keys come back and clear it).
import { sql } from 'kysely';
import type { Address } from 'viem';
import type { Db } from '../../db/client.ts';
import type { Logger } from '../../observability/logger.ts';
import type { OrderFilled } from '../../venue/polymarket/exchange-events.ts';
import type { LeaderFill } from '../leader-fill.ts';
import type { FillMarketRules } from '../../venue/market-cache.ts';
import { ChainFeed } from './chain-feed.ts';
import type { ChainLeg } from './chain-legs.ts';

export interface ChainSourceOptions {
  readonly wsUrl: string;
  readonly httpUrl?: string;
  readonly chainId: number;
  readonly exchanges: readonly Address[];
  readonly maxCatchUpBlocks?: number;
  readonly headTimeoutMs?: number;
}

export interface ChainSourceDeps {
  readonly db: Db;
  readonly logger: Logger;
  readonly marketRules: { get(tokenId: string): Promise<FillMarketRules | null> };
  /** Records one fill (the detector's path: dedup, sightings, fan-out). */
  readonly record: (fill: LeaderFill) => Promise<void>;
  /** Told of every reorg that flagged fills. */
  readonly onReorg?: (flagged: number) => void;
}

export function openChainSource(opts: ChainSourceOptions, deps: ChainSourceDeps): ChainFeed {
  const { db, logger } = deps;
  return new ChainFeed({
    wsUrl: opts.wsUrl,
    ...(opts.httpUrl ? { httpUrl: opts.httpUrl } : {}),
    exchanges: opts.exchanges,
    logger,
    ...(opts.maxCatchUpBlocks !== undefined ? { maxCatchUpBlocks: opts.maxCatchUpBlocks } : {}),
    ...(opts.headTimeoutMs !== undefined ? { headTimeoutMs: opts.headTimeoutMs } : {}),
    loadCheckpoint: async () => {
      const row = await db
        .selectFrom('chain_checkpoints')
        .select('block_number')
        .where('chain_id', '=', opts.chainId)
        .executeTakeFirst();
      return row ? BigInt(row.block_number) : null;
    },
    saveCheckpoint: async (block) => {
      await sql`
        INSERT INTO chain_checkpoints (chain_id, block_number) VALUES (${opts.chainId}, ${block.toString()}::bigint)
        ON CONFLICT (chain_id) DO UPDATE SET block_number = GREATEST(chain_checkpoints.block_number, EXCLUDED.block_number),
                                             updated_at = now()`.execute(db);
    },
    onLegs: async (legs, blockTimeMs) => {
      const seenAt = new Date();
      for (const leg of legs) {
        const rules = await deps.marketRules.get(leg.assetId);
        if (!rules?.market) {
          logger.warn(
            { asset: leg.assetId, tx: leg.txHash },
            'chain fill for an unknown token; not recorded',
          );
          continue;
        }
        await deps.record(chainFill(leg, rules.market, blockTimeMs, seenAt));
      }
    },
    onRemoved: async (logs) => {
      const flagged = await markRemoved(db, logs);
      logger.warn(
        { logs: logs.length, flagged, txs: [...new Set(logs.map((l) => l.txHash))] },
        'chain reorg: fill logs removed; their fills are flagged (copies already placed stand)',
      );
      deps.onReorg?.(flagged);
    },
  });
}

function chainFill(
  leg: ChainLeg & { occurrence: number },
  m: NonNullable<FillMarketRules['market']>,
  blockTimeMs: number,
  seenAt: Date,
): LeaderFill {
  return {
    txHash: leg.txHash,
    wallet: leg.wallet,
    assetId: leg.assetId,
    conditionId: m.conditionId,
    side: leg.side,
    price: leg.price,
    size: leg.size,
    occurrence: leg.occurrence,
    outcome: m.outcome || null,
    outcomeIndex: m.outcomeIndex,
    marketSlug: m.slug,
    eventSlug: null,
    title: m.title || null,
    filledAt: new Date(blockTimeMs),
    source: 'chain',
    blockNumber: leg.blockNumber,
    logIndex: leg.logIndex,
    seenAt,
  };
}

/**
 * Marks the chain sightings of the removed logs' fills (same transaction and wallet: a taker's
 * legs were read from other wallets' logs) as removed, and flags the fills. Returns fills flagged.
 */
export async function markRemoved(db: Db, logs: readonly OrderFilled[]): Promise<number> {
  let flagged = 0;
  for (const l of logs) {
    const { rows } = await sql<{ fill_key: string }>`
      WITH s AS (
        UPDATE leader_fill_sightings s SET removed_at = now()
          FROM leader_fills f
         WHERE s.fill_key = f.fill_key AND s.feed = 'chain' AND s.removed_at IS NULL
           AND f.transaction_hash = ${l.txHash} AND f.trader_wallet_address = ${l.maker}
           AND s.block_number = ${l.blockNumber.toString()}::bigint
        RETURNING s.fill_key
      )
      UPDATE leader_fills SET reorged_at = now() WHERE fill_key IN (SELECT fill_key FROM s)
      RETURNING fill_key`.execute(db);
    flagged += rows.length;
  }
  return flagged;
}
