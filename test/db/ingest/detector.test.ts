// The detector's Data API gap closing and stream backpressure, on real PostgreSQL: the Data API is a
// fake the test fills (trades as Polymarket would index them), RTDS a local websocket server the
// test sends frames on, recording the real recordLeaderFill.
//   - a wallet with no checkpoint is read from the configured initial lookback;
//   - a stored checkpoint is resumed from (minus the overlap), bounded by the max lookback;
//   - fills older than the copy TTL are recorded but not copied (skipped: expired);
//   - when recording falls behind the stream, the dropped fills are recovered by the gap's poll.
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { Decimal } from '../../../src/domain/money.ts';
import { LeaderFillDetector, type DetectorOptions } from '../../../src/ingest/detector.ts';
import type { MarketRulesCache } from '../../../src/venue/market-cache.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import type { DataApiClient, DataTrade } from '../../../src/venue/polymarket/data-api-client.ts';
import { RtdsActivityStream } from '../../../src/venue/polymarket/rtds-stream.ts';
import { insertRelationship, insertTrader, insertUser, txHash } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';

const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
const ASSET = '4444444444444444444';
const CONDITION = `0x${'cd'.repeat(32)}`;
const RULES = { tickSize: new Decimal('0.01'), minOrderSize: new Decimal(5) };
const SEC = 1000;
const MIN = 60 * SEC;

/** The Data API's /trades for the wallets the test trades with, newest first, paged like the real one. */
class FakeDataApi {
  readonly trades: DataTrade[] = [];
  polls = 0;

  add(wallet: string, hash: string, atMs: number): void {
    this.trades.push({
      proxyWallet: wallet,
      side: 'BUY',
      asset: ASSET,
      conditionId: CONDITION,
      size: new Decimal(100),
      price: new Decimal('0.5'),
      timestamp: Math.floor(atMs / 1000),
      outcomeIndex: 0,
      transactionHash: hash,
      outcome: 'Yes',
      slug: 'm',
      eventSlug: 'e',
      title: 'Market',
    } as unknown as DataTrade);
  }

  async *iterateTrades(query: { user?: string }, pageSize = 500): AsyncGenerator<DataTrade[]> {
    this.polls += 1;
    const mine = this.trades
      .filter((t) => t.proxyWallet.toLowerCase() === query.user)
      .sort((a, b) => b.timestamp - a.timestamp);
    for (let i = 0; i < mine.length; i += pageSize) yield mine.slice(i, i + pageSize);
  }
}

let server: WebSocketServer | null = null;
let socket: WebSocket | null = null;

async function rtds(): Promise<string> {
  const s = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  server = s;
  await new Promise<void>((r) => s.once('listening', () => r()));
  s.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (d) => {
      if (String(d) === 'ping') ws.send('pong');
    });
  });
  return `ws://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

const frame = (wallet: string, hash: string, atMs: number) =>
  JSON.stringify({
    topic: 'activity',
    type: 'trades',
    timestamp: atMs,
    payload: {
      transactionHash: hash,
      proxyWallet: wallet,
      asset: ASSET,
      side: 'BUY',
      price: 0.5,
      size: 100,
      timestamp: Math.floor(atMs / 1000),
      conditionId: CONDITION,
      slug: 'm',
      eventSlug: 'e',
      title: 'Market',
      outcome: 'Yes',
      outcomeIndex: 0,
      name: '',
      pseudonym: '',
    },
  });

async function until(what: string, probe: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('leader fill detector', () => {
  const t = useTestDatabase();
  let detector: LeaderFillDetector | undefined;

  afterEach(async () => {
    await detector?.stop();
    detector = undefined;
    const s = server;
    server = null;
    socket = null;
    if (s) {
      for (const c of s.clients) c.terminate();
      await new Promise((r) => s.close(r));
    }
  });

  async function world() {
    const db = t.current.db;
    const leader = (await insertTrader(db)).wallet_address;
    const user = await insertUser(db);
    await insertRelationship(db, user.id, leader, { proportionality_factor: '0.1', mode: 'paper' } as never);
    return { db, leader };
  }

  async function start(dataApi: FakeDataApi, over: Partial<DetectorOptions> = {}, maxBufferedFills?: number) {
    const url = await rtds();
    detector = new LeaderFillDetector({
      databaseUrl: t.current.url,
      db: t.current.db,
      logger,
      openStream: (wallets) =>
        new RtdsActivityStream({ url, wallets, ...(maxBufferedFills ? { maxBufferedFills } : {}) }),
      dataApi: dataApi as unknown as DataApiClient,
      marketRules: { get: async () => RULES } as unknown as MarketRulesCache,
      copyTtlMs: MIN,
      pollIntervalMs: 3_600_000,
      standbyRetryMs: 100,
      ...over,
    });
    await detector.start();
    return detector;
  }

  const fillsOf = (leader: string) =>
    sql<{ transaction_hash: string; source: string; outcome: string; reason: string | null }>`
      SELECT lf.transaction_hash, lf.source, d.outcome, d.reason
        FROM leader_fills lf JOIN copy_decisions d ON d.fill_key = lf.fill_key
       WHERE lf.trader_wallet_address = ${leader}
       ORDER BY lf.filled_at`
      .execute(t.current.db)
      .then((r) => r.rows);
  const queued = (leader: string) =>
    t.current.db.selectFrom('trade_queue').select('id').where('trader_wallet_address', '=', leader).execute();
  const checkpointOf = (leader: string) =>
    t.current.db
      .selectFrom('ingest_checkpoints')
      .select('last_fill_at')
      .where('source', '=', 'data_api')
      .where('wallet_address', '=', leader)
      .executeTakeFirst();

  it('reads a wallet with no checkpoint from the initial lookback; older-than-TTL fills are recorded, not copied', async () => {
    const { leader } = await world();
    const api = new FakeDataApi();
    const now = Date.now();
    const [fresh, stale, before] = [txHash(), txHash(), txHash()];
    api.add(leader, fresh, now - 30 * SEC);
    api.add(leader, stale, now - 90 * SEC);
    api.add(leader, before, now - 10 * MIN);
    const d = await start(api, { initialLookbackMs: 2 * MIN });
    await until('the first poll', () => d.stats.recorded === 2);

    expect(await fillsOf(leader)).toEqual([
      { transaction_hash: stale, source: 'data_api', outcome: 'skipped', reason: 'expired' },
      { transaction_hash: fresh, source: 'data_api', outcome: 'queued', reason: null },
    ]);
    expect((await checkpointOf(leader))?.last_fill_at.getTime()).toBe(
      Math.floor((now - 30 * SEC) / 1000) * 1000,
    );
  });

  it('resumes from a stored checkpoint after a restart, no further back than the max lookback', async () => {
    const { db, leader } = await world();
    const api = new FakeDataApi();
    const now = Date.now();
    await db
      .insertInto('ingest_checkpoints')
      .values({ source: 'data_api', wallet_address: leader, last_fill_at: new Date(now - 20 * MIN) })
      .execute();
    const [beyond, missed, fresh] = [txHash(), txHash(), txHash()];
    api.add(leader, beyond, now - 18 * MIN); // after the checkpoint, but past the 15 min bound
    api.add(leader, missed, now - 12 * MIN); // missed while down: recorded, too late to copy
    api.add(leader, fresh, now - 10 * SEC);
    // The default initial lookback (60 s) would never reach the 12-minute-old fill: the checkpoint does.
    const d = await start(api, { maxLookbackMs: 15 * MIN });
    await until('the first poll', () => d.stats.recorded === 2);

    expect(await fillsOf(leader)).toEqual([
      { transaction_hash: missed, source: 'data_api', outcome: 'skipped', reason: 'expired' },
      { transaction_hash: fresh, source: 'data_api', outcome: 'queued', reason: null },
    ]);
    expect(await queued(leader)).toHaveLength(1);
    expect((await checkpointOf(leader))?.last_fill_at.getTime()).toBe(
      Math.floor((now - 10 * SEC) / 1000) * 1000,
    );
  });

  it('recovers the fills a slow recorder dropped from the stream with the gap poll, each once', async () => {
    const { leader } = await world();
    const api = new FakeDataApi();
    // Recording is slow (30 ms a fill, one at a time) and the stream holds 3: a burst overflows it.
    let slow = true;
    const d = await start(
      api,
      {
        marketRules: {
          get: async () => {
            if (slow) await new Promise((r) => setTimeout(r, 30));
            return RULES;
          },
        } as unknown as MarketRulesCache,
        streamConcurrency: 1,
      },
      3,
    );
    await until('the stream to connect', () => socket !== null && d.isLeader);
    await until('the start-up polls', () => api.polls >= 1);
    const pollsBefore = api.polls;

    const hashes: string[] = [];
    const now = Date.now();
    for (let i = 0; i < 20; i++) {
      const hash = txHash();
      hashes.push(hash);
      api.add(leader, hash, now); // indexed by the Data API as it happens
      socket!.send(frame(leader, hash, now));
    }
    await until('every fill recorded', async () => (await fillsOf(leader)).length === 20);
    slow = false;

    const fills = await fillsOf(leader);
    expect(new Set(fills.map((f) => f.transaction_hash))).toEqual(
      new Set(hashes.map((h) => h.toLowerCase())),
    );
    // Each fill fanned out once: one decision, one queue row.
    expect(fills.every((f) => f.outcome === 'queued')).toBe(true);
    expect(await queued(leader)).toHaveLength(20);
    // The stream really dropped fills, and the gap's own poll (not a timer: the interval is an
    // hour) recovered them.
    expect(d.stats.streamGaps).toBeGreaterThanOrEqual(1);
    expect(d.stats.streamDropped).toBeGreaterThanOrEqual(10);
    expect(api.polls).toBeGreaterThan(pollsBefore);
    const fromApi = fills.filter((f) => f.source === 'data_api').length;
    expect(fromApi).toBe(d.stats.dataApi);
    expect(fromApi).toBeGreaterThanOrEqual(d.stats.streamDropped);
    expect(d.stats.rtds + d.stats.dataApi).toBe(20);
  });
});
