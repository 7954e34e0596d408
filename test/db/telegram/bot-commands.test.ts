// The bot's commands against the fake Bot API: accounts, reads, follows and their settings, the
// emergency stop, notification preferences — each through the same services as the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wallet } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { ask, press, startBotWorld, type BotWorld } from './bot-harness.ts';

describe('telegram bot commands', () => {
  const t = useTestDatabase();
  let w: BotWorld;
  beforeAll(async () => {
    w = await startBotWorld(t.current.db, t.current.url);
  });
  afterAll(async () => {
    await w?.stop();
    await w?.fake.close();
  });

  it('/start creates a paper account once; /help lists every command', async () => {
    const alice = w.fake.user(1001, 'Alice', 'alice');
    const first = await ask(w, alice, '/start', 'Welcome');
    expect(first.text).toContain('paper mode');
    const again = await ask(w, alice, '/start', 'Welcome back');
    expect(again.text).not.toContain('paper mode');
    const users = await t.current.db
      .selectFrom('users')
      .selectAll()
      .where('telegram_id', '=', '1001')
      .execute();
    expect(users).toHaveLength(1);
    const help = await ask(w, alice, '/help', 'polycopy bot');
    for (const c of [
      'start',
      'help',
      'top',
      'trader',
      'follow',
      'following',
      'settings',
      'pause',
      'resume',
      'unfollow',
      'portfolio',
      'positions',
      'history',
      'why',
      'stop',
      'notify',
      'link',
    ])
      expect(help.text).toContain(`/${c}`);
  });

  it('/follow in paper mode follows at once and the buttons change its settings', async () => {
    const bob = w.fake.user(1002, 'Bob');
    await ask(w, bob, '/start', 'Welcome');
    const leader = wallet();
    const reply = await ask(w, bob, `/follow ${leader}`, 'Copying');
    expect(reply.text).toContain('paper');
    await press(w, bob, 'Copy %', 'Copy %');
    await press(w, bob, '25%', 'Saved');
    const rel = await t.current.db
      .selectFrom('copy_relationships')
      .selectAll()
      .where('trader_wallet_address', '=', leader)
      .executeTakeFirstOrThrow();
    expect(rel.mode).toBe('paper');
    expect(rel.proportionality_factor).toBe('0.250000');
    const list = await ask(w, bob, '/following', 'Following');
    expect(list.text).toContain('25%');

    // The newer settings: a fixed amount switches the sizing mode; switches flip at a tap.
    await ask(w, bob, '/settings 1', 'Copy size: 25%');
    await press(w, bob, 'Fixed $', 'Fixed amount per copy');
    await press(w, bob, /^\$10$/, 'Copy size: $10.00 per copy');
    await press(w, bob, 'Sells: on', 'sells: off');
    await press(w, bob, 'Pause after', 'failed copies in a row');
    await press(w, bob, /^3$/, '3 failures in a row');
    await press(w, bob, 'Max buy price', 'Max price to buy at');
    await press(w, bob, /^0\.9$/, 'buy at most: 0.9');
    const after = await t.current.db
      .selectFrom('copy_relationships')
      .selectAll()
      .where('trader_wallet_address', '=', leader)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({
      sizing_mode: 'fixed_usd',
      fixed_amount_usd: '10.00',
      copy_buys: true,
      copy_sells: false,
      max_consecutive_failures: 3,
      max_buy_price: '0.9000',
    });
    expect((await ask(w, bob, '/following', 'Following')).text).toContain('$10.00 a copy');
  });

  it('applies the tier limit and the credential rule exactly as the API does', async () => {
    const dee = w.fake.user(1004, 'Dee');
    await ask(w, dee, '/start', 'Welcome');
    for (let i = 0; i < 3; i++) await ask(w, dee, `/follow ${wallet()}`, 'Copying');
    const refused = await ask(w, dee, `/follow ${wallet()}`, 'tier');
    expect(refused.text).toContain('free tier allows following 3 traders');
    await ask(w, dee, '/unfollow 3 keep', 'Stopped copying');
    await ask(w, dee, `/follow ${wallet()} live`, 'Copy live?');
    await press(w, dee, 'Yes, copy live', 'connect it on the web dashboard first');
    const live = await t.current.db
      .selectFrom('copy_relationships')
      .select('id')
      .where('mode', '=', 'live')
      .execute();
    expect(live).toHaveLength(0);
  });

  it('polls from one process at a time; a standby takes over when the active bot stops', async () => {
    const second = await startBotWorld(t.current.db, t.current.url, { fake: w.fake });
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(w.telegram.isLeader).toBe(true);
      expect(second.telegram.isLeader).toBe(false);
      await w.stop();
      for (let i = 0; i < 100 && !second.telegram.isLeader; i++) await new Promise((r) => setTimeout(r, 50));
      expect(second.telegram.isLeader).toBe(true);
      const cat = w.fake.user(1003, 'Cat');
      await ask(second, cat, '/start', 'Welcome', 15_000);
    } finally {
      await second.stop();
      await w.restart();
    }
  }, 40_000);
});
