// The bot's periodic jobs (run by the active telegram role only):
//   - the daily summary, once per user per UTC day after TELEGRAM_DAILY_SUMMARY_HOUR_UTC, for users
//     who turned it on (idempotent: the outbox's dedup key is the day);
//   - operator alerts for queue rows reconciliation gave up on (one alert per row per admin).
import { sql } from 'kysely';
import type { Db } from '../../db/client.ts';
import { Decimal } from '../../domain/money.ts';
import { enqueueNotification, enqueueOperatorAlert } from '../../events/notification-outbox.ts';
import { getPortfolioSummary } from '../../services/portfolio-summary.ts';

export async function enqueueDailySummaries(
  deps: { db: Db; clock: () => Date },
  opts: { hourUtc: number; paperStartingBalance: Decimal; maxUsers?: number },
): Promise<number> {
  const now = deps.clock();
  if (now.getUTCHours() < opts.hourUtc) return 0;
  const date = now.toISOString().slice(0, 10);
  const key = `daily_summary:${date}`;
  const { rows } = await sql<{ user_id: string }>`
    SELECT p.user_id::text FROM notification_preferences p
      JOIN telegram_chats c ON c.user_id = p.user_id AND c.blocked_at IS NULL
     WHERE p.kind = 'daily_summary' AND p.level <> 'off'
       AND NOT EXISTS (SELECT 1 FROM notification_outbox o WHERE o.user_id = p.user_id AND o.dedup_key = ${key})
     LIMIT ${opts.maxUsers ?? 500}`.execute(deps.db);
  let n = 0;
  for (const { user_id: userId } of rows) {
    const s = await getPortfolioSummary(deps, userId, opts.paperStartingBalance);
    const data = {
      date,
      executed: String(s.today.executed),
      skipped: String(s.today.skipped),
      failed: String(s.today.failed),
      realizedTodayUsd: s.realizedTodayUsd,
      unrealizedUsd: s.unrealizedUsd,
      paperEquityUsd: s.paper.equityUsd,
      exposureUsd: new Decimal(s.paper.exposureUsd).plus(s.live.exposureUsd).toFixed(),
    };
    if (
      await enqueueNotification(
        deps.db,
        userId,
        'daily_summary',
        { type: 'daily.summary', at: now.toISOString(), data },
        key,
      )
    )
      n += 1;
  }
  return n;
}

/** One operator alert per queue row flagged for an operator (the most recent 100 are checked). */
export async function alertRowsNeedingOperator(db: Db): Promise<number> {
  const { rows } = await sql<{ id: string; mode: string; side: string; reconcile_attempts: number }>`
    SELECT id::text, mode, side, reconcile_attempts FROM trade_queue
     WHERE status = 'failed' AND stage = 'operator'
     ORDER BY id DESC LIMIT 100`.execute(db);
  let n = 0;
  for (const r of rows)
    n += await enqueueOperatorAlert(
      db,
      {
        type: 'operator.alert',
        at: new Date().toISOString(),
        data: { alert: 'needs_operator', mode: r.mode, side: r.side, attempts: String(r.reconcile_attempts) },
      },
      `needs_operator:${r.id}`,
    );
  return n;
}
