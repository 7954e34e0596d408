// A leader fill's feed lags in the API (docs/detection.md "How a fill's feed lags read in the API"):
// GET /leader-fills/{fillKey} (which feed first, each feed's arrival, lag behind the first and after
// the fill, the reorg flag), the same `detection` on a trader profile's recent fills and on the
// caller's decisions; 404 for an unknown key, 400 for a malformed one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRelationship, insertTrader } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

const TW = `0x${'7'.repeat(40)}`;
const KEY = 'ab'.repeat(32);
const QUIET = 'cd'.repeat(32);
const FILLED_AT = '2026-11-02T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(FILLED_AT) + ms);

describe('leader fill detection in the API', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let user: Awaited<ReturnType<typeof signUp>>;

  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    const db = t.current.db;
    user = await signUp(api);
    await insertTrader(db, { wallet_address: TW });
    const rel = await insertRelationship(db, user.userId, TW);
    const fill = (fill_key: string, source: 'chain' | 'backfill', extra: object) =>
      db
        .insertInto('leader_fills')
        .values({
          fill_key,
          trader_wallet_address: TW,
          transaction_hash: `0x${'e'.repeat(64)}`,
          asset_id: 'A',
          condition_id: `0x${'c'.repeat(64)}`,
          side: 'BUY',
          price: '0.5',
          size: '20',
          occurrence: fill_key === KEY ? 0 : 1,
          filled_at: FILLED_AT,
          detected_at: at(2_050),
          source,
          ...extra,
        })
        .execute();
    // The chain won (2.05 s after the block's time), RTDS came 0.3 s later, the Data API poll 14 s
    // after the chain; then a reorg removed the chain log and it was not mined again.
    await fill(KEY, 'chain', { block_number: '70000123', log_index: 4, reorged_at: at(5_000) });
    await db
      .insertInto('leader_fill_sightings')
      .values([
        {
          fill_key: KEY,
          feed: 'chain',
          seen_at: at(2_050),
          block_number: '70000123',
          log_index: 4,
          removed_at: at(5_000),
        },
        { fill_key: KEY, feed: 'rtds', seen_at: at(2_350) },
        { fill_key: KEY, feed: 'data_api', seen_at: at(16_050) },
      ])
      .execute();
    // A fill recorded by a backfill, with no sighting of a live feed.
    await fill(QUIET, 'backfill', {});
    await db
      .insertInto('copy_decisions')
      .values({
        fill_key: KEY,
        copy_relationship_id: rel.id,
        user_id: user.userId,
        outcome: 'skipped',
        reason: 'slippage_exceeded',
      })
      .execute();
  });
  afterAll(async () => api?.app.close());

  const DETECTION = {
    firstFeed: 'chain',
    reorged: true,
    reorgedAt: at(5_000).toISOString(),
    feeds: [
      {
        feed: 'chain',
        seenAt: at(2_050).toISOString(),
        behindFirstMs: 0,
        afterFillMs: 2_050,
        blockNumber: '70000123',
        logIndex: 4,
        removedAt: at(5_000).toISOString(),
      },
      {
        feed: 'rtds',
        seenAt: at(2_350).toISOString(),
        behindFirstMs: 300,
        afterFillMs: 2_350,
        blockNumber: null,
        logIndex: null,
        removedAt: null,
      },
      {
        feed: 'data_api',
        seenAt: at(16_050).toISOString(),
        behindFirstMs: 14_000,
        afterFillMs: 16_050,
        blockNumber: null,
        logIndex: null,
        removedAt: null,
      },
    ],
  };

  const get = (url: string, headers: Record<string, string> = {}) =>
    api.app.inject({ method: 'GET', url, headers });

  it('shows which feed saw a fill first and each feed lag, publicly', async () => {
    const res = await get(`/api/v1/leader-fills/${KEY}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      fillKey: KEY,
      traderWallet: TW,
      transactionHash: `0x${'e'.repeat(64)}`,
      conditionId: `0x${'c'.repeat(64)}`,
      assetId: 'A',
      marketTitle: null,
      marketSlug: null,
      outcome: null,
      side: 'BUY',
      price: '0.5000000000',
      size: '20.000000',
      filledAt: FILLED_AT,
      detectedAt: at(2_050).toISOString(),
      blockNumber: '70000123',
      logIndex: 4,
      copiedWith: null,
      detection: DETECTION,
    });
    const quiet = (await get(`/api/v1/leader-fills/${QUIET}`)).json();
    expect(quiet.detection).toEqual({ firstFeed: 'backfill', reorged: false, reorgedAt: null, feeds: [] });
  });

  it('puts the same detection on the trader profile fills and on the caller’s decisions', async () => {
    const profile = (await get(`/api/v1/traders/${TW}?limit=5`)).json();
    const byKey = new Map(
      (profile.recentFills.items as { fillKey: string; detection: unknown }[]).map((f) => [f.fillKey, f]),
    );
    expect(byKey.get(KEY)!.detection).toEqual(DETECTION);
    expect(byKey.get(QUIET)!.detection).toMatchObject({ firstFeed: 'backfill', feeds: [] });
    const decisions = await get('/api/v1/decisions', user.auth);
    expect(decisions.statusCode).toBe(200);
    const [d] = decisions.json().items;
    expect(d.reason).toBe('slippage_exceeded');
    expect(d.fill.detection).toEqual(DETECTION);
  });

  it('answers 404 for an unknown fill and 400 for a malformed key', async () => {
    const unknown = await get(`/api/v1/leader-fills/${'0'.repeat(64)}`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
    for (const bad of [KEY.toUpperCase(), KEY.slice(1), `${KEY}0`, 'f1', `0x${KEY.slice(2)}`, '%20']) {
      const res = await get(`/api/v1/leader-fills/${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.code, bad).toBe('validation_failed');
    }
  });

  it('answers for a leg copied with its order: copiedWith, and /decisions?fillKey gives the order’s decision', async () => {
    const LEG = 'b'.repeat(64);
    await t.current.db
      .insertInto('leader_fills')
      .values({
        fill_key: LEG,
        trader_wallet_address: TW,
        transaction_hash: `0x${'e'.repeat(64)}`,
        asset_id: 'A',
        condition_id: `0x${'c'.repeat(64)}`,
        side: 'BUY',
        price: '0.51',
        size: '5',
        occurrence: 0,
        filled_at: FILLED_AT,
        detected_at: at(2_050),
        source: 'chain',
        copied_with_fill_key: KEY,
      })
      .execute();
    expect((await get(`/api/v1/leader-fills/${LEG}`)).json().copiedWith).toBe(KEY);
    const profile = (await get(`/api/v1/traders/${TW}?limit=5`)).json();
    const leg = (profile.recentFills.items as { fillKey: string; copiedWith: string | null }[]).find(
      (f) => f.fillKey === LEG,
    );
    expect(leg?.copiedWith).toBe(KEY);
    for (const key of [LEG, KEY]) {
      const res = await get(`/api/v1/decisions?fillKey=${key}`, user.auth);
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((d: { fill: { fillKey: string } }) => d.fill.fillKey)).toEqual([KEY]);
    }
    // A fill with no decision for the caller: an empty page, not another fill's decision.
    expect((await get(`/api/v1/decisions?fillKey=${QUIET}`, user.auth)).json().items).toEqual([]);
    expect((await get(`/api/v1/decisions?fillKey=${'0'.repeat(64)}`, user.auth)).json().items).toEqual([]);
    const bad = await get('/api/v1/decisions?fillKey=not-a-key', user.auth);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    // Another user asking about the same leg sees none of this user's decisions.
    const other = await signUp(api);
    expect((await get(`/api/v1/decisions?fillKey=${LEG}`, other.auth)).json().items).toEqual([]);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await get('/api/v1/openapi.json')).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const op = doc.paths['/api/v1/leader-fills/{fillKey}']?.get;
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '404']));
  });
});
