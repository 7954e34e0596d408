// The public leaderboard in a real browser: rows from the API, sorting, search, the window switch
// (7, 30, 90 days, all time), the market category and minimum trades filters, a link to each trader's page; no console errors and no serious accessibility violations.
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wallet } from '../support/fixtures.ts';
import { axeSerious, horizontalOverflow, launchBrowser, openPage } from './support/browser.ts';
import { seedTraders, startE2EPlatform, type E2EPlatform } from './support/platform.ts';

let p: E2EPlatform;
let browser: Browser;
const alpha = wallet();
const beta = wallet();
const gamma = wallet();

beforeAll(async () => {
  [p, browser] = await Promise.all([startE2EPlatform(), launchBrowser()]);
  await seedTraders(p, [
    {
      wallet: alpha,
      name: 'Alpha Whale',
      pnl7d: '1250.5',
      totalPnl: '300',
      trades: 40,
      winRate: '62.5',
      pnl30d: '20',
      categories: ['politics'],
    },
    {
      wallet: beta,
      name: 'Beta Fox',
      pnl7d: '-75.25',
      totalPnl: '9000',
      trades: 12,
      winRate: '41',
      pnl30d: '-5',
      categories: ['sports'],
    },
    {
      wallet: gamma,
      name: 'Gamma Owl',
      pnl7d: '10',
      totalPnl: '50',
      trades: 3,
      winRate: '100',
      pnl30d: '480',
      categories: ['politics', 'sports'],
    },
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await p?.stop();
});

describe('leaderboard page', () => {
  it('lists, sorts, searches and links traders, with signed money', async () => {
    const { page, errors, context } = await openPage(browser);
    await page.goto(p.url);
    const table = page.getByRole('table', { name: 'Leaderboard' });
    await table.getByRole('link', { name: 'Alpha Whale' }).waitFor();
    const names = () =>
      table
        .getByRole('row')
        .evaluateAll((rows) => rows.slice(1).map((r) => r.querySelector('a')?.textContent));
    expect(await names()).toEqual(['Alpha Whale', 'Gamma Owl', 'Beta Fox']);
    const alphaRow = table.getByRole('row').filter({ hasText: 'Alpha Whale' });
    await expect(alphaRow.getByText('+$1,250.50').count()).resolves.toBe(1);
    const betaRow = table.getByRole('row').filter({ hasText: 'Beta Fox' });
    await expect(betaRow.getByText('−$75.25').count()).resolves.toBe(1);

    // The 30-day window: its P&L in the table, ranked by it.
    await page.getByRole('combobox', { name: 'Window' }).selectOption('30d');
    await table.getByRole('columnheader', { name: /P&L 30d/ }).waitFor();
    await expect.poll(names).toEqual(['Gamma Owl', 'Alpha Whale', 'Beta Fox']);
    const gammaRow = table.getByRole('row').filter({ hasText: 'Gamma Owl' });
    await expect(gammaRow.getByText('+$480.00').count()).resolves.toBe(1);

    // A market category narrows the table to the traders active in it; minimum trades narrows further.
    await page.getByRole('combobox', { name: 'Category' }).selectOption('politics');
    await expect.poll(names).toEqual(['Gamma Owl', 'Alpha Whale']);
    await page.getByRole('textbox', { name: 'Minimum trades' }).fill('10');
    await expect.poll(names).toEqual(['Alpha Whale']);
    await page.getByRole('textbox', { name: 'Minimum trades' }).fill('');
    await page.getByRole('combobox', { name: 'Category' }).selectOption('');
    await expect.poll(names).toEqual(['Gamma Owl', 'Alpha Whale', 'Beta Fox']);

    await page.getByRole('combobox', { name: 'Window' }).selectOption('all');
    await table.getByRole('columnheader', { name: /P&L all time/ }).waitFor();
    // The page's CSP forbids eval (no string predicates in the page): poll the names instead.
    await expect.poll(names).toEqual(['Beta Fox', 'Alpha Whale', 'Gamma Owl']);

    await page.getByRole('button', { name: 'Sort by Win rate' }).click();
    await expect.poll(names).toEqual(['Gamma Owl', 'Alpha Whale', 'Beta Fox']);

    await page.getByRole('textbox', { name: 'Search' }).fill('fox');
    await expect.poll(names).toEqual(['Beta Fox']);

    await page.getByRole('textbox', { name: 'Search' }).fill('nobody-here');
    await page.getByText('No trader matches these filters yet.').waitFor();

    await page.getByRole('textbox', { name: 'Search' }).fill(beta.slice(0, 10));
    await table.getByRole('link', { name: 'Beta Fox' }).click();
    await page.waitForURL(`${p.url}/traders/${beta}`);

    expect(errors).toEqual([]);
    await context.close();
  });

  it('has no serious accessibility violations, in light and dark, and fits a 390 px phone', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, errors, context } = await openPage(browser, {
        colorScheme,
        viewport: { width: 390, height: 844 },
      });
      await page.goto(p.url);
      await page.getByRole('link', { name: 'Alpha Whale' }).waitFor();
      expect(await axeSerious(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBe(0);
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('loads at most 300 kB of JavaScript (gzipped) before the leaderboard is on screen', async () => {
    const { page, errors, context } = await openPage(browser);
    const scripts: Promise<number>[] = [];
    page.on('response', (r) => {
      if (r.request().resourceType() === 'script') scripts.push(r.body().then((b) => gzipSync(b).length));
    });
    await page.goto(p.url);
    await page.getByRole('link', { name: 'Alpha Whale' }).waitFor();
    const sizes = await Promise.all(scripts);
    expect(sizes.length).toBeGreaterThan(0);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(300 * 1024);
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows a trader's open positions at their marks, and the unrealized P&L on a card", async () => {
    // Alpha holds 150 shares at an average 0.50 (basis 75), marked 0.80: +45 unrealized.
    const fill = (side: 'BUY' | 'SELL', size: string, price: string, minutesAgo: number) =>
      p.t.db
        .insertInto('trades')
        .values({
          trader_wallet_address: alpha,
          market_id: `0x${'a'.repeat(64)}`,
          market_name: 'Will the e2e market resolve YES?',
          position: 'YES',
          asset_id: 'e2e-token-a',
          side,
          quantity: size,
          entry_price: price,
          entry_value_usd: (Number(size) * Number(price)).toFixed(6),
          entry_timestamp: new Date(Date.now() - minutesAgo * 60_000),
        })
        .execute();
    await fill('BUY', '100', '0.40', 30);
    await fill('BUY', '100', '0.60', 20);
    await fill('SELL', '50', '0.70', 10);
    await sql`INSERT INTO token_marks (asset_id, price, priced_at) VALUES ('e2e-token-a', 0.80, now())`.execute(
      p.t.db,
    );
    const { page, errors, context } = await openPage(browser);
    await page.goto(`${p.url}/traders/${alpha}`);
    const table = page.getByRole('table', { name: 'Open positions' });
    const row = table.getByRole('row').filter({ hasText: 'Will the e2e market resolve YES?' });
    await row.waitFor();
    await expect(row.getByText('+$45.00').count()).resolves.toBe(1);
    await expect(row.getByText('$75.00').count()).resolves.toBe(1);
    await page.getByText('1 open, 75.00 USD at cost').waitFor();
    expect(await axeSerious(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
