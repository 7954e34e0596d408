// My dashboard after a reload: the live activity feed shows the recent history (GET /activity) at
// once, appends new copies from the event stream, and shows a copy that is in both only once. Then
// the follower closes an open paper position and sees it move to the closed positions, and the
// closing sell is in the history after another reload.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeSerious, launchBrowser, openPage } from './support/browser.ts';
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
const email = 'feed@example.com';
const password = 'violet kettle drums at noon';

async function apiCall<T>(method: string, path: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(`${p.url}/api/v1${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

beforeAll(async () => {
  [p, browser] = await Promise.all([startE2EPlatform(), launchBrowser()]);
  leader = await newLeader(p);
  await seedTraders(p, [
    { wallet: leader.address, name: 'Feed Leader', pnl7d: '100', totalPnl: '200', trades: 20, winRate: '55' },
  ]);
  await apiCall('POST', '/auth/register', { email, password });
  const { accessToken } = await apiCall<{ accessToken: string }>('POST', '/auth/login', { email, password });
  await apiCall(
    'POST',
    '/follows',
    { traderWallet: leader.address, mode: 'paper', sizingMode: 'fixed_usd', fixedAmountUsd: '10' },
    accessToken,
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await p?.stop();
});

const copiedBuy = /^Copied: bought 20(\.0+)? shares at 0\.5/;

async function signIn(page: Page): Promise<void> {
  await page.goto(`${p.url}/sign-in`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'My dashboard' }).waitFor();
}

describe('my dashboard: the activity feed after a reload, and closing a position', () => {
  it('shows the history on load, appends live copies once each, then closes a position', async () => {
    const { page, errors, context } = await openPage(browser);
    await signIn(page);
    const feed = page.getByRole('list', { name: 'Live activity' });
    await feed.getByText('Nothing yet. Copies appear here the moment they happen.').waitFor();
    await page.getByRole('status').filter({ hasText: 'live' }).waitFor();

    const { tokenId } = await preparedMarket(p);
    await leaderBuys(p, leader, tokenId, '50');
    await feed.getByText(copiedBuy).waitFor({ timeout: 30_000 });

    // A reload loses the stream's events; the feed still shows the copy, from the history.
    await page.reload();
    await page.getByRole('heading', { name: 'My dashboard' }).waitFor();
    await feed.getByText(copiedBuy).waitFor();
    expect(await feed.getByText(copiedBuy).count()).toBe(1);
    await feed.getByText(/\$10\.00 \(paper\) following the trade of 0x/).waitFor();

    // A second copy arrives live and is then also in the refetched history: shown once.
    await page.getByRole('status').filter({ hasText: 'live' }).waitFor();
    // The live event makes the page refetch the history (its queries are invalidated): count the
    // history's answers to know when that refetch has landed. (Not 'networkidle': the event
    // stream is a request that never ends.)
    let historyLoads = 0;
    page.on('response', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/activity') historyLoads += 1;
    });
    await leaderBuys(p, leader, tokenId, '50');
    await expect.poll(() => feed.getByText(copiedBuy).count(), { timeout: 30_000 }).toBe(2);
    await page.getByRole('table', { name: 'Open positions' }).getByRole('row').nth(2).waitFor();
    await expect.poll(() => historyLoads, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await feed.getByText(copiedBuy).count()).toBe(2);
    expect(await axeSerious(page)).toEqual([]);

    // Close the position (both lots of the token): a closing sell at the bid, then it is closed.
    const open = page.getByRole('table', { name: 'Open positions' });
    await open
      .getByRole('button', { name: /^Close position in / })
      .first()
      .click();
    await page.getByText('A closing sell is queued; the position closes when it fills.').waitFor();
    await feed.getByText(/^Copied: sold 40(\.0+)? shares at 0\.48/).waitFor({ timeout: 30_000 });
    await page.getByText('No open positions.').waitFor();
    // Mantine's segmented control hides its radios under their labels: choose by keyboard.
    await page.getByRole('radio', { name: 'Closed' }).focus();
    await page.keyboard.press('Space');
    const closed = page.getByRole('table', { name: 'Closed positions' });
    await expect.poll(() => closed.getByRole('row').count(), { timeout: 15_000 }).toBe(3);
    // Bought at 0.50, sold at 0.48: each $10 lot lost money.
    await closed
      .getByText(/^−\$0\.\d\d$/)
      .first()
      .waitFor();

    // After another reload the closing sell is in the history too, once.
    await page.reload();
    await page.getByRole('heading', { name: 'My dashboard' }).waitFor();
    await feed.getByText(/^Copied: sold 40(\.0+)? shares at 0\.48/).waitFor();
    expect(await feed.getByText(/^Copied: sold/).count()).toBe(1);
    expect(await feed.getByText(copiedBuy).count()).toBe(2);
    expect(errors).toEqual([]);
    await context.close();
  });
});
