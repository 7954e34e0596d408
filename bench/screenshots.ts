// `npm run screenshots`: PNGs of every dashboard page for docs/screenshots/ (shown in the README).
// Starts the whole platform as `npm start` would on a fresh machine — built-in simulator, the demo
// on — but on a scratch database (TEST_DATABASE_URL / DATABASE_URL's server, else the embedded one:
// bench/fresh-database.ts) that is dropped at the end. It waits for what a first-time visitor sees:
// a ranked leaderboard and the demo account's first copies, signs in as the demo with the password
// the platform made for it, and drives Debian's Chromium (CHROMIUM_PATH) through the pages.
// Needs a current web build (`npm run build`).
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startPlatform } from '../src/app/platform.ts';
import { loadConfig } from '../src/config/config.ts';
import { hashPassword } from '../src/auth/passwords.ts';
import { createLogger } from '../src/observability/logger.ts';
import { freshBenchDatabase, type BenchDb } from './fresh-database.ts';

const OUT = resolve('docs/screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const ADMIN = { email: 'admin@polycopy.local', password: 'screenshots admin passphrase' };

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

/** The demo's first executed copy: the dashboard then has a position, a curve and activity. */
async function demoCopies(bench: BenchDb, userId: string): Promise<void> {
  await until('the demo account’s first copies', 5 * 60_000, async () => {
    const row = await bench.db
      .selectFrom('trades')
      .select((e) => e.fn.countAll<string>().as('n'))
      .where('copying_user_id', '=', userId)
      .where('is_copy_trade', '=', true)
      .executeTakeFirstOrThrow();
    return Number(row.n) >= 2 ? true : null;
  });
}

/** An admin to photograph the admin page with (the demo is an ordinary user). */
async function createAdmin(bench: BenchDb): Promise<void> {
  await bench.db
    .insertInto('users')
    .values({
      email: ADMIN.email,
      password_hash: await hashPassword(ADMIN.password),
      role: 'admin',
      is_verified: true,
    })
    .execute();
}

async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'My dashboard' }).waitFor();
}

async function shot(page: Page, name: string): Promise<void> {
  // Charts and lazy chunks draw after the data lands; a resting pointer would draw a crosshair.
  await page.waitForLoadState('networkidle');
  await page.mouse.move(0, 0);
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${OUT}/${name}.png` });
  console.log(`  docs/screenshots/${name}.png`);
}

async function photograph(browser: Browser, url: string, demo: { email: string; password: string }) {
  const context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light', locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(url);
  await page.getByRole('table').first().getByRole('link').first().waitFor();
  await shot(page, 'leaderboard');
  await page.getByRole('table').first().getByRole('link').first().click();
  await page.getByRole('button', { name: 'Follow' }).waitFor();
  await shot(page, 'trader');
  await signIn(page, url, demo.email, demo.password);
  await page.getByRole('list', { name: 'Live activity' }).getByRole('listitem').first().waitFor();
  await shot(page, 'dashboard');
  // The follow form opens from a trader the demo does not follow yet. Navigate inside the app: a
  // page load spends a refresh (rate-limited per address).
  const follow = page.getByRole('button', { name: 'Follow', exact: true });
  const manage = page.getByRole('link', { name: 'Manage on my dashboard' });
  for (let i = 0; i < 10; i++) {
    await page
      .getByRole('navigation', { name: 'Main', exact: true })
      .getByRole('link', { name: 'Leaderboard' })
      .click();
    await page.getByRole('table').first().getByRole('link').nth(i).click();
    await follow.or(manage).first().waitFor();
    if ((await follow.count()) > 0) break;
  }
  await page.getByRole('button', { name: 'Follow', exact: true }).click();
  await page.getByRole('dialog').waitFor();
  await shot(page, 'follow-form');
  await page.goto(`${url}/settings?tab=profile`);
  await page.getByRole('table', { name: 'Ways to sign in' }).waitFor();
  await shot(page, 'settings');
  await context.close();

  const admin = await browser.newContext({ viewport: DESKTOP, colorScheme: 'dark', locale: 'en-US' });
  const adminPage = await admin.newPage();
  adminPage.setDefaultTimeout(30_000);
  await signIn(adminPage, url, ADMIN.email, ADMIN.password);
  await adminPage.goto(`${url}/admin`);
  await adminPage.getByRole('table', { name: 'Users' }).waitFor();
  await shot(adminPage, 'admin');
  await admin.close();

  const phone = await browser.newContext({
    viewport: PHONE,
    colorScheme: 'dark',
    locale: 'en-US',
    isMobile: true,
  });
  const phonePage = await phone.newPage();
  await phonePage.goto(url);
  await phonePage.getByRole('table').first().getByRole('link').first().waitFor();
  await shot(phonePage, 'leaderboard-phone');
  await phone.close();
}

async function main(): Promise<void> {
  if (!existsSync('web/dist/index.html')) throw new Error('no web build: run `npm run build` first');
  mkdirSync(OUT, { recursive: true });
  const bench = await freshBenchDatabase({
    prefix: 'polycopy_screens',
    poolMax: 2,
    applicationName: 'screenshots',
  });
  const port = await freePort();
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: bench.url,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SIMULATOR_PORT: '0',
    POLYMARKET_CLOB_URL: '',
    DEMO: 'on',
    REDIS_URL: '',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
  });
  console.log('starting the platform on a scratch database…');
  const platform = await startPlatform(config, createLogger(config.logLevel));
  let browser: Browser | undefined;
  try {
    await createAdmin(bench);
    const demo = await until('the demo account (a ranked leaderboard)', 5 * 60_000, async () => {
      const d = await Promise.race([
        platform.demoReady,
        new Promise<null>((r) => setTimeout(() => r(null), 2_000)),
      ]);
      return d && d.password !== null && d.followed.length > 0 ? d : null;
    });
    console.log(`demo following ${demo.followed.length} traders; waiting for its first copies…`);
    await demoCopies(bench, demo.userId);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    });
    console.log('writing:');
    await photograph(browser, platform.url, { email: demo.email, password: demo.password! });
  } finally {
    await browser?.close();
    await platform.stop('screenshots done');
    await bench.close();
  }
}

await main();
