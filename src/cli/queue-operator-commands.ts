// `polycopy queue needs-operator | settle | requeue`: settling by hand the rows whose order had an
// unknown outcome. Every change is written to the admin audit trail under cli:<user>@<host>.
//   needs-operator  rows reconciliation gave up on, with what is known of their order
//   settle <id>     --filled or --not-filled, checked against the venue first (the evidence is
//                   printed and kept); src/services/settle-queue-row.ts
//   requeue <id>    back to pending with retries and reconciliation lookups counted from zero; the
//                   worker looks the order up before anything else, so it is never sent twice
import { Option, type Command } from 'commander';
import type { Config } from '../config/config.ts';
import { createLogger } from '../observability/logger.ts';
import { cliActor, listNeedsOperator, requeueByOperator } from '../services/operator-actions.ts';
import { settleQueueRow, type Verdict } from '../services/settle-queue-row.ts';
import { queueId, runAction } from './run-action.ts';
import { orderVenueAccess } from './venue-access.ts';
import { withDatabase } from './with-database.ts';

export function registerQueueOperatorCommands(queue: Command, config: () => Config): void {
  queue
    .command('needs-operator')
    .description('list the rows reconciliation gave up on: their order may exist at the venue')
    .option('--json', 'print the rows as JSON')
    .action(async (opts: { json?: boolean }) => {
      await runAction(
        () => withDatabase(config(), ({ db }) => listNeedsOperator(db)),
        formatNeedsOperator,
        opts,
      );
    });

  queue
    .command('settle')
    .description(
      'settle a row whose order had an unknown outcome: the order is looked up at the venue first, and a ' +
        'verdict the venue contradicts is refused',
    )
    .argument('<id>', 'queue row id', queueId)
    .addOption(
      new Option('--filled', 'the order filled: record the copy from the venue’s figures').conflicts(
        'notFilled',
      ),
    )
    .addOption(new Option('--not-filled', 'the order never filled: fail the row and release its spend'))
    .option(
      '--evidence <text>',
      'what you saw at the venue (needed for --not-filled when the venue cannot answer)',
    )
    .option('--json', 'print the result as JSON')
    .action((id: string, opts: SettleOptions) => settleAction(config, id, opts));

  queue
    .command('requeue')
    .description(
      'send a failed row back to the workers, retries and reconciliation lookups counted from zero; its ' +
        'persisted order (if any) is looked up before anything is sent',
    )
    .argument('<id>', 'queue row id', queueId)
    .option('--json', 'print the row as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await runAction(
        () => withDatabase(config(), ({ db }) => requeueByOperator(db, cliActor(), id)),
        (r) => `#${r.id} requeued: ${r.status}, retries ${r.retryCount}/${r.maxRetries}`,
        opts,
      );
    });
}

type NeedsOperatorRows = Awaited<ReturnType<typeof listNeedsOperator>>;

function formatNeedsOperator(rows: NeedsOperatorRows): string {
  if (rows.length === 0) return 'no row needs an operator';
  return (
    rows
      .map(
        (r) =>
          `#${r.id} user ${r.userId} ${r.mode} ${r.purpose} ${r.side} ${r.assetId ?? r.marketId} ` +
          `limit ${r.limitPrice ?? '-'} size ${r.orderSize ?? '-'} amount ${r.orderAmountUsd ?? '-'} ` +
          `signed ${r.signedAt ?? '-'} reserved $${r.reservedSpendUsd ?? '0'} ` +
          `(${r.reconcileAttempts} lookups)\n    ${r.error}`,
      )
      .join('\n') + '\nCheck each at the venue, then: polycopy queue settle <id> --filled | --not-filled'
  );
}

interface SettleOptions {
  filled?: boolean;
  notFilled?: boolean;
  evidence?: string;
  json?: boolean;
}

async function settleAction(config: () => Config, id: string, opts: SettleOptions): Promise<void> {
  if (!opts.filled && !opts.notFilled) {
    process.stderr.write('say what happened: --filled or --not-filled\n');
    process.exitCode = 1;
    return;
  }
  const verdict: Verdict = opts.filled ? 'filled' : 'not_filled';
  const evidence = opts.evidence?.trim() || undefined;
  const c = config();
  const access = await orderVenueAccess(c);
  if (typeof access === 'string') {
    process.stderr.write(`${access}\n`);
    process.exitCode = 1;
    return;
  }
  const logger = createLogger(c.logLevel);
  await runAction(
    () =>
      withDatabase(c, ({ db }) =>
        settleQueueRow({ db, venues: access.venues(db), logger }, cliActor(), id, verdict, evidence),
      ),
    (r) =>
      `#${r.queueId} settled as ${r.verdict === 'filled' ? 'filled' : 'not filled'}` +
      (r.tradeId ? ` (recorded as trade ${r.tradeId})` : '') +
      `\nvenue: ${r.evidence}`,
    opts,
  );
}
