// `polycopy queue status | reconcile`: the execution queue for operators.
//   status     rows by status, and the reconciliation backlog (rows awaiting a lookup, rows flagged
//              for an operator — error_message `needs_operator:`)
//   reconcile  one reconciliation round (src/execution/reconcile.ts) against the venue the orders
//              were sent to, and what it did
import { sql } from 'kysely';
import { Option, type Command } from 'commander';
import { systemClock } from '../auth/clock.ts';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/client.ts';
import { Decimal } from '../domain/money.ts';
import { reconcileBacklog, reconcileUnknownOutcomes, type ReconcileAction } from '../execution/reconcile.ts';
import { DefaultVenueProvider } from '../execution/venue-provider.ts';
import { createLogger } from '../observability/logger.ts';
import { createLiveVenueFactory } from '../vault/live-venue-factory.ts';
import { masterKeyFile, MasterKey, readKeyFile } from '../vault/master-key.ts';
import {
  hostsFromSimulatorEndpoints,
  PolymarketVenue,
  type PolymarketHosts,
} from '../venue/polymarket/polymarket-venue.ts';
import { withDatabase } from './with-database.ts';

function positiveInt(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 10_000)
      throw new Error(`${name} must be in [1, 10000]`);
    return Number(v);
  };
}

/**
 * The hosts the platform's orders went to: Polymarket as configured, or the simulator the running
 * platform serves (never a fresh one: its ledger would know none of the orders).
 */
async function venueHosts(config: Config): Promise<{ hosts: PolymarketHosts; chainId: number }> {
  if (config.venue.kind === 'polymarket') return { hosts: config.venue.hosts, chainId: config.venue.chainId };
  const host = config.venue.host === '0.0.0.0' ? '127.0.0.1' : config.venue.host;
  const url = `http://${host}:${config.venue.port}/sim/endpoints`;
  let res: Response;
  try {
    res = await fetch(url);
  } catch {
    throw new Error(`no simulator answers at ${url}: reconciliation needs the venue the orders were sent to`);
  }
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return { hosts: hostsFromSimulatorEndpoints((await res.json()) as never), chainId: 137 };
}

/** The platform's master key; never a new one (it could decrypt nothing stored). */
async function existingMasterKey(config: Config): Promise<MasterKey | null> {
  if (config.vault.masterKey) return MasterKey.fromBase64(config.vault.masterKey);
  try {
    return await readKeyFile(masterKeyFile(config.dataDir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
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
      let venue: Awaited<ReturnType<typeof venueHosts>>;
      try {
        venue = await venueHosts(c);
      } catch (err) {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
        return;
      }
      const { hosts, chainId } = venue;
      const masterKey = await existingMasterKey(c);
      if (!masterKey) {
        process.stderr.write(
          `no master key (POLYCOPY_MASTER_KEY, or ${masterKeyFile(c.dataDir)}): live orders cannot be looked up\n`,
        );
        process.exitCode = 1;
        return;
      }
      const report = await withDatabase(c, async ({ db }) => {
        const marketData = PolymarketVenue.marketData({ hosts, chainId });
        const venues = new DefaultVenueProvider(db, marketData, {
          paperStartingBalance: new Decimal(c.engine.paperStartingBalanceUsd),
          live: createLiveVenueFactory({
            db,
            masterKey,
            clock: systemClock,
            hosts,
            chainId,
            purpose: 'reconcile_order',
          }),
        });
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
