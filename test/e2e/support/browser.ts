// Debian's Chromium driven by playwright-core (browsers cannot be downloaded here). Every page
// records console errors and uncaught exceptions; tests assert there were none.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Root in CI containers: Chromium's sandbox needs user namespaces it does not get there.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

export interface TrackedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
}

export async function openPage(
  browser: Browser,
  opts: {
    viewport?: { width: number; height: number };
    colorScheme?: 'light' | 'dark';
    timezoneId?: string;
  } = {},
): Promise<TrackedPage> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    colorScheme: opts.colorScheme ?? 'light',
    timezoneId: opts.timezoneId ?? 'UTC',
    locale: 'en-US',
    // The dashboard turns its transitions off for people who ask for less motion (theme.ts), so a
    // scan never samples colours halfway through a dialog fading in.
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('console', (m) => {
    // A failed request is logged without its address: add it, so a test can tell which one failed.
    const url = m.location().url;
    if (m.type() !== 'error') return;
    errors.push(`console: ${m.text()} ${url}`.trim());
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return { page, context, errors };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core over the current page; returns the serious and critical violations only. */
export async function axeSerious(page: Page): Promise<AxeViolation[]> {
  // Let any transition still running end first: mid-fade colours fail contrast that the settled
  // page passes.
  await page.evaluate('Promise.all(document.getAnimations().map((a) => a.finished)).then(() => undefined)');
  await page.evaluate(axeSource);
  // A string expression: this file is type-checked without the DOM library.
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`)) as AxeViolation[];
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** The page scrolls sideways when its content is wider than the viewport. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}
