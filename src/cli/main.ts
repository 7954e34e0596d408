// The polycopy CLI: one binary, one subcommand per role or operation.
import { Command, Option } from 'commander';
import { loadConfig, ConfigError, type Config } from '../config/config.ts';
import { createLogger } from '../observability/logger.ts';
import { registerMigrateCommands } from './migrate-commands.ts';
import { registerDbCommands } from './db-commands.ts';
import { registerVaultCommands } from './vault-commands.ts';
import { registerQueueCommands } from './queue-commands.ts';
import { registerSimulatorCommand } from './simulator-command.ts';
import { installSignalHandlers, startPlatform } from '../app/platform.ts';

function configOrExit(): Config {
  try {
    return loadConfig();
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
    const config = configOrExit();
    const effective =
      opts.port === undefined ? config : { ...config, http: { ...config.http, port: opts.port } };
    const logger = createLogger(config.logLevel);
    try {
      const platform = await startPlatform(effective, logger);
      installSignalHandlers(platform, logger, config.shutdownTimeoutMs);
    } catch (err) {
      logger.fatal({ err }, 'failed to start');
      process.exit(1);
    }
  });

registerMigrateCommands(program, configOrExit);
registerDbCommands(program, configOrExit);
registerVaultCommands(program, configOrExit);
registerQueueCommands(program, configOrExit);
registerSimulatorCommand(program);

await program.parseAsync(process.argv);
