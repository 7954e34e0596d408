// `polycopy queue status | reconcile` (and, from queue-operator-commands.ts, needs-operator |
// settle | requeue): the execution queue for operators.
//   status     rows by status, and the reconciliation backlog (rows awaiting a lookup, rows flagged
//              for an operator — error_message `needs_operator:`)
//   reconcile  one reconciliation round (src/execution/reconcile.ts) against the venue the orders
//              were sent to, and what it did
import { sql } from 'kysely';
import { Option, type Command } from 'commander';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/client.ts';
import { reconcileBacklog, reconcileUnknownOutcomes, type ReconcileAction } from '../execution/reconcile.ts';
import { createLogger } from '../observability/logger.ts';
import { registerQueueOperatorCommands } from './queue-operator-commands.ts';
import { orderVenueAccess } from './venue-access.ts';
import { withDatabase } from './with-database.ts';

function positiveInt(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 10_000)
      throw new Error(`${name} must be in [1, 10000]`);
    return Number(v);
  };
}

export async function queueStatus(db: Db) {
  const { rows } = await sql<{ status: string; n: string }>`
    SELECT status, count(*) AS n FROM trade_queue GROUP BY status ORDER BY status`.execute(db);
  return {
    byStatus: Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])),
    ...(await reconcileBacklog({ db })),
  };
}

function describe(a: ReconcileAction): string {
  switch (a.kind) {
    case 'executed':
      return `#${a.queueId} executed: the order ${a.venueOrderId} had filled; recorded as trade ${a.tradeId}`;
    case 'not_filled':
      return `#${a.queueId} failed: ${a.detail}`;
    case 'not_placed':
      return `#${a.queueId} failed: ${a.detail}`;
    case 'retry_later':
      return `#${a.queueId} no answer (attempt ${a.attempts}), next lookup after ${a.at.toISOString()}: ${a.error}`;
    case 'needs_operator':
      return `#${a.queueId} NEEDS AN OPERATOR after ${a.attempts} attempts: ${a.error}`;
    case 'lost_claim':
      return `#${a.queueId} skipped: another process took the row over`;
  }
}

export function registerQueueCommands(program: Command, config: () => Config): void {
  const queue = program.command('queue').description('the execution queue');
  registerQueueOperatorCommands(queue, config);

  queue
    .command('status')
    .description('queue rows by status, rows awaiting reconciliation and rows that need an operator')
    .action(async () => {
      const status = await withDatabase(config(), ({ db }) => queueStatus(db));
      for (const [s, n] of Object.entries(status.byStatus)) console.log(`${s.padEnd(12)} ${n}`);
      console.log(`awaiting reconciliation: ${status.awaiting}`);
      console.log(
        `needs an operator: ${status.needsOperator}` +
          (status.needsOperatorIds.length > 0 ? ` (queue ids ${status.needsOperatorIds.join(', ')})` : ''),
      );
    });

  queue
    .command('reconcile')
    .description(
      'one reconciliation round: look up the orders of rows whose outcome was unknown when they ran out ' +
        'of retries, and record them as executed, fail them (releasing their spend), or count the attempt',
    )
    .addOption(new Option('--limit <n>', 'rows to look at').default(20).argParser(positiveInt('--limit')))
    .addOption(
      new Option('--max-attempts <n>', 'inconclusive lookups before a row is flagged for an operator')
        .default(10)
        .argParser(positiveInt('--max-attempts')),
    )
    .addOption(
      new Option(
        '--min-age-seconds <n>',
        'leave rows marked more recently than this (an order sent just before may still be landing)',
      )
        .default(30)
        .argParser((v) => {
          if (!/^\d+$/.test(v) || Number(v) > 86_400)
            throw new Error('--min-age-seconds must be in [0, 86400]');
          return Number(v);
        }),
    )
    .option('--json', 'print the report as JSON')
    .action(async (opts: { limit: number; maxAttempts: number; minAgeSeconds: number; json?: boolean }) => {
      const c = config();
      const logger = createLogger(c.logLevel);
      const access = await orderVenueAccess(c);
      if (typeof access === 'string') {
        process.stderr.write(`${access}\n`);
        process.exitCode = 1;
        return;
      }
      const report = await withDatabase(c, async ({ db }) => {
        const venues = access.venues(db);
        const round = await reconcileUnknownOutcomes(
          { db, venues, logger },
          { limit: opts.limit, maxAttempts: opts.maxAttempts, minAgeMs: opts.minAgeSeconds * 1000 },
        );
        return { ...round, status: await queueStatus(db) };
      });
      if (opts.json) {
        console.log(JSON.stringify(report));
        return;
      }
      if (report.actions.length === 0) console.log('nothing was due for reconciliation');
      for (const a of report.actions) console.log(describe(a));
      console.log(
        `awaiting reconciliation: ${report.status.awaiting}; needs an operator: ${report.status.needsOperator}` +
          (report.status.needsOperatorIds.length > 0
            ? ` (queue ids ${report.status.needsOperatorIds.join(', ')})`
            : ''),
      );
    });
}
