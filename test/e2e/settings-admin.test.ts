// Settings and Admin in a real browser: a wallet-only account adds email and password sign-in (the
// API's refusals at the fields); Polymarket keys verified against the simulator's CLOB, refused,
// revoked, and the credential audit trail that records each; an admin sees users and tiers, a queue
// row that needs an operator, turns the kill switch on only after confirming, and finds it in the
// audit trail. Every page is scanned with axe-core.
import type { Browser, Page } from 'playwright-core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolymarketVenue } from '../../src/venue/polymarket/polymarket-venue.ts';
import { insertRelationship, insertTrader } from '../support/fixtures.ts';
import { axeSerious, launchBrowser, openPage } from './support/browser.ts';
import { startE2EPlatform, type E2EPlatform } from './support/platform.ts';

let p: E2EPlatform;
let browser: Browser;
const password = 'violet kettle drums at noon';

async function register(email: string): Promise<string> {
  const res = await fetch(`${p.url}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`register ${email}: ${res.status} ${text}`);
  return (JSON.parse(text) as { user: { id: string } }).user.id;
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${p.url}/sign-in`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'My dashboard' }).waitFor();
}

/** The messages a field is described by (Mantine ties the error to the input with aria-describedby). */
async function describedBy(page: Page, field: ReturnType<Page['getByLabel']>): Promise<string> {
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(' ');
}

const refused = (status: string, path: string) =>
  expect.stringMatching(new RegExp(`status of ${status}.*http://127\\.0\\.0\\.1:\\d+/api/v1${path}$`));

beforeAll(async () => {
  [p, browser] = await Promise.all([startE2EPlatform(), launchBrowser()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await p?.stop();
});

describe('settings: sign-ins and Polymarket keys', () => {
  it('a wallet-only account adds email and password, with the refusals at their fields', async () => {
    const userId = await register('wallet-first@example.com');
    await register('taken@example.com');
    const wallet = privateKeyToAccount(generatePrivateKey()).address.toLowerCase();
    await p.t.db.updateTable('users').set({ wallet_address: wallet }).where('id', '=', userId).execute();
    const { page, errors, context } = await openPage(browser);
    await signIn(page, 'wallet-first@example.com');
    await page.goto(`${p.url}/settings?tab=profile`);
    // Leave only the wallet: the account is now like one made by wallet sign-in.
    await page.getByRole('button', { name: 'Remove Email and password' }).click();
    const form = page.getByRole('form', { name: 'Add email and password sign-in' });
    await form.waitFor();
    expect(await axeSerious(page)).toEqual([]);

    const email = form.getByLabel('Email', { exact: true });
    const newPassword = form.getByLabel('New password');
    await email.fill('taken@example.com');
    await newPassword.fill('short');
    await form.getByRole('button', { name: 'Add email sign-in' }).click();
    await expect.poll(() => newPassword.getAttribute('aria-invalid'), { timeout: 15_000 }).toBe('true');
    expect(await describedBy(page, newPassword)).toContain('password must be at least 10 characters');
    await newPassword.fill(password);
    await form.getByRole('button', { name: 'Add email sign-in' }).click();
    // The address is checked after the password is hashed (slow on purpose): wait for it.
    await expect.poll(() => email.getAttribute('aria-invalid'), { timeout: 15_000 }).toBe('true');
    expect(await describedBy(page, email)).toContain('an account with this email already exists');
    expect(await newPassword.getAttribute('aria-invalid')).not.toBe('true');

    await email.fill('second-way@example.com');
    await form.getByRole('button', { name: 'Add email sign-in' }).click();
    const ways = page.getByRole('table', { name: 'Ways to sign in' });
    await ways.getByRole('cell', { name: 'second-way@example.com' }).waitFor();
    await form.waitFor({ state: 'detached' });
    const login = await fetch(`${p.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'second-way@example.com', password }),
    });
    expect(login.status).toBe(200);
    expect(errors).toEqual([refused('400', '/auth/link/email'), refused('409', '/auth/link/email')]);
    await context.close();
  });

  it('adds a key the venue verifies, shows a refused one, revokes, and lists each in the audit trail', async () => {
    await register('keys@example.com');
    const privateKey = generatePrivateKey();
    const signer = privateKeyToAccount(privateKey);
    const creds = await PolymarketVenue.createOrDeriveCredentials({
      clobHost: p.hosts.clob,
      chainId: 137,
      signer,
    });
    const { page, errors, context } = await openPage(browser);
    await signIn(page, 'keys@example.com');
    await page.goto(`${p.url}/settings?tab=credentials`);
    await page.getByText('No Polymarket credentials yet: you copy in paper mode.').waitFor();
    const audit = page.getByRole('table', { name: 'Credential audit trail' });

    const fill = async (secret: string) => {
      await page.getByLabel('API key').fill(creds.apiKey);
      await page.getByLabel('API secret').fill(secret);
      await page.getByLabel('API passphrase').fill(creds.passphrase);
      // The verifier's balance call is made as this key's address: it proves the key signs for it.
      await page.getByLabel('Private key (optional)').fill(privateKey);
      await page.getByLabel('Name').fill('main');
      await page.getByRole('button', { name: 'Verify and add' }).click();
    };
    // A secret that is not this key's: the simulator refuses the signed balance call.
    await fill(Buffer.from('not the secret of this key at all').toString('base64'));
    await page.getByRole('alert').filter({ hasText: 'Polymarket rejected these credentials' }).waitFor();
    await audit.getByText('Refused by Polymarket').waitFor();

    await fill(creds.secret);
    const keys = page.getByRole('table', { name: 'Polymarket credentials' });
    const masked = `••••••••${creds.apiKey.slice(-4)}`;
    await keys.getByText(masked).waitFor();
    await keys.getByRole('button', { name: `Revoke key ${masked}` }).click();
    await keys.getByText('revoked', { exact: true }).waitFor();
    await expect.poll(() => audit.getByRole('row').count(), { timeout: 15_000 }).toBe(4);
    const rows = await audit.getByRole('row').allTextContents();
    expect(rows[1]).toMatch(/Revoked.*revoked in the dashboard/);
    expect(rows[1]).toContain(masked);
    expect(rows[2]).toMatch(/Added.*as the primary key/);
    expect(rows[3]).toContain('Refused by Polymarket');
    for (const secret of [creds.secret, creds.passphrase]) expect(rows.join(' ')).not.toContain(secret);
    await page.getByRole('combobox', { name: 'Show' }).selectOption('revoke');
    await expect.poll(() => audit.getByRole('row').count(), { timeout: 15_000 }).toBe(2);
    expect(await axeSerious(page)).toEqual([]);
    expect(errors).toEqual([refused('422', '/credentials')]);
    await context.close();
  });
});

describe('admin', () => {
  it('users and tiers, a row needing an operator, the kill switch behind a confirmation, the audit trail', async () => {
    const adminId = await register('admin@example.com');
    await p.t.db.updateTable('users').set({ role: 'admin' }).where('id', '=', adminId).execute();
    const followerId = await register('follower@example.com');
    const trader = await insertTrader(p.t.db);
    const rel = await insertRelationship(p.t.db, followerId, trader.wallet_address, { mode: 'live' });
    const stuck = await p.t.db
      .insertInto('trade_queue')
      .values({
        user_id: followerId,
        copy_relationship_id: rel.id,
        trader_wallet_address: trader.wallet_address,
        market_id: 'm-stuck',
        position: 'YES',
        quantity: '10',
        status: 'failed',
        stage: 'operator',
        mode: 'live',
        signed_at: new Date(),
        completed_at: new Date(),
        error_message: 'needs_operator: the order could not be found after 5 look-ups',
      })
      .returning('id')
      .executeTakeFirstOrThrow();

    const { page, errors, context } = await openPage(browser);
    await signIn(page, 'admin@example.com');
    await page
      .getByRole('navigation', { name: 'Main', exact: true })
      .getByRole('link', { name: 'Admin' })
      .click();
    await page.getByRole('heading', { name: 'Admin' }).waitFor();
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByText('follower@example.com').waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await users.getByRole('combobox', { name: `Tier of user ${followerId}` }).selectOption('pro');
    await expect
      .poll(
        async () =>
          (
            await p.t.db
              .selectFrom('users')
              .select('subscription_tier')
              .where('id', '=', followerId)
              .executeTakeFirstOrThrow()
          ).subscription_tier,
      )
      .toBe('pro');

    await page.getByRole('tab', { name: 'Queue' }).click();
    await page.getByRole('combobox', { name: 'Status' }).selectOption('failed');
    const queue = page.getByRole('table', { name: 'Queue' });
    const row = queue.getByRole('row').filter({ hasText: `#${stuck.id}` });
    await row.getByText('needs an operator').waitFor();
    await row.getByText(/needs_operator: the order could not be found/).waitFor();
    expect(await axeSerious(page)).toEqual([]);

    await page.getByRole('tab', { name: 'Kill switch' }).click();
    await page.getByText('Off: orders are placed normally.').waitFor();
    await page.getByLabel('Reason').fill('venue incident');
    const killSwitch = page.getByRole('switch', { name: 'Stop every order on the platform' });
    // Mantine draws the switch over its input: operate it by keyboard, as a person can.
    await killSwitch.focus();
    await page.keyboard.press('Space');
    const confirm = page.getByRole('dialog', { name: 'Stop every order on the platform?' });
    await confirm.waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await confirm.getByRole('button', { name: 'Keep it off' }).click();
    await confirm.waitFor({ state: 'detached' });
    const controls = () => p.t.db.selectFrom('platform_controls').select('kill_switch').executeTakeFirst();
    expect((await controls())?.kill_switch ?? false).toBe(false);
    expect(await killSwitch.isChecked()).toBe(false);
    await killSwitch.focus();
    await page.keyboard.press('Space');
    await confirm.getByRole('button', { name: 'Turn the kill switch on' }).click();
    await page.getByText(/^ON since .*: venue incident$/).waitFor();
    expect((await controls())?.kill_switch).toBe(true);

    await page.getByRole('tab', { name: 'Audit' }).click();
    const trail = page.getByRole('table', { name: 'Admin audit trail' });
    await trail.getByRole('cell', { name: 'kill switch' }).waitFor();
    await trail
      .getByRole('row')
      .filter({ hasText: 'user tier' })
      .filter({ hasText: `user #${followerId}` })
      .waitFor();
    expect(await axeSerious(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
