// The follow form's copy settings in a real browser (issue 17): on a trader's page, save the form's
// settings as a preset, start a new follow from that preset, set the newer settings (leader trade
// size bounds, allowed markets, excluded categories, the circuit breaker, copying the trader's open
// positions) — refused values shown next to their fields first, nothing written — and check through
// the API that the follow has exactly those settings, that the open position was decided, and
// that editing (where copying open positions is not offered) clears the breaker to "never".
import type { Browser } from 'playwright-core';
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
let market: { conditionId: string; tokenId: string };
const email = 'presets@example.com';
const password = 'violet kettle drums at noon';
let token = '';

async function apiGet<T>(path: string): Promise<T> {
  const res = await fetch(`${p.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  [p, browser] = await Promise.all([startE2EPlatform(), launchBrowser()]);
  leader = await newLeader(p);
  await seedTraders(p, [
    {
      wallet: leader.address,
      name: 'Preset Leader',
      pnl7d: '120',
      totalPnl: '900',
      trades: 12,
      winRate: '55',
    },
  ]);
  // The leader holds a position before anyone follows: 100 shares at 0.50.
  market = await preparedMarket(p);
  await leaderBuys(p, leader, market.tokenId, '50');
  const registered = await fetch(`${p.url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(registered.status).toBe(201);
  const login = await fetch(`${p.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  token = ((await login.json()) as { accessToken: string }).accessToken;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await p?.stop();
});

interface FollowView {
  id: string;
  presetId: string | null;
  sizingMode: string;
  fixedAmountUsd: string | null;
  maxBuyPrice: string | null;
  minLeaderTradeUsd: string | null;
  maxLeaderTradeUsd: string | null;
  allowedMarkets: string[] | null;
  excludedCategories: string[] | null;
  maxConsecutiveFailures: number | null;
  copyOpenPositions: boolean;
}

describe('the follow form with presets and the newer settings', () => {
  it('saves a preset, follows from it with the new fields, then edits the breaker to never', async () => {
    const { page, errors, context } = await openPage(browser);
    await page.goto(`${p.url}/sign-in?next=/traders/${leader.address}`);
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Preset Leader' }).waitFor();

    // Save a preset from the form.
    await page.getByRole('button', { name: 'Follow' }).click();
    let dialog = page.getByRole('dialog', { name: 'Follow Preset Leader' });
    expect(await dialog.getByRole('combobox', { name: 'Start from a preset' }).isDisabled()).toBe(true);
    await dialog.getByRole('combobox', { name: 'Sizing mode' }).selectOption('fixed_usd');
    await dialog.getByLabel('Fixed amount per trade (USD)').fill('8');
    // Refused first: no name, and a price band outside 0..1; each message next to its field.
    const band = dialog.getByLabel('Buy only below price');
    await band.fill('2');
    await dialog.getByRole('button', { name: 'Save as preset' }).click();
    await expect.poll(() => band.getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByLabel('Preset name').getAttribute('aria-invalid')).toBe('true');
    expect(await p.t.db.selectFrom('copy_presets').select('id').execute()).toEqual([]);
    await band.fill('0.9');
    await dialog.getByLabel('Preset name').fill('Cautious eight');
    await dialog.getByRole('button', { name: 'Save as preset' }).click();
    await dialog.getByRole('status').filter({ hasText: 'Saved preset “Cautious eight”.' }).waitFor();
    const { presets } = await apiGet<{
      presets: Array<{ id: string; name: string; settings: Record<string, unknown> }>;
    }>('/presets');
    expect(presets).toHaveLength(1);
    expect(presets[0]!.name).toBe('Cautious eight');
    expect(presets[0]!.settings).toMatchObject({
      sizingMode: 'fixed_usd',
      fixedAmountUsd: '8',
      maxBuyPrice: '0.9',
    });
    expect(await p.t.db.selectFrom('copy_relationships').select('id').execute()).toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    // A fresh form starts from the defaults; choosing the preset fills it.
    await page.getByRole('button', { name: 'Follow' }).click();
    dialog = page.getByRole('dialog', { name: 'Follow Preset Leader' });
    expect(await dialog.getByRole('combobox', { name: 'Sizing mode' }).inputValue()).toBe('proportional');
    await dialog
      .getByRole('combobox', { name: 'Start from a preset' })
      .selectOption({ label: 'Cautious eight' });
    expect(await dialog.getByRole('combobox', { name: 'Sizing mode' }).inputValue()).toBe('fixed_usd');
    expect(await dialog.getByLabel('Fixed amount per trade (USD)').inputValue()).toBe('8');
    expect(await dialog.getByLabel('Buy only below price').inputValue()).toBe('0.9');

    await dialog.getByLabel('Ignore leader buys below (USD)').fill('2');
    await dialog.getByLabel('Ignore leader buys above (USD)').fill('5000');
    await dialog.getByLabel('Only copy these markets').fill(market.conditionId);
    // A chip hides its input behind its label: click what a person clicks.
    const excluded = dialog.getByRole('group', { name: 'Never these categories' });
    await excluded.getByText('weather', { exact: true }).click();
    expect(await excluded.getByRole('checkbox', { name: 'weather' }).isChecked()).toBe(true);
    const openPositions = dialog.getByRole('switch', { name: 'Also copy the trader’s open positions now' });
    await openPositions.check();
    const breaker = dialog.getByLabel('Pause after failed copies in a row');
    expect(await breaker.inputValue()).toBe('5');
    await breaker.fill('0');
    await dialog.getByRole('button', { name: 'Start following' }).click();
    await expect.poll(() => breaker.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await breaker.getAttribute('aria-describedby')) ?? '';
    const messages = await Promise.all(
      describedBy
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => page.locator(`[id="${id}"]`).textContent()),
    );
    expect(messages.join(' ')).toContain('must be at least 1');
    expect(await p.t.db.selectFrom('copy_relationships').select('id').execute()).toEqual([]);
    expect(await axeSerious(page)).toEqual([]);

    await breaker.fill('3');
    await dialog.getByRole('button', { name: 'Start following' }).click();
    await page.getByRole('heading', { name: 'My dashboard' }).waitFor();
    const following = page.getByRole('table', { name: 'Following' });
    await following.getByText('active · paper').waitFor();

    const { items } = await apiGet<{ items: FollowView[] }>('/follows');
    expect(items).toHaveLength(1);
    // Amounts come back at their columns' scale.
    expect(items[0]).toMatchObject({
      presetId: presets[0]!.id,
      sizingMode: 'fixed_usd',
      fixedAmountUsd: '8.00',
      maxBuyPrice: '0.9000',
      minLeaderTradeUsd: '2.00',
      maxLeaderTradeUsd: '5000.00',
      allowedMarkets: [market.conditionId],
      excludedCategories: ['weather'],
      maxConsecutiveFailures: 3,
      copyOpenPositions: true,
    });
    // The leader's open position was decided at follow time (copied, or skipped with its reason).
    const decisions = await apiGet<{ items: Array<{ source: string; outcome: string }> }>('/decisions');
    expect(decisions.items.filter((d) => d.source === 'open_position')).toHaveLength(1);

    // Editing: copying open positions belongs to following, so it is not offered; empty breaker = never.
    await following.getByRole('button', { name: /^Edit follow of/ }).click();
    const edit = page.getByRole('dialog', { name: 'Edit follow' });
    const editBreaker = edit.getByLabel('Pause after failed copies in a row');
    expect(await editBreaker.inputValue()).toBe('3');
    expect(await edit.getByRole('switch').count()).toBe(0);
    await editBreaker.fill('');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'hidden' });
    const after = await apiGet<FollowView>(`/follows/${items[0]!.id}`);
    expect(after).toMatchObject({
      maxConsecutiveFailures: null,
      fixedAmountUsd: '8.00',
      presetId: presets[0]!.id,
    });

    // The refused requests: the preset without a name, the follow with a breaker of 0.
    expect(errors).toEqual([
      expect.stringMatching(/status of 400 \(Bad Request\) http:\/\/127\.0\.0\.1:\d+\/api\/v1\/presets$/),
      expect.stringMatching(/status of 400 \(Bad Request\) http:\/\/127\.0\.0\.1:\d+\/api\/v1\/follows$/),
    ]);
    await context.close();
  });
});
