// `polycopy demo reset-password`: a new password for the demo account (README "The demo"). The
// demo's password is printed once, when the demo is created, and stored only as a hash; this is the
// way back in when that line is lost. The demo's sessions are signed out.
import type { Command } from 'commander';
import type { Config } from '../config/config.ts';
import { withDatabase } from './with-database.ts';

export function registerDemoCommands(program: Command, config: () => Config): void {
  const demo = program.command('demo').description('the demo account (built-in simulator only)');
  demo
    .command('reset-password')
    .description(
      "set a new random password for the demo account and print it (signs the demo's sessions out)",
    )
    .action(async () => {
      // Loaded on use: the CLI's other commands should not pay for the follow services' imports.
      const { resetDemoPassword } = await import('../services/demo-account.ts');
      const reset = await withDatabase(config(), ({ db }) => resetDemoPassword(db, new Date()));
      if (!reset) {
        process.stderr.write(
          'there is no demo account in this database (it is created by `polycopy start` on the built-in ' +
            'simulator unless DEMO=off)\n',
        );
        process.exit(1);
      }
      console.log(`demo account: sign in as ${reset.email} with the password ${reset.password}`);
    });
}
