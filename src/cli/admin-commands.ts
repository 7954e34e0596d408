// `polycopy admin create-user | grant | revoke` and `polycopy kill-switch on | off`: what needed a
// database shell before (the first admin could only be made in SQL). Each change is written to the
// admin audit trail under cli:<user>@<host>; src/services/operator-actions.ts.
import { Argument, type Command } from 'commander';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/client.ts';
import { Decimal } from '../domain/money.ts';
import {
  cliActor,
  createUserByOperator,
  setKillSwitchByOperator,
  setRoleByOperator,
} from '../services/operator-actions.ts';
import {
  checkConfig,
  checkDatabase,
  checkMasterKey,
  checkOperations,
  checkRedis,
  checkVenue,
  formatChecks,
  type CheckResult,
} from './doctor.ts';
import { runAction } from './run-action.ts';
import { withDatabase } from './with-database.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function registerAdminCommands(program: Command, config: () => Config): void {
  // The created or changed account is printed with its view, paper balance included.
  const viewDeps = (db: Db) => ({
    db,
    paperStartingBalanceUsd: new Decimal(config().engine.paperStartingBalanceUsd),
  });
  const admin = program.command('admin').description('accounts and the admin role, from the command line');

  admin
    .command('create-user')
    .description('create a verified email + password account (a password is generated unless given on stdin)')
    .argument('<email>', 'the account’s email address')
    .option('--admin', 'make the account an administrator')
    .option('--password-stdin', 'read the password from stdin (10-128 characters, not a common one)')
    .option('--json', 'print the result as JSON')
    .action(async (email: string, opts: { admin?: boolean; passwordStdin?: boolean; json?: boolean }) => {
      const password = opts.passwordStdin ? await readStdin() : undefined;
      await runAction(
        () =>
          withDatabase(config(), ({ db }) =>
            createUserByOperator(viewDeps(db), cliActor(), { email, password, admin: opts.admin === true }),
          ),
        (r) =>
          `created user ${r.user.id} <${r.user.email}> (${r.user.role}, email verified)` +
          (r.generatedPassword ? `\npassword (shown once): ${r.generatedPassword}` : ''),
        opts,
      );
    });

  for (const [name, role] of [
    ['grant', 'admin'],
    ['revoke', 'user'],
  ] as const) {
    admin
      .command(name)
      .description(name === 'grant' ? 'make an account an administrator' : 'take the admin role away')
      .argument('<email>', 'the account’s email address')
      .option('--json', 'print the result as JSON')
      .action(async (email: string, opts: { json?: boolean }) => {
        await runAction(
          () => withDatabase(config(), ({ db }) => setRoleByOperator(viewDeps(db), cliActor(), email, role)),
          (r) =>
            r.changed
              ? `user ${r.user.id} <${r.user.email}> is now ${r.user.role === 'admin' ? 'an administrator' : 'a user'}`
              : `user ${r.user.id} <${r.user.email}> already was ${r.user.role === 'admin' ? 'an administrator' : 'a user'}; nothing changed`,
          opts,
        );
      });
  }

  program
    .command('kill-switch')
    .description('stop (on) or allow (off) every copy order platform-wide; detection keeps recording')
    .addArgument(new Argument('<state>', 'on or off').choices(['on', 'off']))
    .option('--reason <text>', 'why (required to turn it on)')
    .option('--json', 'print the result as JSON')
    .action(async (state: 'on' | 'off', opts: { reason?: string; json?: boolean }) => {
      await runAction(
        () =>
          withDatabase(config(), ({ db }) =>
            setKillSwitchByOperator(db, cliActor(), { enabled: state === 'on', reason: opts.reason }),
          ),
        (k) => `kill switch ${k.enabled ? `ON: ${k.reason}` : 'off'} (${k.updatedAt})`,
        opts,
      );
    });
}

export function registerDoctorCommand(program: Command, config: () => Config): void {
  program
    .command('doctor')
    .description(
      'check the configuration, database, Redis, the venue and the clock against it, the master key, ' +
        'and what waits for an operator; print what to fix (exit 1 when a check fails)',
    )
    .option('--json', 'print the checks as JSON')
    .action(async (opts: { json?: boolean }) => {
      const c = config(); // an invalid configuration exits 2 here, every problem listed
      const results: CheckResult[] = [checkConfig(c)];
      const [redis, venue, key] = await Promise.all([checkRedis(c), checkVenue(c), checkMasterKey(c)]);
      try {
        await withDatabase(c, async ({ db }) => {
          results.push(await checkDatabase(db), ...(await checkOperations(db)));
        });
      } catch (err) {
        results.push({
          name: 'database',
          status: 'fail',
          detail: err instanceof Error ? err.message : String(err),
          fix: 'check DATABASE_URL, or POLYCOPY_DATA_DIR for the embedded server',
        });
      }
      results.push(redis, ...venue, key);
      process.stdout.write(`${opts.json ? JSON.stringify(results) : formatChecks(results)}\n`);
      if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
    });
}
