// The whole journey from a phone, against the fake Bot API, the simulator and the real engine:
// start → top → follow in paper mode → the leader trades → a copy notification (your fill next to
// the leader's) → portfolio → pause → unfollow. Then linking a web account with a one-time code,
// and the emergency stop behind a confirmation and a 2FA code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverTraders } from '../../../src/analytics/discovery.ts';
import type { LeaderFillDetector } from '../../../src/ingest/detector.ts';
import type { CopyWorker } from '../../../src/execution/worker.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import {
  buildWorld,
  detectorFor,
  EngineSim,
  leaderBuy,
  newTrader,
  waitFor,
  workerFor,
  type EngineWorld,
} from '../engine/engine-harness.ts';
import { signUp } from '../vault/live-harness.ts';
import { ask, press, startBotWorld, type BotWorld } from './bot-harness.ts';

describe('telegram journey', () => {
  const t = useTestDatabase();
  let sim: EngineSim;
  let world: EngineWorld;
  let w: BotWorld;
  let detector: LeaderFillDetector;
  let worker: CopyWorker;

  beforeAll(async () => {
    sim = await EngineSim.start(77);
    world = await buildWorld(sim, t.current.db, t.current.url);
    w = await startBotWorld(t.current.db, t.current.url, { masterKey: world.api.masterKey });
    // The leaderboard the way the platform fills it: the simulator's traders trade for two simulated
    // minutes, then discovery reads the venue's leaderboards.
    await sim.control('POST', '/sim/advance', { ms: 120_000 });
    await discoverTraders({ db: t.current.db, leaderboard: world.marketData.data, perList: 5 });
    detector = detectorFor(world);
    await detector.start();
    worker = workerFor(world);
    await worker.start();
  });
  afterAll(async () => {
    await worker?.stop();
    await detector?.stop();
    await w?.stop();
    await w?.fake.close();
    await world?.api.app.close();
    await sim?.close();
  });

  it('start → top → follow (paper) → a copy notification → portfolio → pause → unfollow', async () => {
    const db = t.current.db;
    const carol = w.fake.user(2001, 'Carol', 'carol');
    await ask(w, carol, '/start', 'paper mode');
    const top = await ask(w, carol, '/top', 'Top traders');
    expect(
      top.reply_markup?.inline_keyboard?.flat().some((b) => /^1\./.test(b.text)),
      top.text,
    ).toBe(true);
    await press(w, carol, /^1\./, 'Copyability');

    const leader = await newTrader(sim);
    await sim.fund(leader.signer.address, '10000');
    await ask(w, carol, `/follow ${leader.address}`, 'Copying');
    await waitFor(db, 'the detector to watch the leader', () => detector.isLeader);

    const market = await sim.binaryMarket(0);
    const token = market.tokens[0]!.tokenId;
    await sim.syncClock();
    await sim.setBook(token, [['0.40', '5000']], [['0.50', '5000']]);
    const before = w.fake.mark(carol.id);
    // $100 at 0.50 = 200 shares; the default 10 % copy is 20 shares ($10, under the $25 a copy).
    await leaderBuy(leader, token, '100', '0.50');
    const note = await w.fake.waitFor(carol.id, 'Copied BUY', { after: before, timeoutMs: 30_000 });
    expect(note.text).toMatch(/You: 20 @ 0\.5/);
    expect(note.text).toMatch(/Leader: 200 @ 0\.5/);
    expect(note.text).toMatch(/after the leader/);
    expect(note.disable_notification).toBeUndefined();

    const portfolio = await ask(w, carol, '/portfolio', 'Portfolio');
    expect(portfolio.text).toContain('Exposure $10.00 in 1 positions');
    expect(portfolio.text).toMatch(/Today: 1 copied/);
    const positions = await ask(w, carol, '/positions', 'Open positions');
    expect(positions.text).toContain('20 @ 0.5');
    const history = await ask(w, carol, '/history', 'Latest copies');
    expect(history.text).toContain('leader 0.5');

    await ask(w, carol, '/pause all', 'Paused 1 follow');
    const rel = await db
      .selectFrom('copy_relationships')
      .select('status')
      .where('trader_wallet_address', '=', leader.address)
      .executeTakeFirstOrThrow();
    expect(rel.status).toBe('paused');
    await ask(w, carol, '/unfollow 1', 'Stop copying');
    await press(w, carol, 'Keep them', 'Stopped copying');
    const after = await db
      .selectFrom('copy_relationships')
      .select(['status', 'stop_positions'])
      .where('trader_wallet_address', '=', leader.address)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'stopped', stop_positions: 'keep' });

    // Nothing in the whole conversation carries an internal id, a token or a stack trace.
    const users = await db.selectFrom('users').select('id').execute();
    const rels = await db.selectFrom('copy_relationships').select('id').execute();
    for (const m of w.fake.messages(carol.id)) {
      expect(m.text).not.toMatch(/at \w+ \(|Error:|stack/);
      expect(m.text).not.toContain(w.config.telegram.botToken!);
      for (const id of [...users, ...rels].map((r) => r.id))
        expect(m.text).not.toMatch(new RegExp(`(relationship|user|id)\\s*${id}\\b`, 'i'));
    }
  }, 90_000);

  it('links a web account with a one-time code; a wrong or reused code links nothing', async () => {
    const db = t.current.db;
    const web = await signUp(world.api);
    const issued = await world.api.app.inject({
      method: 'POST',
      url: '/api/v1/me/telegram/link-code',
      headers: web.auth,
    });
    expect(issued.statusCode).toBe(201);
    const { code, botUsername } = issued.json() as { code: string; botUsername: string };
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(botUsername).toBe(w.fake.botUsername);
    const stored = await db
      .selectFrom('telegram_link_codes')
      .selectAll()
      .where('user_id', '=', web.userId)
      .executeTakeFirstOrThrow();
    expect(stored.code_hash.toString('hex')).not.toContain(code.replace('-', '').toLowerCase());

    // Dave used the bot first: /start made him an empty paper account, which the link absorbs.
    const dave = w.fake.user(2002, 'Dave');
    await ask(w, dave, '/start', 'paper mode');
    await ask(w, dave, '/link ABCD-EFGH', 'wrong, used or expired');
    await ask(w, dave, `/link ${code.toLowerCase()}`, 'Linked');
    const linked = await db
      .selectFrom('users')
      .select(['id', 'email'])
      .where('telegram_id', '=', '2002')
      .executeTakeFirstOrThrow();
    expect(linked.id).toBe(web.userId);
    expect(
      await db
        .selectFrom('users')
        .select('id')
        .where('email', 'is', null)
        .where('telegram_id', '=', '2002')
        .execute(),
    ).toHaveLength(0);
    await ask(w, dave, `/link ${code}`, 'wrong, used or expired');
    // The web account is now reachable from the chat.
    const me = await world.api.app.inject({
      method: 'GET',
      url: '/api/v1/me/notifications',
      headers: web.auth,
    });
    expect((me.json() as { telegram: { linked: boolean } }).telegram.linked).toBe(true);

    // Five wrong codes lock linking for this chat.
    for (let i = 0; i < 4; i++) await ask(w, dave, '/link ZZZZ-ZZZZ', 'wrong');
    await ask(w, dave, '/link ZZZZ-ZZZZ', 'Too many wrong codes');
  }, 60_000);
});
