// Detection raced across three feeds on the real simulator (its RTDS, Data API and chain JSON-RPC)
// and real PostgreSQL: RTDS silent → every fill still copied from the chain within one block + 1 s;
// all feeds on → one row and one fan-out per fill, each feed's sighting recorded; the chain socket
// dropped for 10 s → caught up with eth_getLogs, nothing missed or doubled; a reorg → flagged, no
// second copy; chain and RTDS both down → the Data API poll closes the gap.
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LeaderFillDetector, type DetectorOptions } from '../../../src/ingest/detector.ts';
import { listDecisions } from '../../../src/services/list-decisions.ts';
import { MarketRulesCache } from '../../../src/venue/market-cache.ts';
import { contractSet } from '../../../src/venue/polymarket/contracts.ts';
import { RtdsActivityStream } from '../../../src/venue/polymarket/rtds-stream.ts';
import { insertRelationship, insertTrader, insertUser } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import {
  AnalyticsSim,
  buy,
  logger,
  newLeader,
  SMALL_POPULATION,
  waitUntil,
  type Leader,
} from '../analytics/analytics-harness.ts';

const BLOCK_MS = 2_000;

describe('detection from the chain, raced with RTDS and the Data API', () => {
  const t = useTestDatabase();
  let sim: AnalyticsSim;
  let detector: LeaderFillDetector | undefined;
  let leader: Leader;
  let token: string;

  beforeAll(async () => {
    sim = await AnalyticsSim.start({
      seed: 31,
      startTime: Date.now() - 60_000,
      simulationConfig: SMALL_POPULATION,
    });
    await sim.syncClock();
    const [market] = await sim.binaryMarkets();
    token = market!.tokens[0]!.tokenId;
  });
  afterAll(async () => sim?.close());
  afterEach(async () => {
    await detector?.stop();
    detector = undefined;
    await sim.control('POST', '/sim/faults', { reset: true });
  });

  async function follow(): Promise<void> {
    leader = await newLeader(sim);
    await insertTrader(t.current.db, { wallet_address: leader.address });
    const user = await insertUser(t.current.db);
    await insertRelationship(t.current.db, user.id, leader.address, { status: 'active' });
  }

  async function startDetector(extra: Partial<DetectorOptions> = {}): Promise<LeaderFillDetector> {
    const c = contractSet();
    const d = new LeaderFillDetector({
      databaseUrl: t.current.url,
      db: t.current.db,
      logger,
      openStream: (wallets) => new RtdsActivityStream({ url: sim.hosts.rtds, wallets }),
      dataApi: sim.dataApi,
      marketRules: new MarketRulesCache(sim.marketData),
      copyTtlMs: 600_000,
      pollIntervalMs: 3_600_000,
      standbyRetryMs: 200,
      rtdsMaxLagMs: 1_500,
      // The feeds race fill by fill here: the stream's leg window (which holds RTDS fills 25 ms so
      // the legs of one order are copied together) would hand the race to the chain by design.
      legWindowMs: 0,
      chain: {
        wsUrl: sim.server.endpoints.chain.ws,
        httpUrl: sim.server.endpoints.chain.http,
        chainId: 137,
        exchanges: [c.exchangeV2, c.negRiskExchangeV2],
      },
      ...extra,
    });
    detector = d;
    await d.start();
    await waitUntil(
      'the chain feed to connect',
      async () => d.feeds().find((f) => f.feed === 'chain')!.connected,
    );
    return d;
  }

  /** A leader buy across two ask levels: two legs in one transaction, not yet mined. */
  async function leaderBuysTwoLegs(): Promise<string> {
    await sim.setBook(
      token,
      [['0.40', '500']],
      [
        ['0.50', '10'],
        ['0.51', '500'],
      ],
    );
    return (await buy(leader, token, '20', '0.60')).transactionHashes[0]!.toLowerCase();
  }

  /** A leader buy across two ask levels (two legs in one transaction), then its block mined. */
  async function leaderTrade(): Promise<{ tx: string; minedAt: number }> {
    const tx = await leaderBuysTwoLegs();
    await sim.syncClock();
    await sim.advance(BLOCK_MS);
    return { tx, minedAt: Date.now() };
  }

  const fillsOf = (tx: string) =>
    sql<{ fill_key: string; source: string; decisions: string; feeds: string[]; reorged: boolean }>`
      SELECT f.fill_key, f.source, (SELECT count(*) FROM copy_decisions d WHERE d.fill_key = f.fill_key) AS decisions,
             ARRAY(SELECT feed FROM leader_fill_sightings s WHERE s.fill_key = f.fill_key ORDER BY feed) AS feeds,
             f.reorged_at IS NOT NULL AS reorged
        FROM leader_fills f WHERE f.transaction_hash = ${tx} ORDER BY f.fill_key`
      .execute(t.current.db)
      .then((r) => r.rows);

  it('copies every fill from the chain within one block + 1 s while RTDS is silent, and says so once', async () => {
    await follow();
    const d = await startDetector();
    await sim.control('POST', '/sim/faults', { silentStreams: true });
    for (let i = 0; i < 3; i++) {
      const { tx, minedAt } = await leaderTrade();
      await waitUntil('the chain to bring both legs', async () => (await fillsOf(tx)).length === 2, 5_000);
      expect(Date.now() - minedAt).toBeLessThan(1_000 + 500);
      const rows = await fillsOf(tx);
      expect(rows.map((r) => [r.source, Number(r.decisions)])).toEqual([
        ['chain', 1],
        ['chain', 1],
      ]);
    }
    await waitUntil('RTDS to be reported degraded', async () => d.health.rtdsDegraded);
    expect(d.stats.chain).toBe(6);
    expect(d.feeds().find((f) => f.feed === 'rtds')!.degraded).toBe(true);
  });

  it('with all three feeds on, records and fans out each fill once and keeps every sighting', async () => {
    await follow();
    const d = await startDetector();
    await waitUntil('RTDS to connect', async () => d.feeds().find((f) => f.feed === 'rtds')!.connected);
    const { tx } = await leaderTrade();
    await waitUntil('RTDS and the chain to both see both legs', async () => {
      const rows = await fillsOf(tx);
      return rows.length === 2 && rows.every((r) => r.feeds.includes('chain') && r.feeds.includes('rtds'));
    });
    await d.pollAll();
    const rows = await fillsOf(tx);
    expect(rows.map((r) => [r.feeds, Number(r.decisions)])).toEqual([
      [['chain', 'data_api', 'rtds'], 1],
      [['chain', 'data_api', 'rtds'], 1],
    ]);
    // RTDS is not silent: it brings fills before the block is even mined.
    expect(rows.every((r) => r.source === 'rtds')).toBe(true);
    const queued = await sql<{
      n: string;
    }>`SELECT count(*) AS n FROM trade_queue WHERE original_tx_hash = ${tx}`.execute(t.current.db);
    expect(Number(queued.rows[0]!.n)).toBeLessThanOrEqual(2);
  });

  it('at the default leg window, copies the two legs once and answers for each leg with that copy', async () => {
    await follow();
    const d = await startDetector({ legWindowMs: 25 });
    await waitUntil('RTDS to connect', async () => d.feeds().find((f) => f.feed === 'rtds')!.connected);
    const tx = await leaderBuysTwoLegs();
    // RTDS brings the legs before the block is mined; the chain's sightings of them follow.
    await waitUntil('RTDS to record both legs', async () => (await fillsOf(tx)).length === 2);
    await sim.syncClock();
    await sim.advance(BLOCK_MS);
    await waitUntil('the chain to see both legs', async () =>
      (await fillsOf(tx)).every((r) => r.feeds.includes('chain')),
    );
    await d.pollAll();
    const legs = (
      await sql<{ fill_key: string; copied_with_fill_key: string | null; decisions: string }>`
        SELECT f.fill_key, f.copied_with_fill_key,
               (SELECT count(*) FROM copy_decisions d WHERE d.fill_key = f.fill_key) AS decisions
          FROM leader_fills f WHERE f.transaction_hash = ${tx}
         ORDER BY f.copied_with_fill_key NULLS FIRST`.execute(t.current.db)
    ).rows;
    // One order, one copy: the first leg carries the follower's decision, the other points at it.
    expect(legs.map((l) => [Number(l.decisions), l.copied_with_fill_key])).toEqual([
      [1, null],
      [0, legs[0]!.fill_key],
    ]);
    // Asked about either leg, the follower's decisions answer with that one decision.
    const { user_id } = await t.current.db
      .selectFrom('copy_relationships')
      .select('user_id')
      .where('trader_wallet_address', '=', leader.address.toLowerCase())
      .executeTakeFirstOrThrow();
    for (const leg of legs) {
      const page = await listDecisions({ db: t.current.db }, user_id, { limit: 10, fillKey: leg.fill_key });
      expect(page.items.map((i) => i.fill?.fillKey)).toEqual([legs[0]!.fill_key]);
    }
  });

  it('catches up with eth_getLogs after the chain socket was down for 10 s: nothing missed, nothing doubled', async () => {
    await follow();
    const d = await startDetector();
    await sim.control('POST', '/sim/faults', { silentStreams: true, chain: { socketDown: true } });
    await waitUntil(
      'the chain feed to notice',
      async () => !d.feeds().find((f) => f.feed === 'chain')!.connected,
    );
    const txs = [(await leaderTrade()).tx, (await leaderTrade()).tx];
    await new Promise((r) => setTimeout(r, 10_000));
    expect((await fillsOf(txs[0]!)).length).toBe(0);
    await sim.control('POST', '/sim/faults', { chain: { socketDown: false } });
    for (const tx of txs)
      await waitUntil('the catch-up to bring the fill', async () => (await fillsOf(tx)).length === 2);
    for (const tx of txs)
      expect((await fillsOf(tx)).map((r) => [r.source, r.feeds, Number(r.decisions)])).toEqual([
        ['chain', ['chain'], 1],
        ['chain', ['chain'], 1],
      ]);
  }, 40_000);

  it('catches up past blocks the node does not serve (a checkpoint older than its history)', async () => {
    await follow();
    await sim.control('POST', '/sim/faults', { silentStreams: true });
    // Mined before the detector starts: only the catch-up from the checkpoint can bring it.
    const { tx } = await leaderTrade();
    const res = await fetch(sim.server.endpoints.chain.http, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
    });
    const head = BigInt(((await res.json()) as { result: string }).result);
    // Older than the simulated chain's first block: the node refuses those blocks as pruned. The
    // feed used to retry that same range every second, forever, and never reached the fill.
    await t.current.db
      .insertInto('chain_checkpoints')
      .values({ chain_id: 137, block_number: (head - 1_000n).toString() })
      .onConflict((oc) => oc.column('chain_id').doUpdateSet({ block_number: (head - 1_000n).toString() }))
      .execute();
    await startDetector();
    await waitUntil('the catch-up to bring both legs', async () => {
      const rows = await fillsOf(tx);
      return rows.length === 2 && rows.every((r) => r.feeds.includes('chain'));
    });
    expect((await fillsOf(tx)).map((r) => Number(r.decisions))).toEqual([1, 1]);
  });

  it('records a reorg, flags the fill, and makes no second copy when the transaction is mined again', async () => {
    await follow();
    const d = await startDetector();
    await sim.control('POST', '/sim/faults', { silentStreams: true });
    const tx = await leaderBuysTwoLegs();
    // Exactly one block boundary is crossed: the block with the fill is the tip.
    await sim.advance(BLOCK_MS);
    await waitUntil('the chain to bring the fill', async () => (await fillsOf(tx)).length === 2);
    // The next block first replaces the tip that holds the fill: removed logs, then the same logs.
    await sim.control('POST', '/sim/faults', { chain: { reorgs: 1 } });
    await sim.advance(BLOCK_MS);
    await waitUntil('the reorg to be recorded', async () => d.stats.reorgFlagged === 2);
    await waitUntil('the re-mined logs to clear the flag', async () =>
      (await fillsOf(tx)).every((x) => !x.reorged),
    );
    const rows = await fillsOf(tx);
    expect(rows.map((x) => Number(x.decisions))).toEqual([1, 1]);
    const queued = await sql<{
      n: string;
    }>`SELECT count(*) AS n FROM copy_decisions d JOIN leader_fills f USING (fill_key) WHERE f.transaction_hash = ${tx}`.execute(
      t.current.db,
    );
    expect(Number(queued.rows[0]!.n)).toBe(2);
  });

  it('closes the gap with the Data API poll when the chain and RTDS are both down', async () => {
    await follow();
    await startDetector({ pollIntervalMs: 1_000 });
    await sim.control('POST', '/sim/faults', { silentStreams: true, chain: { socketDown: true } });
    const { tx } = await leaderTrade();
    await waitUntil('the Data API poll to bring the fill', async () => (await fillsOf(tx)).length === 2);
    expect((await fillsOf(tx)).map((r) => [r.source, Number(r.decisions)])).toEqual([
      ['data_api', 1],
      ['data_api', 1],
    ]);
  });
});
