// `polycopy db url | maintain`: operator helpers around the database.
import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { runMaintenance } from '../db/maintenance.ts';
import { withDatabase } from './with-database.ts';

export function registerDbCommands(program: Command, config: () => Config): void {
  const db = program.command('db').description('database operations');

  db.command('maintain')
    .description('create future trades partitions and apply the retention rules once')
    .action(async () => {
      const c = config();
      const report = await withDatabase(c, ({ db: k }) =>
        runMaintenance(k, {
          partitionsAhead: c.trades.partitionsAhead,
          tradesRetentionDays: c.trades.retentionDays,
          tradeQueueRetentionDays: c.tradeQueueRetentionDays,
        }),
      );
      console.log(JSON.stringify(report));
    });
}
