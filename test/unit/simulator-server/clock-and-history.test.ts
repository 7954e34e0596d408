// The simulator server's clock agrees with the wall clock at speed 1 (no rounding to the minute,
// however long the history takes to generate), and it starts with a month of history served by
// the Data API and Gamma exactly as live data, the same for a seed and start time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatorServer, type SimulatorServer } from '../../../src/simulator/server/index.ts';
import type { FillEvent } from '../../../src/simulator/simulation.ts';
import { SMALL, json } from './harness.ts';

const DAY = 86_400_000;

describe('simulator server: the clock at speed 1', () => {
  let server: SimulatorServer;
  afterAll(async () => server?.close());

  it('stamps fills within a second of the wall clock, history or not', async () => {
    server = await startSimulatorServer({
      port: 0,
      seed: 5,
      speed: 1,
      historyDays: 1,
      simulationConfig: { ...SMALL, traders: { ...SMALL.traders!, flipper: 400 } },
    });
    const clock = await json<{ now: number }>(`${server.url}/sim/clock`);
    expect(Math.abs(clock.body.now - Date.now())).toBeLessThan(1_000);
    // A synthetic fill: seen by a listener as it is published, stamped with simulated time.
    const fill = await new Promise<{ f: FillEvent; seenAt: number }>((resolve) => {
      const off = server.sim.onFill((f) => {
        off();
        resolve({ f, seenAt: Date.now() });
      });
    });
    expect(Math.abs(fill.seenAt - fill.f.timestamp)).toBeLessThan(1_000);
    // And through the Data API (seconds), as a client reads it.
    const trades = await json<{ timestamp: number }[]>(`${server.url}/data-api/trades?limit=1`);
    expect(Math.abs(trades.body[0]!.timestamp * 1000 - Date.now())).toBeLessThan(60_000);
    expect(Math.abs(trades.body[0]!.timestamp * 1000 - fill.f.timestamp)).toBeLessThan(60_000);
  }, 60_000);
});

describe('simulator server: a month of history at start', () => {
  const START = Date.UTC(2026, 10, 20, 9, 30, 15, 123);
  let a: SimulatorServer;
  let b: SimulatorServer;
  let startupMs = 0;

  beforeAll(async () => {
    const t0 = performance.now();
    a = await startSimulatorServer({ port: 0, seed: 3, speed: 0, startTime: START, historyDays: 30 });
    startupMs = performance.now() - t0;
    b = await startSimulatorServer({ port: 0, seed: 3, speed: 0, startTime: START, historyDays: 30 });
  }, 180_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('serves a month of trades, a leaderboard, positions and closed markets from the start', async () => {
    // Measured, not asserted (the bench reports it): printed for whoever reads the test log.
    process.stdout.write(`simulator start-up with 30 days of history: ${Math.round(startupMs)} ms\n`);
    expect(a.sim.now).toBe(START);
    const board = await json<{ rank: string; proxyWallet: string; pnl: number; vol: number }[]>(
      `${a.url}/data-api/v1/leaderboard?timePeriod=MONTH&orderBy=PNL&limit=25`,
    );
    expect(board.status).toBe(200);
    expect(board.body).toHaveLength(25);
    expect(board.body[0]!.pnl).toBeGreaterThan(1_000);
    const top = board.body[0]!.proxyWallet;
    const trades = await json<{ timestamp: number; proxyWallet: string }[]>(
      `${a.url}/data-api/trades?user=${top}&limit=10000`,
    );
    expect(trades.body.length).toBeGreaterThan(300);
    const oldest = Math.min(...trades.body.map((t) => t.timestamp)) * 1000;
    expect(oldest).toBeLessThan(START - 28 * DAY);
    expect(oldest).toBeGreaterThanOrEqual(START - 30 * DAY);
    expect(Math.max(...trades.body.map((t) => t.timestamp)) * 1000).toBeLessThanOrEqual(START);
    const positions = await json<unknown[]>(`${a.url}/data-api/positions?user=${top}`);
    expect(positions.body.length).toBeGreaterThan(0);
    const closed = await json<{ closed: boolean }[]>(`${a.url}/gamma/markets?closed=true&limit=100`);
    expect(closed.body.length).toBeGreaterThan(5);
    expect(closed.body.every((m) => m.closed)).toBe(true);
    const closedPositions = await json<unknown[]>(`${a.url}/data-api/closed-positions?user=${top}`);
    expect(closedPositions.body.length).toBeGreaterThan(0);
  });

  it('is the same history for the same seed and start', async () => {
    for (const path of [
      '/data-api/v1/leaderboard?timePeriod=WEEK&orderBy=VOL&limit=50',
      '/data-api/trades?limit=500',
      '/gamma/markets?closed=true&limit=50',
    ]) {
      const x = await json(`${a.url}${path}`);
      const y = await json(`${b.url}${path}`);
      expect(y.body).toEqual(x.body);
    }
  });
});
