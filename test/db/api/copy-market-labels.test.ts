// Copy trades, positions and their CSV name the market and the outcome. The engine's copy rows carry
// the token but not its title or outcome label (they were null beside a decision that had both);
// the reads take them from what ingest recorded about the token, and a row's own name still wins.
import { beforeAll, describe, expect, it } from 'vitest';
import { insertRelationship, insertTrade, insertTrader } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

const LEADER = `0x${'d'.repeat(40)}`;
const MARKET = `0x${'3'.repeat(64)}`;

describe('market name and outcome of copy trades', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let u: Awaited<ReturnType<typeof signUp>>;

  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    const db = t.current.db;
    u = await signUp(api);
    await insertTrader(db, { wallet_address: LEADER });
    const rel = await insertRelationship(db, u.userId, LEADER);
    await db
      .insertInto('leader_fills')
      .values({
        fill_key: 'fk-label',
        trader_wallet_address: LEADER,
        transaction_hash: '0xlabel',
        asset_id: 'tok-label',
        condition_id: MARKET,
        side: 'BUY',
        price: '0.4',
        size: '50',
        occurrence: 0,
        market_title: 'Will the label show?',
        market_slug: 'will-the-label-show',
        outcome: 'Yes',
        filled_at: '2030-01-01T00:00:00Z',
        source: 'test',
      })
      .execute();
    const copy = {
      is_copy_trade: true,
      copying_user_id: u.userId,
      copy_relationship_id: rel.id,
      trader_wallet_address: LEADER,
      market_id: MARKET,
      side: 'BUY' as const,
      status: 'open' as const,
    };
    // As the engine records a copy: no market_name, no outcome.
    await insertTrade(db, {
      ...copy,
      asset_id: 'tok-label',
      source_fill_key: 'fk-label',
      entry_timestamp: '2030-01-01T00:00:01Z',
    });
    // A row that names its market itself keeps that name; a token nobody recorded stays null.
    await insertTrade(db, {
      ...copy,
      asset_id: 'tok-label',
      market_name: 'Own name',
      outcome: 'Own outcome',
      entry_timestamp: '2030-01-01T00:00:02Z',
    });
    await insertTrade(db, { ...copy, asset_id: 'tok-unknown', entry_timestamp: '2030-01-01T00:00:03Z' });
  });

  const get = (url: string) => api.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: u.auth });
  const labels = (items: Array<{ marketName: string | null; outcome: string | null }>) =>
    items.map((i) => [i.marketName, i.outcome]);
  const expected = [
    [null, null],
    ['Own name', 'Own outcome'],
    ['Will the label show?', 'Yes'],
  ];

  it('copy trades and positions carry them', async () => {
    expect(labels((await get('/copy-trades')).json().items)).toEqual(expected);
    expect(labels((await get('/positions')).json().items)).toEqual(expected);
  });

  it('the CSV carries them', async () => {
    const rows = (await get('/positions?format=csv')).body.split('\r\n');
    const header = rows[0]!.split(',');
    const name = header.indexOf('market_name');
    const outcome = header.indexOf('outcome');
    expect([name, outcome].every((i) => i >= 0)).toBe(true);
    const cells = rows.slice(1, -1).map((r) => r.split(','));
    expect(cells.map((c) => [c[name], c[outcome]])).toEqual([
      ['', ''],
      ['Own name', 'Own outcome'],
      ['Will the label show?', 'Yes'],
    ]);
  });
});
