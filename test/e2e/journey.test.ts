// The journey of issue 13 in a real browser, against the whole platform: leaderboard → sign up →
// trader page → follow in paper mode (a validation message next to its field first) → the leader
// trades on the simulator and the copy appears on my dashboard without a reload → pause →
// unfollow. Each page is also scanned with axe-core.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Secret, TOTP } from 'otpauth';
import type { Browser } from 'playwright-core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSerious, horizontalOverflow, launchBrowser, openPage } from './support/browser.ts';
import {
  leaderBuys,
  newLeader,
  preparedMarket,
  seedTraders,
  startE2EPlatform,
  type E2EPlatform,
  type Leader,
} from './support/platform.ts';

let p: E2EPlatform;
let browser: Browser;
let leader: Leader;

beforeAll(async () => {
  [p, browser] = await Promise.all([startE2EPlatform(), launchBrowser()]);
  leader = await newLeader(p);
  await seedTraders(p, [
    {
      wallet: leader.address,
      name: 'Journey Leader',
      pnl7d: '420',
      totalPnl: '1337',
      trades: 25,
      winRate: '60',
    },
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await p?.stop();
});

describe('the follow journey', () => {
  it('leaderboard → sign up → trader page → follow (paper) → a live copy → pause → unfollow', async () => {
    const { page, errors, context } = await openPage(browser);
    await page.goto(p.url);
    await page.getByRole('link', { name: 'Journey Leader' }).waitFor();

    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await page.getByLabel('Email', { exact: true }).fill('journey@example.com');
    await page.getByLabel('Password', { exact: true }).fill('violet kettle drums at noon');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'My dashboard' }).waitFor();
    await page.getByText('Please verify your email').waitFor();
    await page.getByText('You follow nobody yet.').waitFor();

    await page
      .getByRole('navigation', { name: 'Main', exact: true })
      .getByRole('link', { name: 'Leaderboard' })
      .click();
    await page.getByRole('link', { name: 'Journey Leader' }).click();
    await page.getByRole('heading', { name: 'Journey Leader' }).waitFor();
    expect(await axeSerious(page)).toEqual([]);

    await page.getByRole('button', { name: 'Follow' }).click();
    const dialog = page.getByRole('dialog', { name: 'Follow Journey Leader' });
    await dialog.getByRole('combobox', { name: 'Sizing mode' }).selectOption('fixed_usd');
    await dialog.getByLabel('Fixed amount per trade (USD)').fill('500');
    await dialog.getByRole('button', { name: 'Start following' }).click();
    const fixed = dialog.getByLabel('Fixed amount per trade (USD)');
    await expect.poll(() => fixed.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await fixed.getAttribute('aria-describedby')) ?? '';
    const messages = await Promise.all(
      describedBy.split(' ').map((id) => page.locator(`[id="${id}"]`).textContent()),
    );
    expect(messages.join(' ')).toContain('must not exceed maxInvestmentPerTradeUsd');
    expect(await p.t.db.selectFrom('copy_relationships').select('id').execute()).toEqual([]);

    await fixed.fill('10');
    await dialog.getByRole('button', { name: 'Start following' }).click();
    await page.getByRole('heading', { name: 'My dashboard' }).waitFor();
    const following = page.getByRole('table', { name: 'Following' });
    await following.getByText('active · paper').waitFor();
    await page.getByRole('status').filter({ hasText: 'live' }).waitFor();

    const { tokenId } = await preparedMarket(p);
    await leaderBuys(p, leader, tokenId, '50');
    const feed = page.getByRole('list', { name: 'Live activity' });
    await feed.getByText(/^Copied: bought 20(\.0+)? shares at 0\.5/).waitFor({ timeout: 30_000 });
    await feed.getByText(/\$10\.00 \(paper\)/).waitFor();
    await page.getByRole('table', { name: 'Open positions' }).getByText('$10.00').first().waitFor();
    expect(await axeSerious(page)).toEqual([]);

    // The copy history, and the same rows as a CSV file from its Download CSV button.
    await page.getByRole('tab', { name: 'Copy history' }).click();
    const history = page.getByRole('table', { name: 'Copy history' });
    await history.getByRole('row').nth(1).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('tabpanel', { name: 'Copy history' })
        .getByRole('button', { name: 'Download CSV' })
        .click(),
    ]);
    expect(download.suggestedFilename()).toBe('copy-history.csv');
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^id,executed_at,status,trader_wallet,/);
    expect(csv.slice(1, -1)).toHaveLength(1);
    expect(csv[1]).toContain(`,${leader.address},`);
    expect(csv[1]).toMatch(/,BUY,0\.5\d*,20(\.0+)?,10(\.0+)?,/);
    await page.getByRole('tab', { name: 'Positions' }).click();

    // On the trader page, the leader's fill answers "what happened to my copy?" with the decision
    // about that very fill (GET /decisions?fillKey), whichever leg of the order the row is.
    const nav = page.getByRole('navigation', { name: 'Main', exact: true });
    await nav.getByRole('link', { name: 'Leaderboard' }).click();
    await page.getByRole('link', { name: 'Journey Leader' }).click();
    const recent = page.getByRole('table', { name: 'Recent fills' });
    const asks = recent.getByRole('button', { name: 'What happened to my copy?' });
    await asks.first().waitFor();
    for (let i = 0; i < (await asks.count()); i++) {
      await asks.nth(i).click();
      await page.getByRole('dialog').getByText('Copied.').waitFor();
      await page.keyboard.press('Escape');
    }
    await nav.getByRole('link', { name: 'My dashboard' }).click();
    await page.getByRole('heading', { name: 'My dashboard' }).waitFor();

    await following.getByRole('button', { name: /^Pause follow of/ }).click();
    await following.getByText('paused · paper').waitFor();
    const rel = await p.t.db.selectFrom('copy_relationships').select(['status']).executeTakeFirstOrThrow();
    expect(rel.status).toBe('paused');

    await following.getByRole('button', { name: /^Unfollow/ }).click();
    const unfollow = page.getByRole('dialog', { name: /^Unfollow/ });
    await unfollow.getByRole('radio', { name: 'Keep them (close them yourself later)' }).check();
    await unfollow.getByRole('button', { name: 'Unfollow' }).click();
    await page.getByText('You follow nobody yet.').waitFor();
    const stopped = await p.t.db
      .selectFrom('copy_relationships')
      .select(['status', 'stop_positions'])
      .executeTakeFirstOrThrow();
    expect(stopped).toEqual({ status: 'stopped', stop_positions: 'keep' });

    // The trader page says which detection feed saw the leader's fill first, and when.
    await page
      .getByRole('navigation', { name: 'Main', exact: true })
      .getByRole('link', { name: 'Leaderboard' })
      .click();
    await page.getByRole('link', { name: 'Journey Leader' }).click();
    const fills = page.getByRole('table', { name: 'Recent fills' });
    await fills.getByRole('columnheader', { name: 'First seen by' }).waitFor();
    await fills
      .getByRole('cell', { name: /^(RTDS|Chain|Data API)\s*\d+\.\d s after the fill$/ })
      .first()
      .waitFor();

    // The one refused request of the journey: the follow with the amount above its cap.
    expect(errors).toEqual([
      expect.stringMatching(/status of 400 \(Bad Request\) http:\/\/127\.0\.0\.1:\d+\/api\/v1\/follows$/),
    ]);
    await context.close();
  });

  it('the dashboard and the trader page fit a 390 px phone in the dark theme', async () => {
    const { page, errors, context } = await openPage(browser, {
      viewport: { width: 390, height: 844 },
      colorScheme: 'dark',
    });
    const registered = await fetch(`${p.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'phone@example.com', password: 'violet kettle drums at noon' }),
    });
    expect(registered.status).toBe(201);
    await page.goto(`${p.url}/sign-in`);
    await page.getByLabel('Email', { exact: true }).fill('phone@example.com');
    await page.getByLabel('Password', { exact: true }).fill('violet kettle drums at noon');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'My dashboard' }).waitFor();
    // A reload signs back in from the httpOnly refresh cookie; no token is in script-readable storage.
    await page.reload();
    await page.getByRole('heading', { name: 'My dashboard' }).waitFor();
    const storage = await page.evaluate<string>(
      'JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])',
    );
    expect(storage).not.toMatch(/eyJ|rt_/);
    const cookies = await context.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.path])).toEqual([
      ['polycopy_refresh', true, 'Strict', '/api/v1/auth'],
    ]);
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole('button', { name: 'Menu' }).click();
    await page
      .getByRole('navigation', { name: 'Main (menu)' })
      .getByRole('link', { name: 'Leaderboard' })
      .click();
    await page.getByRole('link', { name: 'Journey Leader' }).click();
    await page.getByRole('heading', { name: 'Journey Leader' }).waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await axeSerious(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('turns on 2FA in Settings (QR code, recovery codes), then signs in with the 2FA challenge', async () => {
    const email = 'twofactor@example.com';
    const password = 'violet kettle drums at noon';
    const registered = await fetch(`${p.url}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(registered.status).toBe(201);
    const { page, errors, context } = await openPage(browser);
    await page.goto(`${p.url}/sign-in?next=/settings`);
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole('tab', { name: 'Two-factor' }).click();
    await page.getByRole('button', { name: 'Set up two-factor' }).click();
    await page.getByRole('img', { name: 'QR code of your two-factor secret' }).waitFor();
    const secret = (await page.getByLabel('Two-factor secret').textContent()) ?? '';
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
    await page.getByLabel('Code from the app').fill(totp.generate());
    await page.getByRole('button', { name: 'Turn on two-factor' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await expect.poll(() => codes.count()).toBe(10);
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole('button', { name: 'I stored them' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();

    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Each code works once: the next period's code (within the accepted drift) signs in.
    await page.getByLabel('Two-factor code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'My dashboard' }).waitFor();
    // The sign-in without a code was answered 401 totp_required, as designed.
    expect(errors).toEqual([
      expect.stringMatching(
        /status of 401 \(Unauthorized\) http:\/\/127\.0\.0\.1:\d+\/api\/v1\/auth\/login$/,
      ),
    ]);
    await context.close();
  });

  it('signs in with a browser wallet (SIWE) when there is one, through a real signature', async () => {
    // Without a wallet in the browser there is no wallet button.
    const plain = await openPage(browser);
    const config = plain.page.waitForResponse((r) => r.url().endsWith('/api/v1/config'));
    await plain.page.goto(`${p.url}/sign-in`);
    await config; // the widget's switch has been read
    await plain.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(await plain.page.getByRole('button', { name: 'Sign in with wallet' }).count()).toBe(0);
    // No bot configured: no Telegram widget.
    expect(await plain.page.getByRole('group', { name: /^Sign in with Telegram/ }).count()).toBe(0);
    expect(plain.errors).toEqual([]);
    await plain.context.close();

    // An injected EIP-1193 provider whose personal_sign is a viem local account's real signature.
    const account = privateKeyToAccount(generatePrivateKey());
    const { page, errors, context } = await openPage(browser);
    await page.exposeFunction('__walletSign', (hex: string) =>
      account.signMessage({ message: { raw: hex as `0x${string}` } }),
    );
    await page.addInitScript((address: string) => {
      const w = globalThis as unknown as {
        ethereum: unknown;
        __walletSign: (hex: string) => Promise<string>;
      };
      w.ethereum = {
        request: async ({ method, params }: { method: string; params?: unknown[] }) => {
          if (method === 'eth_requestAccounts' || method === 'eth_accounts') return [address];
          if (method === 'eth_chainId') return '0x89';
          if (method === 'personal_sign') return w.__walletSign(String(params?.[0]));
          throw new Error(`unsupported ${method}`);
        },
      };
    }, account.address);
    await page.goto(`${p.url}/sign-in`);
    await page.getByRole('button', { name: 'Sign in with wallet' }).click();
    await page.getByRole('heading', { name: 'My dashboard' }).waitFor();
    const user = await p.t.db
      .selectFrom('users')
      .select('id')
      .where('wallet_address', '=', account.address.toLowerCase())
      .executeTakeFirst();
    expect(user).toBeDefined();
    expect(await axeSerious(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the Telegram login widget when a bot is configured, and signs in from its redirect', async () => {
    const token = '123456:e2e-bot-token-for-the-widget-test';
    const tg = await startE2EPlatform({ TELEGRAM_BOT_TOKEN: token });
    try {
      await tg.t.db
        .insertInto('telegram_bot_info')
        .values({ bot_id: '123456', username: 'polycopy_e2e_bot' })
        .execute();
      const { page, errors, context } = await openPage(browser);
      await page.goto(`${tg.url}/sign-in`);
      // Attached, not visible: telegram.org is unreachable here, so the widget never draws its button.
      await page
        .getByRole('group', { name: 'Sign in with Telegram (@polycopy_e2e_bot)', includeHidden: true })
        .waitFor({ state: 'attached' });
      // The widget's payload as Telegram's redirect brings it back, hashed with the bot token.
      const fields: Record<string, string> = {
        id: '777000111',
        first_name: 'Ada',
        username: 'ada_e2e',
        auth_date: String(Math.floor(Date.now() / 1000) - 30),
      };
      const check = Object.keys(fields)
        .sort()
        .map((k) => `${k}=${fields[k]}`)
        .join('\n');
      const key = createHash('sha256').update(token).digest();
      const hash = createHmac('sha256', key).update(check).digest('hex');
      await page.goto(`${tg.url}/sign-in/telegram?${new URLSearchParams({ ...fields, hash }).toString()}`);
      await page.getByRole('heading', { name: 'My dashboard' }).waitFor();
      const user = await tg.t.db
        .selectFrom('users')
        .select('id')
        .where('telegram_id', '=', '777000111')
        .executeTakeFirst();
      expect(user).toBeDefined();
      // telegram.org is unreachable here: the widget's script failing to load is the only error.
      expect(errors.filter((e) => !e.includes('telegram.org'))).toEqual([]);
      await context.close();
    } finally {
      await tg.stop();
    }
  });
});
