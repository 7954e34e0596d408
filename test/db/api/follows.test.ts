// Following through the API: validation with clear errors (nothing written on rejection), the tier's
// followed-trader limit, live mode needing credentials, follower_count, pause/resume/stop, owner
// scoping, and the admin tier route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTrader, wallet } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

describe('follows', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
  });
  afterAll(async () => api?.app.close());

  const follow = (auth: Record<string, string>, body: Record<string, unknown>) =>
    api.app.inject({ method: 'POST', url: '/api/v1/follows', headers: auth, payload: body });
  const followerCount = async (w: string) =>
    (
      await t.current.db
        .selectFrom('traders')
        .select('follower_count')
        .where('wallet_address', '=', w)
        .executeTakeFirst()
    )?.follower_count;
  const relCount = async (userId: string) =>
    (await t.current.db.selectFrom('copy_relationships').select('id').where('user_id', '=', userId).execute())
      .length;

  it('follows a new wallet with settings, creating the trader, and keeps follower_count', async () => {
    const u = await signUp(api);
    const w = wallet().replace('0x', '0xAB').slice(0, 42);
    const res = await follow(u.auth, {
      traderWallet: w,
      mode: 'paper',
      proportionalityFactor: '0.05',
      maxInvestmentPerTradeUsd: '50',
      maxTotalExposureUsd: '400',
      minTradeSizeUsd: null,
      maxSlippagePercent: '2.5',
      stopLossPercent: '20',
      takeProfitPercent: '150',
      allowedMarkets: ['will-it-rain', '0xabc'],
      excludedMarkets: [],
    });
    expect(res.statusCode).toBe(201);
    const view = res.json() as Record<string, unknown>;
    expect(view).toMatchObject({
      traderWallet: w.toLowerCase(),
      mode: 'paper',
      status: 'active',
      proportionalityFactor: '0.050000',
      maxInvestmentPerTradeUsd: '50.00',
      maxTotalExposureUsd: '400.00',
      minTradeSizeUsd: null,
      maxSlippagePercent: '2.50',
      stopLossPercent: '20.00',
      takeProfitPercent: '150.00',
      allowedMarkets: ['will-it-rain', '0xabc'],
      excludedMarkets: [],
    });
    expect(typeof view.id).toBe('string');
    expect(await followerCount(w.toLowerCase())).toBe(1);

    const again = await follow(u.auth, { traderWallet: w.toLowerCase(), mode: 'paper' });
    expect(again.statusCode).toBe(409);
    expect(await followerCount(w.toLowerCase())).toBe(1);

    const v = await signUp(api);
    // A follow without settings gets NEW_FOLLOW_DEFAULTS (src/domain/copy-settings.ts).
    expect((await follow(v.auth, { traderWallet: w, mode: 'paper' })).json()).toMatchObject({
      proportionalityFactor: '0.100000',
      maxInvestmentPerTradeUsd: '25.00',
      maxTotalExposureUsd: '500.00',
      minTradeSizeUsd: null,
      maxSlippagePercent: '2.00',
    });
    expect(await followerCount(w.toLowerCase())).toBe(2);
  });

  it('rejects invalid settings with 400 and clear messages, writing nothing', async () => {
    const u = await signUp(api);
    const w = (await insertTrader(t.current.db)).wallet_address;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ traderWallet: 'not-a-wallet', mode: 'paper' }, /traderWallet/],
      [{ traderWallet: w }, /mode/],
      [{ traderWallet: w, mode: 'yolo' }, /mode/],
      [{ traderWallet: w, mode: 'paper', proportionalityFactor: '0' }, /greater than 0/],
      [{ traderWallet: w, mode: 'paper', proportionalityFactor: '10.000001' }, /at most 10/],
      [{ traderWallet: w, mode: 'paper', proportionalityFactor: '0.0000001' }, /6 decimal places/],
      [{ traderWallet: w, mode: 'paper', proportionalityFactor: 0.5 }, /proportionalityFactor/],
      [{ traderWallet: w, mode: 'paper', maxSlippagePercent: '100.01' }, /at most 100/],
      [{ traderWallet: w, mode: 'paper', stopLossPercent: '0' }, /greater than 0/],
      [{ traderWallet: w, mode: 'paper', takeProfitPercent: '1000' }, /at most 999.99/],
      [{ traderWallet: w, mode: 'paper', maxInvestmentPerTradeUsd: '1e2' }, /decimal string/],
      [{ traderWallet: w, mode: 'paper', maxInvestmentPerTradeUsd: '99999999999' }, /at most/],
      [{ traderWallet: w, mode: 'paper', allowedMarkets: ['ok', ''] }, /allowedMarkets/],
      [{ traderWallet: w, mode: 'paper', allowedMarkets: 'all' }, /allowedMarkets/],
      [{ traderWallet: w, mode: 'paper', status: 'active' }, /status/],
      [
        { traderWallet: w, mode: 'paper', minTradeSizeUsd: '60', maxInvestmentPerTradeUsd: '50' },
        /minTradeSizeUsd/,
      ],
      [
        { traderWallet: w, mode: 'paper', maxInvestmentPerTradeUsd: '90', maxTotalExposureUsd: '80' },
        /maxTotalExposureUsd/,
      ],
      [
        { traderWallet: w, mode: 'paper', allowedMarkets: ['a'], excludedMarkets: ['a'] },
        /both allowed and excluded/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await follow(u.auth, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      const err = (res.json() as { error: { code: string; message: string } }).error;
      expect(err.code).toBe('validation_failed');
      expect(err.message, JSON.stringify(body)).toMatch(message);
    }
    expect(await relCount(u.userId)).toBe(0);
    expect(await followerCount(w)).toBe(0);
  });

  it('enforces the tier: followed-trader count and per-trade / exposure caps; live needs credentials', async () => {
    const u = await signUp(api);
    const over = await follow(u.auth, {
      traderWallet: wallet(),
      mode: 'paper',
      maxInvestmentPerTradeUsd: '101',
    });
    expect(over.statusCode).toBe(422);
    expect(over.json()).toMatchObject({
      error: {
        code: 'tier_limit_reached',
        message: expect.stringMatching(/100 USD per trade \(free tier\)/),
      },
    });
    const wallets = [wallet(), wallet(), wallet(), wallet()];
    for (const w of wallets.slice(0, 3))
      expect((await follow(u.auth, { traderWallet: w, mode: 'paper' })).statusCode).toBe(201);
    const fourth = await follow(u.auth, { traderWallet: wallets[3], mode: 'paper' });
    expect(fourth.statusCode).toBe(422);
    expect(fourth.json()).toMatchObject({
      error: { code: 'tier_limit_reached', message: expect.stringMatching(/3 traders/) },
    });
    expect(await followerCount(wallets[3]!.toLowerCase())).toBeUndefined(); // rolled back: no trader row either

    // Paused still counts; stopped does not.
    const list = (
      await api.app.inject({ method: 'GET', url: '/api/v1/follows', headers: u.auth })
    ).json() as {
      items: Array<{ id: string; traderWallet: string }>;
      nextCursor: string | null;
    };
    expect(list.nextCursor).toBeNull();
    const first = list.items.find((f) => f.traderWallet === wallets[0])!;
    await api.app.inject({
      method: 'PATCH',
      url: `/api/v1/follows/${first.id}`,
      headers: u.auth,
      payload: { status: 'paused' },
    });
    expect((await follow(u.auth, { traderWallet: wallets[3], mode: 'paper' })).statusCode).toBe(422);
    await api.app.inject({ method: 'DELETE', url: `/api/v1/follows/${first.id}`, headers: u.auth });
    expect((await follow(u.auth, { traderWallet: wallets[3], mode: 'paper' })).statusCode).toBe(201);

    // Live without credentials.
    const v = await signUp(api);
    const live = await follow(v.auth, { traderWallet: wallet(), mode: 'live' });
    expect(live.statusCode).toBe(422);
    expect(live.json()).toMatchObject({ error: { code: 'credential_required' } });
    await api.app.inject({
      method: 'POST',
      url: '/api/v1/credentials',
      headers: v.auth,
      payload: { apiKey: `key-${v.userId}-live`, apiSecret: 's3cr3t', apiPassphrase: 'pp', signatureType: 0 },
    });
    expect((await follow(v.auth, { traderWallet: wallet(), mode: 'live' })).json()).toMatchObject({
      mode: 'live',
    });
  });

  it('holds the followed-trader limit under concurrent requests', async () => {
    const u = await signUp(api);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => follow(u.auth, { traderWallet: wallet(), mode: 'paper' })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 201, 201, 422, 422, 422]);
    expect(await relCount(u.userId)).toBe(3);
  });

  it('pauses, resumes, edits, and stops with the positions choice; re-following restarts the row', async () => {
    const u = await signUp(api);
    const w = wallet();
    const created = (
      await follow(u.auth, { traderWallet: w, mode: 'paper', stopLossPercent: '10' })
    ).json() as { id: string };
    const patch = (payload: unknown) =>
      api.app.inject({
        method: 'PATCH',
        url: `/api/v1/follows/${created.id}`,
        headers: u.auth,
        payload: payload as object,
      });

    const paused = (await patch({ status: 'paused' })).json() as { status: string; pausedAt: string };
    expect(paused.status).toBe('paused');
    expect(paused.pausedAt).toBe(api.clock.now().toISOString());
    expect(
      (await patch({ status: 'active', maxSlippagePercent: '0.5', stopLossPercent: null })).json(),
    ).toMatchObject({
      status: 'active',
      pausedAt: null,
      maxSlippagePercent: '0.50',
      stopLossPercent: null,
    });
    expect((await patch({ status: 'stopped' })).statusCode).toBe(400); // stopping is DELETE
    expect((await patch({ maxTotalExposureUsd: '50', maxInvestmentPerTradeUsd: '60' })).statusCode).toBe(400);
    expect((await patch({ mode: 'live' })).json()).toMatchObject({ error: { code: 'credential_required' } });
    expect(await followerCount(w)).toBe(1);

    const bad = await api.app.inject({
      method: 'DELETE',
      url: `/api/v1/follows/${created.id}?positions=sell`,
      headers: u.auth,
    });
    expect(bad.statusCode).toBe(400);
    const stop = await api.app.inject({
      method: 'DELETE',
      url: `/api/v1/follows/${created.id}?positions=close`,
      headers: u.auth,
    });
    expect(stop.statusCode).toBe(200);
    expect(stop.json()).toMatchObject({
      status: 'stopped',
      stopPositions: 'close',
      stoppedAt: api.clock.now().toISOString(),
    });
    expect(await followerCount(w)).toBe(0);
    // Stopping again changes nothing; editing a stopped relationship is refused.
    await api.app.inject({ method: 'DELETE', url: `/api/v1/follows/${created.id}`, headers: u.auth });
    expect(await followerCount(w)).toBe(0);
    expect((await patch({ status: 'active' })).statusCode).toBe(409);

    const again = (await follow(u.auth, { traderWallet: w, mode: 'paper' })).json() as Record<
      string,
      unknown
    >;
    // Following again restarts the row with the settings it had when stopped (the slippage tuned
    // above), not silently with a new follow's defaults; the request's own settings still apply.
    expect(again).toMatchObject({
      id: created.id,
      status: 'active',
      stopPositions: null,
      maxSlippagePercent: '0.50',
      stopLossPercent: null,
      copyOpenPositions: false,
    });
    await api.app.inject({ method: 'DELETE', url: `/api/v1/follows/${created.id}`, headers: u.auth });
    const third = await follow(u.auth, { traderWallet: w, mode: 'paper', stopLossPercent: '20' });
    expect(third.json()).toMatchObject({
      id: created.id,
      maxSlippagePercent: '0.50',
      stopLossPercent: '20.00',
    });
    expect(await followerCount(w)).toBe(1);
    expect(
      (
        await api.app.inject({ method: 'GET', url: '/api/v1/follows?status=stopped', headers: u.auth })
      ).json(),
    ).toEqual({ items: [], nextCursor: null });
    expect(
      (await api.app.inject({ method: 'GET', url: '/api/v1/follows?bogus=1', headers: u.auth })).statusCode,
    ).toBe(400);
  });

  it("reads another user's relationship as 404 on every route and changes nothing", async () => {
    const owner = await signUp(api);
    const intruder = await signUp(api);
    const w = wallet();
    const rel = (await follow(owner.auth, { traderWallet: w, mode: 'paper' })).json() as {
      id: string;
      updatedAt: string;
    };
    for (const [method, url, payload] of [
      ['GET', `/api/v1/follows/${rel.id}`, undefined],
      ['PATCH', `/api/v1/follows/${rel.id}`, { status: 'paused' }],
      ['DELETE', `/api/v1/follows/${rel.id}?positions=close`, undefined],
      ['GET', `/api/v1/follows/99999999`, undefined],
    ] as const) {
      const res = await api.app.inject({
        method,
        url,
        headers: intruder.auth,
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'not_found', message: 'relationship not found' } });
    }
    const list = (
      await api.app.inject({ method: 'GET', url: '/api/v1/follows', headers: intruder.auth })
    ).json();
    expect(list).toEqual({ items: [], nextCursor: null });
    const row = await t.current.db
      .selectFrom('copy_relationships')
      .selectAll()
      .where('id', '=', rel.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
    expect(await followerCount(w)).toBe(1);
  });
});

describe('admin: tiers', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
  });
  afterAll(async () => api?.app.close());

  it("changes a user's tier and limits; refuses non-admins (403) and anonymous callers (401)", async () => {
    const admin = await signUp(api);
    await t.current.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.userId).execute();
    const user = await signUp(api);
    const url = `/api/v1/admin/users/${user.userId}/tier`;

    expect((await api.app.inject({ method: 'PATCH', url, payload: { tier: 'pro' } })).statusCode).toBe(401);
    const denied = await api.app.inject({
      method: 'PATCH',
      url,
      headers: user.auth,
      payload: { tier: 'pro' },
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect(
      (
        await t.current.db
          .selectFrom('users')
          .select('subscription_tier')
          .where('id', '=', user.userId)
          .executeTakeFirstOrThrow()
      ).subscription_tier,
    ).toBe('free');

    const ok = await api.app.inject({ method: 'PATCH', url, headers: admin.auth, payload: { tier: 'pro' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      id: user.userId,
      subscriptionTier: 'pro',
      limits: {
        maxFollowedTraders: 25,
        maxDailyTrades: 200,
        maxTradeSizeUsd: '2500.00',
        maxTotalExposureUsd: '10000.00',
      },
    });
    // The new limits apply at once: a pro user can follow with a 2,000 USD per-trade cap.
    const follow = await api.app.inject({
      method: 'POST',
      url: '/api/v1/follows',
      headers: user.auth,
      payload: {
        traderWallet: wallet(),
        mode: 'paper',
        maxInvestmentPerTradeUsd: '2000',
        maxTotalExposureUsd: '5000',
      },
    });
    expect(follow.statusCode).toBe(201);

    const down = await api.app.inject({
      method: 'PATCH',
      url,
      headers: admin.auth,
      payload: { tier: 'free' },
    });
    expect(down.json()).toMatchObject({ limits: { maxFollowedTraders: 3, maxTradeSizeUsd: '100.00' } });
    expect(
      (await api.app.inject({ method: 'PATCH', url, headers: admin.auth, payload: { tier: 'gold' } }))
        .statusCode,
    ).toBe(400);
    expect(
      (
        await api.app.inject({
          method: 'PATCH',
          url: '/api/v1/admin/users/99999999/tier',
          headers: admin.auth,
          payload: { tier: 'pro' },
        })
      ).statusCode,
    ).toBe(404);
  });
});
