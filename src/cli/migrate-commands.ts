// `polycopy migrate up | down [--all | --steps N] | status`. All honour DATABASE_URL and fall back to
// the embedded server.
import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { migrateDown, migrateDownAll, migrateUp, migrationStatus } from '../db/migrator.ts';
import { withDatabase } from './with-database.ts';

function fail(err: unknown): never {
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

export function registerMigrateCommands(program: Command, config: () => Config): void {
  const migrate = program.command('migrate').description('database schema migrations');

  migrate
    .command('up')
    .description('apply every pending migration')
    .action(async () => {
      await withDatabase(config(), async ({ db }) => {
        const results = await migrateUp(db);
        if (results.length === 0) console.log('already up to date');
        for (const r of results) console.log(`up    ${r.migrationName}`);
      }).catch(fail);
    });

  migrate
    .command('down')
    .description('revert migrations: the latest one, --steps N, or --all')
    .option('--all', 'revert everything, back to an empty schema')
    .option('--steps <n>', 'how many to revert', (v) => Number.parseInt(v, 10), 1)
    .action(async (opts: { all?: boolean; steps: number }) => {
      if (!opts.all && (!Number.isInteger(opts.steps) || opts.steps < 1))
        fail('--steps must be a positive integer');
      await withDatabase(config(), async ({ db }) => {
        const results = opts.all ? await migrateDownAll(db) : await migrateDown(db, opts.steps);
        if (results.length === 0) console.log('nothing to revert');
        for (const r of results) console.log(`down  ${r.migrationName}`);
      }).catch(fail);
    });

  migrate
    .command('status')
    .description('list migrations and whether each is applied')
    .action(async () => {
      await withDatabase(config(), async ({ db }) => {
        for (const m of await migrationStatus(db)) {
          console.log(
            `${m.executedAt ? 'applied ' : 'pending '} ${m.name}${m.executedAt ? `  ${m.executedAt.toISOString()}` : ''}`,
          );
        }
      }).catch(fail);
    });
}
