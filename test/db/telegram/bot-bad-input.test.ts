// Bad input never stops the bot: unknown commands, stickers, edits, giant messages, garbage button
// data, wallets that do not exist, numbers out of range, strangers and group chats each get a short
// helpful answer (or are ignored), never a stack trace, a token or an internal id; and the bot still
// answers afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wallet } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { ask, press, startBotWorld, TOKEN, type BotWorld } from './bot-harness.ts';

describe('telegram bad input', () => {
  const t = useTestDatabase();
  let w: BotWorld;
  beforeAll(async () => {
    w = await startBotWorld(t.current.db, t.current.url);
  });
  afterAll(async () => {
    await w?.stop();
    await w?.fake.close();
  });

  it('answers every kind of bad input briefly and keeps working', async () => {
    const stranger = w.fake.user(4000, 'Stranger');
    await ask(w, stranger, '/portfolio', 'Send /start');
    const kim = w.fake.user(4001, 'Kim');
    await ask(w, kim, '/start', 'Welcome');
    await ask(w, kim, '/frobnicate now', "I don't know /frobnicate");
    await ask(w, kim, 'hello there', '/help lists them');
    let mark = w.fake.mark(kim.id);
    w.fake.sendSticker(kim);
    await w.fake.waitFor(kim.id, 'only understand text', { after: mark });
    await ask(w, kim, `/follow ${'x'.repeat(1500)}`, 'too long');
    await ask(w, kim, '/trader 0x123', 'Send /trader followed by a wallet');
    await ask(w, kim, `/trader ${wallet()}`, 'no record of');
    await ask(w, kim, '/follow not-a-wallet', '/follow &lt;wallet&gt; [paper|live]');
    await ask(w, kim, `/follow ${wallet()} sideways`, '/follow &lt;wallet&gt; [paper|live]');
    await ask(w, kim, '/settings 99', 'You follow nobody yet');
    await ask(w, kim, `/follow ${wallet()}`, 'Copying');
    await ask(w, kim, '/settings 99', 'no follow number 99');
    await ask(w, kim, '/settings 0xzz', 'Name a follow by its number');
    await ask(w, kim, '/unfollow 1 maybe', '/unfollow &lt;follow&gt; [keep|close]');
    await ask(w, kim, '/why <script>', '/why');
    await ask(w, kim, '/why 0x' + 'ab'.repeat(32), 'No copy decision of yours');
    await ask(w, kim, '/top nonsense', 'Unknown category');
    await ask(w, kim, '/link 123', 'wrong, used or expired');
    // Numbers out of range, typed for a setting.
    await ask(w, kim, '/settings 1', 'Copy size');
    await press(w, kim, 'Slippage', 'Max slippage');
    await press(w, kim, 'Type a value', 'Send the new');
    await ask(w, kim, '250', 'must be at most 100');
    await press(w, kim, '« Back', 'Copy size');
    await press(w, kim, 'Copy %', 'Copy %');
    await press(w, kim, 'Type a value', 'Send the new');
    await ask(w, kim, '5000', 'must be at most 1000%');
    await press(w, kim, '« Back', 'Copy size');
    await press(w, kim, 'Max/trade', 'Max per trade');
    await press(w, kim, 'Type a value', 'Send the new');
    await ask(w, kim, 'lots', 'not a number');
    // Garbage and forged button data: answered, never acted on.
    for (const data of [
      '',
      'x'.repeat(64),
      'u:0x' + '1'.repeat(40) + ':k',
      'sv:0xnothex:pf:1',
      'n:bogus:on',
      '💥',
    ]) {
      const before = w.fake.callbackAnswers.length;
      w.fake.press(kim, data);
      for (let i = 0; i < 100 && w.fake.callbackAnswers.length === before; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(w.fake.callbackAnswers.length).toBe(before + 1);
    }
    // Edits are not commands.
    mark = w.fake.mark(kim.id);
    w.fake.editText(kim, 1, '/stop');
    // A group chat.
    const group = { id: -100123, type: 'group', title: 'Traders' };
    w.fake.sendText(kim, '/portfolio', group);
    await ask(w, kim, '/help', 'polycopy bot');
    expect(
      w.fake.messages(kim.id).filter((m) => m.message_id > mark && m.text.includes('Emergency')),
    ).toHaveLength(0);
    // The follow of the forged unfollow button's wallet does not exist: nothing was stopped.
    const rels = await t.current.db.selectFrom('copy_relationships').select(['id', 'status']).execute();
    expect(rels.every((r) => r.status === 'active')).toBe(true);
    const users = await t.current.db.selectFrom('users').select('id').execute();
    for (const m of w.fake.allMessages()) {
      expect(m.text).not.toMatch(/Error:|\bat \w+ \(|node_modules|stack/);
      expect(m.text).not.toContain(TOKEN);
      for (const { id } of [...users, ...rels])
        expect(m.text).not.toMatch(new RegExp(`(relationship|user|id)\\s*${id}\\b`, 'i'));
    }
    // The bot never failed internally on any of it.
    expect(w.logLines.filter((l) => l.includes('"telegram update failed"'))).toEqual([]);
    expect(w.logLines.join('\n')).not.toContain(TOKEN);
  }, 60_000);
});
