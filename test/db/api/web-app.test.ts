// The dashboard served by the API process (src/http/web-app.ts): client routes fall back to
// index.html, hashed assets are cached immutable and index.html is not, unknown /api paths and
// missing files are the API's JSON 404, and every page carries the security headers and the CSP.
// A tiny fixture build stands in for web/dist.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, type TestApi } from './api-harness.ts';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';
const ASSET = 'console.log("app")';

function fixtureDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dashapi-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), ASSET);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, '.secret'), 'dotfile');
  return dir;
}

const expectJson404 = (res: {
  statusCode: number;
  headers: Record<string, unknown>;
  json: () => unknown;
}) => {
  expect(res.statusCode).toBe(404);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  const body = res.json() as { error: { code: string; message: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe('route_not_found');
  expect(res.headers['cache-control']).toBe('no-cache');
};

describe('web dashboard served by the API', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let dist: string;
  beforeAll(async () => {
    dist = fixtureDist();
    api = await buildTestApi(t.current.db, { settings: { webDistDir: dist } });
  });
  afterAll(async () => {
    await api?.app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at / and for every client route, never cached', async () => {
    for (const url of [
      '/',
      '/traders/0x56687bf447db6ffa42ffe2204a05edaa20f55839',
      '/dashboard',
      '/settings/security?tab=2fa',
    ]) {
      const res = await api.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toBe(INDEX);
    }
    const head = await api.app.inject({ method: 'HEAD', url: '/leaderboard' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });

  it('serves hashed assets cached for a year, immutable, and other root files revalidated', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(ASSET);
    expect(String(res.headers['content-type'])).toMatch(/^(application|text)\/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await api.app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers a JSON 404, not the app, for a missing asset, a missing file, a dotfile and a path escape', async () => {
    for (const url of [
      '/assets/missing-123.js',
      '/missing.png',
      '/.secret',
      '/assets/..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
    ])
      expectJson404(await api.app.inject({ method: 'GET', url }));
  });

  it('keeps /api JSON: unknown API paths are the JSON 404 for every method, inside and outside /api/v1', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/no-such-route'],
      ['GET', '/api/v2/leaderboard'],
      ['GET', '/api'],
      ['POST', '/api/v1/nope'],
      ['DELETE', '/api/anything'],
      ['POST', '/dashboard'],
    ] as const) {
      const res = await api.app.inject({ method, url });
      expectJson404(res);
    }
    // The API itself still answers JSON.
    const lb = await api.app.inject({ method: 'GET', url: '/api/v1/leaderboard' });
    expect(lb.statusCode).toBe(200);
    expect(String(lb.headers['content-type'])).toMatch(/^application\/json/);
    const health = await api.app.inject({ method: 'GET', url: '/health' });
    expect(health.json()).toMatchObject({ status: 'ok' });
  });

  it('sends strict security headers and a self-only CSP with the pages', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('telegram.org');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it('allows the Telegram login widget in the CSP only when a bot is configured, and upgrades over https', async () => {
    const tg = await buildTestApi(t.current.db, {
      settings: {
        webDistDir: dist,
        telegramBotToken: '123456:ABCDEF',
        publicUrl: 'https://polycopy.example',
      },
    });
    try {
      const csp = String(
        (await tg.app.inject({ method: 'GET', url: '/' })).headers['content-security-policy'],
      );
      expect(csp).toContain("script-src 'self' https://telegram.org");
      expect(csp).toContain('frame-src https://oauth.telegram.org');
      expect(csp).toContain('upgrade-insecure-requests');
    } finally {
      await tg.app.close();
    }
  });

  it('serves nothing at / without a build: the JSON 404', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'dashapi-nodist-'));
    const bare = await buildTestApi(t.current.db, { settings: { webDistDir: empty } });
    try {
      expectJson404(await bare.app.inject({ method: 'GET', url: '/' }));
      expectJson404(await bare.app.inject({ method: 'GET', url: '/api/v2/x' }));
    } finally {
      await bare.app.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
