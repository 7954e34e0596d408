// Public entry of the simulator server (CLI, tests, benchmarks and `polycopy start` embed it).
export { startSimulatorServer, type SimulatorServer, type SimulatorServerOptions } from './server.ts';
export type { Endpoints } from './context.ts';
export type { LedgerEntry } from './order-ledger.ts';
export type { FaultPatch, FaultState } from './faults.ts';
