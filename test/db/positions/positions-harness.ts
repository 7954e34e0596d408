// Shared set-up for the position tests: a paper market over FakeMarketData (prices and resolution
// under the test's control), a leader, and copies made by the real loop (fan-out → worker → paper).
import { sql } from 'kysely';
import type { Db } from '../../../src/db/client.ts';
import { Decimal } from '../../../src/domain/money.ts';
import { DefaultVenueProvider } from '../../../src/execution/venue-provider.ts';
import { CopyWorker } from '../../../src/execution/worker.ts';
import type { LeaderFill } from '../../../src/ingest/leader-fill.ts';
import { recordLeaderFill } from '../../../src/ingest/record-fill.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { FakeMarketData } from '../../unit/venue/fake-market-data.ts';
import { txHash } from '../../support/fixtures.ts';

export const CONDITION = `0x${'ab'.repeat(32)}`;
export const YES = '31111111111111111111';
export const NO = '32222222222222222222';
export const RULES = { tickSize: new Decimal('0.01'), minOrderSize: new Decimal(5) };
export const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

export async function waitFor(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Test files share one database: start each test from no copies, queue rows or paper ledgers. */
export async function resetPositions(db: Db): Promise<void> {
  await sql`TRUNCATE trades, trade_queue, leader_fills, copy_decisions, copy_positions, position_events,
    paper_orders, paper_fills, paper_cash, copy_relationships CASCADE`.execute(db);
  await sql`UPDATE platform_controls SET kill_switch = false, kill_switch_reason = NULL`.execute(db);
}

export class PositionsWorld {
  readonly source = new FakeMarketData();
  readonly provider: DefaultVenueProvider;
  private readonly workers: CopyWorker[] = [];

  constructor(
    readonly db: Db,
    readonly url: string,
    readonly leader: string,
  ) {
    this.source.addMarket({
      conditionId: CONDITION,
      tokens: [
        { tokenId: YES, outcome: 'Yes' },
        { tokenId: NO, outcome: 'No' },
      ],
    });
    // YES: mid 0.41, asks 0.42 deep enough for any copy here.
    this.source.setBook(YES, { bids: [['0.40', '100000']], asks: [['0.42', '100000']] });
    // NO: mid 0.57.
    this.source.setBook(NO, { bids: [['0.56', '100000']], asks: [['0.58', '100000']] });
    this.provider = new DefaultVenueProvider(db, this.source, { paperStartingBalance: new Decimal(1000) });
  }

  get deps() {
    return { db: this.db, venues: this.provider, logger };
  }

  fill(over: Partial<LeaderFill> = {}): LeaderFill {
    return {
      txHash: txHash(),
      wallet: this.leader,
      assetId: YES,
      conditionId: CONDITION,
      side: 'BUY',
      price: new Decimal('0.42'),
      size: new Decimal(1000),
      occurrence: 0,
      outcome: 'Yes',
      outcomeIndex: 0,
      marketSlug: 'm',
      eventSlug: 'e',
      title: 'Market',
      filledAt: new Date(),
      source: 'test',
      ...over,
    };
  }

  async record(over: Partial<LeaderFill> = {}) {
    return recordLeaderFill(this.db, this.fill(over), RULES, { copyTtlMs: 60_000 });
  }

  async startWorker(): Promise<CopyWorker> {
    const w = new CopyWorker(this.deps, { databaseUrl: this.url, pollMs: 50 });
    this.workers.push(w);
    await w.start();
    return w;
  }

  async stopWorkers(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.stop()));
  }

  async pending(): Promise<number> {
    const r = await sql<{ n: string }>`
      SELECT count(*) AS n FROM trade_queue WHERE status IN ('pending', 'processing')`.execute(this.db);
    return Number(r.rows[0]!.n);
  }

  async drain(ms = 15_000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if ((await this.pending()) === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    const states = await sql`SELECT id, status, purpose, error_message FROM trade_queue`.execute(this.db);
    throw new Error(`queue did not drain: ${JSON.stringify(states.rows)}`);
  }

  /** Copies the leader BUY with a running worker and waits until it is recorded. */
  async copy(over: Partial<LeaderFill> = {}): Promise<void> {
    const w = await this.startWorker();
    await this.record(over);
    await this.drain();
    await w.stop();
  }

  async paperBalance(userId: string): Promise<string> {
    const venue = await this.provider.venueFor({ userId, mode: 'paper', apiKeyId: null });
    return (await venue.getCollateralBalance()).balance.toFixed();
  }

  async lots(relId: string) {
    return this.db
      .selectFrom('trades')
      .selectAll()
      .where('copy_relationship_id', '=', relId)
      .where('is_copy_trade', '=', true)
      .orderBy('asset_id')
      .orderBy('status')
      .orderBy('id')
      .execute();
  }
}
