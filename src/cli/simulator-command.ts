// `polycopy simulator`: the Polymarket-compatible simulator on one port (CLOB at the root, Gamma
// under /gamma, Data API under /data-api, websockets under /ws, control API under /sim).
import { Option, type Command } from 'commander';
import { startSimulatorServer } from '../simulator/server/index.ts';

function intArg(name: string, min: number, max: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      throw new Error(`${name} must be an integer in [${min}, ${max}]`);
    }
    return Number(v);
  };
}

function speedArg(v: string): number {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(v) || !Number.isFinite(n))
    throw new Error('--speed must be a non-negative number');
  return n;
}

function startArg(v: string): number {
  const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isSafeInteger(t)) throw new Error('--start must be epoch ms or an ISO date');
  return t;
}

export function registerSimulatorCommand(program: Command): void {
  program
    .command('simulator')
    .description('run the Polymarket-compatible simulator (CLOB, Gamma, Data API, websockets, /sim control)')
    .addOption(
      new Option('--port <port>', 'port for everything').default(8080).argParser(intArg('--port', 0, 65535)),
    )
    .addOption(new Option('--host <host>', 'address to listen on').default('127.0.0.1'))
    .addOption(
      new Option('--seed <n>', 'simulation seed').default(1).argParser(intArg('--seed', 0, 2 ** 32 - 1)),
    )
    .addOption(
      new Option(
        '--speed <x>',
        'simulated seconds per real second; 0 freezes time (only /sim/advance moves it)',
      )
        .default(1)
        .argParser(speedArg),
    )
    .addOption(
      new Option(
        '--start <time>',
        'simulated start time (epoch ms or ISO); default now (the wall clock)',
      ).argParser(startArg),
    )
    .addOption(
      new Option('--history-days <n>', 'days of market history generated before the start')
        .default(30)
        .argParser(intArg('--history-days', 0, 365)),
    )
    .addOption(
      new Option('--accept-v1', 'accept V1-signed orders (verified on the V1 domain)').default(false),
    )
    .addOption(
      new Option(
        '--verify-sample <n>',
        'verify the EIP-712 signature of 1 order in N (throughput runs; 1 = every order)',
      )
        .env('SIMULATOR_VERIFY_SAMPLE')
        .default(1)
        .argParser(intArg('--verify-sample', 1, 1_000_000)),
    )
    .action(
      async (opts: {
        port: number;
        host: string;
        seed: number;
        speed: number;
        start?: number;
        historyDays: number;
        acceptV1: boolean;
        verifySample: number;
      }) => {
        const server = await startSimulatorServer({
          port: opts.port,
          host: opts.host,
          seed: opts.seed,
          speed: opts.speed,
          acceptV1: opts.acceptV1,
          historyDays: opts.historyDays,
          verifySample: opts.verifySample,
          ...(opts.start !== undefined ? { startTime: opts.start } : {}),
        });
        process.stdout.write(
          `${JSON.stringify({ simulator: server.url, seed: opts.seed, speed: opts.speed, historyDays: opts.historyDays, acceptV1: opts.acceptV1, verifySample: opts.verifySample, endpoints: server.endpoints })}\n`,
        );
        let stopping = false;
        const stop = (): void => {
          if (stopping) process.exit(1);
          stopping = true;
          void server.close().then(() => process.exit(0));
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      },
    );
}
