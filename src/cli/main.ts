// The polycopy CLI: one binary, one subcommand per role or operation.
import { Command, Option } from 'commander';
import { loadConfig, loadConfigOverriding, ConfigError, type Config } from '../config/config.ts';
import { createLogger } from '../observability/logger.ts';
import { registerMigrateCommands } from './migrate-commands.ts';
import { registerDbCommands } from './db-commands.ts';
import { registerVaultCommands } from './vault-commands.ts';
import { registerQueueCommands } from './queue-commands.ts';
import { registerJobsCommand } from './jobs-command.ts';
import { registerAdminCommands, registerDoctorCommand } from './admin-commands.ts';
import { registerSimulatorCommand } from './simulator-command.ts';
import { registerDemoCommands } from './demo-commands.ts';
import { installSignalHandlers, startPlatform } from '../app/platform.ts';

function configOrExit(overrides: Record<string, string> = {}): Config {
  try {
    return Object.keys(overrides).length === 0 ? loadConfig() : loadConfigOverriding(overrides);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(2);
    }
    throw err;
  }
}

const program = new Command()
  .name('polycopy')
  .description('Copy-trading platform for Polymarket')
  .showHelpAfterError()
  .exitOverride((err) => process.exit(err.exitCode));

program
  .command('start')
  .description('start the platform (embedded PostgreSQL when DATABASE_URL is unset)')
  .addOption(
    new Option('--port <port>', 'HTTP port (overrides PORT)').argParser((v) => Number.parseInt(v, 10)),
  )
  .action(async (opts: { port?: number }) => {
    // --port is PORT: everything derived from it (the default PUBLIC_URL of mailed links) follows.
    const config = configOrExit(opts.port === undefined ? {} : { PORT: String(opts.port) });
    const logger = createLogger(config.logLevel);
    try {
      const platform = await startPlatform(config, logger);
      installSignalHandlers(platform, logger, config.shutdownTimeoutMs);
    } catch (err) {
      logger.fatal({ err }, 'failed to start');
      process.exit(1);
    }
  });

registerMigrateCommands(program, () => configOrExit());
registerDbCommands(program, () => configOrExit());
registerVaultCommands(program, () => configOrExit());
registerQueueCommands(program, () => configOrExit());
registerJobsCommand(program, () => configOrExit());
registerAdminCommands(program, () => configOrExit());
registerDoctorCommand(program, () => configOrExit());
registerSimulatorCommand(program);
registerDemoCommands(program, configOrExit);

await program.parseAsync(process.argv);
