// The set of wallets the detector watches: every leader with an active or paused relationship (they
// are copied; paused ones still get a recorded "skipped: paused" decision), plus every tracked
// trader (their fills feed the leaderboard).
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';

export interface WatchedWallets {
  /** Leaders someone follows: polled on the Data API to close stream gaps. */
  readonly followed: ReadonlySet<string>;
  /** Everything the stream should record. */
  readonly all: ReadonlySet<string>;
}

export async function loadWatchedWallets(db: Db): Promise<WatchedWallets> {
  const { rows } = await sql<{ wallet: string; followed: boolean }>`
    SELECT lower(trader_wallet_address) AS wallet, true AS followed
      FROM copy_relationships WHERE status IN ('active', 'paused')
    UNION
    SELECT lower(wallet_address), false FROM traders WHERE is_active`.execute(db);
  const followed = new Set<string>();
  const all = new Set<string>();
  for (const r of rows) {
    all.add(r.wallet);
    if (r.followed) followed.add(r.wallet);
  }
  return { followed, all };
}
