// The copy settings of issue 17 through the API: every name in POST and PATCH /follows, validated
// with clear messages (nothing written on a refusal), shown in the follow's view and in the OpenAPI
// document; presets saved and applied; pausing and resuming (the circuit breaker's pause included);
// closing one position; copyOpenPositions refused with 503 (nothing written) when no venue is wired.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEW_FOLLOW_DEFAULTS } from '../../../src/domain/copy-settings.ts';
import { insertTrade, wallet } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';
import { changedTables, dbFingerprint } from './db-fingerprint.ts';

type Json = Record<string, unknown>;

describe('follow settings', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
  });
  afterAll(async () => api?.app.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, auth: Json, payload?: Json) =>
    api.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: auth as Record<string, string>,
      ...(payload ? { payload } : {}),
    });
  const follow = (auth: Json, body: Json) => call('POST', '/follows', auth, body);

  it('takes every setting by its documented name and shows it back', async () => {
    const u = await signUp(api);
    const body = {
      traderWallet: wallet(),
      mode: 'paper',
      sizingMode: 'balance_percent',
      balancePercent: '2.5',
      balanceSource: 'equity',
      fixedAmountUsd: '10',
      copyBuys: true,
      copySells: false,
      buySlippagePercent: '1.5',
      sellSlippagePercent: '3',
      maxBuyPrice: '0.9',
      minSellPrice: '0.05',
      minLeaderTradeUsd: '20',
      maxLeaderTradeUsd: '5000',
      categories: ['politics', 'crypto'],
      excludedCategories: ['sports'],
      budgetUsd: '300',
      maxConsecutiveFailures: 3,
    };
    const res = await follow(u.auth, body);
    expect(res.statusCode, res.body).toBe(201);
    const expected = {
      sizingMode: 'balance_percent',
      balancePercent: '2.50',
      balanceSource: 'equity',
      fixedAmountUsd: '10.00',
      copyBuys: true,
      copySells: false,
      buySlippagePercent: '1.50',
      sellSlippagePercent: '3.00',
      maxBuyPrice: '0.9000',
      minSellPrice: '0.0500',
      minLeaderTradeUsd: '20.00',
      maxLeaderTradeUsd: '5000.00',
      categories: ['politics', 'crypto'],
      excludedCategories: ['sports'],
      budgetUsd: '300.00',
      maxConsecutiveFailures: 3,
      copyOpenPositions: false,
      pausedReason: null,
      consecutiveFailures: 0,
      presetId: null,
    };
    expect(res.json()).toMatchObject(expected);
    const id = (res.json() as { id: string }).id;
    expect((await call('GET', `/follows/${id}`, u.auth)).json()).toMatchObject(expected);

    const patched = await call('PATCH', `/follows/${id}`, u.auth, {
      sizingMode: 'fixed_usd',
      copySells: true,
      categories: null,
      maxConsecutiveFailures: null,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      sizingMode: 'fixed_usd',
      fixedAmountUsd: '10.00',
      copySells: true,
      categories: null,
      maxConsecutiveFailures: null,
      budgetUsd: '300.00',
    });
  });

  it('gives a new follow the one set of defaults', async () => {
    const u = await signUp(api);
    const res = await follow(u.auth, { traderWallet: wallet(), mode: 'paper' });
    expect(res.json()).toMatchObject({
      sizingMode: NEW_FOLLOW_DEFAULTS.sizingMode,
      copyBuys: true,
      copySells: true,
      budgetUsd: null,
      maxConsecutiveFailures: NEW_FOLLOW_DEFAULTS.maxConsecutiveFailures,
      categories: null,
    });
  });

  it('refuses bad settings with 400 and a message naming them, writing nothing', async () => {
    const u = await signUp(api);
    const w = wallet();
    const cases: Array<[Json, RegExp]> = [
      [{ sizingMode: 'martingale' }, /sizingMode/],
      [{ sizingMode: 'fixed_usd' }, /fixed_usd needs fixedAmountUsd/],
      [{ sizingMode: 'fixed_usd', fixedAmountUsd: '150' }, /fixedAmountUsd must not exceed/],
      [{ sizingMode: 'balance_percent' }, /balance_percent needs balancePercent/],
      [{ fixedAmountUsd: '0' }, /fixedAmountUsd.*greater than 0/],
      [{ balancePercent: '100.01' }, /balancePercent.*at most 100/],
      [{ balanceSource: 'savings' }, /balanceSource/],
      [{ copyBuys: false, copySells: false }, /nothing would be copied/],
      [{ copyBuys: 'no' }, /copyBuys/],
      [{ buySlippagePercent: '101' }, /buySlippagePercent.*at most 100/],
      [{ maxBuyPrice: '1.5' }, /maxBuyPrice.*at most 1/],
      [{ maxBuyPrice: '0' }, /maxBuyPrice.*greater than 0/],
      [{ minSellPrice: '1' }, /minSellPrice.*at most 0.9999/],
      [{ maxBuyPrice: '0.12345' }, /4 decimal places/],
      [{ minLeaderTradeUsd: '100', maxLeaderTradeUsd: '50' }, /minLeaderTradeUsd must not exceed/],
      [{ categories: ['politics', 'gossip'] }, /categories.*one of politics/],
      [{ categories: ['sports'], excludedCategories: ['sports'] }, /both copied and excluded: sports/],
      [{ budgetUsd: '-5' }, /budgetUsd/],
      [{ maxConsecutiveFailures: 0 }, /maxConsecutiveFailures.*at least 1/],
      [{ maxConsecutiveFailures: 2.5 }, /whole number/],
      [{ copyBuys: false, copyOpenPositions: true }, /needs copyBuys/],
      [{ presetId: 'abc' }, /presetId/],
    ];
    const before = await dbFingerprint(t.current.db);
    for (const [extra, message] of cases) {
      const res = await follow(u.auth, { traderWallet: w, mode: 'paper', ...extra });
      expect(res.statusCode, JSON.stringify(extra)).toBe(400);
      const err = (res.json() as { error: { code: string; message: string } }).error;
      expect(err.code).toBe('validation_failed');
      expect(err.message, JSON.stringify(extra)).toMatch(message);
    }
    expect(changedTables(before, await dbFingerprint(t.current.db))).toEqual([]);

    // The same rules on PATCH, against the stored settings.
    const id = ((await follow(u.auth, { traderWallet: w, mode: 'paper' })).json() as { id: string }).id;
    const snap = await dbFingerprint(t.current.db);
    for (const [payload, message] of [
      [{ sizingMode: 'balance_percent' }, /needs balancePercent/],
      [{ copyBuys: false, copySells: false }, /nothing would be copied/],
      [{ copyOpenPositions: true }, /copyOpenPositions/],
    ] as Array<[Json, RegExp]>) {
      const res = await call('PATCH', `/follows/${id}`, u.auth, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect((res.json() as { error: { message: string } }).error.message).toMatch(message);
    }
    expect(changedTables(snap, await dbFingerprint(t.current.db))).toEqual([]);
  });

  it('saves presets and applies one to a new follow; the request wins over the preset', async () => {
    const u = await signUp(api);
    const created = await call('POST', '/presets', u.auth, {
      name: 'Cautious politics',
      settings: {
        sizingMode: 'fixed_usd',
        fixedAmountUsd: '10',
        categories: ['politics'],
        maxBuyPrice: '0.8',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const preset = created.json() as { id: string; settings: Json };
    expect(preset.settings).toEqual({
      sizingMode: 'fixed_usd',
      fixedAmountUsd: '10',
      categories: ['politics'],
      maxBuyPrice: '0.8',
    });
    expect(
      (await call('POST', '/presets', u.auth, { name: 'CAUTIOUS POLITICS', settings: {} })).statusCode,
    ).toBe(409);
    // A preset the tier could not follow with is refused when saved.
    const tooBig = await call('POST', '/presets', u.auth, {
      name: 'big',
      settings: { maxInvestmentPerTradeUsd: '500' },
    });
    expect(tooBig.statusCode).toBe(422);

    const f = await follow(u.auth, {
      traderWallet: wallet(),
      mode: 'paper',
      presetId: preset.id,
      maxBuyPrice: '0.7',
    });
    expect(f.statusCode, f.body).toBe(201);
    expect(f.json()).toMatchObject({
      presetId: preset.id,
      sizingMode: 'fixed_usd',
      fixedAmountUsd: '10.00',
      categories: ['politics'],
      maxBuyPrice: '0.7000',
    });
    // Editing the preset later changes no follow made from it.
    const edited = await call('PATCH', `/presets/${preset.id}`, u.auth, {
      settings: { sizingMode: 'proportional' },
    });
    expect(edited.json()).toMatchObject({
      name: 'Cautious politics',
      settings: { sizingMode: 'proportional' },
    });
    const fid = (f.json() as { id: string }).id;
    expect((await call('GET', `/follows/${fid}`, u.auth)).json()).toMatchObject({ sizingMode: 'fixed_usd' });
    expect((await call('GET', '/presets', u.auth)).json()).toMatchObject({ presets: [{ id: preset.id }] });

    // Another user's preset reads as not found, and applying it writes nothing.
    const v = await signUp(api);
    const before = await dbFingerprint(t.current.db);
    const foreign = await follow(v.auth, { traderWallet: wallet(), mode: 'paper', presetId: preset.id });
    expect(foreign.statusCode).toBe(404);
    expect(changedTables(before, await dbFingerprint(t.current.db))).toEqual([]);

    expect((await call('DELETE', `/presets/${preset.id}`, u.auth)).statusCode).toBe(204);
    expect((await call('GET', `/follows/${fid}`, u.auth)).json()).toMatchObject({
      presetId: null,
      sizingMode: 'fixed_usd',
    });
  });

  it('pauses by the person, and resumes out of a circuit-breaker pause with the count reset', async () => {
    const u = await signUp(api);
    const id = ((await follow(u.auth, { traderWallet: wallet(), mode: 'paper' })).json() as { id: string })
      .id;
    expect((await call('PATCH', `/follows/${id}`, u.auth, { status: 'paused' })).json()).toMatchObject({
      status: 'paused',
      pausedReason: 'user',
    });
    await t.current.db
      .updateTable('copy_relationships')
      .set({
        pause_reason: 'circuit_breaker',
        pause_detail: 'paused after 5 consecutive failed copies',
        consecutive_failures: 5,
      })
      .where('id', '=', id)
      .execute();
    expect((await call('GET', `/follows/${id}`, u.auth)).json()).toMatchObject({
      status: 'paused',
      pausedReason: 'circuit_breaker',
      pauseDetail: 'paused after 5 consecutive failed copies',
      consecutiveFailures: 5,
    });
    expect((await call('PATCH', `/follows/${id}`, u.auth, { status: 'active' })).json()).toMatchObject({
      status: 'active',
      pausedReason: null,
      pauseDetail: null,
      consecutiveFailures: 0,
    });
  });

  it('closes one position of a follow, once', async () => {
    const u = await signUp(api);
    const f = (await follow(u.auth, { traderWallet: wallet(), mode: 'paper' })).json() as {
      id: string;
      traderWallet: string;
    };
    for (const asset of ['111', '222'])
      await insertTrade(t.current.db, {
        is_copy_trade: true,
        copying_user_id: u.userId,
        copy_relationship_id: f.id,
        trader_wallet_address: f.traderWallet,
        asset_id: asset,
        quantity: '20',
        entry_price: '0.5',
        entry_value_usd: '10',
        current_value_usd: '12',
        status: 'open',
      });
    const res = await call('POST', `/follows/${f.id}/positions/111/close`, u.auth);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ assetId: '111', shares: '20', limitedNear: '0.6' });
    const rows = await t.current.db
      .selectFrom('trade_queue')
      .select(['asset_id', 'side', 'purpose', 'quantity'])
      .where('copy_relationship_id', '=', f.id)
      .execute();
    expect(rows).toEqual([{ asset_id: '111', side: 'SELL', purpose: 'close', quantity: '20.000000' }]);
    expect((await call('POST', `/follows/${f.id}/positions/111/close`, u.auth)).statusCode).toBe(409);
    expect((await call('POST', `/follows/${f.id}/positions/333/close`, u.auth)).statusCode).toBe(404);
    const v = await signUp(api);
    expect((await call('POST', `/follows/${f.id}/positions/222/close`, v.auth)).statusCode).toBe(404);
  });

  it('refuses copyOpenPositions with 503 when no venue can be read, writing nothing', async () => {
    const u = await signUp(api);
    const before = await dbFingerprint(t.current.db);
    const res = await follow(u.auth, { traderWallet: wallet(), mode: 'paper', copyOpenPositions: true });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'venue_unavailable' } });
    expect(changedTables(before, await dbFingerprint(t.current.db))).toEqual([]);
  });

  it('documents every name in the OpenAPI document', async () => {
    const doc = (await api.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { properties: Json } }> } }>
      >;
    };
    const props = (path: string, method: string) =>
      Object.keys(doc.paths[path]![method]!.requestBody!.content['application/json']!.schema.properties);
    const names = [
      'sizingMode',
      'fixedAmountUsd',
      'balancePercent',
      'copyBuys',
      'copySells',
      'buySlippagePercent',
      'sellSlippagePercent',
      'maxBuyPrice',
      'minSellPrice',
      'categories',
      'budgetUsd',
      'maxConsecutiveFailures',
    ];
    expect(props('/api/v1/follows', 'post')).toEqual(
      expect.arrayContaining([...names, 'copyOpenPositions', 'presetId']),
    );
    expect(props('/api/v1/follows/{id}', 'patch')).toEqual(expect.arrayContaining(names));
    expect(doc.paths['/api/v1/presets']).toBeDefined();
    expect(doc.paths['/api/v1/follows/{id}/positions/{assetId}/close']).toBeDefined();
  });
});
