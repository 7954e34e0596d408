// The demo account (issue 12 items 3 and 6), through `startPlatform` on an empty database with the
// built-in simulator: it waits until the start-up jobs have ranked the leaderboard (a metrics
// recompute in job_runs), follows three top traders in paper mode, their copies are executed; the log says once where to look and how to sign in (the password only at
// creation); a restart creates no second demo; DEMO=off and a real venue mean no demo at all.
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { demoDisabledReason, startDemo } from '../../../src/app/demo.ts';
import { startPlatform, type RunningPlatform } from '../../../src/app/platform.ts';
import { systemClock } from '../../../src/auth/clock.ts';
import { loadConfig } from '../../../src/config/config.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { DEMO_EMAIL, pickDemoLeaders, resetDemoPassword } from '../../../src/services/demo-account.ts';
import type { MasterKey } from '../../../src/vault/master-key.ts';
import { useTestDatabase } from '../../support/test-database.ts';

class LogLines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.lines.push(
      ...chunk
        .toString()
        .split('\n')
        .filter((l) => l !== ''),
    );
    done();
  }
  messages(): string[] {
    return this.lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
  }
}

const waitFor = async <T>(what: string, check: () => Promise<T | null>, ms: number): Promise<T> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

const env = (url: string, over: Record<string, string> = {}) =>
  loadConfig({
    DATABASE_URL: url,
    PORT: '0',
    SIMULATOR_PORT: '0',
    // Simulated traders act 20× faster, so the leaders have positions and trades within seconds.
    SIMULATOR_SPEED: '20',
    // A day of history is enough for the start-up jobs to rank traders; a month only slows every
    // start (the defaults are tested in test/integration/first-run-defaults.test.ts).
    SIMULATOR_HISTORY_DAYS: '1',
    LOG_LEVEL: 'info',
    ...over,
  });

describe('the demo account', () => {
  const t = useTestDatabase({ empty: true });
  const running: RunningPlatform[] = [];
  afterAll(async () => {
    for (const p of running.splice(0)) await p.stop();
  });

  const start = async (over: Record<string, string> = {}) => {
    const log = new LogLines();
    const platform = await startPlatform(env(t.current.url, over), createLogger('info', log));
    running.push(platform);
    return { platform, log };
  };

  let password = '';
  let demoUserId = '';

  it('from an empty database: waits for the leaderboard, follows three top traders, copies execute', async () => {
    const { platform, log } = await start();
    const db = platform.db.db;
    // The demo user exists at once; with an empty leaderboard it follows nobody yet.
    const created = await waitFor(
      'the demo user',
      async () => (await db.selectFrom('demo_account').selectAll().executeTakeFirst()) ?? null,
      10_000,
    );
    demoUserId = created.user_id;
    const demo = await platform.demoReady;
    expect(demo?.userId).toBe(demoUserId);
    expect(demo?.followed).toHaveLength(3);
    // Picked from the leaderboard the start-up jobs built, after a metrics recompute had ranked it:
    // never the lowest wallet addresses of an unranked board.
    const ranked = await db
      .selectFrom('job_runs')
      .select(['finished_at', 'summary'])
      .where('job', '=', 'metrics')
      .where('outcome', '=', 'succeeded')
      .orderBy('id')
      .execute();
    const firstRanked = ranked.find((r) => Number(r.summary?.tradersWithFills ?? 0) >= 3);
    expect(firstRanked, JSON.stringify(ranked)).toBeDefined();
    const setAt = (await db.selectFrom('demo_account').select('follows_set_at').executeTakeFirstOrThrow())
      .follows_set_at!;
    expect(setAt.getTime()).toBeGreaterThanOrEqual(firstRanked!.finished_at!.getTime());
    const listed = await db
      .selectFrom('traders')
      .select(['wallet_address', 'total_volume_usd'])
      .where('wallet_address', 'in', [...demo!.followed])
      .where('is_active', '=', true)
      .execute();
    expect(listed.map((l) => Number(l.total_volume_usd) > 0)).toEqual([true, true, true]);

    const follows = await db
      .selectFrom('copy_relationships')
      .select(['trader_wallet_address', 'mode', 'status', 'proportionality_factor'])
      .where('user_id', '=', demoUserId)
      .execute();
    expect(follows.map((f) => [f.mode, f.status, f.proportionality_factor])).toEqual([
      ['paper', 'active', '0.100000'],
      ['paper', 'active', '0.100000'],
      ['paper', 'active', '0.100000'],
    ]);
    const executed = await waitFor(
      'an executed demo copy',
      async () => {
        const r = await db
          .selectFrom('trades')
          .select(['id', 'quantity', 'status'])
          .where('copying_user_id', '=', demoUserId)
          .where('is_copy_trade', '=', true)
          .execute();
        return r.length > 0 ? r : null;
      },
      90_000,
    );
    expect(Number(executed[0]!.quantity)).toBeGreaterThan(0);
    const decided = await db
      .selectFrom('copy_decisions')
      .select(['outcome'])
      .where('user_id', '=', demoUserId)
      .where('outcome', '=', 'executed')
      .execute();
    expect(decided.length).toBeGreaterThanOrEqual(1);

    // Where to look and how to sign in, once, with the password (stored only as a hash).
    const announced = log.messages().filter((m) => m.startsWith('demo account'));
    expect(announced).toHaveLength(1);
    const m = /open (http:\/\/\S+) and sign in as (\S+) with the password (\S+) /.exec(announced[0]!);
    expect(m?.[1]).toBe(platform.url);
    expect(m?.[2]).toBe(DEMO_EMAIL);
    password = m![3]!;
    const user = await db
      .selectFrom('users')
      .select(['password_hash', 'subscription_tier', 'max_daily_trades'])
      .where('id', '=', demoUserId)
      .executeTakeFirstOrThrow();
    expect(user.password_hash).not.toContain(password);
    expect([user.subscription_tier, user.max_daily_trades]).toEqual(['pro', 200]);
    const signIn = await fetch(`${platform.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_EMAIL, password }),
    });
    expect(signIn.status).toBe(200);
    await platform.stop();
  }, 180_000);

  it('a restart creates no second demo, follows no one again, and does not print a password', async () => {
    expect(demoUserId).not.toBe('');
    const { platform, log } = await start();
    const demo = await platform.demoReady;
    expect(demo).toMatchObject({ userId: demoUserId, password: null });
    const db = platform.db.db;
    expect(await db.selectFrom('demo_account').select('user_id').execute()).toEqual([
      { user_id: demoUserId },
    ]);
    const users = await db.selectFrom('users').select('id').where('email', '=', DEMO_EMAIL).execute();
    expect(users).toHaveLength(1);
    const follows = await db
      .selectFrom('copy_relationships')
      .select('id')
      .where('user_id', '=', demoUserId)
      .execute();
    expect(follows).toHaveLength(3);
    const announced = log.messages().filter((msg) => msg.startsWith('demo account'));
    expect(announced).toHaveLength(1);
    expect(announced[0]).toContain('polycopy demo reset-password');
    expect(announced[0]).not.toContain(password);

    // The way back in: a new password; the old one stops working.
    const reset = await resetDemoPassword(db, new Date());
    expect(reset?.email).toBe(DEMO_EMAIL);
    const login = (pw: string) =>
      fetch(`${platform.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: DEMO_EMAIL, password: pw }),
      });
    expect((await login(reset!.password)).status).toBe(200);
    expect((await login(password)).status).toBe(401);
    await platform.stop();
  }, 120_000);

  it('there is no demo with a real venue configured, nor with DEMO=off (startDemo refuses both)', async () => {
    const real = loadConfig({ DATABASE_URL: t.current.url, POLYMARKET_CLOB_URL: 'http://127.0.0.1:9' });
    expect(demoDisabledReason(real)).toBe('a real venue is configured (POLYMARKET_CLOB_URL)');
    const off = loadConfig({ DATABASE_URL: t.current.url, DEMO: 'off' });
    expect(demoDisabledReason(off)).toBe('DEMO=off');
    expect(demoDisabledReason(loadConfig({ DATABASE_URL: t.current.url }))).toBeNull();

    // Even with DEMO on, a real venue writes nothing (on a database with no demo yet).
    const db = t.current.db;
    await db.deleteFrom('demo_account').execute();
    await db.deleteFrom('users').where('email', '=', DEMO_EMAIL).execute();
    const demo = startDemo({
      config: real,
      url: 'http://127.0.0.1:1',
      logger: createLogger('silent'),
      follow: { db, clock: systemClock, masterKey: {} as MasterKey },
    });
    expect(await demo.ready).toBeNull();
    await demo.stop();
    expect(await db.selectFrom('demo_account').select('user_id').execute()).toEqual([]);
  }, 60_000);

  it('picks nobody from a leaderboard with fewer than three traders, and recent traders first', async () => {
    const db = t.current.db;
    await db.deleteFrom('copy_relationships').execute();
    await db.deleteFrom('traders').execute();
    const at = new Date('2030-01-01T12:00:00Z');
    const add = (wallet: string, pnl: string, lastTradeAt: Date | null) =>
      sql`INSERT INTO traders (wallet_address, pnl_7d, last_trade_at) VALUES (${wallet}, ${pnl}::numeric, ${lastTradeAt})`.execute(
        db,
      );
    const w = (n: number) => `0x${String(n).padStart(40, '0')}`;
    await add(w(1), '900', new Date(at.getTime() - 3_600_000));
    await add(w(2), '800', at);
    expect(await pickDemoLeaders(db, at)).toEqual([]);
    await add(w(3), '700', null);
    await add(w(4), '600', new Date(at.getTime() - 60_000));
    // Four traders, but no metrics recompute has ranked them (or it ranked fewer than three): the
    // board is unranked, and nobody is picked.
    await db.deleteFrom('job_runs').execute();
    expect(await pickDemoLeaders(db, at)).toEqual([]);
    await db
      .insertInto('job_runs')
      .values({
        job: 'metrics',
        reason: 'start',
        runner: 'test',
        finished_at: at,
        outcome: 'succeeded',
        summary: '{"tradersWithFills": 2}',
      })
      .execute();
    expect(await pickDemoLeaders(db, at)).toEqual([]);
    await db
      .insertInto('job_runs')
      .values({
        job: 'metrics',
        reason: 'start',
        runner: 'test',
        finished_at: at,
        outcome: 'succeeded',
        summary: '{"tradersWithFills": 4}',
      })
      .execute();
    // w2 and w4 traded in the last 15 minutes; then the best of the rest by 7-day P&L.
    expect((await pickDemoLeaders(db, at)).map((e) => e.wallet)).toEqual([w(2), w(4), w(1)]);
  });
});
